import FluentKit

/// Creates `role_grants`: a role on a unit subtree.
struct CreateRoleGrants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("role_grants")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .unique(on: "user_id", "role", "unit_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("role_grants").delete()
    }
}
