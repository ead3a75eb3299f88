import Foundation

/// The five aspects of a public service that SIPAS measures (Ministry of Home Affairs,
/// Decision 1001/QĐ-BNV 2023): access, the procedure, the civil servant, the result, and
/// the handling of feedback.
public enum SipasAspect: String, CaseIterable, Codable, Hashable, Sendable {
    case access
    case procedure
    case civilServant = "civil_servant"
    case result
    case feedback

    public var vietnamese: String {
        switch self {
        case .access: "Tiếp cận dịch vụ"
        case .procedure: "Thủ tục hành chính"
        case .civilServant: "Công chức trực tiếp giải quyết"
        case .result: "Kết quả giải quyết"
        case .feedback: "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị"
        }
    }

    public var english: String {
        switch self {
        case .access: "Access to the service"
        case .procedure: "The procedure"
        case .civilServant: "The civil servant"
        case .result: "The result"
        case .feedback: "Handling of feedback"
        }
    }
}

/// The five-level answer to a satisfaction question.
public enum SatisfactionLevel: Int, CaseIterable, Codable, Comparable, Sendable {
    case veryDissatisfied = 1, dissatisfied, neutral, satisfied, verySatisfied

    /// "Satisfied" or "very satisfied": what the index counts.
    public var isSatisfied: Bool { self >= .satisfied }
    /// "Dissatisfied" or "very dissatisfied": a negative rating for Decision 766.
    public var isNegative: Bool { self <= .dissatisfied }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var vietnamese: String {
        switch self {
        case .veryDissatisfied: "Rất không hài lòng"
        case .dissatisfied: "Không hài lòng"
        case .neutral: "Bình thường"
        case .satisfied: "Hài lòng"
        case .verySatisfied: "Rất hài lòng"
        }
    }

    public var english: String {
        switch self {
        case .veryDissatisfied: "Very dissatisfied"
        case .dissatisfied: "Dissatisfied"
        case .neutral: "Neither"
        case .satisfied: "Satisfied"
        case .verySatisfied: "Very satisfied"
        }
    }
}

/// A text in Vietnamese with its English translation.
public struct BilingualText: Codable, Hashable, Sendable {
    public var vi: String
    public var en: String

    public init(_ vi: String, _ en: String) {
        self.vi = vi
        self.en = en
    }

    public func text(en english: Bool) -> String { english && !en.isEmpty ? en : vi }
}

/// A SIPAS questionnaire as versioned data: per aspect, perception questions (yes/no), one
/// satisfaction question on the five-level scale and the improvements a citizen may ask for;
/// then an overall question and a free-text question. A published version is never edited:
/// a change is a new version.
public struct Questionnaire: Codable, Hashable, Sendable {
    /// A perception question or an expectation choice.
    public struct Item: Codable, Hashable, Sendable {
        public var id: String
        public var text: BilingualText

        public init(_ id: String, _ vi: String, _ en: String) {
            self.id = id
            self.text = BilingualText(vi, en)
        }
    }

    public struct Section: Codable, Hashable, Sendable {
        public var aspect: SipasAspect
        public var perceptions: [Item]
        public var satisfaction: BilingualText
        public var expectations: [Item]

        public init(aspect: SipasAspect, perceptions: [Item], satisfaction: BilingualText, expectations: [Item]) {
            self.aspect = aspect
            self.perceptions = perceptions
            self.satisfaction = satisfaction
            self.expectations = expectations
        }
    }

    /// How the overall index is formed from the answers.
    public enum Aggregation: String, Codable, CaseIterable, Sendable {
        /// The mean of the aspects' indices (DOMAIN.md: "overall = mean of aspects").
        case meanOfAspects = "mean_of_aspects"
        /// The share satisfied on the overall question.
        case overallQuestion = "overall_question"
    }

    public var version: String
    public var name: String
    public var sections: [Section]
    public var overall: BilingualText
    public var freeText: BilingualText
    public var aggregation: Aggregation
    /// How many improvements a citizen may tick per aspect.
    public var maxExpectations: Int

