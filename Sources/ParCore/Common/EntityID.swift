import Foundation

/// A typed identifier: `EntityID<OrgUnit>` and `EntityID<User>` are different types,
/// so a unit id can never be passed where a user id is expected.
public struct EntityID<Entity>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UUID

    public init(_ rawValue: UUID) { self.rawValue = rawValue }

    /// A fresh random identifier.
    public static func random() -> Self { Self(UUID()) }

    /// Parses the canonical UUID text form; `nil` for anything else.
    public init?(string: String) {
        guard let uuid = Hex.uuid(Array(string.utf8)[...]) else { return nil }
        self.rawValue = uuid
    }

    /// Lower case, 8-4-4-4-12 (through `Hex`: Foundation's `uuidString` goes through `snprintf`, and ids are
    /// written in every stored snapshot and answer).
    public var description: String { Hex.lowercaseUUIDString(rawValue) }

    /// The canonical text form, either case, as `UUID`'s own `Decodable` reads it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let id = Self(string: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Attempted to decode UUID from invalid UUID string.")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
