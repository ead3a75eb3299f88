import Foundation

/// An evidence file attached to a leaf.
public struct EvidenceFile: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var code: String
    public var sha256: String
    public var name: String
    public var contentType: String
    public var size: Int

    public init(id: UUID, code: String, sha256: String, name: String, contentType: String, size: Int) {
        self.id = id
        self.code = code
        self.sha256 = sha256
        self.name = name
        self.contentType = contentType
        self.size = size
    }
}

/// A unit's assessment in a set: its leaf scores, evidence and whether it was submitted.
public struct ParAssessment: Sendable, Equatable {
    public var id: UUID
    public var setID: CriteriaSet.ID
    public var unitID: OrgUnit.ID
    public var submittedAt: Date?
    public var scores: [String: LeafScore]
    public var evidence: [EvidenceFile]

    public init(id: UUID, setID: CriteriaSet.ID, unitID: OrgUnit.ID, submittedAt: Date?, scores: [String: LeafScore], evidence: [EvidenceFile]) {
        self.id = id
        self.setID = setID
        self.unitID = unitID
        self.submittedAt = submittedAt
        self.scores = scores
        self.evidence = evidence
    }

    /// The unit submits its self-assessment: in the self-assessment phase, once, and only when every
    /// self-scored leaf has a score and evidence or an explanation (the appraisal reads them).
    public func checkSubmittable(in set: CriteriaSet) throws(DomainError) {
        guard set.phase == .selfAssessment else { throw DomainError.selfAssessmentClosed }
        guard submittedAt == nil else { throw DomainError.alreadySubmitted }
        let missing = set.leaves.filter { leaf in
            guard leaf.method?.isSelfScored == true else { return false }
            let score = scores[leaf.code]
            let hasEvidence = !(score?.explanation.isEmpty ?? true) || !(score?.references.isEmpty ?? true) || evidence.contains { $0.code == leaf.code }
            return score?.selfScore == nil || !hasEvidence
        }.map(\.code)
        guard missing.isEmpty else {
            throw .invalid("Chưa chấm điểm hoặc chưa có tài liệu kiểm chứng/giải trình: \(missing.joined(separator: ", ")).",
                           english: "Not scored or without evidence or explanation: \(missing.joined(separator: ", ")).", field: missing.first)
        }
    }
}

/// What the unit or Home Affairs does to one leaf of an assessment (Decision 876/QĐ-BNV-style cycle:
/// self-assessment with evidence, appraisal with a comment on every adjustment, one answer from the
/// unit, survey points imported at appraisal). Decided here; `ParIndexRepository` loads and stores.
public enum LeafChange: Sendable, Equatable {
    case selfScore(Double?, explanation: String, references: [String])
    case appraise(Double, comment: String?)
    case respond(String)
    case importSurvey(Double)
    /// An evidence file is being attached.
    case addEvidence

    /// The phase of the set the change belongs to.
    public var phase: CriteriaSet.Phase {
        switch self {
        case .selfScore, .addEvidence: .selfAssessment
        case .appraise, .respond, .importSurvey: .appraisal
        }
    }

    /// Its name in the audit log (`par_index.<name>`).
    public var name: String {
        switch self {
        case .selfScore: "self_score"
        case .appraise: "appraise"
        case .respond: "respond"
        case .importSurvey: "import_survey"
        case .addEvidence: "add_evidence"
        }
    }

    /// The change with its text NFC-cleaned and within its limits, checked before anything is loaded.
    public func validated() throws(DomainError) -> LeafChange {
        switch self {
        case .selfScore(let value, let explanation, let references):
            let text = VietnameseText.clean(explanation), refs = references.map(VietnameseText.clean).filter { !$0.isEmpty }
            guard text.unicodeScalars.count <= 4000, refs.count <= 20, refs.allSatisfy({ $0.unicodeScalars.count <= 500 }) else {
                throw .invalid("Giải trình hoặc tài liệu kiểm chứng quá dài.", english: "The explanation or references are too long.", field: "explanation")
            }
            return .selfScore(value, explanation: text, references: refs)
        case .appraise(let value, let raw):
            let comment = raw.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
            guard (comment?.unicodeScalars.count ?? 0) <= 4000 else {
                throw .invalid("Nhận xét tối đa 4.000 ký tự.", english: "A comment is up to 4,000 characters.", field: "comment")
            }
            return .appraise(value, comment: comment)
        case .respond(let raw):
            let text = VietnameseText.clean(raw)
            guard !text.isEmpty, text.unicodeScalars.count <= 4000 else {
                throw .invalid("Cần nội dung giải trình (tối đa 4.000 ký tự).", english: "An answer is required (up to 4,000 characters).", field: "response")
            }
            return .respond(text)
        case .importSurvey, .addEvidence:
            return self
        }
    }

