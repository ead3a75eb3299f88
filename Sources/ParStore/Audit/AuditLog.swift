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

/// The append-only, hash-chained audit log (docs/operations.md, "Audit log").
public enum AuditLog {
    /// Appends one unsealed row inside the caller's write transaction: one INSERT, its sequence
    /// from the database and the hash of its own content. No row is shared between appends, so
    /// transactions of any instance append side by side; the sealer chains the committed rows
    /// within moments (`AuditSealer`).
    public static func append(on db: any Database, actor: AuditActor, action: String,
                              entityType: String, entityID: String,
                              before: (any Encodable & Sendable)? = nil,
                              after: (any Encodable & Sendable)? = nil,
                              now: Date) async throws {
        var entry = AuditEntry(sequence: 0, atMilliseconds: AuditEntry.milliseconds(now), actorID: actor.id, actorName: actor.name, action: action,
                               entityType: entityType, entityID: entityID,
                               summary: summaryJSON(before: before, after: after),
                               requestID: actor.requestID, clientAddress: actor.clientAddress, previousHash: "", hash: "")
        entry.contentHash = sha256(entry.contentText)
        // Written as text, not through SQLKit's builder (every state change runs this), now or with its batch.
        try await WriteBatch.append(into: "audit_log", columns: [
            "at_ms", "actor_id", "actor_name", "action", "entity_type", "entity_id", "summary", "request_id", "client_address",
            "prev_hash", "hash", "content_hash",
        ], rows: [[
            entry.atMilliseconds, entry.actorID, entry.actorName, entry.action, entry.entityType, entry.entityID, entry.summary,
            entry.requestID, entry.clientAddress, "", "", entry.contentHash,
        ]], on: db)
    }

    static func sha256(_ text: String) -> String {
        Hex.string(SHA256.hash(data: Data(text.utf8)))
    }

    /// SHA-256 (hex) of a format-1 row's canonical text, which includes the previous hash.
    public static func hash(of entry: AuditEntry) -> String {
        sha256(entry.canonicalText)
    }

    /// What a sealed row's hash should be: format 2 over its position, sequence, link and content
    /// hash; format 1 (rows from before the sealer) over its whole canonical text.
    static func expectedHash(of entry: AuditEntry) -> String {
        guard let content = entry.contentHash, let position = entry.chainPosition else { return hash(of: entry) }
        return sha256(AuditEntry.sealedText(position: position, sequence: entry.sequence, previousHash: entry.previousHash, contentHash: content))
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
        /// The first row whose stored hash, link or position does not match.
        case broken(sequence: Int64, reason: String)
    }

