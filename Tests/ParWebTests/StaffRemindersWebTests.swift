import Foundation
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// The reminders to staff and to people who booked, driven by the clock: each run twice (and on a
/// later day) sends once per object and stage. The clock starts on Wednesday 2 December 2026, 10:00.
@Suite("Staff and booking reminders")
struct StaffRemindersWebTests {
    typealias Clock = JobsWebTests.Clock

    static func run(_ job: ScheduledJob, _ app: Application) async throws -> JobOutcome {
        try #require(try await Jobs.run(job, day: VietnamTime.localDate(of: app.parConfig.clock()), app: app, owner: "t", onlyIfDue: false))
    }

    /// Gives the fixture's holder of `role` a work e-mail, through the API as an administrator would.
    static func email(_ app: Application, _ fixture: Fixture, _ role: Role, _ address: String) async throws {
        let id = try #require(try await UserRepository(db: app.db).credentials(username: fixture.users[role]!.username)?.0.id)
        try await app.testing().test(.PATCH, "/api/v1/users/\(id)", headers: .bearer(fixture.token(.administrator)), beforeRequest: { req in
            try req.content.encode(["email": address], as: .json)
        }) { res in
            #expect(res.status == .ok)
            #expect((try? res.content.get(String.self, at: "email")) == address)
        }
    }

    /// A draft PAR index set for the departments in 2026, with one self-scored leaf.
    static func departmentSet(_ app: Application, now: Date) async throws -> CriteriaSet {
        try await ParIndexRepository(db: app.db).create(CriteriaSet(id: .random(), year: 2026, targetKind: .department, name: "Chỉ số CCHC các sở 2026", criteria: [
            Criterion(code: "1", title: "Chỉ đạo, điều hành", maxPoints: 100, field: .direction),
            Criterion(code: "1.1", title: "Kế hoạch", maxPoints: 100, method: .manual),
        ]), actor: .system("t"), now: now)
    }

