import FluentKit

/// Periodic PAR reports: narrative per field and part, and the figures frozen at finalisation.
struct CreateParReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("par_reports")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("from_day", .string, .required)
            .field("through_day", .string, .required)
            .field("data", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("par_reports").delete()
    }
}
