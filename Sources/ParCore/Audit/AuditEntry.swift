import Foundation

/// One row of the append-only audit log.
///
/// A business transaction appends its row unsealed: its `sequence` from the database, the SHA-256
/// of its own content (`contentHash`) and no link yet. The sealer (`AuditSealer`, one at a time
/// across instances) then gives each committed row its place in the chain (`chainPosition`), the
/// previous sealed row's hash and its own hash over position, sequence, link and content hash, so
/// editing, deleting, reordering or truncating sealed rows breaks the chain. Rows written before
/// the sealer (format 1: no content hash) were chained as they were appended and keep their hashes.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var sequence: Int64
    /// Milliseconds since 1970 (UTC): whole numbers, so both databases store them exactly.
    public var atMilliseconds: Int64
    public var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }
    public var actorID: String?
    public var actorName: String
    public var action: String
    public var entityType: String
    public var entityID: String
    /// A before/after summary (JSON text).
    public var summary: String
    public var requestID: String?
    /// The client's address (behind a trusted reverse proxy, the one it forwarded); nil on rows
    /// written before it was kept and on rows ParHub writes itself.
    public var clientAddress: String?
    /// Empty while unsealed.
    public var previousHash: String
    /// Empty while unsealed.
    public var hash: String
    /// SHA-256 of `contentText`, written with the row (nil on format-1 rows).
    public var contentHash: String?
    /// The row's place in the chain (1, 2, 3, …), given by the sealer; nil while unsealed.
    public var chainPosition: Int64?

    public var isSealed: Bool { chainPosition != nil }

    public init(sequence: Int64, atMilliseconds: Int64, actorID: String?, actorName: String, action: String,
                entityType: String, entityID: String, summary: String, requestID: String?,
                clientAddress: String? = nil, previousHash: String, hash: String, contentHash: String? = nil, chainPosition: Int64? = nil) {
        self.sequence = sequence
        self.atMilliseconds = atMilliseconds
        self.actorID = actorID
        self.actorName = actorName
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.summary = summary
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.previousHash = previousHash
        self.hash = hash
        self.contentHash = contentHash
        self.chainPosition = chainPosition
    }

    /// The hash of the row before the first one.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The exact bytes that are hashed: every field, in a fixed order, each
    /// length-prefixed so that no two different rows serialise alike.
    public var canonicalText: String {
        var fields = [
            String(sequence), String(atMilliseconds), actorID ?? "", actorName, action,
            entityType, entityID, summary, requestID ?? "", previousHash,
        ]
        // Appended only when present, so the rows written before it was kept hash as they did.
        if let clientAddress { fields.append(clientAddress) }
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    /// What `contentHash` covers: every field the business transaction writes, length-prefixed
    /// (the sequence is covered by the sealed hash).
    public var contentText: String {
        [String(atMilliseconds), actorID ?? "", actorName, action, entityType, entityID, summary, requestID ?? "", clientAddress ?? ""]
            .map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    /// What a sealed row's `hash` covers (format 2): its chain position, sequence, the previous
    /// row's hash and its content hash.
    public static func sealedText(position: Int64, sequence: Int64, previousHash: String, contentHash: String) -> String {
        ["2", String(position), String(sequence), previousHash, contentHash].map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    /// Milliseconds since 1970, the precision stored.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
