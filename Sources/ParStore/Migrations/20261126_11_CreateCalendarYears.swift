import FluentKit

/// Creates `calendar_years`: each year's official holiday decisions (JSON of `YearCalendar`).
struct CreateCalendarYears: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendar_years")
            .id()
            .field("year", .int, .required)
            .field("data", .string, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime)
            .unique(on: "year")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendar_years").delete()
    }
}
