import FluentKit
import FluentPostgresDriver
import Tracing
import SQLKit

extension Database {
    /// Runs `body` in one write transaction: the state change, its event rows
    /// and its audit row commit together or not at all.
    ///
    /// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write
    /// lock up front: a deferred transaction that reads first and writes later can
    /// fail with SQLITE_BUSY when another connection writes in between. On
    /// PostgreSQL it is an ordinary transaction; one that PostgreSQL ends to break a
    /// deadlock (or a serialization failure) is run again from the start, up to
    /// `retries` times: the roll-up rows every event adds to (the province's, say)
    /// are locked in a different order by an intake batch and by an action, and the
    /// whole body rolled back has left nothing behind.
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let body: @Sendable (any Database) async throws -> T = { db in try await LineageMemo.$current.withValue(LineageMemo()) { try await body(db) } }
        switch SQLDialectKind(self) {
        case .postgres:
            var attempt = 0
            while true {
                do {
                    return try await transaction(StoreTracing.keepingContext(body))
                } catch let error as PSQLError where attempt < WriteRetry.retries && WriteRetry.isRetryable(error) {
                    attempt += 1
                    logger.notice("write transaction run again", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")", "attempt": "\(attempt)"])
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...10) * attempt))
                }
            }
        case .sqlite:
            // One writer at a time in this process, queued here rather than in SQLite's busy
            // handler (which sleeps and retries, leaving the lock idle between tries).
            return try await SQLiteWriteGate.shared.run { try await self.immediateTransaction(body) }
        }
    }

    /// Runs `body`, one write statement committed on its own (no `BEGIN`/`COMMIT` around it), in
    /// turn with the other writers of this process on SQLite (`SQLiteWriteGate`).
    public func singleWrite<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let sql = try self.sql
        switch SQLDialectKind(self) {
        case .postgres: return try await body(sql)
        case .sqlite: return try await SQLiteWriteGate.shared.run { try await body(sql) }
        }
    }

    private func immediateTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await withConnection(StoreTracing.keepingContext { connection in
            let sql = try connection.sql
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(connection)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                do {
                    try await sql.raw("ROLLBACK").run()
                } catch let failed {
                    // Unless SQLite had already ended the transaction itself (after a full disk or an I/O
                    // error), this connection may still hold the write lock: say so, once, in the log.
                    connection.logger.warning("ROLLBACK failed after a failed write transaction",
                                              metadata: ["error": "\(failed)", "cause": "\(String(reflecting: error))"])
                }
                throw error
            }
        })
    }
}

/// A first-come, first-served lock for SQLite write transactions within one process.
/// Other processes on the same file still meet SQLite's own lock (`BEGIN IMMEDIATE`).
actor SQLiteWriteGate {
    static let shared = SQLiteWriteGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}

/// The PostgreSQL errors after which a write transaction is run again (`writeTransaction`).
enum WriteRetry {
    static let retries = 3

    /// `40P01` deadlock detected, `40001` serialization failure: the transaction was rolled back whole.
    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }
}
