import FluentKit
import SQLKit

/// Creates the dossier engine's tables: `dossiers` (current state, with the
/// columns queues filter on), `dossier_events` (append-only timeline) and
/// `dossier_counters` (the daily code sequence per receiving unit).
struct CreateDossiers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dossiers")
            .id()
            .field("code", .string, .required)
            .field("procedure_id", .uuid, .required, .references("procedures", "id"))
            .field("receiving_unit_id", .uuid, .required, .references("units", "id"))
            .field("holder_unit_id", .uuid, .required, .references("units", "id"))
            .field("state", .string, .required)
            .field("channel", .string, .required)
            .field("due_at", .datetime, .required)
            .field("received_at", .datetime, .required)
            .field("lookup_secret_hash", .string, .required)
            .field("data", .string, .required)
            .field("version", .int, .required)
            .unique(on: "code")
            .create()
        try await database.schema("dossier_events")
            .id()
            .field("dossier_id", .uuid, .required, .references("dossiers", "id"))
            .field("seq", .int, .required)
            .field("name", .string, .required)
            .field("at", .datetime, .required)
            .field("actor_name", .string, .required)
            .field("from_state", .string)
            .field("to_state", .string, .required)
            .field("unit_id", .uuid)
            .field("detail", .string, .required)
            .unique(on: "dossier_id", "seq")
            .create()
        try await database.schema("dossier_counters")
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("day", .string, .required)
            .field("n", .int, .required)
            .unique(on: "unit_id", "day")
            .create()
        let sql = try database.sql
        try await sql.create(index: "dossiers_holder_due_idx").on("dossiers").column("holder_unit_id").column("due_at").run()
        try await sql.create(index: "dossiers_receiving_idx").on("dossiers").column("receiving_unit_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["dossier_counters", "dossier_events", "dossiers"] {
            try await database.schema(table).delete()
        }
    }
}
