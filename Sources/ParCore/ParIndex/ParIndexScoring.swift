import Foundation

/// One leaf's scores in a unit's assessment: the unit's self-score with its evidence, the
/// appraisal, the unit's one answer to an adjustment, and the computed or imported points.
public struct LeafScore: Codable, Hashable, Sendable {
    public var code: String
    public var selfScore: Double?
    public var explanation: String
    /// Evidence: uploaded file ids and references to ParHub records or documents.
    public var references: [String]
    public var appraisedScore: Double?
    public var appraisalComment: String?
    public var response: String?
    public var autoScore: Double?
    public var surveyScore: Double?

    public init(code: String, selfScore: Double? = nil, explanation: String = "", references: [String] = [], appraisedScore: Double? = nil,
                appraisalComment: String? = nil, response: String? = nil, autoScore: Double? = nil, surveyScore: Double? = nil) {
        self.code = code
        self.selfScore = selfScore
        self.explanation = explanation
        self.references = references
        self.appraisedScore = appraisedScore
        self.appraisalComment = appraisalComment
        self.response = response
        self.autoScore = autoScore
        self.surveyScore = surveyScore
    }

    /// Adjusted by the appraisal: appraised and different from the self-score.
    public var isAdjusted: Bool { appraisedScore.map { $0 != selfScore } ?? false }
}

/// A unit's result in a published (or finalised) set.
public struct ParIndexResult: Hashable, Sendable {
    public struct FieldResult: Hashable, Sendable {
        public var code: String
        public var title: String
        public var points: Double
        public var maxPoints: Double
        public var percent: Double
        /// Percentage points above (+) or below (−) the mean of the unit's peers in this field.
        public var versusPeers: Double
    }

    public var unitID: OrgUnit.ID
    public var points: Double
    public var percent: Double
    public var rank: Int
    public var band: String?
    /// Percentage points since last year's published index, when there is one.
    public var change: Double?
    public var fields: [FieldResult]

    /// Fields above the peer mean, best first.
    public var strengths: [FieldResult] { fields.filter { $0.versusPeers > 0.005 }.sorted { $0.versusPeers > $1.versusPeers } }
    /// Fields below the peer mean, worst first.
    public var weaknesses: [FieldResult] { fields.filter { $0.versusPeers < -0.005 }.sorted { $0.versusPeers < $1.versusPeers } }
}

/// The PAR index (Chỉ số CCHC, Decision 876/QĐ-BNV): a leaf's points are the appraised score
/// (or the self-score when the appraisal accepted it), the computed points of an automatic
/// criterion, or the imported survey points — never more than the leaf's maximum; a unit's
/// index is the sum, as a percentage of the set's total; units of the same kind are ranked
/// by it (equal percentages share a rank).
public enum ParIndexScoring {
    public static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    public static func points(_ criterion: Criterion, _ score: LeafScore?) -> Double {
        guard let method = criterion.method else { return 0 }
        let raw: Double? = switch method {
        case .manual: score?.appraisedScore ?? score?.selfScore
        case .tiers, .proportional: score?.autoScore
        case .survey: score?.surveyScore
        }
        return round2(min(criterion.maxPoints, max(0, raw ?? 0)))
    }

    /// Checks a score given for a leaf: within 0…max points.
    public static func check(_ value: Double, for criterion: Criterion) throws(DomainError) {
        guard value.isFinite, value >= 0, value <= criterion.maxPoints + 1e-9 else {
            throw .invalid("Điểm của \(criterion.code) phải từ 0 đến \(criterion.maxPoints).",
                           english: "The score of \(criterion.code) must be 0 to \(criterion.maxPoints).", field: criterion.code)
        }
    }

    /// Results of every unit assessed, ranked; `previous` holds last year's percentages.
    public static func results(_ set: CriteriaSet, scores: [OrgUnit.ID: [String: LeafScore]],
                               previous: [OrgUnit.ID: Double] = [:]) -> [ParIndexResult] {
        let fields = set.children(of: nil)
        func fieldPoints(_ field: Criterion, _ unitScores: [String: LeafScore]) -> Double {
            set.leaves.filter { $0.code == field.code || $0.code.hasPrefix(field.code + ".") }
                .reduce(0) { $0 + points($1, unitScores[$1.code]) }
        }
        var fieldPercents: [String: [OrgUnit.ID: Double]] = [:]
        for (unit, unitScores) in scores {
            for field in fields {
                fieldPercents[field.code, default: [:]][unit] = field.maxPoints > 0 ? fieldPoints(field, unitScores) / field.maxPoints * 100 : 0
            }
        }
        var results: [ParIndexResult] = scores.map { unit, unitScores in
            let total = round2(set.leaves.reduce(0) { $0 + points($1, unitScores[$1.code]) })
            let percent = round2(total / set.totalPoints * 100)
            let fieldResults = fields.map { field -> ParIndexResult.FieldResult in
                let mine = fieldPercents[field.code]?[unit] ?? 0
                let all = fieldPercents[field.code]?.values.map { $0 } ?? []
                let mean = all.isEmpty ? 0 : all.reduce(0, +) / Double(all.count)
                return .init(code: field.code, title: field.title, points: round2(fieldPoints(field, unitScores)), maxPoints: field.maxPoints,
                             percent: round2(mine), versusPeers: round2(mine - mean))
            }
            return ParIndexResult(unitID: unit, points: total, percent: percent, rank: 0, band: set.band(percent: percent),
                                  change: previous[unit].map { round2(percent - $0) }, fields: fieldResults)
        }
        results.sort { ($0.percent, $1.unitID.description) > ($1.percent, $0.unitID.description) }
        for i in results.indices {
            results[i].rank = i > 0 && results[i].percent == results[i - 1].percent ? results[i - 1].rank : i + 1
        }
        return results
    }
}
