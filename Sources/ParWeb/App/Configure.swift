import Fluent
import FluentSQLiteDriver
import Foundation
import HTTPTypes
import Leaf
import OpenAPIRuntime
import ParCore
import ParStore
import Prometheus
import Vapor

/// Builds the whole application from its configuration: the composition root.
public func configure(_ app: Application, _ config: AppConfig) async throws {
    app.logger.logLevel = config.logLevel
    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    app.directory = DirectoryConfiguration(workingDirectory: config.workingDirectory.hasSuffix("/")
                                           ? config.workingDirectory : config.workingDirectory + "/")
    app.storage[ConfigKey.self] = config
    app.routes.defaultMaxBodySize = "2mb"

    app.databases.use(try config.database.factory(poolTimeout: config.databasePoolTimeout,
                                                         connectionsPerEventLoop: config.databaseConnectionsPerEventLoop),
                      as: .init(string: "parhub"), isDefault: true)
    if let replica = config.readDatabase {
        app.databases.use(try replica.factory(poolTimeout: config.databasePoolTimeout,
                                              connectionsPerEventLoop: config.databaseConnectionsPerEventLoop),
                          as: .replica, isDefault: false)
    }
    if case .sqlite = config.database {
        // WAL lets readers go on while one writer commits; it is a property of the file.
        _ = try await (app.db.sql).raw("PRAGMA journal_mode=WAL").all()
    }
    app.migrations.add(ParStoreMigrations.all)
    app.migrations.add(SessionRecord.migration)

    app.sessions.use(.fluent)
    app.sessions.configuration.cookieName = "parhub_session"
    let secure = config.secureCookies
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(string: id.string, maxAge: 8 * 3600, path: "/", isSecure: secure,
                          isHTTPOnly: true, sameSite: .lax)
    }

    app.views.use(.leaf)
    app.leaf.tags["t"] = MessageTag()
    app.leaf.cache.isEnabled = app.environment.isRelease

    app.middleware = Middlewares()
    // A span per request when traces are exported (`ProcessTracing`): first, so it covers the rest.
    // Vapor then restores the request's span around each middleware and handler, so the spans of
    // statements run there (the lookup limit's, say) nest under it.
    if config.tracing {
        app.traceAutoPropagation = true
        app.middleware.use(ProcessTracing.middleware())
    }
    // Outermost, so that problems, static files and unmatched routes get the headers too.
    app.middleware.use(SecurityHeadersMiddleware(sessionCookieName: app.sessions.configuration.cookieName))
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))

    let instance = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    let email: any Notifier = config.smtp.map {
        SMTPNotifier(settings: $0, group: app.eventLoopGroup, logger: app.logger, clock: config.clock, heloName: instance)
    } ?? LogNotifier(logger: app.logger)
    if let file = config.smsCAFile {
        // Before the shared client is first used: Vapor reads its configuration once.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = [.file(file)]
        app.http.client.configuration.tlsConfiguration = tls
    }
    let sms: (any Notifier)? = if let url = config.smsURL {
        HTTPSSMSProvider(url: URI(string: url), key: config.smsKey ?? "", client: app.client)
    } else if config.testSMS {
        TestSMSProvider(logger: app.logger)
    } else {
        nil
    }
    let notifier = ChannelNotifier(email: email, sms: sms)
    app.lifecycle.use(OutboxDispatcher.loop(notifier: notifier, owner: instance, clock: config.clock))
    app.lifecycle.use(AuditSealing.loop(owner: instance))
    if config.runScheduler { app.lifecycle.use(Scheduler.loop(owner: instance)) }
    app.storage[InstanceKey.self] = instance
    let writer = try IntakeWriter(config.database, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
    let intakes = IntakeQueue(writer: writer)
    app.lifecycle.use(IntakeShutdown(queue: intakes, writer: writer))
    let stores = Stores(databases: app.databases, logger: app.logger, eventLoopGroup: app.eventLoopGroup, intakes: intakes)
    app.storage[StoresKey.self] = stores
    app.lifecycle.use(CalendarCoverageCheck(clock: config.clock))

    try registerOperations(app, stores: stores)
    try registerAPI(app, stores: stores)
    try registerPages(app, stores: stores)
}

struct ConfigKey: StorageKey { typealias Value = AppConfig }
/// This process's name in leases and claims (host, process id and a random suffix).
struct InstanceKey: StorageKey { typealias Value = String }
struct StoresKey: StorageKey { typealias Value = Stores }

/// When the app stops: the intakes already queued are committed, then the SQLite writer's connection and
/// thread are closed (in that order: a batch whose connection closed under it would keep the write lock).
struct IntakeShutdown: LifecycleHandler {
    let queue: IntakeQueue
    let writer: IntakeWriter?

    func shutdownAsync(_ application: Application) async {
        await queue.close()
        await writer?.shutdown()
    }
}

extension Application {
    /// The configuration `configure` was called with.
    public var parConfig: AppConfig { storage[ConfigKey.self]! }
    /// The repositories `configure` built (`Stores`), for what is wired outside the route
    /// collections: lifecycle handlers, commands and tests.
    var stores: Stores { storage[StoresKey.self]! }
}

/// Mounts the generated OpenAPI handlers under the API middleware.
func registerAPI(_ app: Application, stores: Stores) throws {
    let document = try OpenAPIDocument.load()
    let publicOperations = document.publicOperations
    let api = app.grouped(RequestContextMiddleware(), ETagMiddleware(), BodyLimitMiddleware(), LookupRateLimitMiddleware(stores: stores),
                          BearerPrincipalMiddleware(stores: stores), RequireBearerMiddleware(publicOperations: publicOperations),
                          IdempotencyMiddleware(stores: stores))
    let transport = APITransport(routes: api, servedElsewhere: ["GET " + PublicLookup.path])
    try ParAPI(stores: stores).registerHandlers(on: transport, serverURL: URL(string: "/")!, configuration: .api,
                                  middlewares: [ParameterBoundsMiddleware(bounds: ParameterBounds.parse(document.text))])
    PublicLookup.register(app, stores: stores)
}
