import FluentKit
import SQLKit

/// The audit log without a hot row (issue 22): business transactions append unsealed rows (a
/// sequence from the database, a content hash, no link) and the sealer chains them
/// (`AuditSealer`). Existing rows keep their chain: their position is their sequence.
struct UpdateAuditLogForSealer: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema("audit_log").field("content_hash", .string).update()
        try await database.schema("audit_log").field("chain_pos", .int64).update()
        let sql = try database.sql
        try await sql.raw("UPDATE audit_log SET chain_pos = seq").run()
        try await sql.raw("CREATE UNIQUE INDEX audit_log_chain_idx ON audit_log (chain_pos)").run()
        // What the sealer reads: the few rows not sealed yet.
        try await sql.raw("CREATE INDEX audit_log_unsealed_idx ON audit_log (seq) WHERE chain_pos IS NULL").run()
        if SQLDialectKind(database) == .postgres {
            // SQLite numbers a row whose INTEGER PRIMARY KEY is left out itself (the rowid).
            try await sql.raw("CREATE SEQUENCE audit_log_seq_seq OWNED BY audit_log.seq").run()
            try await sql.raw("SELECT setval('audit_log_seq_seq', COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1, false)").run()
            try await sql.raw("ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq_seq')").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        if SQLDialectKind(database) == .postgres {
            try await sql.raw("ALTER TABLE audit_log ALTER COLUMN seq DROP DEFAULT").run()
            try await sql.raw("DROP SEQUENCE audit_log_seq_seq").run()
        }
        try await sql.raw("DROP INDEX audit_log_unsealed_idx").run()
        try await sql.raw("DROP INDEX audit_log_chain_idx").run()
        try await database.schema("audit_log").deleteField("chain_pos").update()
        try await database.schema("audit_log").deleteField("content_hash").update()
    }
}
