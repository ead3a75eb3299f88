import Foundation

/// What a citizen sends.
public struct FeedbackDraft: Sendable, Equatable {
    public var kind: Feedback.Kind
    public var procedureCode: String?
    public var unitID: OrgUnit.ID?
    public var subject: String
    public var content: String
    public var contact: Feedback.Contact

    public init(kind: Feedback.Kind, procedureCode: String?, unitID: OrgUnit.ID?, subject: String, content: String, contact: Feedback.Contact) {
        self.kind = kind
        self.procedureCode = procedureCode
        self.unitID = unitID
        self.subject = subject
        self.content = content
        self.contact = contact
    }

    /// The draft with its text NFC-cleaned and checked: a subject (up to 300 characters), content of 10 to
    /// 10,000, and an optional contact — a real e-mail address, a phone number of digits and separators.
    public func validated() throws(DomainError) -> FeedbackDraft {
        let subject = VietnameseText.clean(subject), content = VietnameseText.clean(content)
        guard !subject.isEmpty, subject.unicodeScalars.count <= 300 else {
            throw .invalid("Cần tiêu đề (tối đa 300 ký tự).", english: "A subject is required (up to 300 characters).", field: "subject")
        }
        guard content.unicodeScalars.count >= 10, content.unicodeScalars.count <= 10_000 else {
            throw .invalid("Nội dung từ 10 đến 10.000 ký tự.", english: "The content is 10 to 10,000 characters.", field: "content")
        }
        func optional(_ text: String?, max: Int, field: String) throws(DomainError) -> String? {
            guard let text = text.map(VietnameseText.clean), !text.isEmpty else { return nil }
            guard text.unicodeScalars.count <= max else { throw .invalid("Thông tin quá dài.", english: "Too long.", field: field) }
            return text
        }
        var email: String?
        if let raw = try optional(contact.email, max: 254, field: "email") {
            guard let normalised = Citizen.normalisedEmail(raw) else {
                throw .invalid("Địa chỉ thư điện tử không hợp lệ.", english: "That is not a valid e-mail address.", field: "email")
            }
            email = normalised
        }
        let phone = try optional(contact.phone, max: 20, field: "phone")
        if let phone, !phone.allSatisfy({ $0.isNumber || $0 == "+" || $0 == " " || $0 == "." || $0 == "-" }) {
            throw .invalid("Số điện thoại không hợp lệ.", english: "Not a valid phone number.", field: "phone")
        }
        return FeedbackDraft(kind: kind, procedureCode: try optional(procedureCode, max: 40, field: "procedureCode"), unitID: unitID,
                             subject: subject, content: content,
                             contact: Feedback.Contact(name: try optional(contact.name, max: 200, field: "name"), email: email, phone: phone))
    }
}

extension Feedback {
    /// A rating is 1 (very dissatisfied) to 5 (very satisfied).
    public static func checkRating(_ rating: Int) throws(DomainError) {
        guard (1...5).contains(rating) else { throw .invalid("Đánh giá từ 1 đến 5.", english: "A rating is 1 to 5.", field: "rating") }
    }

    /// The sender rates the published answer, once.
    public func rated(_ rating: Int) throws(DomainError) -> Feedback {
        try Self.checkRating(rating)
        guard state == .published, self.rating == nil else {
            throw DomainError(.conflict, "Chỉ đánh giá một lần, sau khi câu trả lời được công khai.", english: "An answer is rated once, after it is published.")
        }
        var rated = self
        rated.rating = rating
        return rated
    }
}

extension DomainError {
    /// A form names a unit the registry does not have.
    public static let unknownUnit = DomainError.invalid("Không có đơn vị này.", english: "No such unit.", field: "unitId")
    /// A one-time code that is wrong or expired.
    public static let wrongCode = DomainError.invalid("Mã không đúng hoặc đã hết hạn.", english: "The code is wrong or has expired.", field: "otp")
}
