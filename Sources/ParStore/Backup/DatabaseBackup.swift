import FluentKit
import Foundation
import SQLKit
#if canImport(Glibc)
import Glibc
#endif

/// Backs the configured database up to one file and restores it from one.
///
/// - SQLite: `VACUUM INTO` writes a consistent copy while the server runs (it reads in
///   one transaction; WAL lets writers go on). A restore checks the copy
///   (`PRAGMA integrity_check`) in a temporary file beside the database, then renames it
///   over the database in one step: the database is either the old one or the restored
///   one, never half of each. The server must be stopped: a restore refuses when another
///   process still holds the database open.
/// - PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --if-exists --single-transaction`,
///   found like `scripts/lib/postgres.sh` finds the server binaries (the newest
///   `/usr/lib/postgresql/N/bin`, else `PATH`).
public enum DatabaseBackup {
    /// Why a backup or a restore did not happen; `message` is for the operator's console.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    /// Writes a backup of `database` to `file` (which must not exist yet).
    public static func backup(_ database: DatabaseConfig, to file: String, searchPath: [String] = PostgresTool.defaultSearchPath) async throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw Failure("\(file) already exists; remove it or choose another name.")
        }
        let temporary = temporaryName(beside: file)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        switch database {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw Failure("There is no database at \(path).") }
            try await database.withDatabase { db in
                try await db.sql.raw("VACUUM INTO \(bind: temporary)").run()
            }
        case .postgres(let url):
            let tool = try PostgresTool("pg_dump", searchPath: searchPath)
            let connection = PostgresConnection(url)
            try await tool.run(["--format=custom", "--file=\(temporary)", "--dbname=\(connection.url)"], environment: connection.environment)
        }
        try syncFile(temporary)
        try FileManager.default.moveItem(atPath: temporary, toPath: file)
        syncDirectory(of: file)
    }

    /// Replaces the contents of `database` with the backup in `file`.
    public static func restore(_ database: DatabaseConfig, from file: String, searchPath: [String] = PostgresTool.defaultSearchPath) async throws {
        guard FileManager.default.isReadableFile(atPath: file) else { throw Failure("Cannot read \(file).") }
        switch database {
        case .sqlite(let path):
            try await restoreSQLite(path, from: file)
        case .postgres(let url):
            let tool = try PostgresTool("pg_restore", searchPath: searchPath)
            let connection = PostgresConnection(url)
            try await tool.run(["--clean", "--if-exists", "--single-transaction", "--no-owner", "--dbname=\(connection.url)", file],
                               environment: connection.environment)
        }
    }

    static func restoreSQLite(_ path: String, from file: String) async throws {
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        let header = try reader.read(upToCount: 16) ?? Data()
        try reader.close()
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw Failure("\(file) is not a SQLite database.") }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = temporaryName(beside: path)
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
        }
        try FileManager.default.copyItem(atPath: file, toPath: temporary)
        // Check the copy and make it one self-contained file (no write-ahead log beside it).
        let check = try await DatabaseConfig.sqlite(path: temporary).withDatabase { db in
            let sql = try db.sql
            let result = try await sql.raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) }
            _ = try await sql.raw("PRAGMA journal_mode=DELETE").all()
            return result
        }
        guard check == ["ok"] else { throw Failure("\(file) is damaged: \(check.prefix(3).joined(separator: "; "))") }
        try syncFile(temporary)

        if FileManager.default.fileExists(atPath: path) {
            // Fold the live database's write-ahead log into it and close it; if the log is
            // still there after our last connection closed, another process has it open.
            try await DatabaseConfig.sqlite(path: path).withDatabase { db in
                _ = try await db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
            }
            if FileManager.default.fileExists(atPath: path + "-wal") {
                throw Failure("\(path) is in use (its write-ahead log is open): stop the server before restoring.")
            }
        }
        try? FileManager.default.removeItem(atPath: path + "-shm")
        guard rename(temporary, path) == 0 else {
            throw Failure("Cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        syncDirectory(of: path)
    }

    static func temporaryName(beside file: String) -> String {
        let url = URL(fileURLWithPath: file)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp").path
    }

    static func syncFile(_ path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.synchronize()
        try handle.close()
    }

    /// Makes a rename durable (best effort: not every file system lets a directory be synced).
    static func syncDirectory(of path: String) {
        let fd = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

/// A PostgreSQL URL as libpq takes it: the password moved to `PGPASSWORD` so it does not
/// show in the process list, and Vapor's `tlsmode` spelled `sslmode`.
struct PostgresConnection {
    let url: String
    let environment: [String: String]

    init(_ url: String) {
        guard var parts = URLComponents(string: url) else {
            self.url = url
            environment = [:]
            return
        }
        var environment: [String: String] = [:]
        if let password = parts.password {
            environment["PGPASSWORD"] = password.removingPercentEncoding ?? password
            parts.password = nil
        }
        if parts.scheme?.hasPrefix("postgres") == true { parts.scheme = "postgresql" }
        parts.queryItems = parts.queryItems?.map { $0.name == "tlsmode" ? URLQueryItem(name: "sslmode", value: $0.value) : $0 }
        if parts.queryItems?.isEmpty == true { parts.queryItems = nil }
        self.url = parts.string ?? url
        self.environment = environment
    }
}

/// One of PostgreSQL's client programs, run to completion.
public struct PostgresTool: Sendable {
    let executable: String

    /// The directories of the process's `PATH`, where a shell would look for the tool.
    public static var defaultSearchPath: [String] {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    }

    /// The newest `/usr/lib/postgresql/N/bin/NAME` (Debian keeps every version there and a
    /// dump tool must be at least as new as the server), else NAME in `searchPath`.
    init(_ name: String, searchPath: [String]) throws {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >).map { "\(root)/\($0)/bin" }
        guard let found = (versions + searchPath).map({ $0 + "/" + name }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw DatabaseBackup.Failure("\(name) not found (install the PostgreSQL client tools, e.g. apt-get install postgresql-client).")
        }
        executable = found
    }

    /// Whether the tool can be found at all.
    public static func isAvailable(_ name: String, searchPath: [String] = defaultSearchPath) -> Bool {
        (try? PostgresTool(name, searchPath: searchPath)) != nil
    }

    func run(_ arguments: [String], environment extra: [String: String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        // Standard error goes to a file: a pipe nobody reads could fill and stall the tool.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("parhub-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let errors = try FileHandle(forWritingTo: log)
        defer { try? errors.close() }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let message = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        guard status == 0 else {
            throw DatabaseBackup.Failure("\(URL(fileURLWithPath: executable).lastPathComponent) failed (exit \(status)): \(message.suffix(2000))")
        }
    }
}
