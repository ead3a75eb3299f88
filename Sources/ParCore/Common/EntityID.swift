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
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.rawValue = uuid
    }

    public var description: String { rawValue.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
