import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// Who performs a change, attached to every audit row.
public struct AuditActor: Sendable, Equatable {
    public var id: String?
    public var name: String
    public var requestID: String?
    /// The client's address (`AuditEntry.clientAddress`).
    public var clientAddress: String?

    public init(id: String?, name: String, requestID: String?, clientAddress: String? = nil) {
        self.id = id
        self.name = name
        self.requestID = requestID
        self.clientAddress = clientAddress
    }

    /// Changes made by ParHub itself (migrations, demo data, imports from the command line).
    public static func system(_ name: String = "system") -> AuditActor {
        AuditActor(id: nil, name: name, requestID: nil)
    }
}

/// The append-only, hash-chained audit log.
public enum AuditLog {
    /// Appends one row inside the caller's write transaction.
    ///
    /// The first statement bumps `audit_head.last_seq`, which takes the row lock
    /// (PostgreSQL) or is already under the write lock (SQLite), so concurrent
    /// appends from several instances form one unbroken chain.
    public static func append(on db: any Database, actor: AuditActor, action: String,
                              entityType: String, entityID: String,
                              before: (any Encodable & Sendable)? = nil,
                              after: (any Encodable & Sendable)? = nil,
                              now: Date) async throws {
        let sql = try db.sql
        try await sql.raw("UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1").run()
        guard let head = try await sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").first() else {
            throw DomainStoreError.corruptRow("audit_head")
        }
        let seq = try head.decode(column: "last_seq", as: Int64.self)
        let previous = try head.decode(column: "last_hash", as: String.self)
        var entry = AuditEntry(sequence: seq, atMilliseconds: AuditEntry.milliseconds(now), actorID: actor.id, actorName: actor.name, action: action,
                               entityType: entityType, entityID: entityID,
                               summary: summaryJSON(before: before, after: after),
                               requestID: actor.requestID, clientAddress: actor.clientAddress, previousHash: previous, hash: "")
        entry.hash = hash(of: entry)
        try await sql.insert(into: "audit_log")
            .columns("seq", "at_ms", "actor_id", "actor_name", "action", "entity_type", "entity_id",
                     "summary", "request_id", "client_address", "prev_hash", "hash")
            .values(SQLBind(entry.sequence), SQLBind(entry.atMilliseconds), SQLBind(entry.actorID),
                    SQLBind(entry.actorName), SQLBind(entry.action), SQLBind(entry.entityType),
                    SQLBind(entry.entityID), SQLBind(entry.summary), SQLBind(entry.requestID), SQLBind(entry.clientAddress),
                    SQLBind(entry.previousHash), SQLBind(entry.hash))
            .run()
        try await sql.raw("UPDATE audit_head SET last_hash = \(bind: entry.hash) WHERE id = 1").run()
    }

    /// SHA-256 (hex) of the row's canonical text, which includes the previous hash.
    public static func hash(of entry: AuditEntry) -> String {
        SHA256.hash(data: Data(entry.canonicalText.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func summaryJSON(before: (any Encodable & Sendable)?, after: (any Encodable & Sendable)?) -> String {
        struct Summary: Encodable {
            let before: AnyEncodable?
            let after: AnyEncodable?
        }
        struct AnyEncodable: Encodable {
            let value: any Encodable
            func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let summary = Summary(before: before.map(AnyEncodable.init), after: after.map(AnyEncodable.init))
        return (try? String(decoding: encoder.encode(summary), as: UTF8.self)) ?? "{}"
    }

    /// The outcome of walking the chain.
    public enum Verification: Sendable, Equatable {
        case intact(rows: Int)
        /// The first row whose stored hash, link or sequence does not match.
        case broken(sequence: Int64, reason: String)
    }

    /// Walks the whole chain in sequence order, in pages, and reports the first broken row.
    ///
    /// The head is read first and the chain walked up to it: a row and the head are written in one
    /// transaction, so every row up to the head must be there, while writes that commit during the
    /// walk (a live server) only add rows after it and are left for the next check.
    public static func verify(on db: any Database) async throws -> Verification {
        let sql = try db.sql
        guard let head = try await sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").first() else {
            return .broken(sequence: 0, reason: "audit_head is missing")
        }
        let lastSeq = try head.decode(column: "last_seq", as: Int64.self)
        let lastHash = try head.decode(column: "last_hash", as: String.self)
        var expectedPrevious = AuditEntry.genesisHash
        var expectedSeq: Int64 = 1
        var count = 0
        walk: while expectedSeq <= lastSeq {
            let rows = try await page(sql, after: expectedSeq - 1, limit: 1000)
            for entry in rows {
                if entry.sequence > lastSeq { break walk }
                if entry.sequence != expectedSeq {
                    return .broken(sequence: expectedSeq, reason: "row \(expectedSeq) is missing (next row is \(entry.sequence))")
                }
                if entry.previousHash != expectedPrevious {
                    return .broken(sequence: entry.sequence, reason: "prev_hash does not match the hash of row \(entry.sequence - 1)")
                }
                if hash(of: entry) != entry.hash {
                    return .broken(sequence: entry.sequence, reason: "content does not match its hash (row edited)")
                }
                expectedPrevious = entry.hash
                expectedSeq += 1
                count += 1
            }
            if rows.count < 1000 { break }
        }
        if lastSeq != expectedSeq - 1 {
            return .broken(sequence: expectedSeq, reason: "rows after \(expectedSeq - 1) are missing (head says \(lastSeq))")
        }
        if lastHash != expectedPrevious {
            return .broken(sequence: lastSeq, reason: "the last row does not match audit_head")
        }
        // A row past the head that no head covers was not written with its head: added by hand.
        // (The highest row is read before the head, so a write committing in between is covered.)
        let highest = try await sql.raw("SELECT MAX(seq) AS seq FROM audit_log").first()?.decode(column: "seq", as: Int64?.self) ?? nil
        let current = try await sql.raw("SELECT last_seq FROM audit_head WHERE id = 1").first()?.decode(column: "last_seq", as: Int64.self)
        if let highest, let current, highest > current {
            return .broken(sequence: current + 1, reason: "rows after \(current) are not covered by audit_head (added by hand)")
        }
        return .intact(rows: count)
    }

    /// Rows about one entity, newest first.
    public static func entries(on db: any Database, entityType: String?, entityID: String?,
                               beforeSequence: Int64?, limit: Int) async throws -> [AuditEntry] {
        let query = try db.sql.select().column("*").from("audit_log")
        if let entityType { query.where("entity_type", .equal, entityType) }
        if let entityID { query.where("entity_id", .equal, entityID) }
        if let beforeSequence { query.where("seq", .lessThan, beforeSequence) }
        return try await query.orderBy("seq", .descending).limit(limit).all().map(decode)
    }

    private static func page(_ sql: any SQLDatabase, after seq: Int64, limit: Int) async throws -> [AuditEntry] {
        try await sql.select().column("*").from("audit_log")
            .where("seq", .greaterThan, seq)
            .orderBy("seq").limit(limit).all().map(decode)
    }

    private static func decode(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            sequence: try row.decode(column: "seq", as: Int64.self),
            atMilliseconds: try row.decode(column: "at_ms", as: Int64.self),
            actorID: try row.decode(column: "actor_id", as: String?.self),
            actorName: try row.decode(column: "actor_name", as: String.self),
            action: try row.decode(column: "action", as: String.self),
            entityType: try row.decode(column: "entity_type", as: String.self),
            entityID: try row.decode(column: "entity_id", as: String.self),
            summary: try row.decode(column: "summary", as: String.self),
            requestID: try row.decode(column: "request_id", as: String?.self),
            clientAddress: try row.decode(column: "client_address", as: String?.self),
            previousHash: try row.decode(column: "prev_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self))
    }
}
