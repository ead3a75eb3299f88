import Foundation
import ParCore
import ParStore
import Vapor

/// What `parhub serve --env production` refuses to start with. Each refusal names the
/// setting that fixes it, so an operator reading the log knows what to change.
public enum ProductionCheck {
    public struct Refusal: Sendable, Equatable, CustomStringConvertible {
        /// The environment variable (or account) to change.
        public let setting: String
        public let reason: String
        public var description: String { "\(setting): \(reason)" }
    }

    /// A shorter secret is refused: it signs survey links, queue tickets and payment keys.
    public static let minimumSecretLength = 32

    /// The settings that are unsafe in production; empty when it may start.
    public static func refusals(_ config: AppConfig, environment env: [String: String]) -> [Refusal] {
        var result: [Refusal] = []
        if config.secret == AppConfig.developmentSecret {
            result.append(.init(setting: "PARHUB_SECRET", reason: "not set: the public development secret would sign survey links, queue tickets "
                                + "and payment keys. Set a random value of at least \(minimumSecretLength) characters (openssl rand -base64 48)."))
        } else if config.secret.count < minimumSecretLength {
            result.append(.init(setting: "PARHUB_SECRET", reason: "shorter than \(minimumSecretLength) characters (openssl rand -base64 48 makes one)."))
        }
        if config.testPayments {
            result.append(.init(setting: "PARHUB_TEST_PAYMENTS", reason: "the built-in test payment provider lets anyone mark a fee paid. "
                                + "Unset it (production turns it off) or set it to 0."))
        }
        if config.testSMS {
            result.append(.init(setting: "PARHUB_TEST_SMS", reason: "the built-in test SMS provider sends nothing to citizens and shows "
                                + "their messages on /test-sms. Unset it or set it to 0 (and PARHUB_SMS_URL for a real provider)."))
        }
        if let url = config.smsURL, !url.lowercased().hasPrefix("https://") {
            result.append(.init(setting: "PARHUB_SMS_URL", reason: "not an https:// address: each SMS carries a citizen's phone number "
                                + "and would cross the network in clear."))
        }
        if let now = env["PARHUB_TEST_NOW"], !now.isEmpty {
            result.append(.init(setting: "PARHUB_TEST_NOW", reason: "a test clock is set (\(now)); a server keeps the real time. Unset it."))
        }
        return result
    }

    /// The accounts among `usernames` that are active and still accept `password` — the demo
    /// logins printed in the README, which anyone can read.
    public static func demoLogins(_ app: Application, usernames: [String], password: String) async throws -> [Refusal] {
        var found: [String] = []
        let users = UserRepository(db: app.db)
        for username in usernames {
            guard let (account, hash) = try await users.credentials(username: username), account.isActive,
                  try await Credentials.verify(password, hash: hash, on: app) else { continue }
            found.append(username)
        }
        guard !found.isEmpty else { return [] }
        return [.init(setting: "demo users", reason: "\(found.joined(separator: ", ")) still sign in with the published demo password. "
                      + "Change their passwords or deactivate them (Users page or PUT /api/v1/users/{id}), or start on an empty database.")]
    }
}
