import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// Every route the application registers (`app.routes.all`), not a hand-kept list: an
/// anonymous request to anything outside the public allow-lists is refused (pages send
/// the visitor to the login page, the API answers 401 problem+json), and a user holding
/// only the citizen role is refused every staff route. A new route fails these tests
/// until it is protected or added, on purpose, to an allow-list below.
@Suite("Route table × role")
struct RouteMatrixTests {
    /// Pages anyone may open (`METHOD /pattern` as registered).
    static let publicPages: Set<String> = [
        // The start page: citizens' search and tasks for a visitor, the officer's home once signed in.
        "GET /", "GET /login", "POST /login", "POST /logout",
        "GET /procedures", "GET /procedures/:code", "GET /procedures.csv", "GET /procedures.xlsx",
        "GET /reports/simplification", "GET /calendar", "GET /calendar/:year",
        "GET /lookup",
        "GET /citizen/login", "POST /citizen/login", "POST /citizen/verify", "POST /citizen/logout",
        "GET /survey/:code", "POST /survey/:code",
        "GET /feedback", "GET /feedback/new", "POST /feedback/new", "POST /feedback/verify", "GET /feedback/status",
        "POST /feedback/rate", "POST /feedback/reply",
        "GET /portal", "GET /portal/par-index/:setID", "GET /portal/service-index", "GET /portal/satisfaction",
        // The service centre floor: the kiosk, the citizen's ticket (with its token), the display board and its
        // stream, bookings (with their secret), the payer's page and the built-in test provider's checkout.
        "GET /kiosk/:unitID", "POST /kiosk/:unitID", "GET /queue/:ticketID", "POST /queue/:ticketID",
        "GET /board/:unitID", "GET /board/:unitID/events",
        "GET /appointments/:unitID", "POST /appointments/:unitID", "GET /appointment", "POST /appointment/cancel",
        "GET /pay/:paymentID", "GET /payments/test-provider/:paymentID", "POST /payments/test-provider/:paymentID",
    ]
    /// Operations endpoints, open by design (health checks, metrics scraped on the private network, the contract).
    static let operational: Set<String> = ["GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.yaml", "GET /api/docs"]
    /// The citizens' online services: their own e-mail sign-in, not a staff account.
    static let citizenServices: Set<String> = [
        "GET /citizen", "POST /citizen/profile", "GET /citizen/submit/:code", "POST /citizen/submit/:code",
        "GET /citizen/dossiers/:dossierID", "POST /citizen/dossiers/:dossierID",
    ]
    /// What any signed-in staff account may use, whatever its role.
    static let anySignedIn: Set<String> = [
        "GET /account/tokens", "POST /account/tokens", "POST /account/tokens/:tokenID/revoke",
        "GET /api/v1/me", "GET /api/v1/auth/tokens", "DELETE /api/v1/auth/tokens/{tokenId}",
        // The city-wide library of initiatives found by inspections, for every staff account.
        "GET /initiatives",
        // One's own personnel record (404 when no record is linked to the account).
        "GET /account/person", "GET /api/v1/personnel/me",
    ]
    /// Lists filtered to the caller's granted subtrees: open to any account, empty without a grant.
    static let scopedLists: Set<String> = ["GET /units", "GET /api/v1/units"]

    /// One registered route with its parameters filled in.
    struct Entry: Sendable, CustomStringConvertible {
        let method: HTTPMethod
        /// `METHOD /units/:unitID` for pages, `METHOD /api/v1/units/{unitId}` for the API.
        let key: String
        let path: String
        var isAPI: Bool { path.hasPrefix("/api/v1/") }
        var description: String { key }
    }

    static func entries(_ app: Application, _ fixture: Fixture) async throws -> [Entry] {
        let id = try #require(fixture.dossiers[fixture.justice.id])
        let dossier = try #require(try await DossierRepository(db: app.db).find(id))
        return app.routes.all.map { route in
            let isAPI = route.path.first?.description == "api" && route.path.dropFirst().first?.description == "v1"
            let template = isAPI ? RequireBearerMiddleware.template(route.path)
                : "/" + route.path.map(\.description).joined(separator: "/")
            let path = "/" + route.path.map { component -> String in
                switch component {
                case .constant(let text): return text
                case .parameter(let name):
                    switch name.lowercased() {
                    case "unitid": return fixture.justice.id.description
                    case "dossierid": return dossier.id.description
                    case "procedureid": return fixture.procedure.id.description
                    case "year": return "2025"
                    case "code": return template.contains("procedures") || template.contains("submit") ? fixture.procedure.code : dossier.code
                    case "kind": return "receipt"
                    default: return UUID().uuidString.lowercased()
                    }
                case .anything, .catchall: return "x"
                }
            }.joined(separator: "/")
            return Entry(method: route.method, key: "\(route.method.rawValue) \(template)", path: path)
        }
    }

