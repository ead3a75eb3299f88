/// A rule violation found by the domain core, with a reason a person can act on.
///
/// The web layer maps each kind to an HTTP status; the message is shown as is,
/// so it is written for the user in Vietnamese, with the English in `english`.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The input breaks a rule (422).
        case invalid
        /// The thing asked for does not exist, or the caller may not know it exists (404).
        case notFound
        /// The change conflicts with the current state (409).
        case conflict
        /// The caller changed an old version (`If-Match` no longer matches) (412).
        case stale
    }

    public let kind: Kind
    public let message: String
    public let english: String
    /// The input field the error is about, when there is one (for form error summaries).
    public let field: String?

    public init(_ kind: Kind, _ message: String, english: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.english = english
        self.field = field
    }

    public var description: String { "\(kind.rawValue): \(english)" }

    public static func invalid(_ message: String, english: String, field: String? = nil) -> DomainError {
        DomainError(.invalid, message, english: english, field: field)
    }
}
