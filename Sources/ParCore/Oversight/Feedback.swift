import Foundation

/// A citizen's feedback or recommendation (phản ánh, kiến nghị — PAKN) on an administrative
/// procedure, a regulation or an officer's conduct. The working-day limits follow the Decision 766
/// formula guidance, group 5 (Decree 20/2008/NĐ-CP as amended): refuse within 2, ask for more
/// information within 5, answer within 15, publish the answer within 2 of answering; they count
/// from the day it was sent, or from its transfer to the competent agency.
public struct Feedback: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<Feedback>

    public enum Kind: String, CaseIterable, Codable, Sendable {
        case procedure, regulation, conduct

        public var vietnamese: String {
            switch self {
            case .procedure: "Thủ tục hành chính"
            case .regulation: "Quy định hành chính"
            case .conduct: "Hành vi, thái độ của cán bộ, công chức"
            }
        }

        public var english: String {
            switch self {
            case .procedure: "An administrative procedure"
            case .regulation: "A regulation"
            case .conduct: "An officer's conduct"
            }
        }
    }

    public enum State: String, CaseIterable, Codable, Sendable {
        /// Contact e-mail given, one-time code not entered yet: not processed.
        case unverified
        case received
        case refused
        case assigned
        case answered
        case published

        public var vietnamese: String {
            switch self {
            case .unverified: "Chờ xác thực"
            case .received: "Đã tiếp nhận"
            case .refused: "Không thụ lý"
            case .assigned: "Đang xử lý"
            case .answered: "Đã trả lời"
            case .published: "Đã công khai"
            }
        }

        public var english: String {
            switch self {
            case .unverified: "Awaiting verification"
            case .received: "Received"
            case .refused: "Not accepted"
            case .assigned: "Being handled"
            case .answered: "Answered"
            case .published: "Published"
            }
        }
    }

    public struct Contact: Codable, Hashable, Sendable {
        public var name: String?
        public var email: String?
        public var phone: String?

        public init(name: String? = nil, email: String? = nil, phone: String? = nil) {
            self.name = name
            self.email = email
            self.phone = phone
        }

        public var isEmpty: Bool { name == nil && email == nil && phone == nil }
    }

    public var id: ID
    /// The lookup code printed for the citizen (with a secret, like a dossier receipt).
    public var code: String
    public var kind: Kind
    public var procedureCode: String?
    public var subject: String
    public var content: String
    public var contact: Contact
    public var state: State
    /// The unit that must answer.
    public var unitID: OrgUnit.ID?
    public var receivedAt: Date
    public var refuseBy: Date
    public var moreInfoBy: Date
    public var answerBy: Date
    public var answer: String?
    public var answeredAt: Date?
    public var publishBy: Date?
    /// The question as published: personal data removed.
    public var publicContent: String?
    public var publishedAt: Date?
    public var refusalReason: String?
    /// When it was refused (checked against `refuseBy`).
    public var refusedAt: Date?
    /// The staff's question to the sender, and the sender's reply.
    public var informationRequest: String?
    public var informationRequestedAt: Date?
    public var informationReply: String?
    public var informationRepliedAt: Date?
    /// When it was transferred to the competent agency (the limits count from then).
    public var transferredAt: Date?
    /// The citizen's rating of the answer, 1–5, once.
    public var rating: Int?
    public var version: Int

    public init(id: ID, code: String, kind: Kind, procedureCode: String?, subject: String, content: String, contact: Contact, state: State,
                unitID: OrgUnit.ID?, receivedAt: Date, refuseBy: Date, moreInfoBy: Date, answerBy: Date, answer: String? = nil,
                answeredAt: Date? = nil, publishBy: Date? = nil, publicContent: String? = nil, publishedAt: Date? = nil,
                refusalReason: String? = nil, rating: Int? = nil, version: Int = 1) {
        self.id = id
        self.code = code
        self.kind = kind
        self.procedureCode = procedureCode
        self.subject = subject
        self.content = content
        self.contact = contact
        self.state = state
        self.unitID = unitID
        self.receivedAt = receivedAt
        self.refuseBy = refuseBy
        self.moreInfoBy = moreInfoBy
        self.answerBy = answerBy
        self.answer = answer
        self.answeredAt = answeredAt
        self.publishBy = publishBy
        self.publicContent = publicContent
        self.publishedAt = publishedAt
        self.refusalReason = refusalReason
        self.rating = rating
        self.version = version
    }

    /// Still waiting past a limit: answer (assigned or received), or publication (answered).
    public func isOverdue(at now: Date) -> Bool {
        switch state {
        case .received, .assigned: now > answerBy
        case .answered: publishBy.map { now > $0 } ?? false
        case .unverified, .refused, .published: false
        }
    }

    /// How feedback limits count: from the day it was sent, a weekend or holiday included
    /// (Decision 766 formula guidance, indicator 5.2), to the close of office hours.
    public static let deadlineRules = DeadlineRules(countsFromDayOff: true)

    /// The working-day limits from the moment feedback was sent (Decision 766 guidance, group 5:
    /// refuse within 2 working days, ask for more information within 5, answer within 15).
    public static func limits(receivedAt: Date, calendar: WorkingCalendar) throws(CalendarError) -> (refuseBy: Date, moreInfoBy: Date, answerBy: Date) {
        (try calendar.deadline(from: receivedAt, workingDays: 2, rules: deadlineRules).due,
         try calendar.deadline(from: receivedAt, workingDays: 5, rules: deadlineRules).due,
         try calendar.deadline(from: receivedAt, workingDays: 15, rules: deadlineRules).due)
    }
}

/// Personal data removed before an answer is published (Decree 13/2023 on personal data):
/// the sender's name, e-mail addresses, phone and ID numbers.
public enum Redaction {
    public static let mark = "[…]"

    public static func redact(_ text: String, names: [String] = []) -> String {
        var result = text
        for name in names.map(VietnameseText.clean).filter({ $0.unicodeScalars.count >= 3 }) {
            result = result.replacingOccurrences(of: name, with: mark, options: [.caseInsensitive])
        }
        let patterns = [
            #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#,
            // ID card and citizen identity numbers: 9 or 12 digits.
            #"(?<!\d)(\d{12}|\d{9})(?!\d)"#,
            // Phone numbers: 0 or +84 then 8–10 digits, with optional spaces, dots or dashes.
            #"(?<![\d+])(\+84|0)([\s.-]?\d){8,10}(?!\d)"#,
        ]
        for pattern in patterns {
            result = result.replacingOccurrences(of: pattern, with: mark, options: .regularExpression)
        }
        return result
    }
}
