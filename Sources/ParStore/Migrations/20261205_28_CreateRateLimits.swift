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

/// Leases (`Leases`): the named leases of scheduled jobs, and the outbox's claims, retry times and
/// dead messages (`OutboxDelivery`). Messages that had failed every try are dead; pending ones are due now.
struct CreateLeasesAndOutboxClaims: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("leases")
            .field("name", .string, .identifier(auto: false))
            .field("owner", .string, .required)
            .field("until_ms", .int64, .required)
            .create()
        // One column per statement: SQLite adds one at a time.
        for (column, type) in [("next_attempt_ms", DatabaseSchema.DataType.int64), ("lease_owner", .string), ("lease_until_ms", .int64)] {
            try await database.schema("outbox").field(.string(column), type).update()
        }
        let sql = try database.sql
        try await sql.update("outbox").set("status", to: "dead").where("status", .equal, "failed").run()
        try await sql.update("outbox").set("next_attempt_ms", to: 0).where("status", .equal, "pending").run()
        try await sql.create(index: "outbox_due_idx").on("outbox").column("status").column("next_attempt_ms").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "outbox_due_idx").run()
        for column in ["next_attempt_ms", "lease_owner", "lease_until_ms"] {
            try await database.schema("outbox").deleteField(.string(column)).update()
        }
        try await database.schema("leases").delete()
    }
}
