import Foundation

/// One row of the append-only audit log.
///
/// Each row carries the SHA-256 of the previous row's hash and its own content,
/// so editing or deleting any row breaks the chain from that row on.
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
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, atMilliseconds: Int64, actorID: String?, actorName: String, action: String,
                entityType: String, entityID: String, summary: String, requestID: String?,
                clientAddress: String? = nil, previousHash: String, hash: String) {
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

    /// Milliseconds since 1970, the precision stored.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
