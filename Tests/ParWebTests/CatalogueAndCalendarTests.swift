import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Calendar API and pages")
struct CalendarWebTests {
    struct Due: Decodable {
        let due: String
        let workingDaysSkipped: [String]
    }

    static let official = [
        YearCalendar(year: 2025, source: "Công văn 8726/VPCP-KGVX", tetSpan: .lastTwoDaysAndFirstThree,
                     nationalDayAdjacent: LocalDate(iso: "2025-09-01")),
    ]

    @Test("due dates cross Tết and swapped Saturdays", arguments: [
        // Received Friday before Tết 2025 (27–31 Jan off, with the weekends): 3 working days → Wed 5 Feb.
        ("2025-01-24T09:00:00+07:00", "3", "workingDays", "2025-02-05T17:00:00+07:00"),
        // Friday 25 Apr 2025: Saturday 26 Apr was worked in exchange for Friday 2 May.
        ("2025-04-25T09:00:00+07:00", "1", "workingDays", "2025-04-26T17:00:00+07:00"),
        ("2025-04-29T10:00:00+07:00", "2", "workingDays", "2025-05-06T17:00:00+07:00"),
        // Tết 2026 (Bính Ngọ, 17 Feb 2026): the default span is 16–20 Feb.
        ("2026-02-13T08:00:00+07:00", "1", "workingDays", "2026-02-23T17:00:00+07:00"),
        ("2025-12-31T16:00:00+07:00", "2", "workingHours", "2026-01-02T09:00:00+07:00"),
        ("2025-01-15T10:00:00+07:00", "1", "months", "2025-02-17T17:00:00+07:00"), // 15 Feb is a Saturday: to the close of Monday 17 Feb
    ])
    func deadlines(from: String, amount: String, unit: String, expected: String) async throws {
        try await withTestApp { app, _ in
            var swap = Self.official[0]
            swap.addSwap(dayOff: LocalDate(iso: "2025-05-02")!, workedOn: LocalDate(iso: "2025-04-26")!)
            _ = try await CalendarRepository(db: app.db).setYear(swap, expectedVersion: nil, actor: .system("t"), now: testNow())
            try await Self.expectDue(app, from: from, amount: amount, unit: unit, expected: expected)
        }
    }

    /// `GET /api/v1/calendar/deadline` answers `expected` as the due instant.
    static func expectDue(_ app: Application, from: String, amount: String, unit: String, expected: String) async throws {
        let query = "from=\(from.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&amount=\(amount)&unit=\(unit)"
        try await app.testing().test(.GET, "/api/v1/calendar/deadline?\(query)") { res in
            #expect(res.status == .ok, "\(res.body.string)")
            let due = try JSONDecoder().decode(Due.self, from: res.body)
            #expect(due.due == expected)
        }
    }

    @Test("2026 as shipped: the New Year swap, Hùng Kings' compensatory day, 30 April – 1 May and National Day", arguments: [
        // 1 Jan holiday, Fri 2 Jan off in exchange for Sat 10 Jan, weekend: the first working day is Mon 5 Jan.
        ("2025-12-31T10:00:00+07:00", "1", "workingDays", "2026-01-05T17:00:00+07:00"),
        // Saturday 10 Jan 2026 is worked.
        ("2026-01-09T10:00:00+07:00", "1", "workingDays", "2026-01-10T17:00:00+07:00"),
        // Hùng Kings' day falls on Sunday 26 Apr 2026: Monday 27 Apr is the compensatory day off.
        ("2026-04-24T10:00:00+07:00", "1", "workingDays", "2026-04-28T17:00:00+07:00"),
        ("2026-04-29T10:00:00+07:00", "1", "workingDays", "2026-05-04T17:00:00+07:00"),
        // Saturday 22 Aug is worked for Monday 31 Aug; 1–2 Sep are National Day.
        ("2026-08-21T10:00:00+07:00", "1", "workingDays", "2026-08-22T17:00:00+07:00"),
        ("2026-08-28T10:00:00+07:00", "1", "workingDays", "2026-09-03T17:00:00+07:00"),
        // Ten calendar days from 21 Apr end on Fri 1 May (a holiday): moved to the next working day, Mon 4 May.
        ("2026-04-21T10:00:00+07:00", "10", "calendarDays", "2026-05-04T17:00:00+07:00"),
    ])
    func shipped2026(from: String, amount: String, unit: String, expected: String) async throws {
        try await withTestApp { app, _ in
            try await ShippedCalendar.loadMissing(app, now: testNow())
            try await Self.expectDue(app, from: from, amount: amount, unit: unit, expected: expected)
        }
    }

