import FluentKit
import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Service index API and pages")
struct IndexWebTests {
    /// Dossiers made through the API at Justice: two processed on time (one online), one late after
    /// its appointment passed, one still open — on the app's clock.
    static func fill(_ app: Application, _ fixture: Fixture, clock: NIOLockedValueBox<Date>) async throws -> [String] {
        var ids: [String] = []
        var due = ""
        for channel in ["counter", "online", "counter", "counter"] {
            let body = #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"\#(channel)","applicant":{"name":"Lý Thị Mai"},"components":["Tờ khai"]}"#
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)), body: ByteBuffer(string: body)) { res in
                #expect(res.status == .created)
                ids.append(try res.content.get(String.self, at: "dossier", "id"))
                due = try res.content.get(String.self, at: "dossier", "dueAt")
            }
        }
        func act(_ id: String, _ json: String, as role: Role = .processingOfficer) async throws {
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/actions", headers: .bearer(fixture.token(role)), body: ByteBuffer(string: json)) { res in
                #expect(res.status == .ok, "\(json): \(res.body.string)")
            }
        }
        try await act(ids[1], #"{"action":"accept"}"#, as: .counterOfficer)
        for id in ids.prefix(3) { try await act(id, #"{"action":"forward","toUnitId":"\#(fixture.justice.id)","electronic":true}"#) }
        try await act(ids[0], #"{"action":"mark_processed","electronic":true}"#)
        try await act(ids[1], #"{"action":"mark_processed","electronic":false}"#)
        // A day after the appointment (whatever day of the week or year the suite runs on) the third is
        // processed late; the fourth stays open, now overdue.
        let appointment = try #require(try? Date(due, strategy: .iso8601))
        clock.withLockedValue { $0 = appointment.addingTimeInterval(86_400) }
        try await act(ids[2], #"{"action":"mark_processed","electronic":true}"#)
        return ids
    }

    @Test("indicators, ranking, drill-down and targets through the API; the rebuild matches what the API made")
    func api() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            // The year the dossiers were received; the late one may be finished in the next (on New Year's Eve).
            let receiptYear = VietnamTime.localDate(of: clock.withLockedValue { $0 }).year
            _ = try await Self.fill(app, fixture, clock: clock)
            let year = VietnamTime.localDate(of: clock.withLockedValue { $0 }).year
            let leader = HTTPHeaders.bearer(fixture.token(.unitLeader))
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)?from=\(year - 1)-01-01&to=\(year + 1)-12-31", headers: leader) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let index = try res.content.decode(Components.Schemas.UnitIndex.self)
                let onTime = try #require(index.indicators.first { $0.id == "progress.on_time" })
                // 2 finished on time + 0 open on time over 3 finished + the fixture's and ours open and late (2).
                #expect(onTime.numerator == 2 && onTime.denominator == 5)
                #expect(onTime.percent == 40 && onTime.points == 8)
                let online = try #require(index.indicators.first { $0.id == "online.dossiers" })
                #expect(online.numerator == 1 && online.denominator == 5)
                let transfers = try #require(index.indicators.first { $0.id == "other.transfers_electronic" })
                #expect(transfers.percent == 100)
            }
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)/drill?fact=finished_late&from=\(year - 1)-01-01&to=\(year + 1)-12-31",
                                         headers: leader) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let total = try res.content.get(Int.self, at: "total")
                #expect(total == 1)
            }
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)/drill?fact=procedures&period=\(year)", headers: leader) { res in
                #expect(res.status == .badRequest)
            }
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)?period=2026-13", headers: leader) { res in
                #expect(res.status == .badRequest)
            }
            let admin = HTTPHeaders.bearer(fixture.token(.administrator))
            try await app.testing().test(.PUT, "/api/v1/index/units/\(fixture.justice.id)/targets/\(receiptYear)", headers: admin,
                                         body: ByteBuffer(string: #"{"targets":[{"indicatorId":"online.dossiers","target":0.5},{"indicatorId":"other.transfers_electronic","target":0.8}]}"#)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let index = try res.content.decode(Components.Schemas.UnitIndex.self)
                #expect(index.indicators.first { $0.id == "other.transfers_electronic" }?.targetStatus == .met)
                let online = index.indicators.first { $0.id == "online.dossiers" }
                // 1 of 5 online: below the target, at risk while the year runs, missed once it is over.
                #expect(online?.target == 0.5 && online?.targetStatus == (year > receiptYear ? .missed : .atRisk))
            }
            try await app.testing().test(.PUT, "/api/v1/index/units/\(fixture.justice.id)/targets/\(year)", headers: admin,
                                         body: ByteBuffer(string: #"{"targets":[{"indicatorId":"nope","target":0.5}]}"#)) { res in
                #expect(res.status == .unprocessableEntity)
            }
            // The province ranks its departments: Justice has dossiers, Health only the fixture's one.
            let provinceAdmin = try await Self.provinceLeader(app)
            try await app.testing().test(.GET, "/api/v1/index/ranking?parentId=\(fixture.province.id)&from=\(year - 1)-01-01&to=\(year + 1)-12-31",
                                         headers: .bearer(provinceAdmin)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                struct Ranking: Decodable {
                    struct Item: Decodable { let rank: Int; let name: String; let percent: Double? }
                    let items: [Item]
                }
                let ranking = try res.content.decode(Ranking.self)
                #expect(ranking.items.map(\.name).sorted() == ["Sở Tư pháp", "Sở Y tế"])
                #expect(ranking.items.map(\.rank) == [1, 2])
                #expect(ranking.items.allSatisfy { $0.percent != nil })
            }
            let report = try await IndexRebuild(db: app.db).run(now: clock.withLockedValue { $0 })
            #expect(report.matches, "\(report.differences)")
        }
    }

    /// A city leader granted on the province (the fixture's users are all on Justice).
    static func provinceLeader(_ app: Application) async throws -> String {
        let users = UserRepository(db: app.db)
        let province = try #require(try await UnitRepository(db: app.db).find(key: "01"))
        let user = try await users.create(username: "lanhdao.tp", displayName: "L", passwordHash: "x", actor: .system("t"), now: testNow())
        _ = try await users.grant(.cityLeader, on: province.unit.id, to: user.id, actor: .system("t"), now: testNow())
        let minted = Credentials.newToken()
        _ = try await users.createToken(for: user.id, name: "t", tokenHash: minted.hash, prefix: minted.prefix, actor: .system("t"), now: testNow())
        return minted.token
    }

    @Test("publishing a new indicator set: editIndex only, validated, versioned")
    func indicatorSet() async throws {
        try await withTestApp { app, fixture in
            var set = ""
            try await app.testing().test(.GET, "/api/v1/index/set", headers: .bearer(fixture.token(.parOfficer))) { res in
                #expect(res.status == .ok)
                set = res.body.string
            }
            func with(version: String, replacing fact: String? = nil) throws -> String {
                var object = try #require(try JSONSerialization.jsonObject(with: Data(set.utf8)) as? [String: Any])
                object["version"] = version
                var text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
                if let fact { text = text.replacingOccurrences(of: "\"\(fact)\"", with: "\"bogus\"") }
                return text
            }
            let edited = try with(version: "766-2022-hn1")
            try await app.testing().test(.PUT, "/api/v1/index/set", headers: .bearer(fixture.token(.unitLeader)), body: ByteBuffer(string: edited)) { res in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.PUT, "/api/v1/index/set", headers: .bearer(fixture.token(.parOfficer)), body: ByteBuffer(string: edited)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
            }
            try await app.testing().test(.PUT, "/api/v1/index/set", headers: .bearer(fixture.token(.parOfficer)), body: ByteBuffer(string: edited)) { res in
                #expect(res.status == .conflict, "a version is published once")
            }
            let bad = try with(version: "766-2022-hn2", replacing: "received_online")
            try await app.testing().test(.PUT, "/api/v1/index/set", headers: .bearer(fixture.token(.parOfficer)), body: ByteBuffer(string: bad)) { res in
                #expect(res.status == .unprocessableEntity)
            }
        }
    }

    @Test("the leader's pages: overview, unit page with trend and drill links, drill-down, report with CSV and XLSX, targets form")
    func pages() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            _ = try await Self.fill(app, fixture, clock: clock)
            let cookie = try await signIn(app, username: fixture.users[.administrator]!.username)
            let overview = try await app.page(.GET, "/index", cookie: cookie)
            #expect(overview.status == .seeOther)
            let unitPath = try #require(overview.headers.first(name: .location))
            let page = try await app.page(.GET, unitPath, cookie: cookie)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<svg") && html.contains("trend-title"))
            #expect(html.contains("drill?fact=finished_late"))
            #expect(html.contains(#"id="worst""#), "the procedure with a late dossier is listed")
            let year = VietnamTime.localDate(of: clock.withLockedValue { $0 }).year
            let drill = try await app.page(.GET, unitPath + "/drill?fact=finished_late&period=\(year)", cookie: cookie)
            #expect(drill.status == .ok && drill.body.string.contains(#"id="drill-total">1<"#))
            let report = try await app.page(.GET, unitPath + "/report?period=\(year)", cookie: cookie)
            #expect(report.status == .ok && report.body.string.contains("Sở Tư pháp"))
            let csv = try await app.page(.GET, unitPath + "/report.csv?period=\(year)", cookie: cookie)
            #expect(csv.status == .ok && csv.body.string.contains("Kỳ trước chuyển sang"))
            let xlsx = try await app.page(.GET, unitPath + "/report.xlsx?period=\(year)", cookie: cookie)
            #expect(xlsx.status == .ok && xlsx.body.readableBytesView.starts(with: Array("PK".utf8)))
            let targets = try await app.page(.POST, unitPath + "/targets", cookie: cookie,
                                             form: ["_csrf": hiddenCSRF(html), "year": String(year), "target.online.dossiers": "50"])
            #expect(targets.status == .seeOther)
            #expect(try await IndexRepository(db: app.db).targets(unit: fixture.justice.id, year: year).map(\.target) == [0.5])
            let inspector = try await signIn(app, username: fixture.users[.inspector]!.username)
            #expect(try await app.page(.GET, unitPath, cookie: inspector).status == .ok)
            #expect(try await app.page(.GET, unitPath + "/drill?fact=finished_late", cookie: inspector).status == .forbidden,
                    "an inspector sees the index but not the dossiers behind it")
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            #expect(try await app.page(.GET, unitPath, cookie: counter).status == .forbidden)
        }
    }

    @Test("the leader's dashboard: four figures, overdue by unit and step and the overdue list before the first table, on the home page and the index; the same through the API")
    func dashboard() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            let ids = try await Self.fill(app, fixture, clock: clock)
            let openID = try #require(Dossier.ID(string: ids[3]))
            let found = try await DossierRepository(db: app.db).find(openID)
            let open = try #require(found)
            let calendar = try await CalendarRepository(db: app.db).calendar()
            let late = ParCore.Overdue.workingDaysLate(due: open.dueAt, now: clock.withLockedValue { $0 }, calendar: calendar)
            // The API first: the counts, where they wait, and the list with days late.
            var total = 0
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)/overdue", headers: .bearer(fixture.token(.administrator))) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let body = try res.content.decode(OverdueBody.self)
                total = body.total
                #expect(total >= 1)
                #expect(body.byUnit.map(\.count).reduce(0, +) == total && body.byStep.map(\.count).reduce(0, +) == total)
                #expect(body.byUnit.first?.unitId == fixture.justice.id.description)
                #expect(body.byStep.contains { $0.state == "received" })
                let item = try #require(body.items.first { $0.dossierId == ids[3] }, "the open dossier is overdue")
                #expect(item.workingDaysLate == late)
            }
            // Someone who sees the index but not the dossiers gets the counts without the list.
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)/overdue", headers: .bearer(fixture.token(.inspector))) { res in
                #expect(res.status == .ok)
                let body = try res.content.decode(OverdueBody.self)
                #expect(body.total == total && body.items.isEmpty)
            }
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)/overdue", headers: .bearer(fixture.token(.counterOfficer))) { res in
                #expect(res.status == .forbidden)
            }

            let cookie = try await signIn(app, username: fixture.users[.administrator]!.username)
            let home = try await app.page(.GET, "/", cookie: cookie).body.string
            for figure in ["index", "overdue", "progress.on_time", "online.dossiers"] {
                #expect(home.contains(#"id="figure-\#(figure)""#), "figure \(figure)")
            }
            #expect(home.contains(#"<strong class="figure-value">\#(total)</strong>"#), "the dossiers overdue now")
            #expect(home.contains("Sở Tư pháp") && home.contains("Đã tiếp nhận"), "where they wait: the unit and the step")
            let list = try #require(home.range(of: #"<table id="dashboard-overdue">"#), "the overdue list")
            #expect(home[list.lowerBound...].contains(#">\#(open.code)</a>"#))
            #expect(home[list.lowerBound...].contains(#"<td class="num">\#(late)</td>"#), "its working days late")
            let overview = try await app.page(.GET, "/index", cookie: cookie)
            let unitPage = try await app.page(.GET, try #require(overview.headers.first(name: .location)), cookie: cookie).body.string
            let dashboardAt = try #require(unitPage.range(of: #"id="dashboard-overdue""#)).lowerBound
            let firstTable = try #require(unitPage.range(of: #"<table id="indicators">"#)).lowerBound
            #expect(dashboardAt < firstTable, "the figures and the overdue list come before the indicator table")
            let english = try await app.page(.GET, "/?lang=en", cookie: cookie).body.string
            #expect(english.contains("Dossiers overdue now") && english.contains("Overdue dossiers by step"))
        }
    }

    struct OverdueBody: Decodable {
        struct Unit: Decodable { let unitId: String; let count: Int }
        struct Step: Decodable { let state: String; let count: Int }
        struct Item: Decodable { let dossierId: String; let workingDaysLate: Int }
        let total: Int
        let byUnit: [Unit]
        let byStep: [Step]
        let items: [Item]
    }
}
