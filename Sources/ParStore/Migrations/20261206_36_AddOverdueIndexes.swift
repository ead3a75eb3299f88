import FluentKit
import SQLKit

/// Indexes for the leader's overdue blocks (issue 20) at ten million dossiers: the late days of a
/// scope's own gauge rows read in due-day order (`open_counters_due_idx`: the province's earliest late
/// days without grouping all its rows), and a root's late step rows without its future days
/// (`open_steps_bucket_idx`).
struct AddOverdueIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "open_counters_due_idx").on("open_counters").column("due_day").run()
        try await database.sql.create(index: "open_steps_bucket_idx").on("open_steps").column("unit_id").column("bucket").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "open_steps_bucket_idx").run()
        try await database.sql.drop(index: "open_counters_due_idx").run()
    }
}
