import FluentKit
import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Dossier pages")
struct DossierPageTests {
    static let pdf = Array("%PDF-1.4\n% tờ khai\n".utf8)

    /// The text of the first element with `id`.
    static func element(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let open = rest.firstIndex(of: ">") else { return nil }
        return String(rest[rest.index(after: open)...].prefix { $0 != "<" })
    }

    static func location(_ res: TestingHTTPResponse) -> String { res.headers.first(name: .location) ?? "" }

    static func intake(_ fixture: Fixture, csrf: String, name: String = "Trần Thị Hoa", scan: [UInt8] = pdf,
                       filename: String = "../to khai.pdf") -> Multipart {
        var form = Multipart()
        form.field("_csrf", csrf)
        form.field("procedure", fixture.procedure.code)
        form.field("unit", fixture.justice.id.description)
        form.field("channel", "counter")
        form.field("name", name)
        form.field("idNumber", "001099012345")
        form.field("email", "hoa@example.vn")
        form.field("component[]", "Tờ khai")
        form.file("scan[c0]", filename: filename, type: "application/octet-stream", scan)
        form.field("digitised[c0]", "1")
        return form
    }

    static func dossierCount(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM dossiers").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test("through the forms: received with a scan, receipt with QR and secret, forwarded, supplemented, apologised, processed, returned; the lookup page shows it")
    func journey() async throws {
        try await withTestApp { app, fixture in
            let division = try await UnitRepository(db: app.db).create(
                OrgUnit(id: .random(), key: "div:tp:htp", code: "div:tp:htp", kind: .division, name: "Phòng Hành chính tư pháp",
                        parentID: fixture.justice.id, validFrom: nil, validTo: nil), actor: .system("t"), now: testNow()).unit
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let form = try await app.page(.GET, "/dossiers/new?procedure=1.001193", cookie: counter)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("Tờ khai"))
            let csrf = hiddenCSRF(form.body.string)
            let created = try await app.page(.POST, "/dossiers/new", cookie: counter, multipart: Self.intake(fixture, csrf: csrf))
            #expect(created.status == .seeOther, "\(created.body.string.prefix(2000))")
            let receiptPath = Self.location(created)
            let receipt = try await app.page(.GET, receiptPath, cookie: counter)
            let secret = try #require(Self.element("lookup-secret", in: receipt.body.string))
            #expect(secret.count == 8)
            #expect(receipt.body.string.contains("<svg") && receipt.body.string.contains("role=\"img\""))
            let code = try #require(Self.element("dossier-code", in: receipt.body.string))
            // The secret is shown once; a reload offers a reissue instead.
            let again = try await app.page(.GET, receiptPath, cookie: counter)
            #expect(Self.element("lookup-secret", in: again.body.string) == nil)

            let dossierPath = String(receiptPath.dropLast("/receipt".count))
            var page = try await app.page(.GET, dossierPath, cookie: counter)
            #expect(page.body.string.contains("to khai.pdf"), "the upload's name is kept without its directories")
            func act(_ cookie: String, _ fields: [String: String], expect status: HTTPStatus = .seeOther) async throws {
                let current = try await app.page(.GET, dossierPath, cookie: cookie)
                let version = try #require(current.body.string.range(of: #"name="version" value=""#).map {
                    String(current.body.string[$0.upperBound...].prefix { $0 != "\"" })
                })
                var form = fields
                form["_csrf"] = hiddenCSRF(current.body.string)
                form["version"] = version
                let res = try await app.page(.POST, dossierPath + "/actions", cookie: cookie, form: form)
                #expect(res.status == status, "\(fields["action"] ?? ""): \(res.body.string.prefix(1500))")
            }
            try await act(counter, ["action": "forward", "toUnitId": division.id.description, "electronic": "1"])
            let processor = try await signIn(app, username: fixture.users[.processingOfficer]!.username)
            try await act(processor, ["action": "request_supplement", "items": "Bản sao giấy chứng sinh\nCCCD của mẹ"])
            try await act(counter, ["action": "complete_supplement"])
            let tomorrow = LocalInput.dateTime(testNow().addingTimeInterval(30 * 86_400))
            try await act(processor, ["action": "apologise", "reason": "Chờ xác minh", "newDueAt": tomorrow])
            try await act(processor, ["action": "apologise", "reason": "", "newDueAt": tomorrow], expect: .unprocessableEntity)
            try await act(processor, ["action": "mark_processed", "electronic": "1"])
            try await act(counter, ["action": "return_result", "method": "counter"])
            page = try await app.page(.GET, dossierPath, cookie: counter)
            let html = page.body.string
            #expect(Self.element("dossier-state", in: html) == "Đã trả kết quả")
            for step in ["Tiếp nhận", "Chuyển xử lý", "Yêu cầu bổ sung", "Đã bổ sung", "Phiếu xin lỗi, hẹn lại", "Đã xử lý xong", "Trả kết quả"] {
                #expect(html.contains("<td>\(step)</td>"), "timeline shows \(step)")
            }
            #expect(html.contains("Phòng Hành chính tư pháp"))
            let apology = try await app.page(.GET, dossierPath + "/slips/apology", cookie: counter)
            #expect(apology.status == .ok && apology.body.string.contains("Chờ xác minh"))
            let control = try await app.page(.GET, dossierPath + "/slips/control", cookie: counter)
            #expect(control.status == .ok && control.body.string.contains("Phòng Hành chính tư pháp"))
            // The applicant was told of the apology through the outbox.
            let notices = try await OutboxRepository(db: app.db).list(status: nil, limit: 20).filter { $0.recipient == "hoa@example.vn" }
            #expect(notices.contains { $0.subject.contains("xin lỗi") })

