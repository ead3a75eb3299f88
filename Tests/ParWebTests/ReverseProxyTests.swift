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

/// Behind nginx: the client's address from a trusted proxy's headers, and one lookup limit
/// across instances (the nginx stage in `ops/` runs the same through a real proxy).
@Suite("Reverse proxy and shared rate limits")
struct ReverseProxyTests {
    static func tokenRequest(_ fixture: Fixture, forwardedFor: String?) -> (HTTPHeaders, ByteBuffer) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let forwardedFor { headers.add(name: "X-Forwarded-For", value: forwardedFor) }
        let body = #"{"username":"\#(fixture.users[.counterOfficer]!.username)","password":"\#(Fixture.password)","name":"proxy"}"#
        return (headers, ByteBuffer(string: body))
    }

    /// The limit counts in whole minutes: the clock stands still, so no minute ends between the hits.
    static func frozen(_ config: inout AppConfig, limit: Int) {
        let now = testNow()
        config.clock = { now }
        config.lookupRatePerMinute = limit
    }

    static func lastAuditAddress(_ app: Application) async throws -> String? {
        try await app.db.sql.raw("SELECT client_address FROM audit_log ORDER BY seq DESC LIMIT 1").first()?
            .decode(column: "client_address", as: String?.self)
    }

    @Test("from a trusted proxy, the forwarded client is limited and audited; a forged header from any other peer is ignored")
    func trustedProxy() async throws {
        try await withTestApp({ Self.frozen(&$0, limit: 2); $0.trustedProxies = try! TrustedProxies(parsing: "127.0.0.1, ::1") }) { app, fixture in
            let live = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            let (headers, body) = Self.tokenRequest(fixture, forwardedFor: "203.0.113.9, 198.51.100.7")
            try await live.test(.POST, "/api/v1/auth/tokens", headers: headers, body: body) { res in #expect(res.status == .created) }
            // nginx appended 198.51.100.7; the client wrote 203.0.113.9 itself and is not believed.
            #expect(try await Self.lastAuditAddress(app) == "198.51.100.7")
            for (client, expected) in [("198.51.100.7", HTTPStatus.notFound), ("198.51.100.7", .notFound), ("198.51.100.7", .tooManyRequests),
                                       ("198.51.100.8", .notFound)] {
                try await live.test(.GET, "/api/v1/lookup?code=X&secret=Y", headers: ["X-Forwarded-For": client]) { res in
                    #expect(res.status == expected, "\(client)")
                }
            }
        }
        try await withTestApp({ Self.frozen(&$0, limit: 2) }) { app, fixture in
            // No trusted proxy: the header is the client's word and changes nothing.
            let live = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            let (headers, body) = Self.tokenRequest(fixture, forwardedFor: "198.51.100.7")
            try await live.test(.POST, "/api/v1/auth/tokens", headers: headers, body: body) { res in #expect(res.status == .created) }
            #expect(try await Self.lastAuditAddress(app) == "127.0.0.1")
            for (client, expected) in [("1.1.1.1", HTTPStatus.notFound), ("2.2.2.2", .notFound), ("3.3.3.3", .tooManyRequests)] {
                try await live.test(.GET, "/api/v1/lookup?code=X&secret=Y", headers: ["X-Forwarded-For": client]) { res in
                    #expect(res.status == expected, "rotating a forged header does not escape the limit")
                }
            }
            try await AuditSealer.sealAll(on: app.db)
            #expect(try await AuditLog.verify(on: app.db) == .intact(rows: try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log").first()!
                .decode(column: "n", as: Int.self)))
        }
    }

    @Test("the lookup limit holds across two instances on one database")
    func sharedLimit() async throws {
        try await withTestApp({ Self.frozen(&$0, limit: 3) }) { app, _ in
            try await ScaleOutTests.withSecondInstance(app) { second in
                for (instance, expected) in [(app, HTTPStatus.notFound), (second, .notFound), (app, .notFound), (second, .tooManyRequests)] {
                    try await instance.testing().test(.GET, "/api/v1/lookup?code=X&secret=Y") { res in #expect(res.status == expected) }
                }
            }
        }
    }
}
