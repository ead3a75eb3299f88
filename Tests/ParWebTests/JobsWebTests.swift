import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// The scheduled jobs, driven by the clock: each reminder run twice (and on later days) is sent once.
@Suite("Scheduled jobs and reminders")
struct JobsWebTests {
    /// A clock the test moves: Wednesday 2 December 2026, 10:00 in Hà Nội.
    final class Clock: Sendable {
        let box = NIOLockedValueBox(ISO8601DateFormatter().date(from: "2026-12-02T03:00:00Z")!)
        var now: Date { box.withLockedValue { $0 } }
        func set(_ iso: String) { box.withLockedValue { $0 = ISO8601DateFormatter().date(from: iso)! } }
    }

    static func app(_ clock: Clock, _ body: @escaping @Sendable (Application, Fixture) async throws -> Void) async throws {
        try await withTestApp({ $0.clock = { clock.now } }, body)
    }

    static func dossier(_ app: Application, _ fixture: Fixture, email: String, at now: Date) async throws -> Dossier {
        try await DossierRepository(db: app.db).receive(
            DossierIntake(procedureID: fixture.procedure.id, receivingUnitID: fixture.justice.id, channel: .counter,
                          applicant: .init(name: "Trần Thị Nhắc", email: email), components: ["Tờ khai"]),
            actor: .system("t"), now: now).dossier
    }

    static func sent(_ app: Application, to email: String) async throws -> [OutboxMessage] {
        try await OutboxRepository(db: app.db).list(status: nil, limit: 500).filter { $0.recipient == email }
    }

    static func tick(_ app: Application) async throws -> JobOutcome? {
        try await Jobs.run(Jobs.supplementReminder, day: VietnamTime.localDate(of: app.parConfig.clock()), app: app, owner: "test", onlyIfDue: false)
    }

    @Test("a supplement awaited three working days is reminded once per request, however often the job runs")
    func supplementReminder() async throws {
        let clock = Clock()
        try await Self.app(clock) { app, fixture in
            let email = "nhac@example.vn", phone = "0912 555 666"
            let dossier = try await Self.dossier(app, fixture, email: email, at: clock.now)
            let bySMS = try await DossierRepository(db: app.db).receive(
                DossierIntake(procedureID: fixture.procedure.id, receivingUnitID: fixture.justice.id, channel: .counter,
                              applicant: .init(name: "Lý Văn Nhắn", phone: phone, notifyBy: .sms), components: ["Tờ khai"]),
                actor: .system("t"), now: clock.now).dossier
            for d in [dossier, bySMS] {
                _ = try await DossierRepository(db: app.db).act(d.id, expectedVersion: nil, event: .requestSupplement(items: ["Giấy xác nhận"]),
                                                             actor: .system("t"), now: clock.now)
            }
            let before = try await Self.sent(app, to: email).count
            clock.set("2026-12-04T03:00:00Z")  // Friday: two working days
            _ = try await Self.tick(app)
            #expect(try await Self.sent(app, to: email).count == before)
            clock.set("2026-12-07T01:30:00Z")  // Monday 08:30: three working days
            for _ in 0..<2 { _ = try await Self.tick(app) }
            let reminders = try await Self.sent(app, to: email).filter { $0.subject.contains("Nhắc bổ sung") }
            #expect(reminders.count == 1 && reminders.first?.body.contains("02/12/2026") == true)
            let sms = try await Self.sent(app, to: phone).filter { $0.body.hasPrefix("Ho so \(bySMS.code) dang cho bo sung") }
            #expect(sms.count == 1 && sms.first?.channel == .sms, "the reminder goes the way the applicant chose")
            clock.set("2026-12-08T01:30:00Z")  // the next day: still once for this request
            let outcome = try await Self.tick(app)
            #expect(outcome?.succeeded == true && outcome?.message.hasPrefix("0 reminders sent") == true)
            #expect(try await Self.sent(app, to: email).filter { $0.subject.contains("Nhắc bổ sung") }.count == 1)
        }
    }

