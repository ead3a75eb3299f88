import FluentKit
import SQLKit

extension Database {
    /// Runs `body` in one write transaction: the state change, its event rows
    /// and its audit row commit together or not at all.
    ///
    /// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write
    /// lock up front: a deferred transaction that reads first and writes later can
    /// fail with SQLITE_BUSY when another connection writes in between. On
    /// PostgreSQL it is an ordinary transaction.
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch SQLDialectKind(self) {
        case .postgres:
            return try await transaction(body)
        case .sqlite:
            return try await withConnection { connection in
                let sql = try connection.sql
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(connection)
                    try await sql.raw("COMMIT").run()
                    return result
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }
}
