import Foundation
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Production mode")
struct ProductionTests {
    static let secret = String(repeating: "k", count: 48)

    @Test("production refuses each unsafe setting, naming it", arguments: [
        ([:], ["PARHUB_SECRET"]),
        (["PARHUB_SECRET": AppConfig.developmentSecret], ["PARHUB_SECRET"]),
        (["PARHUB_SECRET": String(repeating: "k", count: 31)], ["PARHUB_SECRET"]),
        (["PARHUB_SECRET": secret], []),
        (["PARHUB_SECRET": secret, "PARHUB_TEST_PAYMENTS": "1"], ["PARHUB_TEST_PAYMENTS"]),
        (["PARHUB_SECRET": secret, "PARHUB_TEST_PAYMENTS": "0"], []),
        (["PARHUB_SECRET": secret, "PARHUB_TEST_NOW": "2026-12-05T03:00:00Z"], ["PARHUB_TEST_NOW"]),
        (["PARHUB_SECRET": secret, "PARHUB_TEST_SMS": "1"], ["PARHUB_TEST_SMS"]),
        (["PARHUB_SECRET": secret, "PARHUB_SMS_URL": "http://sms.example.vn/send", "PARHUB_SMS_KEY": "khoa-nha-mang-0123456"], ["PARHUB_SMS_URL"]),
        (["PARHUB_SECRET": secret, "PARHUB_SMS_URL": "https://sms.example.vn/send", "PARHUB_SMS_KEY": "khoa-nha-mang-0123456"], []),
        (["PARHUB_TEST_PAYMENTS": "1", "PARHUB_TEST_NOW": "2026-12-05T03:00:00Z"], ["PARHUB_SECRET", "PARHUB_TEST_PAYMENTS", "PARHUB_TEST_NOW"]),
    ] as [([String: String], [String])])
    func refusals(env: [String: String], settings: [String]) {
        let config = AppConfig.fromEnvironment(env, production: true)
        #expect(ProductionCheck.refusals(config, environment: env).map(\.setting) == settings)
    }

    @Test("production turns the demo data and the test provider off and secure cookies on; a variable may say otherwise")
    func defaults() {
        let production = AppConfig.fromEnvironment(["PARHUB_SECRET": Self.secret], production: true)
        #expect(!production.loadDemoData && !production.testPayments && production.secureCookies && production.isProduction)
        #expect(!production.testSMS && !production.smsAvailable, "no SMS choice until a real provider is configured")
        let development = AppConfig.fromEnvironment([:])
        #expect(development.loadDemoData && development.testPayments && !development.secureCookies && !development.isProduction)
        let overridden = AppConfig.fromEnvironment(["PARHUB_DEMO": "0", "PARHUB_TEST_PAYMENTS": "0", "PARHUB_SECURE_COOKIES": "1"])
        #expect(!overridden.loadDemoData && !overridden.testPayments && overridden.secureCookies)
    }

    @Test("a read replica is a PostgreSQL standby of DATABASE_URL: named in the start-up summary, refused without a PostgreSQL primary")
    func readReplica() {
        let replica = "postgres://parhub:mat-khau@replica.example.vn/parhub"
        let both = AppConfig.fromEnvironment(["DATABASE_URL": "postgres://parhub@primary.example.vn/parhub", "DATABASE_READ_URL": replica])
        #expect(both.readDatabase == .postgres(url: replica) && both.invalidSettings.isEmpty)
        #expect(both.summary.contains("read-database=postgres://parhub:****@replica.example.vn/parhub") && !both.summary.contains("mat-khau"))
        let sqlite = AppConfig.fromEnvironment(["DATABASE_READ_URL": replica])
        #expect(sqlite.readDatabase == nil && sqlite.invalidSettings.map(\.setting) == ["DATABASE_READ_URL"])
        #expect(AppConfig.fromEnvironment([:]).readDatabase == nil)
    }

    @Test("a production app answers 404 for the test provider's checkout, and demo users keeping the demo password are refused")
    func productionApp() async throws {
        try await withTestApp({ config in
            let production = AppConfig.fromEnvironment(["PARHUB_SECRET": Self.secret], production: true)
            config.isProduction = production.isProduction
            config.secret = production.secret
            config.testPayments = production.testPayments
        }) { app, fixture in
            #expect(app.parConfig.isProduction)
            try await app.testing().test(.GET, "/payments/test-provider/\(UUID())") { res in
                #expect(res.status == .notFound)
            }
            let username = fixture.users[.administrator]!.username
            #expect(try await ProductionCheck.demoLogins(app, usernames: [username, "nobody"], password: "mat-khau-khac-1").isEmpty)
            let refusals = try await ProductionCheck.demoLogins(app, usernames: [username, "nobody"], password: Fixture.password)
            #expect(refusals.map(\.setting) == ["demo users"])
            #expect(refusals.first?.reason.hasPrefix(username + " still sign in") == true)
        }
    }

    @Test("users create-admin makes the first administrator on the only top-level unit, and only the first")
    func firstAdministrator() async throws {
        try await withTestApp { app, fixture in
            let existing = try #require(try await UserRepository(db: app.db).credentials(username: fixture.users[.administrator]!.username)).0
            await #expect(throws: DomainError.self) {
                _ = try await FirstAdministrator.create(app, username: "quantri", displayName: "Quản trị", password: "mat-khau-rat-dai-1",
                                                        unitKey: nil, now: testNow())
            }
            for grant in existing.grants {
                try await UserRepository(db: app.db).revoke(grant.id, of: existing.id, actor: .system("test"), now: testNow())
            }
            await #expect(throws: DomainError.self) {
                _ = try await FirstAdministrator.create(app, username: "quantri", displayName: "Quản trị", password: "mat-khau-rat-dai-1",
                                                        unitKey: "no-such-unit", now: testNow())
            }
            let (user, unit) = try await FirstAdministrator.create(app, username: "quantri", displayName: "Quản trị", password: "mat-khau-rat-dai-1",
                                                                   unitKey: nil, now: testNow())
            #expect(unit.unit.id == fixture.province.id)
            #expect(user.grants.map(\.role) == [.administrator] && user.grants.first?.unitID == fixture.province.id)
            try await app.testing().test(.POST, "/api/v1/auth/tokens", beforeRequest: { req in
                try req.content.encode(["username": "quantri", "password": "mat-khau-rat-dai-1", "name": "t"])
            }) { res in
                #expect(res.status == .created)
            }
            await #expect(throws: DomainError.self) {
                _ = try await FirstAdministrator.create(app, username: "quantri2", displayName: "Quản trị", password: "mat-khau-rat-dai-1",
                                                        unitKey: nil, now: testNow())
            }
        }
    }
}
