import Foundation
import Logging
import ParCore
import ParStore

/// Everything ParHub reads from its environment, read once at start.
///
/// Nothing else reads the environment: tests build an `AppConfig` directly.
public struct AppConfig: Sendable {
    /// The secret a development start uses when `PARHUB_SECRET` is not set; production refuses it.
    public static let developmentSecret = "dev-secret-change-me"

    public var database: DatabaseConfig
    /// `parhub serve --env production` (or `PARHUB_ENV=production`): demo data and the test
    /// payment provider off by default, secure cookies on, and `ProductionCheck` refuses unsafe settings.
    public var isProduction = false
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
    /// Reverse proxies whose `X-Forwarded-For`/`Forwarded` name the client (`PARHUB_TRUSTED_PROXIES`,
    /// addresses or blocks such as `127.0.0.1,10.0.0.0/8`; default none: the peer is the client).
    public var trustedProxies = TrustedProxies()
    /// Settings that could not be read (a bad `PARHUB_TRUSTED_PROXIES`): `parhub` refuses to start, naming them.
    public var invalidSettings: [ProductionCheck.Refusal] = []
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
    /// An SMS provider over HTTPS (`PARHUB_SMS_URL`, signed with `PARHUB_SMS_KEY`); nil: none.
    public var smsURL: String?
    public var smsKey: String?
    /// A PEM file of one more certificate authority that ParHub's outgoing HTTPS client trusts
    /// (`PARHUB_SMS_CA_FILE`): a provider's gateway on the province's own network with a private CA.
    /// It is added to the system's trust store, never replacing it.
    public var smsCAFile: String?
    /// Whether the built-in test SMS provider takes SMS (`PARHUB_TEST_SMS`; on outside production).
    public var testSMS = true
    /// Whether applicants may choose SMS notices: an SMS provider (real or test) is there.
    public var smsAvailable: Bool { smsURL != nil || testSMS }
    /// Online payments without a final answer after this long are shown as expired.
    public var paymentTimeout: TimeInterval = 15 * 60
    /// Whether this process runs the scheduled jobs (`Scheduler`); the tests run them by hand.
    public var runScheduler = true
    /// Whether requests get a span (an OTLP endpoint is set: `ProcessTracing.isConfigured`).
    public var tracing = false
    /// The portal export leaves out events younger than this (a late commit cannot slip behind a cursor).
    public var portalExportSettle: TimeInterval = 10
    /// A PostgreSQL streaming replica for reads that may be a moment behind (`DATABASE_READ_URL`,
    /// `ReadReplica`); nil: every read goes to `database`.
    public var readDatabase: DatabaseConfig?

