import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import ParCore
import ParStore
import Testing
import Vapor
import VaporTesting
import ParTestSupport
@testable import ParWeb

@Suite("Plans, inspections and feedback through the app")
struct OversightWebTests {
    /// A user granted `role` on `unit`, with an API token.
    static func user(_ app: Application, _ name: String, _ role: Role, on unit: OrgUnit.ID) async throws -> String {
        let repository = UserRepository(db: app.db)
        let user = try await repository.create(username: name, displayName: name, passwordHash: try await Credentials.hash(Fixture.password, on: app),
                                               actor: .system("t"), now: testNow())
        _ = try await repository.grant(role, on: unit, to: user.id, actor: .system("t"), now: testNow())
        let minted = Credentials.newToken()
        _ = try await repository.createToken(for: user.id, name: "t", tokenHash: minted.hash, prefix: minted.prefix, actor: .system("t"), now: testNow())
        return minted.token
    }

    static let roles = Role.allCases.filter { $0 != .citizen }

    @Test("an unannounced inspection of the Department of Justice: every role there sees nothing of it before it starts, and sees it after — API and pages")
    func unannounced() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            let homeAffairs = try await Self.user(app, "cchc.tinh", .parOfficer, on: fixture.province.id)
            let start = testNow().addingTimeInterval(2 * 86_400)
            var id = ""
            try await app.testing().test(.POST, "/api/v1/inspections", headers: .bearer(homeAffairs), body: ByteBuffer(string:
                #"{"unitId":"\#(fixture.justice.id)","kind":"unannounced","place":"counter","startsAt":"\#(ISO8601DateFormatter().string(from: start))","purpose":"Kiểm tra đột xuất bộ phận một cửa Sở Tư pháp","team":["Trưởng đoàn Nội vụ"]}"#)) { res in
                #expect(res.status == .created, "\(res.body.string)")
                id = try res.content.get(String.self, at: "id")
            }
            // The organisers see it at once.
            try await app.testing().test(.GET, "/api/v1/inspections?unitId=\(fixture.province.id)", headers: .bearer(homeAffairs)) { res in
                #expect(res.body.string.contains(id))
            }
            func check(visible: Bool) async throws {
                for role in Self.roles {
                    let token = fixture.token(role)
                    let mayView = role.permissions.contains(.viewInspections)
                    try await app.testing().test(.GET, "/api/v1/inspections?unitId=\(fixture.justice.id)", headers: .bearer(token)) { res in
                        #expect(res.status == (mayView ? .ok : .forbidden), "\(role)")
                        #expect(res.body.string.contains(id) == (mayView && visible), "\(role) list, visible \(visible)")
                    }
                    try await app.testing().test(.GET, "/api/v1/inspections/\(id)", headers: .bearer(token)) { res in
                        #expect(res.status == (!visible ? .notFound : mayView ? .ok : .forbidden), "\(role) item, visible \(visible)")
                    }
                    let cookie = try await signIn(app, username: fixture.users[role]!.username)
                    let list = try await app.page(.GET, "/inspections", cookie: cookie)
                    #expect(list.body.string.contains("Kiểm tra đột xuất bộ phận một cửa") == (mayView && visible), "\(role) page, visible \(visible)")
                    let page = try await app.page(.GET, "/inspections/\(id)", cookie: cookie)
                    #expect(page.status == (!visible ? .notFound : mayView ? .ok : .forbidden), "\(role) detail page")
                    #expect(!page.body.string.contains("Trưởng đoàn Nội vụ") || visible)
                    // Nothing in the unit's own audit trail either.
                    try await app.testing().test(.GET, "/api/v1/audit?entityType=unit&entityId=\(fixture.justice.id)", headers: .bearer(token)) { res in
                        #expect(!res.body.string.contains(id))
                    }
                }
            }
            try await check(visible: false)
            clock.withLockedValue { $0 = start.addingTimeInterval(-1) }
            try await check(visible: false)
            clock.withLockedValue { $0 = start }
            try await check(visible: true)
        }
    }

    @Test("an inspection dated in year 10 is refused with a problem, not a crash (schemathesis found it)")
    func impossibleDate() async throws {
        try await withTestApp { app, fixture in
            let homeAffairs = try await Self.user(app, "cchc.tinh", .parOfficer, on: fixture.province.id)
            for start in ["0010-01-07T17:35:38.1081Z", "9999-12-31T23:59:59Z"] {
                try await app.testing().test(.POST, "/api/v1/inspections", headers: .bearer(homeAffairs), body: ByteBuffer(string:
                    #"{"unitId":"\#(fixture.justice.id)","kind":"announced","place":"counter","startsAt":"\#(start)","purpose":"Kiểm tra","team":["A"]}"#)) { res in
                    #expect(res.status == .unprocessableEntity || res.status == .badRequest, "\(start): \(res.body.string)")
                    #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                }
            }
        }
    }

    @Test("follow-up tasks from a conclusion appear in the inspected unit's plan and, once late, in the overdue list")
    func followUps() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            let homeAffairs = try await Self.user(app, "cchc.tinh", .parOfficer, on: fixture.province.id)
            let now = testNow()
            var id = ""
            try await app.testing().test(.POST, "/api/v1/inspections", headers: .bearer(homeAffairs), body: ByteBuffer(string:
                #"{"unitId":"\#(fixture.justice.id)","kind":"announced","place":"headquarters","startsAt":"\#(ISO8601DateFormatter().string(from: now.addingTimeInterval(-3600)))","purpose":"Kiểm tra theo kế hoạch","team":["A","B"]}"#)) { res in
                id = try res.content.get(String.self, at: "id")
            }
            try await app.testing().test(.POST, "/api/v1/inspections/\(id)/findings", headers: .bearer(homeAffairs), body: ByteBuffer(string:
                #"{"category":"initiative","text":"Phần mềm nhắc hạn hồ sơ qua Zalo"}"#)) { res in #expect(res.status == .created) }
            let deadline = VietnamTime.localDate(of: now).adding(days: 10)
            try await app.testing().test(.POST, "/api/v1/inspections/\(id)/conclusion", headers: .bearer(homeAffairs), body: ByteBuffer(string:
                #"{"conclusion":"Thực hiện tốt; cần hoàn thiện niêm yết.","followUps":[{"title":"Hoàn thiện niêm yết TTHC tại bộ phận một cửa","field":"procedures","deadline":"\#(deadline.iso)"}]}"#)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
            }
            let leader = fixture.token(.unitLeader)
            try await app.testing().test(.GET, "/api/v1/plans/\(fixture.justice.id)/\(deadline.year)", headers: .bearer(leader)) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Hoàn thiện niêm yết TTHC"))
                let source = try res.content.get(String.self, at: "tasks", "0", "source")
                #expect(source == "inspection")
            }
            try await app.testing().test(.GET, "/api/v1/plan-tasks/overdue?unitId=\(fixture.justice.id)", headers: .bearer(leader)) { res in
                #expect(!res.body.string.contains("Hoàn thiện niêm yết TTHC"))
            }
            clock.withLockedValue { $0 = VietnamTime.instant(deadline.adding(days: 1), TimeOfDay(hour: 9)!) }
            try await app.testing().test(.GET, "/api/v1/plan-tasks/overdue?unitId=\(fixture.justice.id)", headers: .bearer(leader)) { res in
                #expect(res.body.string.contains("Hoàn thiện niêm yết TTHC"))
                let overdue = try res.content.get(Bool.self, at: "items", "0", "overdue")
                #expect(overdue)
            }
            let cookie = try await signIn(app, username: fixture.users[.unitLeader]!.username)
            let overduePage = try await app.page(.GET, "/plans/units/\(fixture.justice.id)/overdue", cookie: cookie)
            #expect(overduePage.body.string.contains("Hoàn thiện niêm yết TTHC"))
            let planPage = try await app.page(.GET, "/plans/units/\(fixture.justice.id)?year=\(deadline.year)", cookie: cookie)
            #expect(planPage.body.string.contains(#"id="plan-overdue">1<"#))
            let library = try await app.page(.GET, "/initiatives", cookie: cookie)
            #expect(library.body.string.contains("Phần mềm nhắc hạn hồ sơ qua Zalo"))
            // The leader finishes the task with evidence through the form; it leaves the overdue list.
            let taskPath = try #require(planPage.body.string.range(of: #"/plans/tasks/[0-9a-f-]{36}"#, options: .regularExpression).map { String(planPage.body.string[$0]) })
            let form = try await app.page(.GET, taskPath, cookie: cookie)
            let saved = try await app.page(.POST, taskPath, cookie: cookie, form: [
                "_csrf": hiddenCSRF(form.body.string), "version": "1", "field": "procedures", "title": "Hoàn thiện niêm yết TTHC tại bộ phận một cửa",
                "deadline": deadline.iso, "status": "done", "evidence": "Ảnh chụp bảng niêm yết", "progress": "100"])
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            try await app.testing().test(.GET, "/api/v1/plan-tasks/overdue?unitId=\(fixture.justice.id)", headers: .bearer(leader)) { res in
                #expect(!res.body.string.contains("Hoàn thiện niêm yết TTHC"))
            }
            // The same form again, on the old version: refused, nothing lost.
            let stale = try await app.page(.POST, taskPath, cookie: cookie, form: [
                "_csrf": hiddenCSRF(form.body.string), "version": "1", "field": "procedures", "title": "Sửa đè", "deadline": deadline.iso, "status": "in_progress"])
            #expect(stale.status == .unprocessableEntity || stale.status == .preconditionFailed)
        }
    }

    @Test("feedback past its answer deadline is overdue; once published the public page shows the answer without the citizen's personal data")
    func feedback() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            let homeAffairs = try await Self.user(app, "cchc.tinh", .parOfficer, on: fixture.province.id)
            var code = "", secret = ""
            try await app.testing().test(.POST, "/api/v1/feedback", headers: ["Content-Type": "application/json"], body: ByteBuffer(string:
                #"{"kind":"procedure","procedureCode":"1.001193","subject":"Khai sinh bị hẹn lại nhiều lần","content":"Tôi là Võ Thị Hồng, điện thoại 0987 111 222, nộp hồ sơ khai sinh cho con nhưng bị hẹn lại ba lần.","name":"Võ Thị Hồng","phone":"0987111222"}"#)) { res in
                #expect(res.status == .created, "\(res.body.string)")
                code = try res.content.get(String.self, at: "code")
                secret = try res.content.get(String.self, at: "secret")
            }
            // Only Home Affairs at the province sees unassigned feedback.
            try await app.testing().test(.GET, "/api/v1/feedback", headers: .bearer(fixture.token(.unitLeader))) { res in
                #expect(res.status == .ok && !res.body.string.contains(code))
            }
            try await app.testing().test(.GET, "/api/v1/feedback", headers: .bearer(fixture.token(.counterOfficer))) { res in
                #expect(res.status == .forbidden)
            }
            var id = ""
            try await app.testing().test(.GET, "/api/v1/feedback?overdue=true", headers: .bearer(homeAffairs)) { res in
                #expect(!res.body.string.contains(code))
            }
            clock.withLockedValue { $0 = $0.addingTimeInterval(30 * 86_400) }
            try await app.testing().test(.GET, "/api/v1/feedback?overdue=true", headers: .bearer(homeAffairs)) { res in
                #expect(res.body.string.contains(code))
                id = try res.content.get(String.self, at: "items", "0", "id")
                let overdue = try res.content.get(Bool.self, at: "items", "0", "overdue")
                #expect(overdue)
            }
            let officer = try await signIn(app, username: "cchc.tinh")
            let queue = try await app.page(.GET, "/feedback/manage?overdue=1", cookie: officer)
            #expect(queue.body.string.contains(code) && queue.body.string.contains("Quá hạn"))
            // Assign to the Department of Justice; its leader answers; Home Affairs publishes.
            func act(_ token: String, _ json: String) async throws {
                try await app.testing().test(.POST, "/api/v1/feedback/\(id)/actions", headers: .bearer(token), body: ByteBuffer(string: json)) { res in
                    #expect(res.status == .ok, "\(json): \(res.body.string)")
                }
            }
            try await act(homeAffairs, #"{"action":"assign","unitId":"\#(fixture.justice.id)"}"#)
            try await act(fixture.token(.unitLeader), #"{"action":"answer","answer":"Sở đã kiểm tra và hướng dẫn lại bộ phận một cửa; chị Võ Thị Hồng nhận kết quả ngày 20."}"#)
            try await act(homeAffairs, #"{"action":"publish"}"#)
            try await app.testing().test(.GET, "/feedback?q=khai%20sinh") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Khai sinh bị hẹn lại nhiều lần"))
                #expect(res.body.string.contains("Sở đã kiểm tra và hướng dẫn lại"))
                #expect(!res.body.string.contains("Võ Thị Hồng") && !res.body.string.contains("0987 111 222") && !res.body.string.contains("0987111222"))
            }
            try await app.testing().test(.GET, "/api/v1/feedback/published?q=hen%20lai") { res in
                #expect(res.body.string.contains(code) && !res.body.string.contains("Võ Thị Hồng"))
            }
            // The sender follows it with the code and secret, and rates the answer once.
            let status = try await app.page(.GET, "/feedback/status?code=\(code)&secret=\(secret)", cookie: "")
            #expect(status.body.string.contains("Đã công khai"))
            try await app.testing().test(.GET, "/feedback/status?code=\(code)&secret=WRONG123") { res in #expect(res.status == .notFound) }
        }
    }

    @Test("feedback: a question to the sender within 5 working days (page), answered once on the status page and the API; a transfer counts the limits again; a late answer counts as overdue")
    func feedbackQuestionTransferAndLateAnswer() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            let homeAffairs = try await Self.user(app, "cchc.tinh", .parOfficer, on: fixture.province.id)
            var code = "", secret = "", id = ""
            try await app.testing().test(.POST, "/api/v1/feedback", headers: ["Content-Type": "application/json"], body: ByteBuffer(string:
                #"{"kind":"procedure","subject":"Hồ sơ chứng thực bị trả lại","content":"Bộ phận một cửa trả lại hồ sơ chứng thực mà không nói lý do."}"#)) { res in
                #expect(res.status == .created, "\(res.body.string)")
                code = try res.content.get(String.self, at: "code")
                secret = try res.content.get(String.self, at: "secret")
            }
            try await app.testing().test(.GET, "/api/v1/feedback", headers: .bearer(homeAffairs)) { res in
                id = try res.content.get(String.self, at: "items", "0", "id")
            }
            func act(_ json: String, expect status: HTTPStatus = .ok) async throws -> [String: String] {
                var fields: [String: String] = [:]
                try await app.testing().test(.POST, "/api/v1/feedback/\(id)/actions", headers: .bearer(homeAffairs), body: ByteBuffer(string: json)) { res in
                    #expect(res.status == status, "\(json): \(res.body.string)")
                    for key in ["answerBy", "moreInfoBy", "refuseBy", "informationRequest", "informationReply"] {
                        fields[key] = try? res.content.get(String.self, at: key)
                    }
                    if status == .ok { fields["handledLate"] = String(try res.content.get(Bool.self, at: "handledLate")) }
                }
                return fields
            }
            // The officer asks on the staff page.
            let officer = try await signIn(app, username: "cchc.tinh")
            let item = try await app.page(.GET, "/feedback/manage/\(id)", cookie: officer)
            #expect(item.status == .ok && item.body.string.contains(#"name="question""#), "the question form is offered within 5 working days")
            let asked = try await app.page(.POST, "/feedback/manage/\(id)", cookie: officer, form: [
                "_csrf": hiddenCSRF(item.body.string), "action": "request_information", "question": "Ông/Bà nộp hồ sơ vào ngày nào, tại quầy số mấy?"])
            #expect(asked.status == .seeOther)
            // One question at a time.
            _ = try await act(#"{"action":"request_information","question":"Và mã hồ sơ?"}"#, expect: .conflict)
            // The sender sees the question and replies on the status page, once; the API refuses a second reply.
            let status = try await app.page(.GET, "/feedback/status?code=\(code)&secret=\(secret)", cookie: "")
            #expect(status.body.string.contains("quầy số mấy") && status.body.string.contains(#"action="/feedback/reply""#))
            let replied = try await app.page(.POST, "/feedback/reply", cookie: sessionCookie(status), form: [
                "_csrf": hiddenCSRF(status.body.string), "code": code, "secret": secret, "reply": "Ngày 04/5, quầy số 2."])
            #expect(replied.status == .ok && replied.body.string.contains("Ngày 04/5, quầy số 2."))
            try await app.testing().test(.POST, "/api/v1/feedback/reply", headers: ["Content-Type": "application/json"],
                                         body: ByteBuffer(string: #"{"code":"\#(code)","secret":"\#(secret)","reply":"Lần hai"}"#)) { res in
                #expect(res.status == .conflict, "\(res.body.string)")
            }
            try await app.testing().test(.POST, "/api/v1/feedback/reply", headers: ["Content-Type": "application/json"],
                                         body: ByteBuffer(string: #"{"code":"\#(code)","secret":"WRONG123","reply":"x"}"#)) { res in
                #expect(res.status == .notFound)
            }
            #expect(try await app.page(.GET, "/feedback/manage/\(id)", cookie: officer).body.string.contains("Ngày 04/5, quầy số 2."))
            // A transfer to the competent agency two days later counts every limit again from then (on the
            // calendar the app holds: the Labour Code's rules, no year's decision loaded).
            let before = try await act(#"{"action":"assign","unitId":"\#(fixture.justice.id)"}"#)
            clock.withLockedValue { $0 = $0.addingTimeInterval(2 * 86_400) }
            let transferredAt = clock.withLockedValue { $0 }
            let moved = try await act(#"{"action":"transfer","unitId":"\#(fixture.health.id)"}"#)
            let expected = try Feedback.limits(receivedAt: transferredAt, calendar: try WorkingCalendar(years: []))
            func instant(_ key: String, _ fields: [String: String]) -> Date? { fields[key].flatMap { try? Date($0, strategy: .iso8601) } }
            #expect(instant("answerBy", moved) == expected.answerBy && instant("moreInfoBy", moved) == expected.moreInfoBy)
            #expect(try #require(instant("answerBy", moved)) >= (try #require(instant("answerBy", before))))
            // Past the 5-day limit no question may be asked; an answer after its limit is late and counted overdue.
            let moreInfoBy = try #require(moved["moreInfoBy"].flatMap { try? Date($0, strategy: .iso8601) })
            clock.withLockedValue { $0 = moreInfoBy.addingTimeInterval(3600) }
            _ = try await act(#"{"action":"request_information","question":"Còn gì nữa?"}"#, expect: .conflict)
            let answerBy = try #require(moved["answerBy"].flatMap { try? Date($0, strategy: .iso8601) })
            clock.withLockedValue { $0 = answerBy.addingTimeInterval(86_400) }
            let answered = try await act(#"{"action":"answer","answer":"Sở Y tế đã hướng dẫn lại."}"#)
            #expect(answered["handledLate"] == "true")
            let index = IndexRepository(db: app.db)
            let today = VietnamTime.localDate(of: clock.withLockedValue { $0 })
            let facts = try await index.facts(try await index.scope(fixture.province.id), from: LocalDate(year: today.year - 1, month: 1, day: 1)!,
                                              through: today, today: today)
            #expect(facts[.feedbackReceived] == 1 && facts[.feedbackOverdue] == 1, "answered late: overdue though no longer waiting")
            #expect(facts[.feedbackUnsatisfactory] == 1, "a late answer is not a satisfactory one (766, 5.3)")
        }
    }

    @Test("the public feedback form, the plan and discipline pages work through forms")
    func pages() async throws {
        try await withTestApp { app, fixture in
            var cookie = ""
            var csrf = ""
            try await app.testing().test(.GET, "/feedback/new") { res in
                #expect(res.status == .ok)
                cookie = sessionCookie(res)
                csrf = hiddenCSRF(res.body.string)
            }
            let refused = try await app.page(.POST, "/feedback/new", cookie: cookie, form: ["_csrf": csrf, "kind": "regulation", "subject": "", "content": "ngắn"])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("error-summary"))
            let sent = try await app.page(.POST, "/feedback/new", cookie: cookie, form: [
                "_csrf": csrf, "kind": "regulation", "subject": "Quy định phí chưa rõ", "content": "Quy định về phí sao lục chưa được niêm yết rõ ràng."])
            #expect(sent.status == .ok && sent.body.string.contains("feedback-code"))
            let leader = try await signIn(app, username: fixture.users[.unitLeader]!.username)
            let plan = try await app.page(.GET, "/plans/units/\(fixture.justice.id)?year=2026", cookie: leader)
            #expect(plan.status == .ok)
            let added = try await app.page(.POST, "/plans/units/\(fixture.justice.id)?year=2026", cookie: leader, form: [
                "_csrf": hiddenCSRF(plan.body.string), "field": "e_government", "title": "Số hóa hồ sơ lưu trữ", "deadline": "2026-11-30", "ownerDivision": "Văn phòng Sở"])
            #expect(added.status == .seeOther)
            #expect(try await app.page(.GET, "/plans/units/\(fixture.justice.id)?year=2026", cookie: leader).body.string.contains("Số hóa hồ sơ lưu trữ"))
            let discipline = try await app.page(.GET, "/discipline/units/\(fixture.justice.id)?year=2026", cookie: leader)
            #expect(discipline.status == .ok)
            let token = hiddenCSRF(discipline.body.string)
            #expect(try await app.page(.POST, "/discipline/units/\(fixture.justice.id)/commitments?year=2026", cookie: leader, form: [
                "_csrf": token, "leader": "Giám đốc Sở", "text": "100% hồ sơ đúng hạn", "metric": "progress.on_time", "target": "100"]).status == .seeOther)
            #expect(try await app.page(.POST, "/discipline/units/\(fixture.justice.id)/meetings?year=2026", cookie: leader, form: [
                "_csrf": token, "title": "Giao ban CCHC", "at": "2026-04-10T14:00", "attendees": "Giám đốc Sở\nTrưởng phòng Y tế | dept:y-te"]).status == .seeOther)
            #expect(try await app.page(.POST, "/discipline/units/\(fixture.justice.id)/tracked?year=2026", cookie: leader, form: [
                "_csrf": token, "month": "2026-03", "share": "64,5", "certificate": "TCVN ISO 9001:2015 — 0123", "nextReview": "2099-01-01"]).status == .seeOther)
            let after = try await app.page(.GET, "/discipline/units/\(fixture.justice.id)?year=2026", cookie: leader)
            #expect(after.body.string.contains("100% hồ sơ đúng hạn") && after.body.string.contains("64,5%") && after.body.string.contains("Duy trì"))
            let meetingPath = try #require(after.body.string.range(of: #"/meetings/[0-9a-f-]{36}"#, options: .regularExpression).map { String(after.body.string[$0]) })
            let meeting = try await app.page(.GET, meetingPath, cookie: leader)
            #expect(try await app.page(.POST, meetingPath, cookie: leader, form: [
                "_csrf": hiddenCSRF(meeting.body.string), "person": "Giám đốc Sở", "unitId": fixture.justice.id.description,
                "attendance": "absent_without_reason"]).status == .seeOther)
            try await app.testing().test(.GET, "/api/v1/discipline/\(fixture.justice.id)?year=2026", headers: .bearer(fixture.token(.unitLeader))) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let breaches = try res.content.get(Int.self, at: "attendance", "0", "absentWithoutReason")
                let iso = try res.content.get(Bool.self, at: "iso", "maintained")
                #expect(breaches == 1 && iso)
            }
            // A counter officer has no plan pages.
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            #expect(try await app.page(.GET, "/plans/units/\(fixture.justice.id)", cookie: counter).status == .forbidden)
        }
    }
}
