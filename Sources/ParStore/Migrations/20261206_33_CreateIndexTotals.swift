import FluentKit
import SQLKit

/// The counters' roll-ups become one row per unit, grain and period with a column per metric
/// (`index_totals`, issue 22): a ranking of N children reads N rows instead of N × metrics, and an
/// event writes one row per unit and grain. The rows of `index_rollups` are summed into it.
struct CreateIndexTotals: AsyncMigration {
    /// The metric columns as this migration makes them (frozen: a later metric adds its own column).
    static let metrics = [
        "apologies", "components_digitised", "components_reused", "dossiers_digitised", "dossiers_reused", "ended_early", "ended_late",
        "ended_on_time", "finished_early", "finished_late", "finished_on_time", "negative_ratings", "payments", "payments_online", "ratings",
        "received", "received_counter", "received_online", "received_post", "refused", "results_digitised", "results_electronic", "returned",
        "returned_electronic", "stopped", "supplement_requests", "transfers", "transfers_electronic", "withdrawn",
    ]

    func prepare(on database: any Database) async throws {
        var schema = database.schema("index_totals")
            .field("unit_id", .uuid, .required).field("grain", .string, .required).field("period", .string, .required)
        for metric in Self.metrics { schema = schema.field(.string(metric), .int64, .required, .sql(.default(0))) }
        try await schema.unique(on: "unit_id", "grain", "period").create()
        let sql = try database.sql
        let sums = Self.metrics.map { SQLQueryString("SUM(CASE WHEN metric = \(literal: $0) THEN n ELSE 0 END)") }
        try await sql.raw("""
            INSERT INTO index_totals (unit_id, grain, period, \(SQLList(Self.metrics.map { SQLIdentifier($0) })))
            SELECT unit_id, grain, period, \(SQLList(sums)) FROM index_rollups GROUP BY unit_id, grain, period
            """).run()
        try await database.schema("index_rollups").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("index_rollups")
            .field("unit_id", .uuid, .required).field("grain", .string, .required).field("period", .string, .required)
            .field("metric", .string, .required).field("n", .int64, .required)
            .unique(on: "unit_id", "grain", "period", "metric").create()
        let sql = try database.sql
        for metric in Self.metrics {
            try await sql.raw("""
                INSERT INTO index_rollups (unit_id, grain, period, metric, n)
                SELECT unit_id, grain, period, \(literal: metric), \(ident: metric) FROM index_totals WHERE \(ident: metric) <> 0
                """).run()
        }
        try await database.schema("index_totals").delete()
    }
}
