import FluentKit
import Foundation
import SQLKit

/// Leases: how several instances on one database share work without doing it twice.
///
/// A lease is an owner and an expiry, in milliseconds since 1970. It is taken with a single
/// conditional write, so of two instances asking at once exactly one gets it; it lapses on its
/// own when its holder dies. Two forms use the one mechanism:
/// - a **named** lease (`leases` table), held by one instance at a time: a scheduled job;
/// - **row claims** on a work table (`lease_owner`, `lease_until_ms`): the outbox's messages,
///   claimed a batch at a time — `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances claim
///   different rows without waiting; on SQLite the write transaction (`BEGIN IMMEDIATE`) orders
///   claims across processes too.
public struct Leases: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Takes or renews the named lease for `owner` until `now + duration`, if it is free, lapsed or
    /// already `owner`'s. Returns whether `owner` holds it now.
    public func acquire(_ name: String, owner: String, for duration: TimeInterval, now: Date) async throws -> Bool {
        let until = Self.milliseconds(now.addingTimeInterval(duration)), nowMs = Self.milliseconds(now)
        return try await db.writeTransaction { tx in
            let row = try await tx.sql.raw("""
                INSERT INTO leases (name, owner, until_ms) VALUES (\(bind: name), \(bind: owner), \(bind: until))
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_ms = excluded.until_ms
                WHERE leases.until_ms < \(bind: nowMs) OR leases.owner = excluded.owner
                RETURNING owner
                """).first()
            return try row?.decode(column: "owner", as: String.self) == owner
        }
    }

    /// Gives the named lease up early (a job that finished).
    public func release(_ name: String, owner: String) async throws {
        try await db.sql.delete(from: "leases").where("name", .equal, name).where("owner", .equal, owner).run()
    }

    /// Claims up to `limit` rows of `table` matching `ready` whose claim is free or lapsed, oldest
    /// `order` first, for `owner` until `now + duration`; returns their ids.
    func claimRows(_ table: String, ready: SQLQueryString, order: String, limit: Int, owner: String,
                   for duration: TimeInterval, now: Date) async throws -> [UUID] {
        let until = Self.milliseconds(now.addingTimeInterval(duration)), nowMs = Self.milliseconds(now)
        let skipLocked: SQLQueryString = SQLDialectKind(db) == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let free: SQLQueryString = "(lease_until_ms IS NULL OR lease_until_ms < \(bind: nowMs))"
        let candidates: SQLQueryString = "SELECT id FROM \(ident: table) WHERE \(ready) AND \(free) ORDER BY \(ident: order) LIMIT \(literal: limit)\(skipLocked)"
        return try await db.writeTransaction { tx in
            try await tx.sql.raw("""
                UPDATE \(ident: table) SET lease_owner = \(bind: owner), lease_until_ms = \(bind: until)
                WHERE id IN (\(candidates)) AND \(free) RETURNING id
                """).all().map { try $0.decode(column: "id", as: UUID.self) }
        }
    }
}
