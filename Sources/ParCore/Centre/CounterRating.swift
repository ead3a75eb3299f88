import Foundation

/// A citizen's rating at the counter after being served (one per ticket), on the touch page
/// beside the desk. "Not satisfied" counts as a negative rating in the Decision 766
/// satisfaction group when the ticket is linked to a dossier.
public enum CounterRatingLevel: String, CaseIterable, Codable, Sendable {
    case verySatisfied = "very_satisfied"
    case satisfied
    case notSatisfied = "not_satisfied"

    public var vietnamese: String {
        switch self {
        case .verySatisfied: "Rất hài lòng"
        case .satisfied: "Hài lòng"
        case .notSatisfied: "Không hài lòng"
        }
    }

    public var english: String {
        switch self {
        case .verySatisfied: "Very satisfied"
        case .satisfied: "Satisfied"
        case .notSatisfied: "Not satisfied"
        }
    }

    public var isNegative: Bool { self == .notSatisfied }

    /// The reasons offered with "not satisfied" (a free reason is allowed too).
    public static let reasons: [(code: String, vietnamese: String, english: String)] = [
        ("waiting", "Chờ lâu", "Long wait"),
        ("attitude", "Thái độ phục vụ", "Officer's attitude"),
        ("guidance", "Hướng dẫn chưa rõ", "Unclear guidance"),
        ("documents", "Yêu cầu thêm giấy tờ", "Asked for more documents"),
        ("facilities", "Cơ sở vật chất", "Facilities"),
    ]

    /// A reason: one of the codes or free text, cleaned, at most 500 characters.
    public static func validatedReason(_ raw: String?) throws(DomainError) -> String? {
        guard let raw else { return nil }
        let text = VietnameseText.clean(raw)
        guard !text.isEmpty else { return nil }
        guard text.count <= 500 else {
            throw .invalid("Lý do tối đa 500 ký tự.", english: "A reason is at most 500 characters.", field: "reason")
        }
        return text
    }
}