    public init(version: String, name: String, sections: [Section], overall: BilingualText, freeText: BilingualText,
                aggregation: Aggregation = .meanOfAspects, maxExpectations: Int = 3) {
        self.version = version
        self.name = name
        self.sections = sections
        self.overall = overall
        self.freeText = freeText
        self.aggregation = aggregation
        self.maxExpectations = maxExpectations
    }

    public func section(_ aspect: SipasAspect) -> Section? { sections.first { $0.aspect == aspect } }

    /// Checks the definition: every aspect once, in order; ids short and unique within a
    /// section; every text present in Vietnamese and at most 500 characters.
    public func validate() throws(DomainError) {
        func fail(_ vi: String, _ en: String, _ field: String) -> DomainError { .invalid(vi, english: en, field: field) }
        guard Self.isIdentifier(version, max: 40) else {
            throw fail("Phiên bản gồm chữ thường không dấu, số, '-', '.', tối đa 40 ký tự.",
                       "A version is lowercase letters, digits, '-' or '.', up to 40 characters.", "version")
        }
        guard !VietnameseText.clean(name).isEmpty, name.unicodeScalars.count <= 200 else {
            throw fail("Cần tên bảng hỏi (tối đa 200 ký tự).", "A name is required (up to 200 characters).", "name")
        }
        guard sections.map(\.aspect) == SipasAspect.allCases else {
            throw fail("Bảng hỏi có đúng năm khía cạnh theo thứ tự của SIPAS.", "The questionnaire has the five SIPAS aspects, in order.", "sections")
        }
        guard (1...10).contains(maxExpectations) else {
            throw fail("Số mong đợi được chọn từ 1 đến 10.", "Citizens may tick 1 to 10 expectations.", "maxExpectations")
        }
        for text in [overall, freeText] { try Self.check(text, field: "overall") }
        for section in sections {
            try Self.check(section.satisfaction, field: section.aspect.rawValue)
            for (items, kind) in [(section.perceptions, "perceptions"), (section.expectations, "expectations")] {
                guard items.count <= 12 else {
                    throw fail("Tối đa 12 câu mỗi phần.", "At most 12 items in each part.", "\(section.aspect.rawValue).\(kind)")
                }
                var seen = Set<String>()
                for item in items {
                    guard Self.isIdentifier(item.id, max: 40), seen.insert(item.id).inserted else {
                        throw fail("Mã câu hỏi \(item.id) không hợp lệ hoặc bị trùng.", "Item id \(item.id) is not valid or appears twice.",
                                   "\(section.aspect.rawValue).\(kind)")
                    }
                    try Self.check(item.text, field: "\(section.aspect.rawValue).\(kind)")
                }
            }
        }
    }

    static func isIdentifier(_ text: String, max: Int) -> Bool {
        !text.isEmpty && text.unicodeScalars.count <= max
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    static func check(_ text: BilingualText, field: String) throws(DomainError) {
        guard !VietnameseText.clean(text.vi).isEmpty, text.vi.unicodeScalars.count <= 500, text.en.unicodeScalars.count <= 500 else {
            throw .invalid("Mỗi câu cần nội dung tiếng Việt (tối đa 500 ký tự).", english: "Every text needs Vietnamese (up to 500 characters).", field: field)
        }
    }

    /// The same questionnaire with every text NFC-normalised and trimmed.
    public func cleaned() -> Questionnaire {
        func clean(_ t: BilingualText) -> BilingualText { BilingualText(VietnameseText.clean(t.vi), VietnameseText.clean(t.en)) }
        func clean(_ i: Item) -> Item { Item(i.id, VietnameseText.clean(i.text.vi), VietnameseText.clean(i.text.en)) }
        var copy = self
        copy.name = VietnameseText.clean(name)
        copy.overall = clean(overall)
        copy.freeText = clean(freeText)
        copy.sections = sections.map {
            Section(aspect: $0.aspect, perceptions: $0.perceptions.map(clean), satisfaction: clean($0.satisfaction),
                    expectations: $0.expectations.map(clean))
        }
        return copy
    }
}
