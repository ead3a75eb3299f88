import FluentKit

/// The open gauge at the end of past days (`open_ends`, one row per unit with any open dossier then;
/// the days recorded in `open_end_days`), written each night by `IndexSettle` (issue 22): a past
/// period's end is read as one row per unit, however much has moved since.
struct CreateOpenEnds: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("open_ends")
            .field("unit_id", .uuid, .required).field("day", .string, .required)
            .field("on_time", .int64, .required).field("late", .int64, .required)
            .field("paused", .int64, .required).field("paused_late", .int64, .required)
            .unique(on: "day", "unit_id")
            .create()
        try await database.schema("open_end_days").field("day", .string, .required).unique(on: "day").create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("open_end_days").delete()
        try await database.schema("open_ends").delete()
    }
}
