import FluentKit
import Foundation
import SQLKit

/// Fixed-window request counters in the database (`rate_limits`), so every instance behind a
/// load balancer counts against one limit per client.
public struct RateLimitStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Counts one hit of `key` in the window of `seconds` that holds `now`; returns the hits in
    /// that window so far and the window's end. The first hit of a window removes the windows
    /// that have ended, so the table holds about one row per active client.
    public func hit(_ key: String, window seconds: Int64, now: Date) async throws -> (hits: Int64, resetsAt: Date) {
        let start = Int64(now.timeIntervalSince1970.rounded(.down)) / seconds * seconds
        // One statement, committed on its own: no BEGIN/COMMIT round trips on the lookup's path.
        let hits = try await db.singleWrite { sql in
            try await sql.raw("""
                INSERT INTO rate_limits (key, window_start, hits) VALUES (\(bind: key), \(bind: start), 1)
                ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits
                """).first()?.decode(column: "hits", as: Int64.self) ?? 1
        }
        if hits == 1 {
            try await db.singleWrite { sql in
                try await sql.delete(from: "rate_limits").where("window_start", .lessThan, SQLBind(start)).run()
            }
        }
        return (hits, Date(timeIntervalSince1970: TimeInterval(start + seconds)))
    }
}