    @Test("serve stores the shipped holiday decisions a database lacks, and never replaces a year an administrator entered")
    func shippedCalendarLoaded() async throws {
        try await withTestApp { app, _ in
            let data = try #require(FileManager.default.contents(atPath: ShippedCalendar.file(app)))
            let shipped = try JSONDecoder().decode([YearCalendar].self, from: data).map(\.year).sorted()
            #expect(shipped.contains(2026))
            let calendar = CalendarRepository(db: app.db)
            let entered = YearCalendar(year: 2026, source: "Nhập tay")
            _ = try await calendar.setYear(entered, expectedVersion: nil, actor: .system("t"), now: testNow())
            #expect(try await ShippedCalendar.loadMissing(app, now: testNow()) == shipped.filter { $0 != 2026 })
            #expect(try await calendar.year(2026)?.0.source == "Nhập tay")
            #expect(try await ShippedCalendar.loadMissing(app, now: testNow()).isEmpty)
            #expect(try await calendar.loadedYears() == Set(shipped))
        }
    }

    @Test("administrators are warned on their start page while this year or the next has no holiday decision")
    func missingYearWarning() async throws {
        try await withTestApp { app, fixture in
            let year = VietnamTime.localDate(of: testNow()).year
            let admin = try await signIn(app, username: fixture.users[.administrator]!.username)
            let warned = try await app.page(.GET, "/", cookie: admin).body.string
            #expect(warned.contains(#"id="calendar-missing""#))
            #expect(warned.contains(#"href="/admin/calendar/\#(year)""#) && warned.contains(#"href="/admin/calendar/\#(year + 1)""#))
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            #expect(!(try await app.page(.GET, "/", cookie: counter).body.string.contains(#"id="calendar-missing""#)),
                    "only those who enter the calendar are warned")
            let calendar = CalendarRepository(db: app.db)
            _ = try await calendar.setYear(YearCalendar(year: year, source: "t"), expectedVersion: nil, actor: .system("t"), now: testNow())
            let one = try await app.page(.GET, "/", cookie: admin).body.string
            #expect(!one.contains(#"href="/admin/calendar/\#(year)""#) && one.contains(#"href="/admin/calendar/\#(year + 1)""#))
            _ = try await calendar.setYear(YearCalendar(year: year + 1, source: "t"), expectedVersion: nil, actor: .system("t"), now: testNow())
            #expect(!(try await app.page(.GET, "/", cookie: admin).body.string.contains(#"id="calendar-missing""#)))
        }
    }

    @Test("wrong parameters get 400 problem+json", arguments: [
        "from=yesterday&amount=3&unit=workingDays",
        "from=2025-01-24T09:00:00Z&amount=-3&unit=workingDays",
        "from=2025-01-24T09:00:00Z&amount=1.5&unit=workingDays",
        "from=2025-01-24T09:00:00Z&amount=3&unit=fortnights",
        "from=2025-01-24T09:00:00Z&unit=workingDays",
        "from=2150-01-01T00:00:00Z&amount=3&unit=workingDays",
    ])
    func badDeadline(query: String) async throws {
        try await withTestApp { app, _ in
            try await app.testing().test(.GET, "/api/v1/calendar/deadline?\(query)") { res in
                #expect(res.status == .badRequest, "\(query) → \(res.status)")
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
        }
    }

    @Test("an administrator's year change is audited and shows on the public page; contradictions are refused")
    func editYear() async throws {
        try await withTestApp { app, fixture in
            let body = #"{"source":"Thông báo 1/TB","extraDaysOff":[{"date":"2026-05-04","kind":"swapDayOff","swappedWith":"2026-05-09"}],"workedDays":[{"date":"2026-05-09","swappedFor":"2026-05-04"}]}"#
            try await app.testing().test(.PUT, "/api/v1/calendar/2026", headers: .bearer(fixture.token(.administrator)),
                                         body: ByteBuffer(string: body)) { res in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .eTag) == "\"v1\"")
            }
            for bad in [#"{"workedDays":[{"date":"2026-05-06"}]}"#, #"{"source":"\#(String(repeating: "x", count: 301))"}"#] {
                try await app.testing().test(.PUT, "/api/v1/calendar/2026", headers: .bearer(fixture.token(.administrator)),
                                             body: ByteBuffer(string: bad)) { res in
                    #expect(res.status == .unprocessableEntity)
                }
            }
            let trail = try await AuditLog.entries(on: app.db, entityType: "calendar", entityID: "2026", beforeSequence: nil, limit: 5)
            #expect(trail.map(\.action) == ["calendar.year"])
            try await app.testing().test(.GET, "/calendar/2026", headers: ["Accept": "text/html"]) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Thông báo 1/TB"))
                #expect(res.body.string.contains("04/05/2026"))
            }
        }
    }
}

