import FluentKit

/// Announcements of the Department of Home Affairs on the public transparency portal.
struct CreateAnnouncements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("announcements")
            .id()
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("published_at", .datetime, .required)
            .field("author", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("announcements").delete()
    }
}
