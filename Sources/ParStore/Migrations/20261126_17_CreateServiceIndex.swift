import FluentKit
import SQLKit

/// The service index (Decision 766): each dossier event remembers its payload, the
/// dossier after it and the counters it added (so the counters can be rebuilt and every
/// number drilled down to its dossiers); the open-dossier gauge; roll-ups of both along the
/// unit tree; indicator sets and plan targets.
struct CreateServiceIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds a single column at a time.
        for column in ["payload", "snapshot", "metrics"] {
            try await database.schema("dossier_events").field(.string(column), .string).update()
        }
        try await database.schema("open_counters")
            .field("unit_id", .uuid, .required)
            .field("procedure_id", .uuid, .required)
            .field("channel", .string, .required)
            .field("due_day", .string, .required)
            .field("n", .int64, .required)
            .unique(on: "unit_id", "procedure_id", "channel", "due_day")
            .create()
        // Roll-ups along the unit tree: every event adds to its receiving unit and each ancestor,
        // by day, month and year, so a province-wide year is a few hundred rows.
        try await database.schema("index_rollups")
            .field("unit_id", .uuid, .required)
            .field("grain", .string, .required)
            .field("period", .string, .required)
            .field("metric", .string, .required)
            .field("n", .int64, .required)
            .unique(on: "unit_id", "grain", "period", "metric")
            .create()
        try await database.schema("open_rollups")
            .field("unit_id", .uuid, .required)
            .field("bucket", .string, .required)
            .field("n", .int64, .required)
            .unique(on: "unit_id", "bucket")
            .create()
        try await database.schema("indicator_sets")
            .field("version", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("data", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("plan_targets")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("year", .int, .required)
            .field("indicator_id", .string, .required)
            .field("target", .double, .required)
            .unique(on: "unit_id", "year", "indicator_id")
            .create()
        let sql = try database.sql
        try await sql.create(index: "dossier_events_at_idx").on("dossier_events").column("at").run()
        try await sql.create(index: "open_counters_unit_idx").on("open_counters").column("unit_id").run()
        try await sql.create(index: "service_counters_unit_day_idx").on("service_counters").column("unit_id").column("day").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["plan_targets", "indicator_sets", "open_rollups", "index_rollups", "open_counters"] {
            try await database.schema(table).delete()
        }
        for column in ["payload", "snapshot", "metrics"] {
            try await database.schema("dossier_events").deleteField(.string(column)).update()
        }
    }
}
