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
        return Int.random(in: 0..<1_000_000, using: &generator).zeroPadded(6)
    }

    /// What a code is for: the message that carries it says so.
    public enum Purpose: Sendable {
        case signIn, feedback

        /// The e-mail carrying `code` (Vietnamese, then English).
        public func message(_ code: String) -> (subject: String, body: String) {
            switch self {
            case .signIn:
                ("Mã đăng nhập ParHub: \(code)",
                 "Mã đăng nhập dịch vụ công của bạn là \(code). Mã có hiệu lực 10 phút; không chia sẻ mã này với ai.\n\nYour ParHub sign-in code is \(code). It is valid for 10 minutes.")
            case .feedback:
                ("Mã xác thực phản ánh, kiến nghị: \(code)",
                 "Mã xác thực phản ánh, kiến nghị của bạn là \(code). Mã có hiệu lực 10 phút.\n\nYour feedback confirmation code is \(code). It is valid for 10 minutes.")
            }
        }
    }

    /// Refused: the code given is not the address's live one, or that one has had its tries.
    public static let wrongOrExpired = DomainError.invalid("Mã không đúng hoặc đã hết hạn.", english: "The code is wrong or has expired.", field: "code")

    /// One more code may go to an address that was sent `issuedInWindow` in the last `issueWindow`.
    public static func checkIssuable(issuedInWindow: Int) throws(DomainError) {
        guard issuedInWindow < maxIssuedPerWindow else {
            throw DomainError(.conflict, "Đã gửi nhiều mã cho địa chỉ này; hãy thử lại sau 15 phút.",
                              english: "Too many codes were sent to this address; try again in 15 minutes.", field: "email")
        }
    }

    /// A live code (the address's latest, unused and unexpired) may be tried while it has tries left;
    /// `typed` is tried only if it has six digits (anything else is a wrong try). Returns the digits to compare.
    public static func checkTry(_ typed: String, attemptsSoFar: Int) throws(DomainError) -> String? {
        guard attemptsSoFar < maxAttempts else { throw wrongOrExpired }
        let digits = typed.filter(\.isNumber)
        return digits.count == 6 ? digits : nil
    }
}