    @Test("the officers' digest goes once a day to officers with an e-mail, listing the overdue and the nearly due dossiers")
    func officerDigest() async throws {
        let clock = Clock()
        try await JobsWebTests.app(clock) { app, fixture in
            // A unit of its own, so that only the dossiers received here count (the fixture's depend on the suite's moment).
            let unit = try await UnitRepository(db: app.db).create(
                OrgUnit(id: .random(), key: "dept:noi-vu", code: "noi-vu", kind: .department, name: "Sở Nội vụ", parentID: fixture.province.id,
                        validFrom: nil, validTo: nil), actor: .system("t"), now: clock.now).unit
            let users = UserRepository(db: app.db)
            for (name, email) in [("cv.noivu", "chuyenvien@noivu.example.vn" as String?), ("cv.khong-thu", nil)] {
                let user = try await users.create(username: name, displayName: "Chuyên viên", passwordHash: "x", email: email, actor: .system("t"), now: clock.now)
                _ = try await users.grant(.processingOfficer, on: unit.id, to: user.id, actor: .system("t"), now: clock.now)
            }
            var codes: [String] = []
            for name in ["Trần Thị Một", "Lê Văn Hai"] {
                codes.append(try await DossierRepository(db: app.db).receive(
                    DossierIntake(procedureID: fixture.procedure.id, receivingUnitID: unit.id, channel: .counter,
                                  applicant: .init(name: name), components: ["Tờ khai"]), actor: .system("t"), now: clock.now).dossier.code)
            }
            // Received Wednesday 2 December at 10:00 with five working days: due Wednesday 9 December.
            #expect(try await Self.run(Jobs.officerDigest, app).message == "0 digests sent to 1 officers with an e-mail")
            clock.set("2026-12-08T00:30:00Z")  // Tuesday 07:30: due within two working days
            #expect(try await Self.run(Jobs.officerDigest, app).message.hasPrefix("1 digests sent"))
            #expect(try await Self.run(Jobs.officerDigest, app).message.hasPrefix("0 digests sent"), "once a day")
            var digests = try await JobsWebTests.sent(app, to: "chuyenvien@noivu.example.vn")
            #expect(digests.count == 1 && digests[0].subject.hasSuffix("0 + 2") && codes.allSatisfy(digests[0].body.contains))
            clock.set("2026-12-10T00:30:00Z")  // Thursday: one working day late
            #expect(try await Self.run(Jobs.officerDigest, app).message.hasPrefix("1 digests sent"))
            digests = try await JobsWebTests.sent(app, to: "chuyenvien@noivu.example.vn")
            #expect(digests.count == 2 && digests.contains { $0.subject.hasSuffix("2 + 0") && $0.body.contains("trễ / late 1 ngày làm việc") })
            let all = try await OutboxRepository(db: app.db).list(status: nil, limit: 500)
            #expect(all.filter { $0.subject.contains("Overdue and due dossiers") }.allSatisfy { $0.recipient == "chuyenvien@noivu.example.vn" },
                    "officers without an e-mail get nothing")
        }
    }

    @Test("feedback near its answer limit, then past it, reaches the handling unit's leader once per stage")
    func feedbackReminder() async throws {
        let clock = Clock()
        try await JobsWebTests.app(clock) { app, fixture in
            try await Self.email(app, fixture, .unitLeader, "giamdoc@tuphap.example.vn")
            let repository = FeedbackRepository(db: app.db)
            let (feedback, _) = try await repository.submit(
                FeedbackDraft(kind: .procedure, procedureCode: nil, unitID: nil, subject: "Chậm trả kết quả", content: "Hồ sơ trễ hẹn hai tuần.",
                              contact: .init()), now: clock.now)
            _ = try await repository.act(feedback.id, expectedVersion: nil, .assign(unit: fixture.justice.id), actor: .system("t"), now: clock.now)
            let answerBy = feedback.answerBy
            #expect(try await Self.run(Jobs.feedbackReminder, app).message.hasPrefix("0 reminders"), "fifteen working days ahead")
            clock.set(ISO8601DateFormatter().string(from: answerBy.addingTimeInterval(-24 * 3600)))
            for _ in 0..<2 { _ = try await Self.run(Jobs.feedbackReminder, app) }
            var sent = try await JobsWebTests.sent(app, to: "giamdoc@tuphap.example.vn")
            #expect(sent.count == 1 && sent[0].subject.contains("\(feedback.code) sắp đến hạn") && sent[0].body.contains("/feedback/manage/\(feedback.id)"))
            clock.set(ISO8601DateFormatter().string(from: answerBy.addingTimeInterval(3600)))
            for _ in 0..<2 { _ = try await Self.run(Jobs.feedbackReminder, app) }
            sent = try await JobsWebTests.sent(app, to: "giamdoc@tuphap.example.vn")
            #expect(sent.count == 2 && sent.contains { $0.subject.contains("\(feedback.code) đã quá hạn") })
        }
    }

    @Test("units that have not submitted their self-assessment hear of its last day five working days before, and once it has passed")
    func parDeadlineReminder() async throws {
        let clock = Clock()
        try await JobsWebTests.app(clock) { app, fixture in
            try await Self.email(app, fixture, .unitLeader, "giamdoc@tuphap.example.vn")
            let repository = ParIndexRepository(db: app.db)
            let set = try await Self.departmentSet(app, now: clock.now)
            _ = try await repository.advance(set.id, metrics: { _, _, _ in nil }, actor: .system("t"), now: clock.now)
            // The deadline through the API: Friday 11 December.
            try await app.testing().test(.PUT, "/api/v1/par-index/sets/\(set.id)/deadlines", headers: .bearer(fixture.token(.parOfficer)), beforeRequest: { req in
                try req.content.encode(["selfAssessment": "2026-12-11", "appraisal": "2026-12-31"], as: .json)
            }) { res in
                #expect(res.status == .ok)
                #expect((try? res.content.get(String.self, at: "deadlines", "selfAssessment")) == "2026-12-11")
            }
            #expect(try await Self.run(Jobs.parDeadlineReminder, app).message.hasPrefix("0 reminders"), "six working days ahead")
            clock.set("2026-12-04T01:30:00Z")  // Friday: five working days left
            for _ in 0..<2 { _ = try await Self.run(Jobs.parDeadlineReminder, app) }
            var sent = try await JobsWebTests.sent(app, to: "giamdoc@tuphap.example.vn")
            #expect(sent.count == 1 && sent[0].body.contains("Sở Tư pháp chưa gửi") && sent[0].body.contains("11/12/2026"))
            // The Department of Health has no leader of its own: its reminder climbs to the province's, who has none either.
            _ = try await repository.selfScore(set.id, unit: fixture.justice.id, code: "1.1", score: 80, explanation: "Kế hoạch số 3", references: [],
                                               actor: .system("t"), now: clock.now)
            try await repository.submit(set.id, unit: fixture.justice.id, actor: .system("t"), now: clock.now)
            clock.set("2026-12-12T01:30:00Z")  // past, but the Department of Justice has submitted
            #expect(try await Self.run(Jobs.parDeadlineReminder, app).message.hasPrefix("0 reminders sent; 1 units have not submitted"))
            sent = try await JobsWebTests.sent(app, to: "giamdoc@tuphap.example.vn")
            #expect(sent.count == 1)
        }
    }

    @Test("a booking with a contact is reminded once the day before (SMS to a phone, else e-mail), and its contact erased after its day")
    func appointmentReminder() async throws {
        let clock = Clock()
        try await JobsWebTests.app(clock) { app, fixture in
            let unit = fixture.justice.id
            _ = try await CentreWebTests.desks(app, unit)
            try await ServiceCentreRepository(db: app.db).saveSettings(CentreSettings(slotMinutes: 30, capacityPerSlot: 4, bookingDaysAhead: 14),
                                                                      unit: unit, actor: .system("t"), now: clock.now)
            func book(_ body: [String: String], _ status: HTTPStatus) async throws {
                try await app.testing().test(.POST, "/api/v1/centres/\(unit)/appointments", beforeRequest: { req in
                    try req.content.encode(body, as: .json)
                }) { res in #expect(res.status == status, "\(body)") }
            }
            let slot = ["field": "Hộ tịch", "day": "2026-12-04", "start": "09:00"]
            try await book(slot.merging(["email": "hen@example.vn"]) { $1 }, .created)
            try await book(slot.merging(["phone": "0912 345 678"]) { $1 }, .created)
            try await book(slot.merging(["email": "sai-dia-chi"]) { $1 }, .unprocessableEntity)
            try await book(["field": "Hộ tịch", "day": "2026-12-04", "start": "10:00"], .created)
            clock.set("2026-12-03T09:00:00Z")  // Thursday 16:00, the day before
            #expect(try await Self.run(Jobs.appointmentReminder, app).message.hasPrefix("2 appointment reminders sent"))
            #expect(try await Self.run(Jobs.appointmentReminder, app).message.hasPrefix("0 appointment reminders sent"))
            let email = try await JobsWebTests.sent(app, to: "hen@example.vn")
            #expect(email.count == 1 && email[0].channel == .email && email[0].body.contains("09:00 04/12/2026"))
            let sms = try await JobsWebTests.sent(app, to: "0912345678")
            #expect(sms.count == 1 && sms[0].channel == .sms && sms[0].body.hasPrefix("Lich hen LH"))
            clock.set("2026-12-05T09:00:00Z")  // Saturday: Friday's bookings are past
            #expect(try await Self.run(Jobs.appointmentReminder, app).message.hasSuffix("2 past contacts erased"))
            #expect(try await AppointmentRepository(db: app.db).reachable(day: LocalDate(iso: "2026-12-04")!).isEmpty)
        }
    }

    @Test("pages: the user page sets a work e-mail; the set page shows and saves the deadlines; the booking form asks for a contact")
    func pages() async throws {
        try await withTestApp { app, fixture in
            let admin = try await signIn(app, username: fixture.users[.administrator]!.username)
            let id = try #require(try await UserRepository(db: app.db).credentials(username: fixture.users[.inspector]!.username)?.0.id)
            let page = try await app.page(.GET, "/admin/users/\(id)", cookie: admin)
            #expect(page.body.string.contains(#"name="email" type="email""#))
            let csrf = hiddenCSRF(page.body.string)
            let bad = try await app.page(.POST, "/admin/users/\(id)/email", cookie: admin, form: ["_csrf": csrf, "email": "khong-hop-le"])
            #expect(bad.status == .unprocessableEntity)
            let saved = try await app.page(.POST, "/admin/users/\(id)/email", cookie: admin, form: ["_csrf": csrf, "email": "ThanhTra@Example.vn"])
            #expect(saved.status == .seeOther)
            #expect(try await UserRepository(db: app.db).find(id)?.email == "thanhtra@example.vn")

            let set = try await Self.departmentSet(app, now: testNow())
            let officer = try await signIn(app, username: fixture.users[.parOfficer]!.username)
            let setPage = try await app.page(.GET, "/par-index/sets/\(set.id)", cookie: officer)
            let form = ["_csrf": hiddenCSRF(setPage.body.string), "action": "deadlines", "selfAssessment": "2027-01-15", "appraisal": "2027-01-10"]
            #expect(try await app.page(.POST, "/par-index/sets/\(set.id)", cookie: officer, form: form).status == .unprocessableEntity)
            var fixed = form
            fixed["appraisal"] = "2027-02-10"
            #expect(try await app.page(.POST, "/par-index/sets/\(set.id)", cookie: officer, form: fixed).status == .seeOther)
            let shown = try await app.page(.GET, "/par-index/sets/\(set.id)", cookie: officer).body.string
            #expect(shown.contains("15/01/2027") && shown.contains("10/02/2027") && shown.contains(#"value="2027-01-15""#))

            _ = try await CentreWebTests.desks(app, fixture.justice.id)
            let calendar = try await CalendarRepository(db: app.db).calendar()
            let day = try #require(CentreSettings.standard.bookableDays(from: testNow(), isWorkingDay: { (try? calendar.isWorkingDay($0)) ?? false })
                .first { $0 > LocalTime.today(testNow()) })
            let booking = try await app.page(.GET, "/appointments/\(fixture.justice.id)?field=H%E1%BB%99%20t%E1%BB%8Bch&day=\(day.iso)", cookie: "")
            #expect(booking.status == .ok && booking.body.string.contains(#"name="email" type="email""#)
                    && booking.body.string.contains(#"name="phone" type="tel""#), "a phone field where SMS can be sent")
        }
    }
}
