import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Dossier steps, files, counters, outbox, citizens")
struct DossierWorkTests {
    typealias World = DossierRepositoryTests.World
    static let monday = DossierRepositoryTests.monday

    static func files() throws -> FileStore {
        let root = URL(fileURLWithPath: TestDatabase.scratchDirectory).appendingPathComponent("files-\(UUID().uuidString)")
        return FileStore(root: root)
    }

    static func pdf(_ text: String) -> [UInt8] { Array("%PDF-1.4\n% \(text)\n".utf8) }

    @Test("steps hand the dossier from unit to unit, each with its own due date; the counters follow every event")
    func stepsAndCounters() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let repo = DossierRepository(db: db)
            let actor = AuditActor.system("motcua")
            var intake = DossierRepositoryTests.intake(w)
            intake.applicant.email = "an@example.vn"
            let d = try await repo.receive(intake, actor: actor, now: Self.monday).dossier
            let tuesday = Self.monday.addingTimeInterval(86_400)
            _ = try await repo.act(d.id, expectedVersion: 1, event: .forward(to: w.division.id, electronic: true, note: nil),
                                   actor: actor, now: tuesday)
            _ = try await repo.act(d.id, expectedVersion: 2, event: .sendBack(to: w.ward.id, reason: "thiếu chữ ký"),
                                   actor: actor, now: tuesday.addingTimeInterval(3600))
            _ = try await repo.act(d.id, expectedVersion: 3, event: .forward(to: w.division.id, electronic: false, note: "bản giấy"),
                                   actor: actor, now: tuesday.addingTimeInterval(7200))
            _ = try await repo.act(d.id, expectedVersion: 4, event: .markProcessed(electronicResult: true), actor: actor,
                                   now: tuesday.addingTimeInterval(86_400))
            let steps = try await repo.steps(of: d.id)
            #expect(steps.map(\.unitID) == [w.ward.id, w.division.id, w.ward.id, w.division.id])
            #expect(steps.map(\.electronic) == [true, true, true, false])
            #expect(steps.allSatisfy { $0.finishedAt != nil })
            #expect(steps.allSatisfy { $0.dueAt <= d.dueAt })
            let day = VietnamTime.localDate(of: Self.monday)
            let totals = try await ServiceCounterStore.totals(units: [w.ward.id], from: day, through: LocalDate(iso: "2025-03-31")!, on: db)
            let counter = try #require(totals[.counter])
            #expect(counter[.received] == 1)
            #expect(counter[.transfers] == 3 && counter[.transfersElectronic] == 2)
            #expect(counter[.finishedEarly] == 1 && counter[.resultsElectronic] == 1)
            #expect(totals[.online] == nil)
            // The applicant was told about the receipt and the result through the outbox.
            let messages = try await OutboxRepository(db: db).messages(about: d.id)
            #expect(messages.count == 2 && messages.allSatisfy { $0.recipient == "an@example.vn" && $0.status == .pending })
        }
    }

    @Test("inter-agency procedures give each step its share of the working days")
    func interAgencyShares() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            var p = w.procedure
            p.interAgencySteps = [.init(unit: "UBND phường", days: 2), .init(unit: "Phòng Văn hóa", days: 3)]
            let updated = try await ProcedureRepository(db: db).update(p.id, expectedVersion: p.version, publication: .init(decision: nil, effectiveFrom: nil),
                                                                      actor: .system("t"), now: Self.monday) { [p] in $0 = p }
            #expect(updated.interAgencySteps.count == 2)
            let repo = DossierRepository(db: db)
            let d = try await repo.receive(DossierRepositoryTests.intake(w), actor: .system("t"), now: Self.monday).dossier
            _ = try await repo.act(d.id, expectedVersion: 1, event: .forward(to: w.division.id, electronic: true, note: nil),
                                   actor: .system("t"), now: Self.monday)
            let steps = try await repo.steps(of: d.id)
            let f = ISO8601DateFormatter()
            #expect(steps.map(\.dueAt) == [f.date(from: "2025-03-05T17:00:00+07:00"), f.date(from: "2025-03-06T17:00:00+07:00")])
        }
    }

    @Test("files are stored once by SHA-256; a digitised copy is reused only by the same applicant and counted")
    func filesAndReuse() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let store = try Self.files()
            let repo = DossierRepository(db: db)
            let component = w.procedure.documents[0].name
            let bytes = Self.pdf("tờ khai")
            let blob = try store.put(bytes)
            #expect(try store.put(bytes) == blob)
            #expect(try store.read(blob.sha256) == Data(bytes))
            #expect(store.url(for: "../../etc/passwd") == nil)
            var intake = DossierRepositoryTests.intake(w)
            intake.applicant.idNumber = "001099012345"
            let scans = [FileDraft(kind: .component, component: component, blob: blob, contentType: "application/pdf",
                                      originalName: "to-khai.pdf", digitised: true)]
            let first = try await repo.receive(intake, files: scans, actor: .system("t"), now: Self.monday).dossier
            let reusable = try await repo.reusableFiles(idNumber: "001 099 012 345")
            #expect(reusable.count == 1 && reusable[0].dossierID == first.id)
            #expect(try await repo.reusableFiles(idNumber: "079000000001").isEmpty)

            var again = DossierRepositoryTests.intake(w)
            again.applicant.idNumber = "001099012345"
            again.reuse = [reusable[0].id]
            let second = try await repo.receive(again, actor: .system("t"), now: Self.monday).dossier
            let files = try await repo.files(of: second.id)
            #expect(files.count == 1 && files[0].reusedFrom == reusable[0].id && files[0].sha256 == blob.sha256)

            var stranger = DossierRepositoryTests.intake(w)
            stranger.applicant.idNumber = "079000000001"
            stranger.reuse = [reusable[0].id]
            await #expect(throws: DomainError.self) { _ = try await repo.receive(stranger, actor: .system("t"), now: Self.monday) }

            // Unmarking a digitised file takes it off the counter.
            _ = try await repo.setDigitised(reusable[0].id, false, actor: .system("t"), now: Self.monday)
            let totals = try await ServiceCounterStore.totals(units: [w.ward.id], from: VietnamTime.localDate(of: Self.monday),
                                                              through: VietnamTime.localDate(of: Self.monday), on: db)
            #expect(totals[.counter]?[.componentsDigitised] == 0)
            #expect(totals[.counter]?[.componentsReused] == 1)
            #expect(totals[.counter]?[.received] == 2)
            let dossiers = try await db.sql.raw("SELECT COUNT(*) AS n FROM dossiers").first()?.decode(column: "n", as: Int.self)
            #expect(dossiers == 2, "the refused intake left nothing behind")
        }
    }

    @Test("one-time codes: sent through the outbox, single use, five tries, three per quarter hour")
    func oneTimeCodes() async throws {
        try await withTestDatabase { db in
            let citizens = CitizenRepository(db: db)
            let outbox = OutboxRepository(db: db)
            let now = Self.monday
            try await citizens.issueCode(to: " An@Example.VN ", now: now)
            let message = try #require(try await outbox.list(status: .pending, limit: 10).first)
            #expect(message.recipient == "an@example.vn")
            let code = String(message.subject.suffix(6))
            #expect(code.allSatisfy { $0.isNumber })
            let wrong = code == "000000" ? "111111" : "000000"
            await #expect(throws: DomainError.self) { _ = try await citizens.verify(email: "an@example.vn", code: wrong, now: now) }
            let citizen = try await citizens.verify(email: "an@example.vn", code: code, now: now.addingTimeInterval(60))
            #expect(citizen.email == "an@example.vn")
            await #expect(throws: DomainError.self, "a code works once") {
                _ = try await citizens.verify(email: "an@example.vn", code: code, now: now.addingTimeInterval(61))
            }
            // Expired after 10 minutes.
            try await citizens.issueCode(to: "an@example.vn", now: now.addingTimeInterval(120))
            let second = String(try #require(try await outbox.list(status: nil, limit: 1).first).subject.suffix(6))
            await #expect(throws: DomainError.self) {
                _ = try await citizens.verify(email: "an@example.vn", code: second, now: now.addingTimeInterval(120 + 601))
            }
            // Three codes in 15 minutes at most.
            try await citizens.issueCode(to: "an@example.vn", now: now.addingTimeInterval(180))
            await #expect(throws: DomainError.self) { try await citizens.issueCode(to: "an@example.vn", now: now.addingTimeInterval(240)) }
            // Five wrong tries burn a code.
            try await citizens.issueCode(to: "binh@example.vn", now: now)
            let binh = String(try #require(try await outbox.list(status: nil, limit: 1).first).subject.suffix(6))
            for _ in 0..<5 {
                _ = try? await citizens.verify(email: "binh@example.vn", code: binh == "123456" ? "654321" : "123456", now: now)
            }
            await #expect(throws: DomainError.self) { _ = try await citizens.verify(email: "binh@example.vn", code: binh, now: now) }
            let same = try await citizens.updateProfile(citizen.id, name: "Nguyễn Văn An", phone: "0912 345 678", idNumber: "001099012345", now: now)
            #expect(same.name == "Nguyễn Văn An")
            await #expect(throws: DomainError.self) {
                _ = try await citizens.updateProfile(citizen.id, name: "An", phone: "<script>", idNumber: nil, now: now)
            }
        }
    }

    @Test("outbox claims: two instances never hold the same message; a lapsed claim is taken over; failures back off until dead; a retry revives")
    func outboxClaims() async throws {
        try await withTestDatabase { db in
            let citizens = CitizenRepository(db: db)
            for n in 0..<6 { try await citizens.issueCode(to: "dan\(n)@example.vn", now: Self.monday) }
            let outbox = OutboxRepository(db: db)
            async let a = outbox.claim(owner: "a", limit: 4, now: Self.monday)
            async let b = outbox.claim(owner: "b", limit: 4, now: Self.monday)
            let (claimedA, claimedB) = try await (a, b)
            #expect(Set(claimedA.map(\.id)).isDisjoint(with: claimedB.map(\.id)))
            #expect(claimedA.count + claimedB.count == 6)
            #expect(try await outbox.claim(owner: "c", limit: 10, now: Self.monday.addingTimeInterval(60)).isEmpty, "claims hold")
            for message in claimedB {
                #expect(try await outbox.record(message, owner: "b", sent: true, error: nil, now: Self.monday.addingTimeInterval(5)))
            }
            // Instance a died: its claims lapse and c takes them; a's late record is refused.
            let lapsed = Self.monday.addingTimeInterval(OutboxDelivery.claimDuration + 1)
            let takenOver = try await outbox.claim(owner: "c", limit: 10, now: lapsed)
            #expect(Set(takenOver.map(\.id)) == Set(claimedA.map(\.id)))
            let message = try #require(takenOver.first)
            #expect(try await outbox.record(message, owner: "a", sent: true, error: nil, now: lapsed) == false)
            // c fails every try: each next try later than the last, then dead.
            var current = message, now = lapsed, waits: [TimeInterval] = []
            for attempt in 1...OutboxDelivery.maxAttempts {
                #expect(try await outbox.record(current, owner: "c", sent: false, error: "relay down", now: now))
                let stored = try #require(try await outbox.list(status: nil, limit: 10).first { $0.id == message.id })
                #expect(stored.attempts == attempt)
                if attempt == OutboxDelivery.maxAttempts {
                    #expect(stored.status == .dead && stored.nextAttemptAt == nil)
                    break
                }
                let next = try #require(stored.nextAttemptAt)
                waits.append(next.timeIntervalSince(now))
                #expect(try await outbox.claim(owner: "c", limit: 10, now: next.addingTimeInterval(-1)).allSatisfy { $0.id != message.id },
                        "not due before its time")
                now = next
                current = try #require(try await outbox.claim(owner: "c", limit: 10, now: now).first { $0.id == message.id })
            }
            #expect(waits == waits.sorted() && waits.first == 10 && Set(waits).count > 3)
            #expect(try await outbox.backlog().dead == 1)
            let revived = try await outbox.retry(message.id, actor: .system("t"), now: now)
            #expect(revived.status == .pending && revived.attempts == 0)
            await #expect(throws: DomainError.self, "only a dead message is retried") {
                _ = try await outbox.retry(message.id, actor: .system("t"), now: now)
            }
            let again = try #require(try await outbox.claim(owner: "d", limit: 10, now: now).first { $0.id == message.id })
            #expect(try await outbox.record(again, owner: "d", sent: true, error: nil, now: now))
            #expect(try await outbox.list(status: .sent, limit: 10).contains { $0.id == message.id })
            #expect(try await AuditLog.entries(on: db, entityType: "outbox", entityID: message.id.description, beforeSequence: nil, limit: 5)
                .map(\.action) == ["outbox.retry"])
        }
    }
}
