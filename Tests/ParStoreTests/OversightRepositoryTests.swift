import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Plans, inspections, feedback and discipline store")
struct OversightRepositoryTests {
    static let actor = AuditActor.system("t")
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("an unannounced inspection is left out for the shielded until it starts; its follow-ups land in the unit's plan and turn overdue")
    func inspections() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let repo = InspectionRepository(db: db)
            let start = Self.at("2026-05-12T08:00:00+07:00")
            let visit = try await repo.create(Inspection(id: .random(), unitID: w.ward.id, kind: .unannounced, place: .counter, startsAt: start,
                                                         purpose: "Kiểm tra đột xuất bộ phận một cửa", team: ["Trưởng đoàn", "Thành viên"]),
                                              actor: Self.actor, now: Self.at("2026-05-01T08:00:00+07:00"))
            let shielded: Set<OrgUnit.ID> = [w.ward.id]
            let before = start.addingTimeInterval(-60)
            #expect(try await repo.list(units: [w.ward.id], year: 2026, shielded: shielded, now: before).isEmpty)
            #expect(try await repo.find(visit.id, shielded: shielded, now: before) == nil)
            #expect(try await repo.list(units: [w.ward.id], year: 2026, shielded: [], now: before).count == 1, "the organisers see it")
            #expect(try await repo.list(units: [w.ward.id], year: 2026, shielded: shielded, now: start).count == 1)
            // Conclusion is only possible once it has started; follow-ups become plan tasks.
            await #expect(throws: DomainError.self) {
                _ = try await repo.conclude(visit.id, conclusion: "Sớm", followUps: [], actor: Self.actor, now: before)
            }
            _ = try await repo.addFinding(to: visit.id, category: .initiative, text: "Mô hình “Cà phê một cửa”", cause: nil, actor: Self.actor, now: start)
            _ = try await repo.addFinding(to: visit.id, category: .shortcoming, text: "Niêm yết TTHC chưa đầy đủ", cause: "Chưa cập nhật quyết định mới",
                                          actor: Self.actor, now: start)
            let tasks = try await repo.conclude(visit.id, conclusion: "Đơn vị cơ bản thực hiện tốt; cần khắc phục niêm yết.",
                                                followUps: [FollowUp(title: "Cập nhật niêm yết TTHC", field: .procedures, deadline: LocalDate(iso: "2026-06-15")!)],
                                                actor: Self.actor, now: start.addingTimeInterval(7200))
            #expect(tasks.count == 1 && tasks[0].source == .inspection && tasks[0].inspectionID == visit.id)
            let plans = PlanRepository(db: db)
            let plan = try #require(try await plans.plan(unit: w.ward.id, year: 2026))
            #expect(try await plans.tasks(of: plan.id).map(\.title) == ["Cập nhật niêm yết TTHC"])
            #expect(try await plans.overdue(units: [w.ward.id], today: LocalDate(iso: "2026-06-15")!).isEmpty)
            #expect(try await plans.overdue(units: [w.ward.id], today: LocalDate(iso: "2026-06-16")!).map(\.task.id) == [tasks[0].id])
            #expect(try await repo.initiatives().map(\.0.text) == ["Mô hình “Cà phê một cửa”"])
            #expect(try await repo.findingCounts(units: [w.ward.id], year: 2026) == [.initiative: 1, .shortcoming: 1])
            await #expect(throws: DomainError.self) {
                _ = try await repo.conclude(visit.id, conclusion: "Lần hai", followUps: [], actor: Self.actor, now: start.addingTimeInterval(9000))
            }
        }
    }

    @Test("plans: tasks are added, updated against their version, copied from a template; completion counts what is done")
    func plans() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let plans = PlanRepository(db: db)
            let now = Self.at("2026-03-01T09:00:00+07:00")
            let draft = PlanTask(id: .random(), planID: .random(), field: .eGovernment, title: "Số hóa kết quả giải quyết TTHC",
                                 ownerDivision: "Văn phòng", deadline: LocalDate(iso: "2026-09-30")!, expectedOutput: "100% kết quả được số hóa")
            let task = try await plans.addTask(draft, unit: w.ward.id, year: 2026, actor: Self.actor, now: now)
            let done = try await plans.updateTask(task.id, expectedVersion: 1, change: { $0.status = .done; $0.evidence = "Báo cáo số 12" },
                                                  actor: Self.actor, now: now)
            #expect(done.progress == 100 && done.completedOn == LocalDate(iso: "2026-03-01") && done.version == 2)
            let stale = await #expect(throws: DomainError.self) {
                _ = try await plans.updateTask(task.id, expectedVersion: 1, change: { $0.progress = 10 }, actor: Self.actor, now: now)
            }
            #expect(stale?.kind == .stale)
            let template = try #require(try await plans.plan(unit: w.ward.id, year: 2026))
            let copy = try await plans.copy(from: template.id, to: w.division.id, actor: Self.actor, now: now)
            let copied = try await plans.tasks(of: copy.id)
            #expect(copied.count == 1 && copied[0].status == .notStarted && copied[0].evidence.isEmpty && copy.basedOn == template.id)
            await #expect(throws: DomainError.self) { _ = try await plans.copy(from: template.id, to: w.division.id, actor: Self.actor, now: now) }
            let completion = try await plans.completion(units: [w.ward.id, w.division.id], year: 2026, today: LocalDate(iso: "2026-03-02")!)
            #expect(completion.total == 2 && completion.done == 1 && completion.rate == 0.5)
        }
    }

    @Test("feedback: received, overdue past 15 working days, answered, published without personal data, searchable, rated once")
    func feedback() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let repo = FeedbackRepository(db: db)
            let received = Self.at("2026-05-08T10:00:00+07:00")
            let (item, secret) = try await repo.submit(FeedbackDraft(kind: .procedure, procedureCode: "1.000894", unitID: nil, subject: "Hồ sơ kết hôn bị yêu cầu thêm giấy",
                                                                    content: "Tôi là Trần Thị Mai (0912345678), bị yêu cầu nộp thêm giấy không có trong quy định.",
                                                                    contact: .init(name: "Trần Thị Mai", phone: "0912345678")), now: received)
            #expect(item.state == .received && item.code.hasPrefix("PA-260508-"))
            #expect(VietnamTime.localDate(of: item.answerBy).iso == "2026-05-29")
            #expect(try await repo.list(units: nil, state: nil, overdueAt: Self.at("2026-05-29T16:00:00+07:00")).isEmpty)
            #expect(try await repo.list(units: nil, state: nil, overdueAt: Self.at("2026-05-30T09:00:00+07:00")).map(\.id) == [item.id])
            var current = try await repo.act(item.id, expectedVersion: 1, .assign(unit: w.ward.id), actor: Self.actor, now: received)
            #expect(try await repo.list(units: [w.ward.id], state: .assigned, overdueAt: nil).count == 1)
            // The service index reads feedback about the unit: received in May, overdue as of 30 May.
            let index = IndexRepository(db: db)
            let may = try ReportPeriod("2026-05")
            let facts = try await index.facts(try await index.scope(w.ward.id), from: may.from, through: may.through, today: LocalDate(iso: "2026-05-30")!)
            #expect(facts[.feedbackReceived] == 1 && facts[.feedbackOverdue] == 1)
            let ranked = try await index.facts(ofRoots: [(w.ward.id, true)], period: may, today: LocalDate(iso: "2026-05-30")!)
            #expect(ranked[w.ward.id]?[.feedbackReceived] == 1 && ranked[w.ward.id]?[.feedbackOverdue] == 1)
            current = try await repo.act(item.id, expectedVersion: current.version, .answer(text: "Phường đã hướng dẫn lại; chỉ cần tờ khai."),
                                         actor: Self.actor, now: Self.at("2026-06-01T09:00:00+07:00"))
            #expect(current.state == .answered && current.isOverdue(at: Self.at("2026-06-04T09:00:00+07:00")))
            await #expect(throws: DomainError.self) {
                _ = try await repo.act(item.id, expectedVersion: current.version, .refuse(reason: "Muộn"), actor: Self.actor, now: testNow())
            }
            current = try await repo.act(item.id, expectedVersion: current.version, .publish(publicContent: nil), actor: Self.actor,
                                         now: Self.at("2026-06-02T09:00:00+07:00"))
            #expect(current.state == .published)
            #expect(current.publicContent == "Tôi là […] ([…]), bị yêu cầu nộp thêm giấy không có trong quy định.")
            let found = try await repo.published(query: "ket hon")
            #expect(found.map(\.id) == [item.id])
            #expect(try await repo.published(query: "Trần Thị Mai").isEmpty, "the name is not searchable")
            #expect(try await repo.rate(code: item.code, secret: secret, rating: 4, now: testNow()).rating == 4)
            await #expect(throws: DomainError.self) { _ = try await repo.rate(code: item.code, secret: secret, rating: 5, now: testNow()) }
            #expect(try await repo.lookup(code: item.code, secret: "WRONG123") == nil)
        }
    }

    @Test("feedback with an e-mail address waits for its one-time code")
    func verification() async throws {
        try await withTestDatabase { db in
            let repo = FeedbackRepository(db: db)
            let now = testNow()
            let (item, secret) = try await repo.submit(FeedbackDraft(kind: .conduct, procedureCode: nil, unitID: nil, subject: "Thái độ cán bộ",
                                                                    content: "Cán bộ quầy số 3 không hướng dẫn.", contact: .init(email: "ha@example.vn")), now: now)
            #expect(item.state == .unverified)
            #expect(try await repo.list(units: nil, state: nil, overdueAt: nil).isEmpty, "unverified feedback is not listed")
            let message = try #require(try await OutboxRepository(db: db).list(status: nil, limit: 5).first { $0.recipient == "ha@example.vn" })
            let code = String(try #require(message.subject.split(separator: " ").last))
            await #expect(throws: DomainError.self) { _ = try await repo.verify(code: item.code, secret: secret, otp: "000000", now: now) }
            let confirmed = try await repo.verify(code: item.code, secret: secret, otp: code, now: now)
            #expect(confirmed.state == .received)
            #expect(try await repo.list(units: nil, state: nil, overdueAt: nil).count == 1)
        }
    }

    @Test("attendance: breaches counted per unit; commitments name a known measure; ISO and monthly shares are stored")
    func discipline() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let repo = DisciplineRepository(db: db)
            let at = Self.at("2026-04-10T14:00:00+07:00")
            let meeting = try await repo.addMeeting(Meeting(id: .random(), organiserID: w.ward.id, title: "Giao ban CCHC quý II", at: at, attendees: [
                .init(unitID: w.ward.id, person: "Chủ tịch phường"), .init(unitID: w.division.id, person: "Trưởng phòng"),
                .init(unitID: w.division.id, person: "Phó phòng"),
            ]), actor: Self.actor, now: at)
            try await repo.mark(meeting.id, person: "Chủ tịch phường", unit: w.ward.id, attendance: .present, reason: nil, actor: Self.actor, now: at)
            try await repo.mark(meeting.id, person: "Trưởng phòng", unit: w.division.id, attendance: .absentWithoutReason, reason: nil, actor: Self.actor, now: at)
            try await repo.mark(meeting.id, person: "Phó phòng", unit: w.division.id, attendance: .leftWithoutReporting, reason: nil, actor: Self.actor, now: at)
            await #expect(throws: DomainError.self) {
                try await repo.mark(meeting.id, person: "Phó phòng", unit: w.division.id, attendance: .absentWithReason, reason: " ", actor: Self.actor, now: at)
            }
            let report = try await repo.attendance(units: [w.ward.id, w.division.id], from: LocalDate(iso: "2026-04-01")!, through: LocalDate(iso: "2026-06-30")!)
            #expect(report.first?.unitID == w.division.id && report.first?.breaches == 2)
            #expect(report.last?.counts == [.present: 1])
            #expect(try await repo.meeting(meeting.id)?.attendees.first { $0.person == "Trưởng phòng" }?.attendance == .absentWithoutReason)
            await #expect(throws: DomainError.self) {
                _ = try await repo.addCommitment(Commitment(id: .random(), unitID: w.ward.id, year: 2026, leader: "Chủ tịch", text: "Đúng hạn",
                                                            metric: "unknown", target: 1), metrics: ["progress.on_time"], actor: Self.actor, now: at)
            }
            _ = try await repo.addCommitment(Commitment(id: .random(), unitID: w.ward.id, year: 2026, leader: "Chủ tịch", text: "100% hồ sơ đúng hạn",
                                                        metric: "progress.on_time", target: 1), metrics: ["progress.on_time"], actor: Self.actor, now: at)
            #expect(try await repo.commitments(unit: w.ward.id, year: 2026).count == 1)
            try await repo.setValue(.electronicDocuments, unit: w.ward.id, month: "2026-03", value: 0.55, actor: Self.actor, now: at)
            try await repo.setValue(.electronicDocuments, unit: w.ward.id, month: "2026-03", value: 0.65, actor: Self.actor, now: at)
            #expect(try await repo.values(.electronicDocuments, unit: w.ward.id, year: 2026) == ["2026-03": 0.65])
            try await repo.setIso(IsoStatus(unitID: w.ward.id, certificate: "TCVN ISO 9001:2015 số 123", lastReview: nil,
                                            nextReview: LocalDate(iso: "2026-12-01")), actor: Self.actor, now: at)
            #expect(try await repo.iso(units: [w.ward.id])[w.ward.id]?.isMaintained(today: LocalDate(iso: "2026-06-01")!) == true)
        }
    }
}
