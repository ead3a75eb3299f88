import FluentKit
import Foundation
import ParCore
import SQLKit

/// Chains the audit rows that business transactions append unsealed (`AuditLog.append`), as a
/// Certificate Transparency log merges its entries into the tree after they are submitted: one
/// sealer at a time (`Leases`, and the checkpoint row locked in its transaction on PostgreSQL, the
/// write gate on SQLite) takes the committed unsealed rows in sequence order and gives each the next
/// chain position, the previous row's hash and its own hash, and moves the checkpoint
/// (`audit_head`) to the last one — all in one transaction.
///
/// A row is sealed in the sealer's next round after its transaction commits (every 250 ms in
/// `parhub serve`, and when it stops); rows whose transactions commit out of sequence order are
/// simply sealed in the order they become visible, so a rolled-back sequence number leaves no
/// hole to wait for. Until it is sealed, a row is covered by its content hash only: deleting an
/// unsealed row, or changing it together with its content hash, is not detected — that is the
/// window, normally under a second. `AuditLog.verify` reports a row still unsealed `window`
/// after later rows were written.
public enum AuditSealer {
    /// How long after later rows an unsealed row is taken as left behind (`AuditLog.verify`).
    public static let window: TimeInterval = 10
    /// Rows sealed per transaction.
    public static let batchSize = 500

    /// Whether a committed row waits to be sealed (a read through `audit_log_unsealed_idx`).
    public static func hasUnsealed(on db: any Database) async throws -> Bool {
        try await db.sql.raw("SELECT seq FROM audit_log WHERE chain_pos IS NULL LIMIT 1").first() != nil
    }

    /// Seals up to `limit` committed unsealed rows; returns how many. Reads first: with nothing to
    /// seal it writes nothing.
    @discardableResult
    public static func seal(on db: any Database, limit: Int = batchSize) async throws -> Int {
        guard try await hasUnsealed(on: db) else { return 0 }
        return try await db.writeTransaction { tx in
            let sql = try tx.sql
            // The checkpoint row, locked: a second sealer waits here, then finds the rows sealed.
            let lock = SQLDialectKind(tx) == .postgres ? " FOR UPDATE" : ""
            guard let head = try await sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1\(unsafeRaw: lock)").first() else {
                throw DomainStoreError.corruptRow("audit_head")
            }
            var position = try head.decode(column: "last_seq", as: Int64.self)
            var previous = try head.decode(column: "last_hash", as: String.self)
            let rows = try await sql.select().columns("seq", "content_hash").from("audit_log")
                .where(SQLIdentifier("chain_pos"), .is, SQLLiteral.null).orderBy("seq").limit(limit).all()
            var links: [SQLQueryString] = []
            for row in rows {
                let sequence = try row.decode(column: "seq", as: Int64.self)
                let content = try row.decode(column: "content_hash", as: String?.self) ?? ""
                position += 1
                let hash = AuditLog.sha256(AuditEntry.sealedText(position: position, sequence: sequence, previousHash: previous, contentHash: content))
                links.append("(\(bind: position), \(bind: previous), \(bind: hash), \(bind: sequence))")
                previous = hash
            }
            // The rows' links in one statement (the same text on SQLite and PostgreSQL), not one per row: the
            // sealer holds the write lock while it runs.
            if !links.isEmpty {
                try await sql.raw("""
                    WITH link(pos, prev, hash, seq) AS (VALUES \(links.joined(separator: ", ")))
                    UPDATE audit_log SET chain_pos = link.pos, prev_hash = link.prev, hash = link.hash FROM link WHERE audit_log.seq = link.seq
                    """).run()
            }
            try await sql.raw("UPDATE audit_head SET last_seq = \(bind: position), last_hash = \(bind: previous) WHERE id = 1").run()
            return rows.count
        }
    }

    /// Seals every committed unsealed row (`parhub audit seal`, the tests, a stopping server).
    @discardableResult
    public static func sealAll(on db: any Database) async throws -> Int {
        var total = 0
        while true {
            let sealed = try await seal(on: db)
            total += sealed
            if sealed < batchSize { return total }
        }
    }
}
