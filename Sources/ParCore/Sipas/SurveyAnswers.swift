import Foundation

/// How a response reached ParHub.
public enum SurveyMethod: String, CaseIterable, Codable, Sendable {
    /// The citizen followed the link or QR code of the receipt or of the return notice.
    case link
    /// The citizen answered on the counter's touch screen right after the result was returned.
    case kiosk
    /// A surveyor entered it for a dossier drawn in a sample survey.
    case sample

    public var vietnamese: String {
        switch self {
        case .link: "Qua đường dẫn/QR"
        case .kiosk: "Tại quầy"
        case .sample: "Khảo sát chọn mẫu"
        }
    }

    public var english: String {
        switch self {
        case .link: "Link/QR"
        case .kiosk: "At the counter"
        case .sample: "Sample survey"
        }
    }
}

/// One citizen's answers to a questionnaire. Every question may be left unanswered, but a
/// response holds at least one satisfaction answer.
public struct SurveyAnswers: Codable, Hashable, Sendable {
    public struct AspectAnswer: Codable, Hashable, Sendable {
        public var aspect: SipasAspect
        /// Perception question id → yes/no.
        public var perceptions: [String: Bool]
        public var level: SatisfactionLevel?
        /// Expectation ids ticked.
        public var expectations: [String]

        public init(aspect: SipasAspect, perceptions: [String: Bool] = [:], level: SatisfactionLevel?, expectations: [String] = []) {
            self.aspect = aspect
            self.perceptions = perceptions
            self.level = level
            self.expectations = expectations
        }
    }

    public var aspects: [AspectAnswer]
    public var overall: SatisfactionLevel?
    public var comment: String?

    public init(aspects: [AspectAnswer], overall: SatisfactionLevel?, comment: String? = nil) {
        self.aspects = aspects
        self.overall = overall
        self.comment = comment
    }

    public func level(_ aspect: SipasAspect) -> SatisfactionLevel? { aspects.first { $0.aspect == aspect }?.level }

    /// The answers checked against the questionnaire they answer: known ids only, each
    /// aspect once, no more expectations than allowed, a comment of at most 2,000
    /// characters (NFC, invisible characters removed), and at least one satisfaction answer.
    public func validated(against questionnaire: Questionnaire) throws(DomainError) -> SurveyAnswers {
        var seen = Set<SipasAspect>()
        for answer in aspects {
            guard seen.insert(answer.aspect).inserted else {
                throw .invalid("Mỗi khía cạnh chỉ trả lời một lần.", english: "Each aspect is answered once.", field: answer.aspect.rawValue)
            }
            guard let section = questionnaire.section(answer.aspect) else {
                throw .invalid("Bảng hỏi không có khía cạnh này.", english: "The questionnaire has no such aspect.", field: answer.aspect.rawValue)
            }
            let perceptionIDs = Set(section.perceptions.map(\.id)), expectationIDs = Set(section.expectations.map(\.id))
            guard answer.perceptions.keys.allSatisfy(perceptionIDs.contains), answer.expectations.allSatisfy(expectationIDs.contains),
                  Set(answer.expectations).count == answer.expectations.count else {
                throw .invalid("Câu trả lời không khớp với bảng hỏi.", english: "The answers do not match the questionnaire.", field: answer.aspect.rawValue)
            }
            guard answer.expectations.count <= questionnaire.maxExpectations else {
                throw .invalid("Chọn tối đa \(questionnaire.maxExpectations) mong đợi cho mỗi khía cạnh.",
                               english: "Tick at most \(questionnaire.maxExpectations) expectations per aspect.", field: answer.aspect.rawValue)
            }
        }
        guard overall != nil || aspects.contains(where: { $0.level != nil }) else {
            throw .invalid("Hãy cho biết mức độ hài lòng ở ít nhất một câu.", english: "Answer at least one satisfaction question.", field: "overall")
        }
        var copy = self
        copy.aspects = SipasAspect.allCases.compactMap { aspect in aspects.first { $0.aspect == aspect } }
        let comment = comment.map(VietnameseText.clean) ?? ""
        guard comment.unicodeScalars.count <= 2000 else {
            throw .invalid("Góp ý tối đa 2.000 ký tự.", english: "A comment is at most 2,000 characters.", field: "comment")
        }
        copy.comment = comment.isEmpty ? nil : comment
        return copy
    }

    /// A negative rating for Decision 766: the overall answer (or, without one, the mean of
    /// the aspects answered) is "dissatisfied" or worse.
    public var isNegative: Bool {
        if let overall { return overall.isNegative }
        let levels = aspects.compactMap(\.level)
        guard !levels.isEmpty else { return false }
        return Double(levels.reduce(0) { $0 + $1.rawValue }) / Double(levels.count) <= Double(SatisfactionLevel.dissatisfied.rawValue)
    }
}

extension SurveyAnswers {
    /// Refused: each dossier is rated once.
    public static let alreadyAnswered = DomainError(.conflict, "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.",
                                                    english: "This dossier has already been rated; each dossier is rated once.")

    /// Whether `dossier` may be rated (`answered`: a response about it is stored): after its result was
    /// handed back, once. Returns when it was handed back, the moment the response counts under.
    public static func checkRatable(_ dossier: Dossier, answered: Bool) throws(DomainError) -> Date {
        guard dossier.state == .returned, let returnedAt = dossier.returnedAt else {
            throw DomainError(.conflict, "Hồ sơ chưa trả kết quả; chỉ đánh giá được sau khi nhận kết quả.",
                              english: "The result has not been returned yet; a dossier is rated after its result is handed back.")
        }
        guard !answered else { throw alreadyAnswered }
        return returnedAt
    }
}
