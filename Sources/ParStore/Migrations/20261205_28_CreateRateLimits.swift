import FluentKit
import SQLKit

/// Request counters by client and fixed window (`RateLimitStore`), shared by every instance on the
/// database, so a client meets the same limit whichever instance answers.
struct CreateRateLimits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("rate_limits")
            .field("key", .string, .required)
            .field("window_start", .int64, .required)
            .field("hits", .int64, .required)
            .unique(on: "key", "window_start")
            .create()
        try await database.sql.create(index: "rate_limits_window_idx").on("rate_limits").column("window_start").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_limits").delete()
    }
}

/// The client's address on each audit row (`AuditActor.clientAddress`): behind a reverse proxy, the
/// address the trusted proxy forwarded. Empty on older rows, whose hashes stay as they were.
struct UpdateAuditLogAddClientAddress: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_log").field("client_address", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_log").deleteField("client_address").update()
    }
}
