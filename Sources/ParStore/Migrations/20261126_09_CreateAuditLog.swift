import FluentKit
import ParCore
import SQLKit

/// Creates the hash-chained `audit_log` and its one-row `audit_head`, which
/// serialises appends across connections and app instances.
struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.create(table: "audit_log")
            .column("seq", type: .bigint, .primaryKey(autoIncrement: false))
            .column("at_ms", type: .bigint, .notNull)
            .column("actor_id", type: .text)
            .column("actor_name", type: .text, .notNull)
            .column("action", type: .text, .notNull)
            .column("entity_type", type: .text, .notNull)
            .column("entity_id", type: .text, .notNull)
            .column("summary", type: .text, .notNull)
            .column("request_id", type: .text)
            .column("prev_hash", type: .text, .notNull)
            .column("hash", type: .text, .notNull)
            .run()
        try await sql.create(index: "audit_log_entity_idx").on("audit_log")
            .column("entity_type").column("entity_id").run()
        try await sql.create(table: "audit_head")
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("last_seq", type: .bigint, .notNull)
            .column("last_hash", type: .text, .notNull)
            .run()
        try await sql.insert(into: "audit_head")
            .columns("id", "last_seq", "last_hash")
            .values(SQLBind(1), SQLBind(Int64(0)), SQLBind(AuditEntry.genesisHash))
            .run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.drop(table: "audit_head").run()
        try await sql.drop(table: "audit_log").run()
    }
}
