import FluentKit
import SQLKit

/// A covering index for catalogue search: counting and ranking candidates read
/// this narrow index instead of the wide `procedures` rows (which carry the JSON).
struct AddProcedureSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "procedures_search_idx").on("procedures")
            .column("id").column("name_key").column("code").column("field").column("level").column("unit_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "procedures_search_idx").run()
    }
}
