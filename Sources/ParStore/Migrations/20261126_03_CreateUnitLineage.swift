import FluentKit
import SQLKit

/// Creates `unit_lineage`: predecessor → successor links of each reorganisation.
struct CreateUnitLineage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("unit_lineage")
            .id()
            .field("reorganisation_id", .uuid, .required, .references("reorganisations", "id"))
            .field("predecessor_id", .uuid, .references("units", "id"))
            .field("successor_id", .uuid, .references("units", "id"))
            .field("whole", .bool, .required)
            .field("effective_date", .string, .required)
            .create()
        let sql = try database.sql
        try await sql.create(index: "unit_lineage_pred_idx").on("unit_lineage").column("predecessor_id").run()
        try await sql.create(index: "unit_lineage_succ_idx").on("unit_lineage").column("successor_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("unit_lineage").delete()
    }
}
