import FluentKit

/// Creates `staff_quotas`: biên chế and headcount per unit per year.
struct CreateStaffQuotas: AsyncMigration {
    func prepare(on database: any Database) async throws {
        var builder = database.schema("staff_quotas")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("year", .int, .required)
        for name in ["quota_civil_servants", "quota_public_employees", "quota_contracts", "quota_leaders",
                     "actual_civil_servants", "actual_public_employees", "actual_contracts", "actual_leaders", "version"] {
            builder = builder.field(.string(name), .int, .required)
        }
        try await builder.unique(on: "unit_id", "year").create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("staff_quotas").delete()
    }
}
