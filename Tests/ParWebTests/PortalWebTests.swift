import Foundation
import NIOHTTP1
import ParCore
import ParStore
import Testing
import Vapor
import VaporTesting
import ParTestSupport
@testable import ParWeb

@Suite("Public transparency portal")
struct PortalWebTests {
    @Test("anonymous visitors see published rankings only, aggregate indices and announcements; pages are cacheable and set no cookie")
    func portal() async throws {
        try await withTestApp { app, fixture in
            let repository = ParIndexRepository(db: app.db)
            let year = LocalTime.today(testNow()).year
            let set = try await repository.create(CriteriaSet(id: .random(), year: year, targetKind: .department, name: "Chỉ số CCHC các sở \(year)", criteria: [
                Criterion(code: "1", title: "Chỉ đạo, điều hành", maxPoints: 100, field: .direction),
                Criterion(code: "1.1", title: "Kế hoạch", maxPoints: 100, method: .manual),
            ]), actor: .system("t"), now: testNow())
            func advance() async throws { _ = try await repository.advance(set.id, metrics: { _, _, _ in nil }, actor: .system("t"), now: testNow()) }
            try await advance()
            _ = try await repository.selfScore(set.id, unit: fixture.justice.id, code: "1.1", score: 80, explanation: "Kế hoạch số 3", references: [],
                                               actor: .system("t"), now: testNow())
            try await advance()
            try await advance()
            // Finalised but not published: nothing public yet.
            try await app.testing().test(.GET, "/portal") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("no-rankings"))
                #expect(res.headers.first(name: .cacheControl) == "public, max-age=60")
                #expect(res.headers[.setCookie].isEmpty)
            }
            try await app.testing().test(.GET, "/portal/par-index/\(set.id)") { res in #expect(res.status == .notFound) }
            try await advance()
            try await app.testing().test(.GET, "/portal") { res in #expect(res.body.string.contains("Chỉ số CCHC các sở \(year)")) }
            try await app.testing().test(.GET, "/portal/par-index/\(set.id)") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Sở Tư pháp") && res.body.string.contains(#"<td class="points">80</td>"#))
                #expect(!res.body.string.contains("Kế hoạch số 3"), "evidence stays inside")
            }
            for path in ["/portal/service-index?period=\(year)", "/portal/satisfaction?period=\(year)"] {
                try await app.testing().test(.GET, path) { res in
                    #expect(res.status == .ok, "\(path)")
                    #expect(!res.body.string.contains("Lê Văn Cường"))
                }
            }
            try await app.testing().test(.GET, "/portal/service-index?period=abc") { res in #expect(res.status == .badRequest) }
            // Home Affairs posts an announcement from the PAR index page.
            let officer = try await signIn(app, username: fixture.users[.parOfficer]!.username)
            let page = try await app.page(.GET, "/par-index", cookie: officer)
            let posted = try await app.page(.POST, "/portal/announcements", cookie: officer, form: [
                "_csrf": hiddenCSRF(page.body.string), "title": "Công bố Chỉ số CCHC năm \(year)", "body": "Kết quả xếp hạng các sở đã được công bố."])
            #expect(posted.status == .seeOther)
            try await app.testing().test(.GET, "/portal") { res in #expect(res.body.string.contains("Công bố Chỉ số CCHC năm \(year)")) }
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            #expect(try await app.page(.POST, "/portal/announcements", cookie: counter, form: ["_csrf": hiddenCSRF(page.body.string), "title": "x", "body": "y"]).status == .forbidden)
        }
    }
}