    /// Applies the change to `score`, the leaf's score in `assessment`, in `set`: the set must be in
    /// the change's phase, the leaf one that is scored; a unit edits only until it submits; only a
    /// self-scored leaf is self-scored and appraised, an adjustment needs a comment, a unit answers an
    /// adjustment once, and survey points go only to a survey leaf. Points stay within the leaf's.
    public func apply(to score: inout LeafScore, leaf: Criterion, assessment: ParAssessment, set: CriteriaSet) throws(DomainError) {
        guard set.phase == phase else {
            throw DomainError(.conflict, "Bộ tiêu chí đang ở bước “\(set.phase.vietnamese)”.", english: "The set is in its \(set.phase.english.lowercased()) phase.")
        }
        if phase == .selfAssessment, assessment.submittedAt != nil {
            throw DomainError(.conflict, "Đơn vị đã gửi bản tự đánh giá; không sửa được nữa.", english: "The self-assessment was submitted and can no longer be edited.")
        }
        switch self {
        case .selfScore(let value, let explanation, let references):
            guard leaf.method?.isSelfScored == true else {
                throw .invalid("Tiêu chí \(leaf.code) được chấm tự động hoặc qua điều tra.", english: "Criterion \(leaf.code) is scored automatically or by survey.", field: leaf.code)
            }
            if let value { try ParIndexScoring.check(value, for: leaf) }
            score.selfScore = value
            score.explanation = explanation
            score.references = references
        case .addEvidence:
            guard leaf.method?.isSelfScored == true else {
                throw .invalid("Tiêu chí này không tự chấm.", english: "This criterion is not self-scored.", field: leaf.code)
            }
        case .appraise(let value, let comment):
            guard leaf.method?.isSelfScored == true else {
                throw .invalid("Chỉ thẩm định tiêu chí tự chấm.", english: "Only self-scored criteria are appraised.", field: leaf.code)
            }
            try ParIndexScoring.check(value, for: leaf)
            if value != score.selfScore, comment == nil {
                throw .invalid("Điều chỉnh điểm cần nhận xét.", english: "An adjustment needs a comment.", field: "comment")
            }
            score.appraisedScore = value
            score.appraisalComment = comment
        case .respond(let text):
            guard score.isAdjusted else {
                throw DomainError(.conflict, "Chỉ giải trình khi điểm bị điều chỉnh.", english: "Only an adjusted score can be answered.")
            }
            guard score.response == nil else {
                throw DomainError(.conflict, "Đơn vị chỉ giải trình một lần.", english: "A unit answers an adjustment once.")
            }
            score.response = text
        case .importSurvey(let value):
            guard leaf.method == .survey else {
                throw .invalid("Tiêu chí \(leaf.code) không lấy từ điều tra.", english: "Criterion \(leaf.code) is not a survey criterion.", field: leaf.code)
            }
            try ParIndexScoring.check(value, for: leaf)
            score.surveyScore = value
        }
    }
}

extension CriteriaSet {
    /// The set as an officer typed it, NFC-cleaned and within the shapes the API promises — even a
    /// draft keeps them; the tree itself (points adding up) is checked when the set is opened (`validate`).
    public func cleaned() throws(DomainError) -> CriteriaSet {
        var s = self
        s.name = VietnameseText.clean(name)
        s.criteria = criteria.map {
            var c = $0
            c.title = VietnameseText.clean(c.title)
            c.guidance = VietnameseText.clean(c.guidance)
            c.evidence = VietnameseText.clean(c.evidence)
            return c
        }
        guard !s.name.isEmpty, s.name.unicodeScalars.count <= 300, (2000...2100).contains(s.year), (1...500).contains(s.criteria.count),
              s.totalPoints.isFinite, (1...1000).contains(s.totalPoints) else {
            throw .invalid("Cần tên, năm, tổng điểm (1–1.000) và từ 1 đến 500 tiêu chí.",
                           english: "A name, a year, a total (1–1,000) and 1 to 500 criteria are required.", field: "name")
        }
        guard s.criteria.allSatisfy({ !$0.code.isEmpty && $0.code.count <= 20 && !$0.title.isEmpty && $0.title.unicodeScalars.count <= 1000
                                      && $0.guidance.unicodeScalars.count <= 4000 && $0.evidence.unicodeScalars.count <= 2000
                                      && $0.maxPoints.isFinite && $0.maxPoints >= 0 && ($0.method?.metric?.count ?? 0) <= 80 }) else {
            throw .invalid("Mỗi tiêu chí cần mã (tối đa 20 ký tự), tên (tối đa 1.000 ký tự) và điểm không âm.",
                           english: "Every criterion needs a code (up to 20 characters), a title (up to 1,000) and non-negative points.", field: "criteria")
        }
        s.bands = bands.map { ClassificationBand(minPercent: $0.minPercent, name: VietnameseText.clean($0.name)) }
        guard s.bands.count <= 10, s.bands.allSatisfy({ !$0.name.isEmpty && $0.name.unicodeScalars.count <= 100 && $0.minPercent.isFinite && (0...100).contains($0.minPercent) }) else {
            throw .invalid("Tối đa 10 mức xếp loại, tên tối đa 100 ký tự, ngưỡng 0–100%.", english: "At most 10 bands, names up to 100 characters, thresholds 0–100%.", field: "bands")
        }
        return s
    }