            let lookup = try await app.page(.GET, "/lookup?code=\(code.urlQueryEscaped)&secret=\(secret)", cookie: "")
            #expect(lookup.status == .ok)
            #expect(Self.element("lookup-state", in: lookup.body.string) == "Đã trả kết quả")
            #expect(!lookup.body.string.contains("Trần Thị Hoa"), "no personal data on the public page")
            let wrong = try await app.page(.GET, "/lookup?code=\(code.urlQueryEscaped)&secret=AAAAAAAA", cookie: "")
            #expect(wrong.status == .notFound)

            let register = try await app.page(.GET, "/dossiers/register.csv?unit=\(fixture.justice.id)", cookie: counter)
            #expect(register.status == .ok && register.body.string.contains(code) && register.body.string.contains("Trần Thị Hoa"))
            let xlsx = try await app.page(.GET, "/dossiers/register.xlsx?unit=\(fixture.justice.id)", cookie: counter)
            #expect(xlsx.status == .ok && xlsx.body.readableBytes > 500)
            let queue = try await app.page(.GET, "/dossiers?state=received", cookie: counter)
            #expect(queue.status == .ok && !queue.body.string.contains(code), "a returned dossier leaves the queue")
        }
    }

    @Test("a form made on an old version is refused with a message, and nothing changes")
    func staleForm() async throws {
        try await withTestApp { app, fixture in
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let id = try #require(fixture.dossiers[fixture.justice.id])
            let page = try await app.page(.GET, "/dossiers/\(id)", cookie: counter)
            let csrf = hiddenCSRF(page.body.string)
            let first = try await app.page(.POST, "/dossiers/\(id)/actions", cookie: counter,
                                           form: ["_csrf": csrf, "version": "1", "action": "request_supplement", "items": "CCCD"])
            #expect(first.status == .seeOther)
            let stale = try await app.page(.POST, "/dossiers/\(id)/actions", cookie: counter,
                                           form: ["_csrf": csrf, "version": "1", "action": "refuse", "reason": "sai", "confirm": "1"])
            #expect(stale.status == .unprocessableEntity)
            #expect(stale.body.string.contains("vừa được người khác xử lý"))
            #expect(try await DossierRepository(db: app.db).find(id)?.state == .supplementRequested)
        }
    }

    @Test("bad uploads and bad intakes are refused with the form's errors and leave no dossier", arguments: [
        ("wrong type", Array("<?php echo 1; ?>".utf8), "scan.pdf", "Trần Thị Hoa"),
        ("named PNG", DossierPageTests.pdf, "scan.png", "Trần Thị Hoa"),
        ("no name", DossierPageTests.pdf, "scan.pdf", "   "),
        ("too long a name", DossierPageTests.pdf, "scan.pdf", String(repeating: "x", count: 201)),
    ])
    func badIntake(label: String, bytes: [UInt8], filename: String, name: String) async throws {
        try await withTestApp { app, fixture in
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let csrf = hiddenCSRF(try await app.page(.GET, "/dossiers/new", cookie: counter).body.string)
            let before = try await Self.dossierCount(app)
            let res = try await app.page(.POST, "/dossiers/new", cookie: counter,
                                         multipart: Self.intake(fixture, csrf: csrf, name: name, scan: bytes, filename: filename))
            #expect(res.status == .unprocessableEntity, "\(label)")
            #expect(res.body.string.contains("error-summary"))
            #expect(try await Self.dossierCount(app) == before)
        }
    }

    @Test("the public lookup is rate-limited per client")
    func rateLimit() async throws {
        try await withTestApp({ ReverseProxyTests.frozen(&$0, limit: 3) }) { app, fixture in
            for attempt in 1...4 {
                try await app.testing().test(.GET, "/api/v1/lookup?code=X&secret=Y") { res in
                    if attempt <= 3 {
                        #expect(res.status == .notFound)
                    } else {
                        #expect(res.status == .tooManyRequests)
                        #expect(res.headers.first(name: .retryAfter) != nil)
                        #expect(res.headers.contentType?.description.contains("problem+json") == true)
                    }
                }
            }
        }
    }

    @Test("a citizen signs in with a one-time code, submits online with a scan, and the dossier reaches the ward's queue")
    func citizenOnline() async throws {
        try await withTestApp { app, fixture in
            let ward = try await UnitRepository(db: app.db).create(
                OrgUnit(id: .random(), key: "00004", code: "000.04.01.H26", kind: .commune, name: "Phường Ba Đình",
                        parentID: fixture.province.id, validFrom: nil, validTo: nil), actor: .system("t"), now: testNow()).unit
            var cookie = ""
            try await app.testing().test(.GET, "/citizen/login") { res in cookie = sessionCookie(res) }
            let csrf = hiddenCSRF(try await app.page(.GET, "/citizen/login", cookie: cookie).body.string)
            let sent = try await app.page(.POST, "/citizen/login", cookie: cookie, form: ["_csrf": csrf, "email": "An@Example.vn"])
            #expect(sent.status == .ok && sent.body.string.contains("an@example.vn"))
            let message = try #require(try await OutboxRepository(db: app.db).list(status: nil, limit: 1).first)
            let code = String(message.subject.suffix(6))
            let bad = try await app.page(.POST, "/citizen/verify", cookie: cookie,
                                         form: ["_csrf": csrf, "email": "an@example.vn", "code": code == "000000" ? "111111" : "000000"])
            #expect(bad.status == .unprocessableEntity)
            let verified = try await app.page(.POST, "/citizen/verify", cookie: cookie, form: ["_csrf": csrf, "email": "an@example.vn", "code": code])
            #expect(verified.status == .seeOther)
            cookie = sessionCookie(verified)
            let home = try await app.page(.GET, "/citizen", cookie: cookie)
            #expect(home.status == .ok)
            let token = hiddenCSRF(home.body.string)
            let saved = try await app.page(.POST, "/citizen/profile", cookie: cookie,
                                           form: ["_csrf": token, "name": "Nguyễn Văn An", "idNumber": "001099012345", "phone": "0912345678"])
            #expect(saved.status == .seeOther)
            let form = try await app.page(.GET, "/citizen/submit/1.001193", cookie: cookie)
            #expect(form.body.string.contains("Phường Ba Đình"))
            #expect(form.body.string.contains(#"name="notifyBy" value="sms""#), "with a phone in the profile, notices may go by SMS")
            var submission = Multipart()
            submission.field("_csrf", token)
            submission.field("unit", ward.id.description)
            submission.field("notifyBy", "sms")
            submission.field("component[]", "Tờ khai")
            submission.file("scan[c0]", filename: "to-khai.pdf", type: "application/pdf", Self.pdf)
            let submitted = try await app.page(.POST, "/citizen/submit/1.001193", cookie: cookie, multipart: submission)
            #expect(submitted.status == .seeOther, "\(submitted.body.string.prefix(1500))")
            let mine = try await app.page(.GET, Self.location(submitted), cookie: cookie)
            #expect(Self.element("lookup-secret", in: mine.body.string)?.count == 8)
            #expect(Self.element("dossier-state", in: mine.body.string) == "Mới đăng ký")
            let dossiers = try await DossierRepository(db: app.db).queue(.init(holderUnits: [ward.id]))
            #expect(dossiers.count == 1 && dossiers[0].channel == .online && dossiers[0].applicant.name == "Nguyễn Văn An")
            #expect(dossiers[0].applicant.notifyBy == .sms)
            let receipt = try await OutboxRepository(db: app.db).messages(about: dossiers[0].id)
            #expect(receipt.contains { $0.channel == .sms && $0.recipient == "0912345678" }, "the receipt notice by SMS")
            // Another citizen cannot open it; a signed-out visitor is sent to sign in.
            let stranger = try await app.page(.GET, Self.location(submitted), cookie: "")
            #expect(stranger.status == .unauthorized)
        }
    }

    @Test("files are served only to those who may see the dossier, as downloads")
    func fileAccess() async throws {
        try await withTestApp { app, fixture in
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let csrf = hiddenCSRF(try await app.page(.GET, "/dossiers/new", cookie: counter).body.string)
            let created = try await app.page(.POST, "/dossiers/new", cookie: counter, multipart: Self.intake(fixture, csrf: csrf))
            let dossierPath = String(Self.location(created).dropLast("/receipt".count))
            let page = try await app.page(.GET, dossierPath, cookie: counter)
            let link = try #require(page.body.string.range(of: #"href="\#(dossierPath)/files/"#).map {
                String(page.body.string[page.body.string.index($0.lowerBound, offsetBy: 6)...].prefix { $0 != "\"" })
            })
            let file = try await app.page(.GET, link, cookie: counter)
            #expect(file.status == .ok && Array(file.body.readableBytesView) == Self.pdf)
            #expect(file.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            #expect(file.headers.first(name: "X-Content-Type-Options") == "nosniff")
            let inspector = try await signIn(app, username: fixture.users[.inspector]!.username)
            #expect(try await app.page(.GET, link, cookie: inspector).status == .forbidden)
            let outbox = try await app.page(.GET, "/admin/outbox", cookie: counter)
            #expect(outbox.status == .forbidden)
            let admin = try await signIn(app, username: fixture.users[.administrator]!.username)
            #expect(try await app.page(.GET, "/admin/outbox", cookie: admin).status == .ok)
        }
    }
}