    /// A session cookie and its form token, anonymous or signed in.
    static func formSession(_ app: Application, signedIn cookie: String? = nil) async throws -> (cookie: String, csrf: String) {
        var result = (cookie: cookie ?? "", csrf: "")
        try await app.testing().test(.GET, cookie == nil ? "/login" : "/account/tokens", beforeRequest: { req in
            if let cookie { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
        }, afterResponse: { res in
            if cookie == nil { result.cookie = sessionCookie(res) }
            result.csrf = hiddenCSRF(res.body.string)
        })
        #expect(!result.cookie.isEmpty && !result.csrf.isEmpty)
        return result
    }

    /// Sends `entry` as a page (session cookie, form token on writes) or as an API call.
    static func send(_ app: Application, _ entry: Entry, session: (cookie: String, csrf: String)?, token: String?) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await app.testing().test(entry.method, entry.path, beforeRequest: { req in
            if entry.isAPI {
                req.headers.replaceOrAdd(name: .accept, value: "application/json")
                if let token { req.headers.bearerAuthorization = .init(token: token) }
                if entry.method != .GET && entry.method != .DELETE {
                    req.headers.replaceOrAdd(name: .contentType, value: "application/json")
                    req.body = ByteBuffer(string: "{}")
                }
            } else {
                req.headers.replaceOrAdd(name: .accept, value: "text/html")
                if let session {
                    req.headers.replaceOrAdd(name: .cookie, value: session.cookie)
                    if entry.method != .GET { try req.content.encode(["_csrf": session.csrf], as: .urlEncodedForm) }
                }
            }
        }, afterResponse: { response = $0 })
        return try #require(response)
    }

    @Test("every allow-listed route exists, so the lists cannot hide a removed or renamed route")
    func allowListsAreCurrent() async throws {
        try await withTestApp { app, fixture in
            let keys = Set(try await Self.entries(app, fixture).map(\.key))
            let lists = Self.publicPages.union(Self.operational).union(Self.citizenServices).union(Self.anySignedIn)
                .union(Self.scopedLists)
            #expect(lists.subtracting(keys).sorted() == [])
        }
    }

    @Test("an anonymous request to any route outside the public lists is refused: pages go to the login page, the API answers 401")
    func anonymous() async throws {
        try await withTestApp { app, fixture in
            let session = try await Self.formSession(app)
            let publicAPI = try OpenAPIDocument.load().publicOperations
            var checked = 0
            var open: [String] = []
            for entry in try await Self.entries(app, fixture)
            where !Self.publicPages.contains(entry.key) && !Self.operational.contains(entry.key) && !publicAPI.contains(entry.key) {
                checked += 1
                let res = try await Self.send(app, entry, session: session, token: nil)
                let refused: Bool
                if entry.isAPI {
                    refused = res.status == .unauthorized
                        && res.headers.contentType?.description.hasPrefix("application/problem+json") == true
                } else if Self.citizenServices.contains(entry.key) {
                    // The citizens' services ask for their own e-mail sign-in.
                    refused = res.status == .unauthorized
                        || (res.status == .seeOther && res.headers.first(name: .location)?.hasPrefix("/citizen/login") == true)
                } else {
                    refused = [.seeOther, .found].contains(res.status) && res.headers.first(name: .location)?.hasPrefix("/login") == true
                }
                if !refused { open.append("\(entry) → \(res.status.code) \(res.headers.first(name: .location) ?? "")") }
            }
            #expect(open == [], "routes neither public nor protected: \(open.joined(separator: "; "))")
            #expect(checked > 150, "only \(checked) protected routes found")
            print("route matrix, anonymous: \(checked) protected routes refused, \(open.count) open")
        }
    }

    @Test("a user holding only the citizen role is refused every staff page and operation, and sees no unit in the scoped lists")
    func citizenRole() async throws {
        try await withTestApp { app, fixture in
            let cookie = try await signIn(app, username: fixture.users[.citizen]!.username)
            let session = try await Self.formSession(app, signedIn: cookie)
            let token = fixture.token(.citizen)
            let publicAPI = try OpenAPIDocument.load().publicOperations
            let open = Self.publicPages.union(Self.operational).union(Self.citizenServices).union(Self.anySignedIn).union(publicAPI)
            var refused = 0, notReached = 0
            var admitted: [String] = []
            for entry in try await Self.entries(app, fixture) where !open.contains(entry.key) {
                let res = try await Self.send(app, entry, session: session, token: token)
                if Self.scopedLists.contains(entry.key) {
                    if res.status != .ok || res.body.string.contains(fixture.justice.name) { admitted.append("\(entry) → \(res.status.code)") }
                    continue
                }
                switch res.status.code {
                case 401, 403: refused += 1
                // Refused before the role check: the placeholder id names nothing (404), or the
                // empty body does not match the operation (400); AuthorizationTests sends real bodies.
                case 400, 404: notReached += 1
                default: admitted.append("\(entry) → \(res.status.code)")
                }
            }
            #expect(admitted == [], "staff routes a citizen-role user is not refused: \(admitted.joined(separator: "; "))")
            #expect(refused > 100, "only \(refused) routes answered 401/403")
            print("route matrix, citizen role: \(refused) refused with 401/403, \(notReached) refused earlier (400/404), \(admitted.count) admitted")
        }
    }
}