    /// A draft's replacement: the tree, bands and deadlines change; its year, kind and phase stay. A set
    /// in use is frozen.
    public func replaced(by changed: CriteriaSet) throws(DomainError) -> CriteriaSet {
        guard phase == .draft else {
            throw DomainError(.conflict, "Bộ tiêu chí đang được sử dụng nên không sửa được; hãy sao chép sang năm sau.",
                              english: "The set is in use and frozen; copy it to next year instead.")
        }
        var after = changed
        after.phase = .draft
        after.year = year
        after.targetKind = targetKind
        after.deadlines = deadlines
        return after
    }

    /// The phases whose last day a set records (`deadlines`, keyed by the phase's raw value): the
    /// units' self-assessment, which `Reminders` watches, and the appraisal.
    public static let phasesWithDeadlines: [Phase] = [.selfAssessment, .appraisal]

    /// The last day of `phase`, if set.
    public func deadline(_ phase: Phase) -> LocalDate? { deadlines[phase.rawValue] }

    /// The set with these last days (nil clears one). They may change until the set is finalised;
    /// each falls in the set's year or the next (a year is assessed early the following year); the
    /// appraisal cannot end before the self-assessment.
    public func withDeadlines(selfAssessment: LocalDate?, appraisal: LocalDate?) throws(DomainError) -> CriteriaSet {
        guard phase < .finalised else {
            throw DomainError(.conflict, "Bộ tiêu chí đã chốt điểm; không đổi hạn được nữa.",
                              english: "The set is finalised; its deadlines can no longer change.")
        }
        for (day, field) in [(selfAssessment, "selfAssessment"), (appraisal, "appraisal")] {
            if let day, !(year...(year + 1)).contains(day.year) {
                throw .invalid("Hạn phải thuộc năm \(year) hoặc \(year + 1).", english: "A deadline falls in \(year) or \(year + 1).", field: field)
            }
        }
        if let selfAssessment, let appraisal, appraisal < selfAssessment {
            throw .invalid("Hạn thẩm định không được trước hạn tự đánh giá.",
                           english: "The appraisal cannot end before the self-assessment.", field: "appraisal")
        }
        var after = self
        after.deadlines = [:]
        if let selfAssessment { after.deadlines[Phase.selfAssessment.rawValue] = selfAssessment }
        if let appraisal { after.deadlines[Phase.appraisal.rawValue] = appraisal }
        return after
    }

    /// The phase the set moves to; leaving the draft validates the tree (points must add up).
    public func nextPhase() throws(DomainError) -> Phase {
        guard let next = phase.next else { throw DomainError(.conflict, "Bộ tiêu chí đã công bố.", english: "The set is already published.") }
        if phase == .draft { try validate() }
        return next
    }
}

extension DomainError {
    public static let criteriaSetNotFound = DomainError(.notFound, "Không tìm thấy bộ tiêu chí.", english: "No such criteria set.")
    public static let notAssessed = DomainError(.notFound, "Đơn vị không thuộc đối tượng đánh giá của bộ tiêu chí này.",
                                                english: "The unit is not assessed in this set.")
    public static let selfAssessmentClosed = DomainError(.conflict, "Không trong thời gian tự đánh giá.", english: "Self-assessment is not open.")
    public static let alreadySubmitted = DomainError(.conflict, "Đã gửi rồi.", english: "Already submitted.")

    /// One set per year and kind of unit.
    public static func duplicateCriteriaSet(year: Int) -> DomainError {
        DomainError(.conflict, "Đã có bộ tiêu chí năm \(year) cho loại đơn vị này.", english: "There is already a \(year) set for this kind of unit.", field: "year")
    }
}