@Suite("Catalogue API and pages")
struct CatalogueWebTests {
    static func create(_ app: Application, _ fixture: Fixture, name: String, code: String, days: Int = 15) async throws -> String {
        var id = ""
        let body = #"{"code":"\#(code)","name":"\#(name)","field":"Xây dựng","level":"province","unitId":"\#(fixture.justice.id)","agency":"Sở Tư pháp","applicants":"Hộ gia đình, cá nhân","steps":["Nộp hồ sơ","Nhận kết quả"],"methods":["counter","online"],"documents":[{"name":"Đơn đề nghị","copies":1,"template":"Mẫu 01"}],"processingTime":{"amount":\#(days),"unit":"workingDays"},"result":"Giấy phép","resultType":"paper","fees":[{"description":"Lệ phí","amountVND":75000}],"legalBasis":["Luật Xây dựng 2014"],"onlineLevel":"partial","fullOnlineEligible":false,"interAgencySteps":[]}"#
        try await app.testing().test(.POST, "/api/v1/procedures", headers: .bearer(fixture.token(.parOfficer)),
                                     body: ByteBuffer(string: body)) { res in
            #expect(res.status == .created, "\(res.body.string)")
            id = try res.content.get(String.self, at: "id")
            let complete = try res.content.get(Bool.self, at: "isComplete")
            #expect(complete)
        }
        return id
    }

    @Test("an officer shortens a processing time: the history and the simplification report show it")
    func shortenThroughAPI() async throws {
        try await withTestApp { app, fixture in
            let id = try await Self.create(app, fixture, name: "Cấp giấy phép xây dựng nhà ở riêng lẻ", code: "1.002255")
            var headers = HTTPHeaders.bearer(fixture.token(.parOfficer))
            headers.replaceOrAdd(name: .ifMatch, value: "\"v1\"")
            let body = #"{"code":"1.002255","name":"Cấp giấy phép xây dựng nhà ở riêng lẻ","field":"Xây dựng","level":"province","unitId":"\#(fixture.justice.id)","agency":"Sở Tư pháp","processingTime":{"amount":10,"unit":"workingDays"},"decision":"Quyết định 99/QĐ-UBND","effectiveFrom":"2025-06-01"}"#
            try await app.testing().test(.PUT, "/api/v1/procedures/\(id)", headers: headers, body: ByteBuffer(string: body)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                #expect(res.headers.first(name: .eTag) == "\"v2\"")
            }
            try await app.testing().test(.GET, "/api/v1/procedures/\(id)/versions") { res in
                struct Versions: Decodable { struct Item: Decodable { let version: Int }; let items: [Item] }
                let versions = try JSONDecoder().decode(Versions.self, from: res.body)
                #expect(versions.items.map(\.version) == [2, 1])
            }
            try await app.testing().test(.GET, "/api/v1/reports/simplification?from=2025-01-01&to=2025-12-31&targetPercent=20") { res in
                #expect(res.status == .ok)
                let code = try res.content.get(String.self, at: "shortened", "0", "code")
                let percent = try res.content.get(Double.self, at: "percentShortened")
                #expect(code == "1.002255")
                #expect(percent == 50)  // one of two: the fixture's birth registration was not shortened
            }
            try await app.testing().test(.GET, "/procedures/1.002255", headers: ["Accept": "text/html"]) { res in
                #expect(res.body.string.contains("Quyết định 99/QĐ-UBND"))
                #expect(res.body.string.contains("15 ngày làm việc"))
            }
            try await app.testing().test(.GET, "/reports/simplification?from=2025-01-01&to=2025-12-31") { res in
                #expect(res.body.string.contains("Cấp giấy phép xây dựng nhà ở riêng lẻ"))
            }
        }
    }

