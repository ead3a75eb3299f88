import Foundation
import NIOHTTP1
import ParCore
import ParStore
import Testing
import Vapor
import VaporTesting
import ParTestSupport
@testable import ParWeb

/// Two stateless app instances on one database, as behind a load balancer: requests alternate
/// between them and nothing lives in one instance's memory that the other needs.
@Suite("Two instances on one database")
struct ScaleOutTests {
    /// Runs `body` with a second instance of the test app, configured alike, on the same database.
    static func withSecondInstance(_ app: Application, _ body: (Application) async throws -> Void) async throws {
        let second = try await Application.make(.testing)
        second.storage[Credentials.CostKey.self] = 4
        do {
            try await configure(second, app.parConfig)
            try await body(second)
        } catch {
            try? await second.asyncShutdown()
            throw error
        }
        try await second.asyncShutdown()
    }

    @Test("a session started on one instance works on the other and ends on both; alternating intakes get consecutive codes; the counters add up")
    func alternate() async throws {
        try await withTestApp { app, fixture in
            try await Self.withSecondInstance(app) { second in
                // Sessions live in the database: sign in on the first, work on the second, sign out there.
                let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
                let page = try await second.page(.GET, "/dossiers", cookie: cookie)
                #expect(page.status == .ok && page.body.string.contains(fixture.users[.counterOfficer]!.username))
                let csrf = hiddenCSRF(page.body.string)
                #expect(try await second.page(.POST, "/logout", cookie: cookie, form: ["_csrf": csrf]).status == .seeOther)
                let after = try await app.page(.GET, "/dossiers", cookie: cookie)
                #expect(after.status == .seeOther || after.status == .found, "signed out on the other instance too")

                // Twenty intakes at once, alternating instances: codes unique and consecutive for the day.
                let token = fixture.token(.counterOfficer)
                let codes = try await withThrowingTaskGroup(of: String?.self) { group in
                    for i in 0..<20 {
                        let target = i % 2 == 0 ? app : second
                        group.addTask {
                            var code: String?
                            try await target.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(token),
                                                            body: DossierWebTests.intakeBody(fixture, unit: fixture.justice)) { res in
                                #expect(res.status == .created)
                                code = try? DossierWebTests.decoder.decode(DossierWebTests.Receipt.self, from: res.body).dossier.code
                            }
                            return code
                        }
                    }
                    var all: [String] = []
                    for try await code in group { if let code { all.append(code) } }
                    return all
                }
                #expect(codes.count == 20 && Set(codes).count == 20)
                let sequences = Set(codes.compactMap { $0.split(separator: "-").last.flatMap { Int($0) } })
                #expect(sequences == Set(2...21), "the fixture's dossier is 0001")
                // The counters both instances wrote add up, and equal a recount from the events.
                let today = LocalTime.today(testNow())
                let totals = try await ServiceCounterStore.totals(units: [fixture.justice.id], from: today.adding(days: -1), through: today.adding(days: 1),
                                                                  on: second.db)
                #expect(totals[.counter]?[.received] == 21)
                #expect(try await IndexRebuild(db: app.db).run(apply: false, now: testNow()).matches)
                // Both instances appended audit rows side by side; their sealers, racing, make one chain.
                async let a = AuditSealer.sealAll(on: app.db)
                async let b = AuditSealer.sealAll(on: second.db)
                _ = try await (a, b)
                let rows = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log").first()!.decode(column: "n", as: Int.self)
                #expect(try await AuditLog.verify(on: second.db) == .intact(rows: rows))
            }
        }
    }
}
