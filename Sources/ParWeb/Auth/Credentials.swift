import Crypto
import Foundation
import ParCore
import ParStore
import Vapor

/// Password hashing and API token minting.
public enum Credentials {
    /// bcrypt cost: 12 in production; tests lower it to the minimum to stay fast.
    struct CostKey: StorageKey { typealias Value = Int }

    public static func hash(_ password: String, on app: Application) async throws -> String {
        let cost = app.storage[CostKey.self] ?? 12
        return try await app.threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String, on app: Application) async throws -> Bool {
        try await app.threadPool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }

    /// A new token: "phub_" and 32 random bytes in base64url. Returns the token,
    /// its SHA-256 (what is stored) and the prefix shown in listings.
    static func newToken() -> (token: String, hash: String, prefix: String) {
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let token = "phub_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (token, tokenHash(token), String(token.prefix(10)))
    }

    static func tokenHash(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Data(token.utf8)))
    }

    /// Checks a username and password, with the throttle, and records the attempt.
    /// Returns the principal or throws 401/429 problems that say nothing about which part was wrong.
    static func authenticate(username raw: String, password: String, request: Request,
                             users: UserRepository, config: AppConfig) async throws -> Principal {
        let username = String(VietnameseText.clean(raw).lowercased().prefix(64))
        let now = request.now
        let failures = try await users.failedLogins(username: username, since: now.addingTimeInterval(-config.loginWindow))
        if failures >= config.loginAttemptsAllowed {
            var problem = Problem(status: .tooManyRequests,
                                  detail: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
                                  detailEn: "Too many failed sign-ins. Try again in 15 minutes.")
            problem.headers["Retry-After"] = String(Int(config.loginWindow))
            throw problem
        }
        if let (account, hash) = try await users.credentials(username: username), account.isActive,
           try await verify(password, hash: hash, on: request.application),
           let principal = try await users.principal(for: account.id) {
            try await users.recordLogin(username: username, ip: request.clientIP, succeeded: true, now: now)
            return principal
        }
        try await users.recordLogin(username: username, ip: request.clientIP, succeeded: false, now: now)
        throw Problem(status: .unauthorized, detail: "Tên đăng nhập hoặc mật khẩu không đúng.",
                      detailEn: "Wrong username or password.")
    }
}