    @Test("a survey reminder goes once to those whose result came two days ago and who have not answered")
    func surveyReminder() async throws {
        let clock = Clock()
        try await Self.app(clock) { app, fixture in
            let repository = DossierRepository(db: app.db)
            var returned: [Dossier] = []
            for email in ["chua@example.vn", "roi@example.vn"] {
                let d = try await Self.dossier(app, fixture, email: email, at: clock.now)
                _ = try await repository.act(d.id, expectedVersion: nil, event: .markProcessed(electronicResult: false), actor: .system("t"), now: clock.now)
                returned.append(try await repository.act(d.id, expectedVersion: nil, event: .returnResult(method: "counter"), actor: .system("t"), now: clock.now))
            }
            _ = try await SatisfactionRepository(db: app.db).submit(
                returned[1].id, answers: SurveyAnswers(aspects: [.init(aspect: .access, level: .satisfied), .init(aspect: .result, level: .satisfied)],
                                                       overall: .satisfied),
                method: .link, actor: .system("t"), now: clock.now)
            clock.set("2026-12-04T02:30:00Z")  // Friday 09:30, two days later
            let run = { try await Jobs.run(Jobs.surveyReminder, day: VietnamTime.localDate(of: clock.now), app: app, owner: "t", onlyIfDue: false) }
            #expect(try await run()?.message.hasPrefix("1 survey reminders sent") == true)
            #expect(try await run()?.message.hasPrefix("0 survey reminders sent") == true)
            let reminders = try await Self.sent(app, to: "chua@example.vn").filter { $0.subject.contains("hài lòng") }
            #expect(reminders.count == 1 && reminders.first?.body.contains(SurveyLinks.url(for: returned[0], config: app.parConfig)) == true)
            #expect(try await Self.sent(app, to: "roi@example.vn").filter { $0.subject.contains("hài lòng") }.isEmpty, "answered already")
        }
    }

    @Test("the scheduler runs each job once for its day across two instances; a failure shows on the page and in /metrics")
    func scheduler() async throws {
        let clock = Clock()
        try await Self.app(clock) { app, fixture in
            clock.set("2026-12-02T19:05:00Z")  // 02:05 on Thursday 3 Dec: audit-verify is due, index-check not yet
            try await ScaleOutTests.withSecondInstance(app) { second in
                async let a: Void = Scheduler.tick(app, owner: "a")
                async let b: Void = Scheduler.tick(second, owner: "b")
                _ = await (a, b)
                await Scheduler.tick(app, owner: "a")
            }
            let runs = try await JobStore(db: app.db).runs()
            #expect(runs["audit-verify"]?.runs == 1 && runs["audit-verify"]?.day?.iso == "2026-12-03" && runs["audit-verify"]?.succeeded == true)
            #expect(runs["index-check"]?.day?.iso == "2026-12-02", "before 02:30 the day due is yesterday's")
            // A broken chain: the next night's run fails, visibly.
            try await app.db.sql.raw("UPDATE audit_log SET summary = 'edited' WHERE seq = 1").run()
            clock.set("2026-12-03T19:01:00Z")
            await Scheduler.tick(app, owner: "a")
            #expect(try await JobStore(db: app.db).runs()["audit-verify"]?.succeeded == false)
            let admin = try await signIn(app, username: fixture.users[.administrator]!.username)
            let html = try await app.page(.GET, "/admin/jobs", cookie: admin).body.string
            #expect(html.contains(#"id="job-audit-verify""#) && html.contains("audit chain broken at row 1"))
            try await app.testing().test(.GET, "/metrics") { res in
                #expect(res.body.string.contains(#"parhub_job_failed{job="audit-verify"} 1"#))
            }
        }
    }

    @Test("an administrator runs a job now through the page and the API; an unknown job is 404; others are refused")
    func runNow() async throws {
        try await withTestApp { app, fixture in
            let admin = try await signIn(app, username: fixture.users[.administrator]!.username)
            let page = try await app.page(.GET, "/admin/jobs", cookie: admin)
            let posted = try await app.page(.POST, "/admin/jobs/index-check/run", cookie: admin, form: ["_csrf": hiddenCSRF(page.body.string)])
            #expect(posted.status == .seeOther)
            #expect(try await JobStore(db: app.db).runs()["index-check"]?.runs == 1)
            try await app.testing().test(.POST, "/api/v1/jobs/audit-verify/run", headers: .bearer(fixture.token(.administrator))) { res in
                #expect(res.status == .ok)
                let succeeded = try? res.content.get(Bool.self, at: "succeeded")
                #expect(succeeded == true)
            }
            try await app.testing().test(.POST, "/api/v1/jobs/no-such-job/run", headers: .bearer(fixture.token(.administrator))) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, "/api/v1/jobs", headers: .bearer(fixture.token(.counterOfficer))) { res in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.GET, "/api/v1/jobs", headers: .bearer(fixture.token(.administrator))) { res in
                let names = (try? res.content.get([Components.Schemas.ScheduledJob].self, at: "items"))?.map(\.name)
                #expect(names == ["index-settle", "audit-verify", "index-check", "officer-digest", "supplement-reminder", "feedback-reminder", "par-deadline-reminder",
                                  "survey-reminder", "appointment-reminder"])
            }
        }
    }
}
