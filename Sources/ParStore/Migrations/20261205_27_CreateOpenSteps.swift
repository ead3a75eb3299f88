import FluentKit
import Foundation
import ParCore
import SQLKit

/// The overdue roll-up (`open_steps`, `OverdueRollups`): running dossiers by holding unit, state and gauge
/// day, for the receiving unit and each ancestor. Filled from the stored dossiers.
struct CreateOpenSteps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("open_steps")
            .field("unit_id", .uuid, .required)
            .field("holder_unit_id", .uuid, .required)
            .field("state", .string, .required)
            .field("bucket", .string, .required)
            .field("n", .int64, .required)
            .unique(on: "unit_id", "holder_unit_id", "state", "bucket")
            .create()
        let rows = try await OverdueRollups.derived(on: database, today: nil)
        try await OverdueRollups.write(rows, on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("open_steps").delete()
    }
}