    @Test("citizens search the public catalogue without diacritics and without signing in")
    func publicSearch() async throws {
        try await withTestApp { app, fixture in
            _ = try await Self.create(app, fixture, name: "Cấp phiếu lý lịch tư pháp", code: "2.001417", days: 10)
            try await app.testing().test(.GET, "/api/v1/procedures?q=LY%20LICH%20TU%20PHAP") { res in
                #expect(res.status == .ok)
                let total = try res.content.get(Int.self, at: "total")
                #expect(total == 1)
            }
            try await app.testing().test(.GET, "/procedures?q=phieu+ly+lich", headers: ["Accept": "text/html"]) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Cấp phiếu lý lịch tư pháp"))
            }
            try await app.testing().test(.GET, "/procedures.csv") { res in
                #expect(res.headers.contentType?.description.hasPrefix("text/csv") == true)
                #expect(res.body.string.contains("2.001417"))
            }
            try await app.testing().test(.GET, "/procedures/2.001417?print=1", headers: ["Accept": "text/html"]) { res in
                #expect(res.body.string.contains("print-view"))
                #expect(res.body.string.contains("75.000 đ"))
            }
        }
    }

    @Test("an officer publishes a procedure through the editor form")
    func editorForm() async throws {
        try await withTestApp { app, fixture in
            let cookie = try await signIn(app, username: fixture.users[.parOfficer]!.username)
            var csrf = ""
            try await app.testing().test(.GET, "/admin/procedures/new", headers: ["Cookie": cookie]) { res in
                #expect(res.status == .ok)
                csrf = hiddenCSRF(res.body.string)
            }
            try await app.testing().test(.POST, "/admin/procedures/new", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                try req.content.encode([
                    "_csrf": csrf, "code": "1.000656", "name": "Đăng ký khai tử", "field": "Hộ tịch", "level": "commune",
                    "agency": "UBND cấp xã", "processingAmount": "1", "processingUnit": "workingDays",
                    "steps": "Nộp hồ sơ\nNhận kết quả", "documents": "Tờ khai đăng ký khai tử | 1 | Mẫu TK\nGiấy báo tử | 1",
                    "fees": "Lệ phí đăng ký khai tử | 0", "legalBasis": "Luật Hộ tịch 2014", "onlineLevel": "partial",
                ], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .seeOther, "\(res.body.string.prefix(500))")
            })
            let saved = try #require(try await ProcedureRepository(db: app.db).find(code: "1.000656"))
            #expect(saved.documents.map(\.name) == ["Tờ khai đăng ký khai tử", "Giấy báo tử"])
            #expect(saved.documents.first?.template == "Mẫu TK")
            try await app.testing().test(.POST, "/admin/procedures/new", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                try req.content.encode(["_csrf": csrf, "code": "X", "name": "Thủ tục lỗi", "field": "Hộ tịch", "level": "commune",
                                        "processingAmount": "ba ngày", "processingUnit": "workingDays"], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("error-summary"))
            })
        }
    }
}

@Suite("XLSX export")
struct XLSXTests {
    @Test("column letters run A…Z, AA…", arguments: [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")])
    func columns(index: Int, name: String) {
        #expect(XLSXWriter.column(index) == name)
    }

    @Test("CRC-32 matches the standard check value")
    func crc() {
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("the workbook is a ZIP whose sheet holds the Vietnamese text, escaped")
    func workbook() throws {
        let data = XLSXWriter(sheetName: "Thủ tục", rows: [[.text("Tên"), .text("Phí")], [.text("Đăng ký <kết hôn> & khai sinh"), .number(75000)]]).data()
        #expect(data.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("Đăng ký &lt;kết hôn&gt; &amp; khai sinh"))
        #expect(text.contains("<v>75000</v>"))
        // The end-of-central-directory record names six entries.
        let end = data.suffix(22)
        #expect(end.prefix(4) == Data([0x50, 0x4B, 0x05, 0x06]))
        #expect(end[end.startIndex + 8] == 6)
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parhub-\(UUID()).xlsx")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", """
            import sys, zipfile, xml.dom.minidom
            z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
            for n in z.namelist(): xml.dom.minidom.parseString(z.read(n))
            assert 'Đăng ký' in z.read('xl/worksheets/sheet1.xml').decode()
            """, file.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