    /// Checks the whole log and reports the first broken row (by its sequence):
    ///
    /// - the sealed rows, in chain order: positions 1, 2, 3 … without a hole, each linked to the
    ///   previous row's hash, each hash and content hash matching the row (changed, deleted or
    ///   reordered rows);
    /// - the checkpoint (`audit_head`, written only by the sealer): the chain ends where it says
    ///   (a truncated tail), and no sealed row lies beyond it (a row added by hand);
    /// - the unsealed rows: each content hash matches, and none is older than `AuditSealer.window`
    ///   compared with the newest row (the sealer has stopped).
    ///
    /// The checkpoint is read first and the chain walked up to it; rows the sealer seals during the
    /// walk (a live server) lie beyond it and are left for the next check.
    public static func verify(on db: any Database) async throws -> Verification {
        let sql = try db.sql
        let highest = try await sql.raw("SELECT MAX(chain_pos) AS pos FROM audit_log").first()?.decode(column: "pos", as: Int64?.self) ?? nil
        guard let head = try await sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").first() else {
            return .broken(sequence: 0, reason: "audit_head is missing")
        }
        let lastPosition = try head.decode(column: "last_seq", as: Int64.self)
        let lastHash = try head.decode(column: "last_hash", as: String.self)
        var expectedPrevious = AuditEntry.genesisHash
        var expectedPosition: Int64 = 1
        var lastSequence: Int64 = 0
        var count = 0
        walk: while expectedPosition <= lastPosition {
            let rows = try await page(sql, afterPosition: expectedPosition - 1, limit: 1000)
            for entry in rows {
                guard let position = entry.chainPosition, position <= lastPosition else { break walk }
                if position != expectedPosition {
                    return .broken(sequence: entry.sequence, reason: "chain position \(expectedPosition) is missing (the next sealed row, \(entry.sequence), is at \(position))")
                }
                if entry.previousHash != expectedPrevious {
                    return .broken(sequence: entry.sequence, reason: "prev_hash does not match the hash of the row before it in the chain")
                }
                if entry.contentHash == nil, entry.sequence != position {
                    return .broken(sequence: entry.sequence, reason: "a row of the first format out of its place (moved)")
                }
                if let content = entry.contentHash, sha256(entry.contentText) != content {
                    return .broken(sequence: entry.sequence, reason: "content does not match its hash (row edited)")
                }
                if expectedHash(of: entry) != entry.hash {
                    return .broken(sequence: entry.sequence, reason: "content does not match its hash (row edited)")
                }
                expectedPrevious = entry.hash
                expectedPosition += 1
                lastSequence = entry.sequence
                count += 1
            }
            if rows.count < 1000 { break }
        }
        if lastPosition != expectedPosition - 1 {
            return .broken(sequence: lastSequence + 1, reason: "sealed rows after chain position \(expectedPosition - 1) are missing (the checkpoint says \(lastPosition))")
        }
        if lastHash != expectedPrevious {
            return .broken(sequence: lastSequence, reason: "the last sealed row does not match the checkpoint (audit_head)")
        }
        // A sealed row past the checkpoint was not sealed by the sealer, which writes both at once.
        // (The highest position is read before the checkpoint, so a seal committing in between is covered.)
        if let highest, highest > lastPosition {
            let row = try await sql.raw("SELECT seq FROM audit_log WHERE chain_pos = \(bind: highest)").first()?.decode(column: "seq", as: Int64.self)
            return .broken(sequence: row ?? 0, reason: "sealed rows after chain position \(lastPosition) are not covered by the checkpoint (added by hand)")
        }
        return try await checkUnsealed(sql, count: count)
    }

    /// The unsealed rows: content hashes, and none left behind by the sealer.
    private static func checkUnsealed(_ sql: any SQLDatabase, count: Int) async throws -> Verification {
        let newest = try await sql.raw("SELECT MAX(at_ms) AS at FROM audit_log").first()?.decode(column: "at", as: Int64?.self) ?? nil
        let unsealed = try await sql.select().column("*").from("audit_log").where(SQLIdentifier("chain_pos"), .is, SQLLiteral.null)
            .orderBy("seq").all().map(decode)
        for entry in unsealed {
            if sha256(entry.contentText) != entry.contentHash {
                return .broken(sequence: entry.sequence, reason: "content does not match its hash (unsealed row edited)")
            }
            if let newest, newest - entry.atMilliseconds > Int64(AuditSealer.window * 1000) {
                return .broken(sequence: entry.sequence, reason: "not sealed \(Int(AuditSealer.window)) s after later rows were written: is the sealer running?")
            }
        }
        return .intact(rows: count + unsealed.count)
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

    /// Sealed rows after a chain position, in chain order.
    private static func page(_ sql: any SQLDatabase, afterPosition position: Int64, limit: Int) async throws -> [AuditEntry] {
        try await sql.select().column("*").from("audit_log")
            .where("chain_pos", .greaterThan, position)
            .orderBy("chain_pos").limit(limit).all().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> AuditEntry {
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
            hash: try row.decode(column: "hash", as: String.self),
            contentHash: try row.decode(column: "content_hash", as: String?.self),
            chainPosition: try row.decode(column: "chain_pos", as: Int64?.self))
    }
}
