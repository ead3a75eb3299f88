import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Where ParHub keeps its data: an embedded SQLite file (the zero-set-up default)
/// or a PostgreSQL server (the production and scale-out path).
public enum DatabaseConfig: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// SQLite connections in each event loop's pool.
    public static let sqliteConnectionsPerEventLoop = 2

    /// The Fluent configuration for this database. `poolTimeout` bounds the wait
    /// for a pooled connection (tests running in parallel raise it).
    public func factory(poolTimeout: Int64 = 10, connectionsPerEventLoop: Int = 8) throws -> DatabaseConfigurationFactory {
        switch self {
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            SQLiteConnectionSettings.install()
            // Two connections per event loop: in WAL mode a read does not wait for the write transaction
            // holding the loop's other connection (an intake's reads while a batch of intakes commits).
            // Writers still go one at a time (`SQLiteWriteGate`).
            return .sqlite(.file(path), maxConnectionsPerEventLoop: Self.sqliteConnectionsPerEventLoop,
                           connectionPoolTimeout: .seconds(poolTimeout), sqlLogLevel: .trace)
        case .postgres(let url):
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = ["public"]
            return .postgres(configuration: config, maxConnectionsPerEventLoop: connectionsPerEventLoop,
                             connectionPoolTimeout: .seconds(poolTimeout), sqlLogLevel: .trace)
        }
    }

    /// The configuration with any password masked, for start-up logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var parts = URLComponents(string: url) else { return "postgres:(unparsable url)" }
            if parts.password != nil { parts.password = "****" }
            return parts.string ?? "postgres:****"
        }
    }
}

/// The two SQL dialects ParHub speaks. Dialect-specific SQL lives behind this
/// one switch so the rest of the code is identical on both.
public enum SQLDialectKind: Sendable {
    case sqlite, postgres

    public init(_ db: any Database) {
        let name = (db as? any SQLDatabase)?.dialect.name ?? "sqlite"
        self = name.contains("postgres") ? .postgres : .sqlite
    }
}

extension Database {
    /// This database as SQLKit, for aggregate and bulk queries; each statement in a span while
    /// tracing is on (`StoreTracing`).
    public var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else {
                throw DomainStoreError.notSQL
            }
            return StoreTracing.isEnabled ? TracedSQLDatabase(base: sql) : sql
        }
    }
}

/// Failures of the store itself (not of the user's input).
public enum DomainStoreError: Error, Sendable {
    case notSQL
    case corruptRow(String)
}
