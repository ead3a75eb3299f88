import FluentKit
import SQLKit

/// Creates `units`, the organisation registry.
struct CreateUnits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("units")
            .id()
            .field("key", .string, .required)
            .field("code", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("name_search", .string, .required)
            .field("parent_id", .uuid, .references("units", "id"))
            .field("path", .string, .required)
            .field("valid_from", .string)
            .field("valid_to", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "key")
            .create()
        let sql = try database.sql
        try await sql.create(index: "units_path_idx").on("units").column("path").run()
        try await sql.create(index: "units_parent_idx").on("units").column("parent_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("units").delete()
    }
}
