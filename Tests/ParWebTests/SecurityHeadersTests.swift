import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Security headers")
struct SecurityHeadersTests {
    /// What kind of response a request draws, and the request.
    struct Case: Sendable, CustomTestStringConvertible {
        let kind: String
        let path: String
        let headers: HTTPHeaders
        let status: HTTPResponseStatus
        let contentType: String
        var testDescription: String { "\(kind) \(path)" }
    }

    static let cases: [Case] = [
        Case(kind: "page", path: "/procedures", headers: ["Accept": "text/html"], status: .ok, contentType: "text/html"),
        Case(kind: "API response", path: "/api/v1/calendar/2025", headers: ["Accept": "application/json"], status: .ok,
             contentType: "application/json"),
        Case(kind: "problem", path: "/api/v1/dossiers", headers: ["Accept": "application/json"], status: .unauthorized,
             contentType: "application/problem+json"),
        Case(kind: "error page", path: "/no-such-page", headers: ["Accept": "text/html"], status: .notFound, contentType: "text/html"),
        Case(kind: "static file", path: "/css/parhub.css", headers: [:], status: .ok, contentType: "text/css"),
        Case(kind: "health", path: "/healthz", headers: [:], status: .ok, contentType: "text/plain"),
    ]

    @Test("every kind of response carries the security headers", arguments: cases)
    func headers(_ c: Case) async throws {
        try await withTestApp { app, _ in
            try await app.testing().test(.GET, c.path, headers: c.headers) { res in
                #expect(res.status == c.status, "\(res.body.string.prefix(300))")
                #expect(res.headers.first(name: .contentType)?.hasPrefix(c.contentType) == true,
                        "\(res.headers.first(name: .contentType) ?? "none")")
                let csp = try #require(res.headers.first(name: "Content-Security-Policy"))
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
                for directive in ["default-src 'self'", "style-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                                  "form-action 'self'", "base-uri 'none'", "object-src 'none'"] {
                    #expect(csp.contains(directive), "\(directive) missing from \(csp)")
                }
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(res.headers.first(name: "X-Frame-Options") == "DENY")
                #expect(res.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin")
                #expect(res.headers.first(name: "Permissions-Policy")?.contains("camera=()") == true)
                #expect(res.headers[.contentSecurityPolicy].count <= 1 && res.headers["Referrer-Policy"].count == 1)
            }
        }
    }

    @Test("a page that sends no referrer keeps its own policy")
    func noReferrerKept() async throws {
        try await withTestApp { app, fixture in
            let id = try #require(fixture.dossiers[fixture.justice.id])
            let dossier = try #require(try await DossierRepository(db: app.db).find(id))
            let token = SatisfactionRepository.surveyToken(id, key: app.parConfig.secret)
            try await app.testing().test(.GET, Paths.survey.link(dossier.code) + "?t=" + token, headers: ["Accept": "text/html"]) { res in
                #expect(res.status == .ok)
                #expect(res.headers["Referrer-Policy"] == ["no-referrer"])
                #expect(res.headers.first(name: "Content-Security-Policy") != nil)
            }
        }
    }

    /// The session cookie as the login page sets it, for a request with these headers.
    static func loginCookie(_ app: Application, _ headers: HTTPHeaders) async throws -> String {
        var cookie = ""
        try await app.testing().test(.GET, "/login", headers: headers) { res in
            cookie = try #require(res.headers[.setCookie].first { $0.hasPrefix("parhub_session=") })
        }
        return cookie.lowercased()
    }

    /// A request's proxy header, and whether the cookie it gets should be `Secure`.
    struct ProxyCase: Sendable, CustomTestStringConvertible {
        let header: (name: String, value: String)?
        let secure: Bool
        var testDescription: String { header.map { "\($0.name): \($0.value)" } ?? "no proxy header" }
    }

    @Test("the session cookie is HttpOnly and SameSite=Lax, and Secure only when the request came over TLS",
          arguments: [ProxyCase(header: nil, secure: false), ProxyCase(header: ("X-Forwarded-Proto", "https"), secure: true),
                      ProxyCase(header: ("X-Forwarded-Proto", "http"), secure: false),
                      ProxyCase(header: ("Forwarded", "for=192.0.2.1;proto=https"), secure: true)])
    func sessionCookie(_ c: ProxyCase) async throws {
        let secure = c.secure
        let headers = c.header.map { HTTPHeaders([($0.name, $0.value)]) } ?? HTTPHeaders()
        try await withTestApp { app, _ in
            let cookie = try await Self.loginCookie(app, headers)
            #expect(cookie.contains("httponly"))
            #expect(cookie.contains("samesite=lax"))
            #expect(cookie.contains("; secure") == secure, "\(cookie)")
            try await app.testing().test(.GET, "/healthz", headers: headers) { res in
                #expect((res.headers.first(name: "Strict-Transport-Security") == "max-age=31536000") == secure)
            }
        }
    }

    @Test("PARHUB_SECURE_COOKIES=1 makes the cookie Secure even without a proxy header")
    func secureByConfiguration() async throws {
        try await withTestApp({ $0.secureCookies = true }) { app, _ in
            let cookie = try await Self.loginCookie(app, [:])
            #expect(cookie.contains("; secure"))
        }
    }
}