    public init(database: DatabaseConfig, host: String = "127.0.0.1", port: Int = 8080,
                logLevel: Logger.Level = .info, secret: String = AppConfig.developmentSecret,
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
    /// `PARHUB_HOST`, `PARHUB_PORT`, `PARHUB_LOG_LEVEL`, `PARHUB_SECRET`, `PARHUB_DEMO`, `PARHUB_SECURE_COOKIES`,
    /// `PARHUB_TEST_PAYMENTS` and the rest of the README's table. In `production` the demo data and the test
    /// payment provider are off and secure cookies on unless a variable says otherwise (`ProductionCheck`
    /// then refuses what is unsafe).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       production: Bool = false) -> AppConfig {
        let cwd = FileManager.default.currentDirectoryPath
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        func flag(_ name: String, default fallback: Bool) -> Bool { value(name).map { $0 != "0" } ?? fallback }
        let database: DatabaseConfig
        if let url = value("DATABASE_URL") {
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: value("PARHUB_SQLITE_PATH") ?? cwd + "/data/parhub.sqlite")
        }
        var config = AppConfig(
            database: database,
            host: value("PARHUB_HOST") ?? "127.0.0.1",
            port: value("PARHUB_PORT").flatMap(Int.init) ?? 8080,
            logLevel: value("PARHUB_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info,
            secret: env["PARHUB_SECRET"] ?? developmentSecret,
            loadDemoData: flag("PARHUB_DEMO", default: !production),
            workingDirectory: cwd,
            secureCookies: flag("PARHUB_SECURE_COOKIES", default: production),
            filesDirectory: value("PARHUB_FILES_DIR"),
            maxUploadBytes: (value("PARHUB_MAX_UPLOAD_MB").flatMap(Int.init) ?? 10) * 1024 * 1024,
            lookupRatePerMinute: value("PARHUB_LOOKUP_RATE_LIMIT").flatMap(Int.init) ?? 30,
            publicURL: value("PARHUB_PUBLIC_URL"),
            smtp: value("PARHUB_SMTP_HOST").map { host in
                let port = value("PARHUB_SMTP_PORT").flatMap(Int.init) ?? 25
                return SMTPSettings(host: host, port: port, from: value("PARHUB_SMTP_FROM") ?? "parhub@localhost",
                                    security: value("PARHUB_SMTP_TLS").flatMap(SMTPSettings.Security.init(rawValue:))
                                        ?? (port == 465 ? .tls : port == 587 ? .starttls : .none),
                                    username: value("PARHUB_SMTP_USER"), password: value("PARHUB_SMTP_PASSWORD"),
                                    caFile: value("PARHUB_SMTP_CA_FILE"))
            })
        config.isProduction = production
        if let security = value("PARHUB_SMTP_TLS"), SMTPSettings.Security(rawValue: security) == nil {
            config.invalidSettings.append(.init(setting: "PARHUB_SMTP_TLS", reason: "must be none, starttls or tls, not \(security)."))
        }
        if let smtp = config.smtp, smtp.username != nil, smtp.security == .none {
            config.invalidSettings.append(.init(setting: "PARHUB_SMTP_TLS", reason: "PARHUB_SMTP_USER is set: the password is sent only over TLS "
                                                + "(starttls or tls)."))
        }
        do {
            config.trustedProxies = try TrustedProxies(parsing: env["PARHUB_TRUSTED_PROXIES"] ?? "")
        } catch {
            config.invalidSettings.append(.init(setting: "PARHUB_TRUSTED_PROXIES", reason: error.english))
        }
        config.paymentProviders = PaymentProviderConfig.parse(env["PARHUB_PAYMENT_PROVIDERS"] ?? "")
        config.testPayments = flag("PARHUB_TEST_PAYMENTS", default: !production)
        config.smsURL = value("PARHUB_SMS_URL")
        config.smsKey = value("PARHUB_SMS_KEY")
        config.smsCAFile = value("PARHUB_SMS_CA_FILE")
        if let file = config.smsCAFile, !FileManager.default.isReadableFile(atPath: file) {
            config.invalidSettings.append(.init(setting: "PARHUB_SMS_CA_FILE", reason: "\(file) cannot be read."))
        }
        config.testSMS = flag("PARHUB_TEST_SMS", default: !production && config.smsURL == nil)
        if config.smsURL != nil, (config.smsKey?.count ?? 0) < 16 {
            config.invalidSettings.append(.init(setting: "PARHUB_SMS_KEY", reason: "PARHUB_SMS_URL is set: the key that signs each request "
                                                + "(at least 16 characters, as agreed with the provider) is needed."))
        }
        if let url = value("DATABASE_READ_URL") {
            if case .postgres = database {
                config.readDatabase = .postgres(url: url)
            } else {
                config.invalidSettings.append(.init(setting: "DATABASE_READ_URL", reason: "a read replica is a PostgreSQL standby of "
                                                    + "DATABASE_URL, which is not set (SQLite has no replicas)."))
            }
        }
        config.runScheduler = flag("PARHUB_JOBS", default: true)
        config.tracing = ProcessTracing.isConfigured(env)
        config.databasePoolTimeout = value("PARHUB_DB_POOL_TIMEOUT").flatMap(Int64.init).map { max(1, $0) } ?? 10
        return config
    }

    /// The effective configuration for the start-up log, secrets masked.
    public var summary: String {
        "environment=\(isProduction ? "production" : "development") database=\(database)"
            + (readDatabase.map { " read-database=\($0)" } ?? "") + " host=\(host) port=\(port) log=\(logLevel) "
            + "secret=\(secret.isEmpty ? "(empty)" : "****") demo=\(loadDemoData) test-payments=\(testPayments) secure-cookies=\(secureCookies)"
    }
}

/// An SMTP relay the outbox hands e-mail to.
public struct SMTPSettings: Sendable, Equatable {
    /// `none`: plain SMTP (a relay on this host or a trusted network); `starttls`: upgrade after
    /// EHLO and refuse a relay that does not offer it; `tls`: TLS from the first byte (port 465).
    public enum Security: String, Sendable, Equatable, CaseIterable { case none, starttls, tls }

    public var host: String
    public var port: Int
    public var from: String
    public var security: Security
    /// AUTH PLAIN or LOGIN, whichever the relay offers; only over TLS.
    public var username: String?
    public var password: String?
    /// A PEM file of the certificates to trust instead of the system's (a relay with a private CA).
    public var caFile: String?

    public init(host: String, port: Int = 25, from: String, security: Security = .none,
                username: String? = nil, password: String? = nil, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.from = from
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
    }
}
