import Foundation
import NIOConcurrencyHelpers
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("The counter's queue: one search box, tabs that match the day")
struct QueueWebTests {
    struct Received {
        let id: String
        let code: String
        let secret: String
        let dueAt: Date
    }

    static func receive(_ app: Application, _ fixture: Fixture, applicant: String) async throws -> Received {
        let body = #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"counter","applicant":\#(applicant),"components":["Tờ khai"]}"#
        var received: Received?
        try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)), body: ByteBuffer(string: body)) { res in
            #expect(res.status == .created, "\(res.body.string)")
            received = Received(id: try res.content.get(String.self, at: "dossier", "id"), code: try res.content.get(String.self, at: "dossier", "code"),
                                secret: try res.content.get(String.self, at: "lookupSecret"),
                                dueAt: try #require(try? Date(try res.content.get(String.self, at: "dossier", "dueAt"), strategy: .iso8601)))
        }
        return try #require(received)
    }

    struct Page: Decodable {
        struct Item: Decodable { let id: String }
        let items: [Item]
    }

    @Test("a counter officer finds a dossier by the applicant's ID number, phone, name without diacritics or code without dots — by POST, never in a URL")
    func search() async throws {
        try await withTestApp { app, fixture in
            let dao = try await Self.receive(app, fixture, applicant: #"{"name":"Nguyễn Thị Đào","idNumber":"001090012345","phone":"0912 345 678"}"#)
            let binh = try await Self.receive(app, fixture, applicant: #"{"name":"Trần Văn Bình","idNumber":"001090099999"}"#)
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let queue = try await app.page(.GET, "/dossiers", cookie: cookie)
            let html = queue.body.string
            #expect(queue.status == .ok && html.contains(#"<form method="post" action="/dossiers/search""#))
            let csrf = try hiddenCSRF(html)
            for typed in ["001 090 012 345", "+84 912 345 678", "nguyen thi dao", "NGUYỄN THỊ", dao.code.replacingOccurrences(of: ".", with: "")] {
                let found = try await app.page(.POST, "/dossiers/search", cookie: cookie, form: ["_csrf": csrf, "q": typed])
                #expect(found.status == .ok, "\(typed)")
                #expect(found.body.string.contains(">\(dao.code)</a>") && !found.body.string.contains(">\(binh.code)</a>"), "\(typed) finds Đào's dossier only")
            }
            let short = try await app.page(.POST, "/dossiers/search", cookie: cookie, form: ["_csrf": csrf, "q": "ab"])
            #expect(short.status == .unprocessableEntity && short.body.string.contains("error-summary"))
            // The API: the same search, by POST.
            for (typed, expected) in [("0912345678", [dao.id]), ("001090099999", [binh.id]), ("tran van", [binh.id])] {
                try await app.testing().test(.POST, "/api/v1/dossiers/search", headers: .bearer(fixture.token(.counterOfficer)),
                                             body: ByteBuffer(string: #"{"q":"\#(typed)"}"#)) { res in
                    #expect(res.status == .ok)
                    let ids = try res.content.decode(Page.self).items.map(\.id)
                    #expect(ids == expected, "\(typed)")
                }
            }
            try await app.testing().test(.POST, "/api/v1/dossiers/search", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: ByteBuffer(string: #"{"q":"x"}"#)) { res in
                #expect(res.status == .unprocessableEntity)
            }
            // The ID number is stored only as a hash in the searched column.
            let stored = try await app.db.sql.select().column("applicant_id_hash").from("dossiers").where("id", .equal, UUID(uuidString: dao.id)!)
                .first()?.decode(column: "applicant_id_hash", as: String?.self)
            #expect(stored != nil && stored?.contains("001090012345") == false)
            // Intake starts from the procedures the unit receives most.
            let intake = try await app.page(.GET, "/dossiers/new", cookie: cookie).body.string
            let frequent = try #require(intake.range(of: #"id="frequent""#), "the most received procedures are offered")
            #expect(intake[frequent.lowerBound...].contains(fixture.procedure.name))
            // The public lookup takes the code with or without its dots.
            let dotless = dao.code.replacingOccurrences(of: ".", with: "")
            try await app.testing().test(.GET, "/api/v1/lookup?code=\(dotless)&secret=\(dao.secret)") { res in
                #expect(res.status == .ok && (try? res.content.get(String.self, at: "code")) == dao.code)
            }
        }
    }

    @Test("'due within 2 working days' shows exactly those, 'overdue' the overdue ones, 'to return' the processed ones")
    func tabs() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            let early = try await Self.receive(app, fixture, applicant: #"{"name":"Lê Văn Sớm"}"#)
            func listed(_ view: String) async throws -> [String] {
                var ids: [String] = []
                try await app.testing().test(.GET, "/api/v1/dossiers?view=\(view)&limit=200", headers: .bearer(fixture.token(.counterOfficer))) { res in
                    #expect(res.status == .ok, "\(res.body.string)")
                    ids = try res.content.decode(Page.self).items.map(\.id)
                }
                return ids
            }
            // An hour before its appointment: due soon, not overdue.
            clock.withLockedValue { $0 = early.dueAt.addingTimeInterval(-3600) }
            let late = try await Self.receive(app, fixture, applicant: #"{"name":"Phạm Thị Muộn"}"#)
            #expect(try await listed("due_soon").contains(early.id))
            #expect(!(try await listed("due_soon").contains(late.id)), "due a week later")
            #expect(!(try await listed("overdue").contains(early.id)))
            // A day after it: overdue, no longer "due soon".
            clock.withLockedValue { $0 = early.dueAt.addingTimeInterval(86_400) }
            #expect(try await listed("overdue").contains(early.id))
            #expect(!(try await listed("due_soon").contains(early.id)), "an overdue dossier is not 'due soon'")
            #expect(!(try await listed("overdue").contains(late.id)))
            // Processed: waiting to be handed back.
            try await app.testing().test(.POST, "/api/v1/dossiers/\(late.id)/actions", headers: .bearer(fixture.token(.processingOfficer)),
                                         body: ByteBuffer(string: #"{"action":"mark_processed","electronic":false}"#)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
            }
            #expect(try await listed("to_return") == [late.id])
            // The page: the tabs, the current one marked, days late in a column.
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let page = try await app.page(.GET, "/dossiers?view=overdue", cookie: cookie).body.string
            #expect(page.contains(#"href="/dossiers?view=overdue" aria-current="page""#))
            let calendar = try await CalendarRepository(db: app.db).calendar()
            let days = Overdue.workingDaysLate(due: early.dueAt, now: clock.withLockedValue { $0 }, calendar: calendar)
            #expect(page.contains(">\(early.code)</a>") && page.contains(#"<td class="num">\#(days)</td>"#))
        }
    }

    @Test("the receipt shows the fees to pay, whether they were paid, and the two signature blocks of form 01")
    func receiptAmountDue() async throws {
        try await withTestApp { app, fixture in
            var charged = fixture.procedure
            charged.id = .random()
            charged.code = "1.001194"
            charged.fees = [.init(description: "Lệ phí", amountVND: 1_500_000)]
            let procedure = try await ProcedureRepository(db: app.db).create(charged, publication: .init(decision: nil, effectiveFrom: nil),
                                                                              actor: .system("t"), now: testNow())
            let body = #"{"procedureId":"\#(procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"counter","applicant":{"name":"Hà Thị Thu"},"components":["Tờ khai"]}"#
            var id = ""
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)), body: ByteBuffer(string: body)) { res in
                #expect(res.status == .created)
                id = try res.content.get(String.self, at: "dossier", "id")
            }
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let before = try await app.page(.GET, "/dossiers/\(id)/receipt", cookie: cookie).body.string
            #expect(before.contains("1.500.000 đ") && before.contains("Chưa nộp"))
            #expect(before.contains("NGƯỜI NỘP HỒ SƠ") && before.contains("NGƯỜI TIẾP NHẬN HỒ SƠ"))
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/payments", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: ByteBuffer(string: #"{"method":"counter","amount":1500000,"receipt":"BL-7"}"#)) { res in
                #expect(res.status == .created, "\(res.body.string)")
            }
            let after = try await app.page(.GET, "/dossiers/\(id)/receipt?lang=en", cookie: cookie).body.string
            #expect(after.contains("1,500,000 VND") && after.contains(">Paid<"))
        }
    }

    @Test("withdrawal is apart from the everyday actions and needs its confirmation; without it nothing changes")
    func withdrawalConfirmed() async throws {
        try await withTestApp { app, fixture in
            let dossier = try await Self.receive(app, fixture, applicant: #"{"name":"Cao Thị Lan"}"#)
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let page = try await app.page(.GET, "/dossiers/\(dossier.id)", cookie: cookie).body.string
            let ending = try #require(page.range(of: #"<details class="ending-actions""#), "the ending actions are apart")
            let withdraw = try #require(page.range(of: #"name="action" value="withdraw""#))
            #expect(ending.lowerBound < withdraw.lowerBound, "withdrawal is inside them")
            let version = try #require(page.range(of: #"name="version" value=""#).map { page[$0.upperBound...].prefix { $0.isNumber } })
            var form = ["_csrf": try hiddenCSRF(page), "version": String(version), "action": "withdraw", "reason": "Người nộp đề nghị"]
            let refused = try await app.page(.POST, "/dossiers/\(dossier.id)/actions", cookie: cookie, form: form)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(##"href="#wd-confirm""##))
            #expect(refused.body.string.contains(#"<details class="ending-actions" id="ending-actions" open>"#))
            #expect(try await DossierRepository(db: app.db).find(try #require(Dossier.ID(string: dossier.id)))?.state == .received)
            form["confirm"] = "1"
            let done = try await app.page(.POST, "/dossiers/\(dossier.id)/actions", cookie: cookie, form: form)
            #expect(done.status == .seeOther)
            #expect(try await DossierRepository(db: app.db).find(try #require(Dossier.ID(string: dossier.id)))?.state == .withdrawn)
        }
    }
}
