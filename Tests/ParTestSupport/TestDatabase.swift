import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import ParStore
import SQLKit

/// A fresh, migrated database for one test: a temporary SQLite file, or — when
/// `PARHUB_TEST_POSTGRES_URL` is set — a PostgreSQL database copied from a
/// template that is migrated once per test process
/// (`CREATE DATABASE t_n TEMPLATE parhub_template`): fast, real and isolated.
public enum TestDatabase {
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["PARHUB_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A new database for one test, already migrated.
    public static func make() async throws -> DatabaseConfig {
        if let url = postgresURL {
            let template = try await Template.shared.name(baseURL: url)
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            try await withDatabase(.postgres(url: url)) { db in
                try await db.sql.raw("CREATE DATABASE \(unsafeRaw: String(name)) TEMPLATE \(unsafeRaw: template)").run()
            }
            let config = DatabaseConfig.postgres(url: replacingDatabase(in: url, with: String(name)))
            // A copy of the template carries its catalogue token, which names the database to the
            // process-wide catalogue index cache: give each copy its own, or two tests' catalogues
            // at the same version would share one index (migration 15 gives a new database a fresh one).
            try await withDatabase(config) { db in
                try await db.sql.raw("UPDATE catalogue_state SET token = \(bind: UUID().uuidString)").run()
            }
            return config
        }
        let path = scratchDirectory + "/\(UUID().uuidString).sqlite"
        let config = DatabaseConfig.sqlite(path: path)
        try await migrate(config)
        return config
    }

    /// Runs `body` with a standalone Fluent database (no Vapor application).
    public static func withDatabase<T: Sendable>(_ config: DatabaseConfig,
                                                 _ body: @Sendable (any Database) async throws -> T) async throws -> T {
        try await config.withDatabase(logger: Logger(label: "parhub.test"), poolTimeout: 120, connectionsPerEventLoop: 4, body)
    }

    /// Applies every ParStore migration through Fluent's migrator (what `parhub migrate` does),
    /// so an application started on the database later sees them as applied.
    public static func migrate(_ config: DatabaseConfig) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: group)
        databases.use(try config.factory(), as: .init(string: "parhub"), isDefault: true)
        let migrations = Migrations()
        migrations.add(ParStoreMigrations.all)
        var logger = Logger(label: "parhub.test.migrate")
        logger.logLevel = .warning
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: group.any())
        do {
            try await migrator.setupIfNeeded().flatMap { migrator.prepareBatch() }.get()
            await databases.shutdownAsync()
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }

    /// This test process's scratch files (SQLite databases, stored files, certificates), in one
    /// temporary directory removed when the process exits: a suite run makes several thousand
    /// databases, and left behind they filled gigabytes of /tmp.
    public static let scratchDirectory: String = {
        let directory = NSTemporaryDirectory() + "parhub-test-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestDatabase.scratchDirectory) }
        return directory
    }()

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + name
        return parts.string ?? url
    }

    /// The migrated template, created once per process.
    actor Template {
        static let shared = Template()
        private var created: String?

        func name(baseURL: String) async throws -> String {
            if let created { return created }
            let name = "parhub_template_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
            try await withDatabase(.postgres(url: baseURL)) { db in
                try await db.sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").run()
            }
            try await migrate(.postgres(url: replacingDatabase(in: baseURL, with: String(name))))
            created = String(name)
            return String(name)
        }
    }
}

/// Runs `body` on a fresh migrated database (SQLite, or PostgreSQL when configured).
public func withTestDatabase<T: Sendable>(_ body: @Sendable (any Database) async throws -> T) async throws -> T {
    try await TestSlots.run { try await TestDatabase.withDatabase(try await TestDatabase.make(), body) }
}

/// The repository root, for tests that read committed data files.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path + "/"
}()
