import Foundation
import Logging
import ParCore
import ParStore

/// Everything ParHub reads from its environment, read once at start.
///
/// Nothing else reads the environment: tests build an `AppConfig` directly.
public struct AppConfig: Sendable {
    public var database: DatabaseConfig
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    /// Secret for signing; masked in logs.
    public var secret: String
    /// Load the demo province, departments and users when the database is empty.
    public var loadDemoData: Bool
    /// Where `Resources/Views`, `Public` and `data/seed` are found.
    public var workingDirectory: String
    /// Whether session cookies are sent only over HTTPS.
    public var secureCookies: Bool
    /// Failed logins per username allowed in `loginWindow` before the throttle answers 429.
    public var loginAttemptsAllowed: Int
    public var loginWindow: TimeInterval
    /// PostgreSQL connections each event loop (one per core) may open.
    public var databaseConnectionsPerEventLoop: Int
    /// How long a request waits for a pooled database connection before it fails, in seconds
    /// (`PARHUB_DB_POOL_TIMEOUT`, default 10).
    public var databasePoolTimeout: Int64 = 10
    /// Where uploaded files are kept, by SHA-256 (`PARHUB_FILES_DIR`, default `./data/files`).
    public var filesDirectory: String
    /// Largest accepted upload, in bytes (`PARHUB_MAX_UPLOAD_MB`, default 10).
    public var maxUploadBytes: Int
    /// Public status lookups allowed per client per minute (`PARHUB_LOOKUP_RATE_LIMIT`, default 30; 0 turns the limit off).
    public var lookupRatePerMinute: Int
    /// The address citizens reach the portal at, for links printed on receipts and in QR codes
    /// (`PARHUB_PUBLIC_URL`, default `http://HOST:PORT`).
    public var publicURL: String
    /// SMTP relay for the outbox (`PARHUB_SMTP_HOST`, `PARHUB_SMTP_PORT`, `PARHUB_SMTP_FROM`); nil: messages are logged.
    public var smtp: SMTPSettings?
    /// The time the dossier engine acts at; tests move it to see deadlines pass.
    public var clock: @Sendable () -> Date = SystemClock.now
    /// Payment providers besides the built-in test provider (`PARHUB_PAYMENT_PROVIDERS`).
    public var paymentProviders: [PaymentProviderConfig] = []
    /// Whether the built-in test payment provider is offered (`PARHUB_TEST_PAYMENTS=0` turns it off in production).
    public var testPayments = true
    /// Online payments without a final answer after this long are shown as expired.
    public var paymentTimeout: TimeInterval = 15 * 60
    /// The portal export leaves out events younger than this (a late commit cannot slip behind a cursor).
    public var portalExportSettle: TimeInterval = 10

    public init(database: DatabaseConfig, host: String = "127.0.0.1", port: Int = 8080,
                logLevel: Logger.Level = .info, secret: String = "dev-secret-change-me",
                loadDemoData: Bool = false, workingDirectory: String = FileManager.default.currentDirectoryPath,
                secureCookies: Bool = false, loginAttemptsAllowed: Int = 5, loginWindow: TimeInterval = 15 * 60,
                databaseConnectionsPerEventLoop: Int = 8, filesDirectory: String? = nil,
                maxUploadBytes: Int = 10 * 1024 * 1024, lookupRatePerMinute: Int = 30, publicURL: String? = nil,
                smtp: SMTPSettings? = nil) {
        self.database = database
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.secret = secret
        self.loadDemoData = loadDemoData
        self.workingDirectory = workingDirectory
        self.secureCookies = secureCookies
        self.loginAttemptsAllowed = loginAttemptsAllowed
        self.loginWindow = loginWindow
        self.databaseConnectionsPerEventLoop = databaseConnectionsPerEventLoop
        self.filesDirectory = filesDirectory ?? (workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/") + "data/files"
        self.maxUploadBytes = maxUploadBytes
        self.lookupRatePerMinute = lookupRatePerMinute
        self.publicURL = publicURL ?? "http://\(host):\(port)"
        self.smtp = smtp
    }

    /// Reads `DATABASE_URL` (absent → SQLite at `PARHUB_SQLITE_PATH` or `./data/parhub.sqlite`),
    /// `PARHUB_HOST`, `PARHUB_PORT`, `PARHUB_LOG_LEVEL`, `PARHUB_SECRET`, `PARHUB_DEMO` (`0` to skip demo data),
    /// `PARHUB_SECURE_COOKIES`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> AppConfig {
        let cwd = FileManager.default.currentDirectoryPath
        let database: DatabaseConfig
        if let url = env["DATABASE_URL"], !url.isEmpty {
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: env["PARHUB_SQLITE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? cwd + "/data/parhub.sqlite")
        }
        var config = AppConfig(
            database: database,
            host: env["PARHUB_HOST"] ?? "127.0.0.1",
            port: env["PARHUB_PORT"].flatMap(Int.init) ?? 8080,
            logLevel: env["PARHUB_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info,
            secret: env["PARHUB_SECRET"] ?? "dev-secret-change-me",
            loadDemoData: env["PARHUB_DEMO"] != "0",
            workingDirectory: cwd,
            secureCookies: env["PARHUB_SECURE_COOKIES"] == "1",
            filesDirectory: env["PARHUB_FILES_DIR"].flatMap { $0.isEmpty ? nil : $0 },
            maxUploadBytes: (env["PARHUB_MAX_UPLOAD_MB"].flatMap(Int.init) ?? 10) * 1024 * 1024,
            lookupRatePerMinute: env["PARHUB_LOOKUP_RATE_LIMIT"].flatMap(Int.init) ?? 30,
            publicURL: env["PARHUB_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 },
            smtp: env["PARHUB_SMTP_HOST"].flatMap { host in
                host.isEmpty ? nil : SMTPSettings(host: host, port: env["PARHUB_SMTP_PORT"].flatMap(Int.init) ?? 25,
                                                  from: env["PARHUB_SMTP_FROM"] ?? "parhub@localhost")
            })
        config.paymentProviders = PaymentProviderConfig.parse(env["PARHUB_PAYMENT_PROVIDERS"] ?? "")
        config.testPayments = env["PARHUB_TEST_PAYMENTS"] != "0"
        config.databasePoolTimeout = env["PARHUB_DB_POOL_TIMEOUT"].flatMap(Int64.init).map { max(1, $0) } ?? 10
        return config
    }

    /// The effective configuration for the start-up log, secrets masked.
    public var summary: String {
        "database=\(database) host=\(host) port=\(port) log=\(logLevel) secret=\(secret.isEmpty ? "(empty)" : "****") demo=\(loadDemoData)"
    }
}

/// An SMTP relay the outbox hands e-mail to (plain SMTP on a trusted network or a local relay).
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var from: String

    public init(host: String, port: Int = 25, from: String) {
        self.host = host
        self.port = port
        self.from = from
    }
}
