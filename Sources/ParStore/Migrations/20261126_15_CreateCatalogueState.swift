import FluentKit
import Foundation
import SQLKit

/// Creates `catalogue_state`: one row whose version every catalogue write bumps
/// in its transaction, and a token naming this database's catalogue. An app
/// instance keeps its in-memory search index while the version it built from is
/// current, so several instances stay consistent without talking to each other.
struct CreateCatalogueState: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.create(table: "catalogue_state")
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("token", type: .text, .notNull)
            .column("version", type: .bigint, .notNull)
            .run()
        try await sql.insert(into: "catalogue_state").columns("id", "token", "version")
            .values(SQLBind(1), SQLBind(UUID().uuidString), SQLBind(Int64(0))).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(table: "catalogue_state").run()
    }
}
