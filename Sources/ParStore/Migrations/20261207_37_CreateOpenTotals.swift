import FluentKit
import SQLKit

/// Each unit subtree's open dossiers in all (`open_totals`, one row per unit), kept beside the open
/// gauge (`open_rollups`, a row per due day) in the same transaction (issue 22): a ranking reads a unit's
/// total and its late and paused rows, not every future due day. Filled here from the gauge as it stands.
struct CreateOpenTotals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("open_totals")
            .field("unit_id", .uuid, .required)
            .field("n", .int64, .required)
            .unique(on: "unit_id")
            .create()
        try await database.sql.raw("""
            INSERT INTO open_totals (unit_id, n) SELECT unit_id, SUM(n) FROM open_rollups GROUP BY unit_id HAVING SUM(n) <> 0
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("open_totals").delete()
    }
}
