import FluentKit
import SQLKit

/// Creates `login_attempts`, read by the login throttle.
struct CreateLoginAttempts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_attempts")
            .id()
            .field("username", .string, .required)
            .field("ip", .string, .required)
            .field("at", .datetime, .required)
            .field("succeeded", .bool, .required)
            .create()
        try await database.sql.create(index: "login_attempts_user_at_idx").on("login_attempts")
            .column("username").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_attempts").delete()
    }
}
