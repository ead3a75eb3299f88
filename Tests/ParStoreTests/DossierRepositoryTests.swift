import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import Synchronization
import Testing

@Suite("Dossier store")
struct DossierRepositoryTests {
    struct World {
        let ward: OrgUnit
        let division: OrgUnit
        let procedure: Procedure
    }

    static func world(_ db: any Database) async throws -> World {
        let units = UnitRepository(db: db)
        let actor = AuditActor.system("t")
        let ward = try await units.create(OrgUnit(id: .random(), key: "00004", code: "000.04.01.H26", kind: .commune,
                                                  name: "Phường Ba Đình", parentID: nil, validFrom: nil, validTo: nil),
                                          actor: actor, now: testNow()).unit
        let division = try await units.create(OrgUnit(id: .random(), key: "00004:vh", code: "000.04.02.H26", kind: .division,
                                                      name: "Phòng Văn hóa - Xã hội", parentID: ward.id, validFrom: nil, validTo: nil),
                                              actor: actor, now: testNow()).unit
        let procedure = try await ProcedureRepository(db: db).create(
            Procedure(id: .random(), code: "1.000894", name: "Đăng ký kết hôn", field: "Hộ tịch", level: .commune, unitID: nil,
                      agency: "UBND cấp xã", applicants: "Công dân", steps: ["Nộp", "Nhận"], methods: [.counter, .online],
                      documents: [.init(name: "Tờ khai đăng ký kết hôn", copies: 1), .init(name: "Giấy xác nhận tình trạng hôn nhân", copies: 1)],
                      processingTime: .init(amount: 5, unit: .workingDays), result: "Giấy chứng nhận kết hôn", resultType: .both,
                      fees: [], legalBasis: ["Luật Hộ tịch 2014"], onlineLevel: .full, fullOnlineEligible: true, interAgencySteps: []),
            publication: .init(decision: nil, effectiveFrom: nil), actor: actor, now: testNow())
        return World(ward: ward, division: division, procedure: procedure)
    }

    static func intake(_ w: World, components: [String]? = nil) -> DossierIntake {
        DossierIntake(procedureID: w.procedure.id, receivingUnitID: w.ward.id, channel: .counter,
                      applicant: .init(name: "Nguyễn Văn An", phone: "0912345678"),
                      components: components ?? w.procedure.documents.map(\.name))
    }

    static let monday = ISO8601DateFormatter().date(from: "2025-03-03T09:00:00+07:00")!

