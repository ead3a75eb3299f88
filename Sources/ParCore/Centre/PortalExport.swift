import Foundation

/// The position of a National Public Service Portal sync job in the stream of dossier events:
/// the last event it received, ordered by (time, dossier, sequence). Opaque to the caller.
public struct PortalCursor: Hashable, Sendable, Comparable {
    /// Microseconds since 1970 of the event.
    public var micros: Int64
    public var dossierID: UUID
    public var seq: Int

    public init(micros: Int64, dossierID: UUID, seq: Int) {
        self.micros = micros
        self.dossierID = dossierID
        self.seq = seq
    }

    /// Before every event.
    public static let start = PortalCursor(micros: 0, dossierID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), seq: 0)

    public init(at instant: Date, dossierID: UUID, seq: Int) {
        self.init(micros: Self.micros(instant), dossierID: dossierID, seq: seq)
    }

    public static func micros(_ instant: Date) -> Int64 { Int64((instant.timeIntervalSince1970 * 1_000_000).rounded()) }

    /// `micros.dossier.seq` — safe in a URL query.
    public var token: String { "\(micros).\(dossierID.uuidString.lowercased()).\(seq)" }

    /// Parses a token; `nil` for anything else (the caller answers 400).
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 19, let micros = Int64(parts[0]), micros >= 0,
              let id = UUID(uuidString: String(parts[1])), parts[2].count <= 9, let seq = Int(parts[2]), seq >= 0 else { return nil }
        self.init(micros: micros, dossierID: id, seq: seq)
    }

    public static func < (a: PortalCursor, b: PortalCursor) -> Bool {
        (a.micros, a.dossierID.uuidString.lowercased(), a.seq) < (b.micros, b.dossierID.uuidString.lowercased(), b.seq)
    }
}

/// One status change of a dossier as the National Public Service Portal takes it: the dossier's
/// code, procedure and receiving unit, the national channel code (1 counter, 2 online, 3 post)
/// and status code (1–10), and when.
public struct PortalRecord: Hashable, Sendable, Codable {
    public var cursor: String
    public var dossierCode: String
    public var procedureCode: String
    public var unitCode: String
    public var channelCode: Int
    public var statusCode: Int
    public var event: String
    public var eventSeq: Int
    public var at: Date
    public var receivedAt: Date
    public var dueAt: Date

    public init(cursor: String, dossierCode: String, procedureCode: String, unitCode: String, channelCode: Int, statusCode: Int, event: String,
                eventSeq: Int, at: Date, receivedAt: Date, dueAt: Date) {
        self.cursor = cursor
        self.dossierCode = dossierCode
        self.procedureCode = procedureCode
        self.unitCode = unitCode
        self.channelCode = channelCode
        self.statusCode = statusCode
        self.event = event
        self.eventSeq = eventSeq
        self.at = at
        self.receivedAt = receivedAt
        self.dueAt = dueAt
    }
}
