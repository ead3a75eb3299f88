import FluentKit
import SQLKit

/// The scheduler's tables (`JobStore`): each job's last run, and the marks that keep a job from
/// acting twice on one object; and the indexes its reminders read by (dossiers by state, and the
/// returns of a day from the events).
struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("job_runs")
            .field("name", .string, .identifier(auto: false))
            .field("day", .string)
            .field("started_ms", .int64)
            .field("finished_ms", .int64)
            .field("succeeded", .int)
            .field("message", .string)
            .field("runs", .int, .required)
            .create()
        try await database.schema("job_marks")
            .field("job", .string, .required)
            .field("object", .string, .required)
            .field("mark_key", .string, .required)
            .field("at_ms", .int64, .required)
            .unique(on: "job", "object", "mark_key")
            .create()
        let sql = try database.sql
        try await sql.create(index: "dossiers_state_idx").on("dossiers").column("state").run()
        try await sql.create(index: "dossier_events_state_at_idx").on("dossier_events").column("to_state").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "dossier_events_state_at_idx").run()
        try await database.sql.drop(index: "dossiers_state_idx").run()
        try await database.schema("job_marks").delete()
        try await database.schema("job_runs").delete()
    }
}
