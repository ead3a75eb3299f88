import Foundation
import Testing
@testable import ParCore

/// The assessment cycle's rules, decided in ParCore without a database.
@Suite("PAR index assessment: leaf changes and submission")
struct LeafChangeTests {
    static func set(_ phase: CriteriaSet.Phase) -> CriteriaSet {
        var set = ParIndexTests.set
        set.phase = phase
        return set
    }

    static func assessment(submitted: Bool = false, scores: [String: LeafScore] = [:], evidence: [EvidenceFile] = []) -> ParAssessment {
        ParAssessment(id: UUID(), setID: ParIndexTests.set.id, unitID: .random(), submittedAt: submitted ? Date(timeIntervalSince1970: 0) : nil,
                      scores: scores, evidence: evidence)
    }

    /// Applies `change` to leaf `code`, returning the score or the refusal's kind and field.
    static func apply(_ change: LeafChange, code: String, phase: CriteriaSet.Phase, submitted: Bool = false,
                      score start: LeafScore? = nil) -> Result<LeafScore, DomainError> {
        let set = set(phase)
        var score = start ?? LeafScore(code: code)
        do {
            try change.validated().apply(to: &score, leaf: set.criterion(code)!, assessment: assessment(submitted: submitted), set: set)
            return .success(score)
        } catch {
            return .failure(error)
        }
    }

    @Test("what each change may do, in which phase, to which leaf", arguments: [
        ("self-score a manual leaf", LeafChange.selfScore(8, explanation: " Đã ban hành ", references: ["QĐ 12"]), "1.1", CriteriaSet.Phase.selfAssessment, false, nil as DomainError.Kind?),
        ("self-score past its points", .selfScore(11, explanation: "", references: []), "1.1", .selfAssessment, false, .invalid),
        ("self-score an automatic leaf", .selfScore(5, explanation: "", references: []), "2.1", .selfAssessment, false, .invalid),
        ("self-score after submitting", .selfScore(5, explanation: "", references: []), "1.1", .selfAssessment, true, .conflict),
        ("self-score in appraisal", .selfScore(5, explanation: "", references: []), "1.1", .appraisal, false, .conflict),
        ("evidence for a survey leaf", .addEvidence, "3.1", .selfAssessment, false, .invalid),
        ("appraise in self-assessment", .appraise(5, comment: "x"), "1.1", .selfAssessment, false, .conflict),
        ("appraise a submitted leaf", .appraise(5, comment: "Thiếu văn bản"), "1.1", .appraisal, true, nil),
        ("adjust without a comment", .appraise(5, comment: "  "), "1.1", .appraisal, true, .invalid),
        ("answer an unadjusted leaf", .respond("Đã bổ sung"), "1.1", .appraisal, true, .conflict),
        ("survey points on a survey leaf", .importSurvey(24), "3.1", .appraisal, true, nil),
        ("survey points on a manual leaf", .importSurvey(5), "1.1", .appraisal, true, .invalid),
        ("an empty answer", .respond("   "), "1.1", .appraisal, true, .invalid),
    ])
    func changes(label: String, change: LeafChange, code: String, phase: CriteriaSet.Phase, submitted: Bool, refusal: DomainError.Kind?) {
        switch Self.apply(change, code: code, phase: phase, submitted: submitted) {
        case .success: #expect(refusal == nil, "\(label) was allowed")
        case .failure(let error): #expect(error.kind == refusal, "\(label): \(error.english)")
        }
    }

    @Test("a self-score keeps cleaned text; an appraisal that changes the score records the comment; the unit answers once")
    func appraisalRound() throws {
        let scored = try Self.apply(.selfScore(8, explanation: " Đã ban hành ", references: ["QĐ 12", " "]), code: "1.1", phase: .selfAssessment).get()
        #expect(scored.explanation == "Đã ban hành" && scored.references == ["QĐ 12"])
        let adjusted = try Self.apply(.appraise(6, comment: "Thiếu văn bản"), code: "1.1", phase: .appraisal, submitted: true, score: scored).get()
        #expect(adjusted.isAdjusted && adjusted.appraisalComment == "Thiếu văn bản")
        let accepted = try Self.apply(.appraise(8, comment: nil), code: "1.1", phase: .appraisal, submitted: true, score: scored).get()
        #expect(!accepted.isAdjusted)
        let answered = try Self.apply(.respond("Đã bổ sung QĐ"), code: "1.1", phase: .appraisal, submitted: true, score: adjusted).get()
        #expect(answered.response == "Đã bổ sung QĐ")
        guard case .failure(let again) = Self.apply(.respond("Lần hai"), code: "1.1", phase: .appraisal, submitted: true, score: answered) else {
            Issue.record("a second answer was taken"); return
        }
        #expect(again.kind == .conflict)
    }

    @Test("submission needs every self-scored leaf scored with evidence or an explanation, once, while self-assessment is open")
    func submission() throws {
        let set = Self.set(.selfAssessment)
        let complete: [String: LeafScore] = ["1.1": LeafScore(code: "1.1", selfScore: 10, explanation: "Có kế hoạch"),
                                             "1.2": LeafScore(code: "1.2", selfScore: 15),
                                             "2.2": LeafScore(code: "2.2", selfScore: 20, references: ["Báo cáo rà soát"])]
        let file = EvidenceFile(id: UUID(), code: "1.2", sha256: "x", name: "bien-ban.pdf", contentType: "application/pdf", size: 1)
        try Self.assessment(scores: complete, evidence: [file]).checkSubmittable(in: set)
        #expect(throws: DomainError.self) { try Self.assessment(scores: complete).checkSubmittable(in: set) }
        #expect(throws: DomainError.alreadySubmitted) { try Self.assessment(submitted: true, scores: complete, evidence: [file]).checkSubmittable(in: set) }
        #expect(throws: DomainError.selfAssessmentClosed) {
            try Self.assessment(scores: complete, evidence: [file]).checkSubmittable(in: Self.set(.appraisal))
        }
    }

    @Test("a set in use is frozen; leaving the draft checks the tree; a published set moves no further")
    func setLifecycle() throws {
        var changed = ParIndexTests.set
        changed.year = 2030
        let replaced = try Self.set(.draft).replaced(by: changed)
        #expect(replaced.year == 2026 && replaced.phase == .draft)
        #expect(throws: DomainError.self) { try Self.set(.selfAssessment).replaced(by: changed) }
        #expect(try Self.set(.draft).nextPhase() == .selfAssessment)
        #expect(throws: DomainError.self) { try Self.set(.published).nextPhase() }
        var broken = Self.set(.draft)
        broken.criteria[1].maxPoints = 11
        #expect(throws: DomainError.self) { try broken.nextPhase() }
        var blank = ParIndexTests.set
        blank.name = "  "
        #expect(throws: DomainError.self) { try blank.cleaned() }
    }
}