    @Test("a received dossier gets its code, appointment and lookup secret; missing components are refused")
    func receive() async throws {
        try await withTestDatabase { db in
            let w = try await Self.world(db)
            let repo = DossierRepository(db: db)
            let receivedDossier = try await repo.receive(Self.intake(w), actor: .system("motcua"), now: Self.monday)
            let dossier = receivedDossier.dossier, secret = receivedDossier.secret
            #expect(dossier.code == "000.04.01.H26-250303-0001")
            #expect(dossier.dueAt == ISO8601DateFormatter().date(from: "2025-03-10T17:00:00+07:00"))
            #expect(try await repo.lookup(code: dossier.code, secret: secret)?.id == dossier.id)
            #expect(try await repo.lookup(code: dossier.code, secret: "WRONG123") == nil)
            // The rows are written by SQL, not through the models: read back through them, they are what
            // `receive` returned (the API answers from it without reading again).
            #expect(try await repo.find(dossier.id) == dossier)
            #expect(try await repo.timeline(of: dossier.id) == receivedDossier.timeline)
            #expect(try await repo.steps(of: dossier.id) == receivedDossier.steps)
            #expect(receivedDossier.timeline.count == 1 && receivedDossier.steps.count == 1)
            await #expect(throws: DomainError.self) {
                _ = try await repo.receive(Self.intake(w, components: ["Tờ khai đăng ký kết hôn"]), actor: .system("motcua"), now: Self.monday)
            }
            let second = try await repo.receive(Self.intake(w), actor: .system("motcua"), now: Self.monday).dossier
            #expect(second.code == "000.04.01.H26-250303-0002")
            // The caller's check sees the receiving unit as the registry reads it; a refusal writes nothing.
            let stored = try #require(try await UnitRepository(db: db).find(Self.intake(w).receivingUnitID))
            struct Refused: Error {}
            let seen = Mutex<[UnitRecord?]>([])
            await #expect(throws: Refused.self) {
                _ = try await repo.receive(Self.intake(w), authorize: { unit in seen.withLock { $0.append(unit) }; throw Refused() },
                                           actor: .system("motcua"), now: Self.monday)
            }
            let third = try await repo.receive(Self.intake(w), authorize: { unit in seen.withLock { $0.append(unit) } },
                                               actor: .system("motcua"), now: Self.monday).dossier
            #expect(third.code == "000.04.01.H26-250303-0003")
            #expect(seen.withLock { $0 } == [stored, stored])
            // A unit that does not exist reaches the check as nil; without a check, the intake is refused.
            var unknown = Self.intake(w)
            unknown.receivingUnitID = .random()
            _ = try? await repo.receive(unknown, authorize: { unit in seen.withLock { $0.append(unit) } }, actor: .system("motcua"), now: Self.monday)
            #expect(seen.withLock { $0 } == [stored, stored, nil])
            await #expect(throws: DomainError.self) { _ = try await repo.receive(unknown, actor: .system("motcua"), now: Self.monday) }
        }
    }

    @Test("an intake after the procedure changed uses the new version (the decoded procedure is kept by version)")
    func procedureChange() async throws {
        try await withTestDatabase { db in
            let w = try await Self.world(db)
            let repo = DossierRepository(db: db)
            let before = try await repo.receive(Self.intake(w), actor: .system("motcua"), now: Self.monday).dossier
            #expect(before.dueAt == ISO8601DateFormatter().date(from: "2025-03-10T17:00:00+07:00"))
            _ = try await ProcedureRepository(db: db).update(w.procedure.id, expectedVersion: 1, publication: .init(decision: nil, effectiveFrom: nil),
                                                             actor: .system("t"), now: testNow()) { $0.processingTime.amount = 2 }
            let after = try await repo.receive(Self.intake(w), actor: .system("motcua"), now: Self.monday).dossier
            #expect(after.dueAt == ISO8601DateFormatter().date(from: "2025-03-05T17:00:00+07:00"), "two working days, not five")
        }
    }

    @Test("concurrent intakes never share a code")
    func uniqueCodes() async throws {
        try await withTestDatabase { db in
            let w = try await Self.world(db)
            let repo = DossierRepository(db: db)
            let codes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await repo.receive(Self.intake(w), actor: .system("t"), now: Self.monday).dossier.code }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(codes).count == 12)
            #expect(Set(codes.map { String($0.suffix(4)) }) == Set((1...12).map { String(format: "%04d", $0) }))
        }
    }

    @Test("of two conflicting actions on one version exactly one wins; the other is stale and nothing is lost")
    func conflicts() async throws {
        try await withTestDatabase { db in
            let w = try await Self.world(db)
            let repo = DossierRepository(db: db)
            let dossier = try await repo.receive(Self.intake(w), actor: .system("t"), now: Self.monday).dossier
            let results = await withTaskGroup(of: Result<Dossier, any Error>.self) { group in
                group.addTask { await Result(catching: { try await repo.act(dossier.id, expectedVersion: 1, event: .markProcessed(electronicResult: true), actor: .system("a"), now: Self.monday) }) }
                group.addTask { await Result(catching: { try await repo.act(dossier.id, expectedVersion: 1, event: .refuse(reason: "Thiếu giấy tờ"), actor: .system("b"), now: Self.monday) }) }
                return await group.reduce(into: [Result<Dossier, any Error>]()) { $0.append($1) }
            }
            let wins = results.compactMap { try? $0.get() }
            #expect(wins.count == 1)
            let losses = results.compactMap { result -> DomainError? in
                if case .failure(let error) = result { return error as? DomainError }
                return nil
            }
            #expect(losses.map(\.kind) == [.stale])
            let timeline = try await repo.timeline(of: dossier.id)
            #expect(timeline.count == 2)
            #expect(try await repo.find(dossier.id)?.state == wins.first?.state)
            try await AuditSealer.sealAll(on: db)
            guard case .intact = try await AuditLog.verify(on: db) else { Issue.record("audit chain broken"); return }
        }
    }

    @Test("the public status: cached for two seconds, then kept after one light read only while the version and secret are unchanged; another instance's change and a reissued secret show")
    func publicStatusCache() async throws {
        try await withTestDatabase { db in
            let w = try await Self.world(db)
            let repo = DossierRepository(db: db)
            // A day no other test receives on, so that no other test's dossier shares the code in the process-wide cache.
            let thursday = Self.monday.addingTimeInterval(17 * 86_400)
            let receivedDossier = try await repo.receive(Self.intake(w), actor: .system("motcua"), now: thursday)
            let dossier = receivedDossier.dossier, secret = receivedDossier.secret
            func version(after seconds: TimeInterval) async throws -> Int? {
                try await repo.publicStatus(code: dossier.code, secret: secret, now: thursday.addingTimeInterval(seconds))?.dossier.version
            }
            #expect(try await version(after: 0) == dossier.version)
            // Another instance changes the dossier, behind this process's back.
            try await db.sql.update("dossiers").set("version", to: dossier.version + 1).where("id", .equal, dossier.id.rawValue).run()
            #expect(try await version(after: 1) == dossier.version, "within two seconds the cached status is served")
            #expect(try await version(after: 3) == dossier.version + 1, "then the light read finds the new version and loads it")
            #expect(try await version(after: 10) == dossier.version + 1, "unchanged: kept after the light read")
            // The secret reissued elsewhere: the old one stops working once the entry is older than two seconds.
            try await db.sql.update("dossiers").set("lookup_secret_hash", to: "reissued").where("id", .equal, dossier.id.rawValue).run()
            #expect(try await version(after: 11) == dossier.version + 1)
            #expect(try await version(after: 13) == nil)
            #expect(try await repo.publicStatus(code: dossier.code, secret: "WRONG", now: thursday) == nil)
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
