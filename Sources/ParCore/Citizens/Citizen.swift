import Foundation

/// A citizen or business account for online services. It is not a staff user: it
/// holds no role, signs in with a one-time code sent to its e-mail address, and sees
/// only its own dossiers.
public struct Citizen: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<Citizen>
    public var id: ID
    public var email: String
    public var name: String
    public var phone: String?
    public var idNumber: String?

    public init(id: ID, email: String, name: String, phone: String? = nil, idNumber: String? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
    }

    /// The address in the form accounts are keyed by, or nil when it is not an address.
    public static func normalisedEmail(_ raw: String) -> String? {
        let text = VietnameseText.clean(raw).lowercased()
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.unicodeScalars.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              text.unicodeScalars.allSatisfy({ $0.isASCII && !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "<" && $0 != ">" })
        else { return nil }
        return text
    }

    /// The address as `normalisedEmail` keys it, or the form's error.
    public static func checkedEmail(_ raw: String) throws(DomainError) -> String {
        guard let email = normalisedEmail(raw) else {
            throw .invalid("Địa chỉ thư điện tử không hợp lệ.", english: "That is not a valid e-mail address.", field: "email")
        }
        return email
    }

    /// What a citizen's online dossiers are filed under, cleaned and checked: a name (1–200 characters), a
    /// phone of digits, spaces and "+" and an ID number of letters and digits (each up to 20, empty is none).
    public static func profile(name raw: String, phone rawPhone: String?, idNumber rawID: String?)
        throws(DomainError) -> (name: String, phone: String?, idNumber: String?) {
        let name = VietnameseText.clean(raw)
        guard !name.isEmpty, name.unicodeScalars.count <= 200 else {
            throw .invalid("Cần họ tên (tối đa 200 ký tự).", english: "Your name (up to 200 characters) is required.", field: "name")
        }
        let phone = rawPhone.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        let idNumber = rawID.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        if let phone, phone.unicodeScalars.count > 20 || !phone.allSatisfy({ $0.isNumber || $0 == "+" || $0 == " " }) {
            throw .invalid("Số điện thoại không hợp lệ.", english: "That is not a valid phone number.", field: "phone")
        }
        if let idNumber, idNumber.unicodeScalars.count > 20 || !idNumber.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw .invalid("Số định danh không hợp lệ.", english: "That is not a valid ID number.", field: "idNumber")
        }
        return (name, phone, idNumber)
    }
}

/// Rules of the one-time sign-in codes.
public enum OneTimeCodeRules {
    /// A code is valid for 10 minutes.
    public static let lifetime: TimeInterval = 600
    /// Five wrong tries burn the code.
    public static let maxAttempts = 5
    /// At most three codes per address in 15 minutes.
    public static let maxIssuedPerWindow = 3
    public static let issueWindow: TimeInterval = 900

    /// Six random digits.
    public static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    }
}
