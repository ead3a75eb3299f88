import FluentKit

/// Creates `reorganisations`: mergers, splits, renames and transfers with their decision.
struct CreateReorganisations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("reorganisations")
            .id()
            .field("kind", .string, .required)
            .field("effective_date", .string, .required)
            .field("decision", .string, .required)
            .field("natural_key", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "natural_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reorganisations").delete()
    }
}
