import Foundation
import Testing
@testable import ParCore

@Suite("PAR index criteria and scoring")
struct ParIndexTests {
    /// Three fields: direction 30 (two manual criteria), procedures 40 (an automatic on-time tier
    /// and a manual one), e-government 30 (the survey).
    static let set = CriteriaSet(id: .random(), year: 2026, targetKind: .department, name: "Chỉ số CCHC các sở 2026", criteria: [
        Criterion(code: "1", title: "Công tác chỉ đạo, điều hành", maxPoints: 30, field: .direction),
        Criterion(code: "1.1", title: "Kế hoạch CCHC", maxPoints: 10, method: .manual),
        Criterion(code: "1.2", title: "Kiểm tra CCHC", maxPoints: 20, method: .manual),
        Criterion(code: "2", title: "Cải cách TTHC", maxPoints: 40, field: .procedures),
        Criterion(code: "2.1", title: "Hồ sơ đúng hạn", maxPoints: 20,
                  method: .tiers(metric: "progress.on_time", tiers: [.init(minRate: 0.95, share: 1), .init(minRate: 0.9, share: 0.5)])),
        Criterion(code: "2.2", title: "Rà soát TTHC", maxPoints: 20, method: .manual),
        Criterion(code: "3", title: "Chính quyền số", maxPoints: 30, field: .eGovernment),
        Criterion(code: "3.1", title: "Khảo sát hài lòng", maxPoints: 30, method: .survey),
    ])

    static let a = OrgUnit.ID.random(), b = OrgUnit.ID.random(), c = OrgUnit.ID.random(), d = OrgUnit.ID.random()

    static func scores(_ s11: Double, _ s12: Double, appraised12: Double? = nil, auto21: Double?, _ s22: Double, survey: Double) -> [String: LeafScore] {
        ["1.1": LeafScore(code: "1.1", selfScore: s11), "1.2": LeafScore(code: "1.2", selfScore: s12, appraisedScore: appraised12),
         "2.1": LeafScore(code: "2.1", autoScore: auto21), "2.2": LeafScore(code: "2.2", selfScore: s22), "3.1": LeafScore(code: "3.1", surveyScore: survey)]
    }

    @Test("a hand-computed ranking: an appraisal adjustment, an automatic tier, a tie and a band each")
    func ranking() throws {
        try Self.set.validate()
        let method = try #require(Self.set.criterion("2.1")?.method)
        // On-time 96% → all 20 points; 92% → half; 80% → none; nothing measured → no points.
        #expect(method.points(rate: 0.96, maxPoints: 20) == 20 && method.points(rate: 0.92, maxPoints: 20) == 10)
        #expect(method.points(rate: 0.8, maxPoints: 20) == 0 && method.points(rate: nil, maxPoints: 20) == nil)
        let results = ParIndexScoring.results(Self.set, scores: [
            // A: 10 + 15 (self 18, appraised 15) + 20 + 20 + 27 = 92.
            Self.a: Self.scores(10, 18, appraised12: 15, auto21: 20, 20, survey: 27),
            // B: 8 + 20 + 10 + 15 + 25 = 78;  C: 10 + 20 + 0 + 20 + 28 = 78;  D: 5 + 10 + 0 + 10 + 20 = 45.
            Self.b: Self.scores(8, 20, auto21: 10, 15, survey: 25),
            Self.c: Self.scores(10, 20, auto21: 0, 20, survey: 28),
            Self.d: Self.scores(5, 10, auto21: nil, 10, survey: 20),
        ], previous: [Self.a: 88.5])
        #expect(results.map(\.points) == [92, 78, 78, 45])
        #expect(results.map(\.rank) == [1, 2, 2, 4])
        #expect(results.map(\.band) == ["Xuất sắc", "Khá", "Khá", "Yếu"])
        let first = results[0]
        #expect(first.unitID == Self.a && first.change == 3.5)
        // Direction: A 25/30 = 83.33%; peers 83.33, 93.33, 100, 50 → mean 81.67 → +1.67.
        #expect(first.fields[0].percent == 83.33 && first.fields[0].versusPeers == 1.67)
        // Procedures: A 100%, mean (100 + 62.5 + 50 + 25) / 4 = 59.38 → +40.63, its strongest field.
        #expect(first.strengths.first?.code == "2")
        #expect(results.last?.weaknesses.count == 3)
    }

    @Test("a set whose points do not add up, or with an unscored leaf, is refused")
    func validation() {
        var wrongSum = Self.set
        wrongSum.criteria[1].maxPoints = 12  // 1.1 + 1.2 = 32 ≠ 30
        #expect(throws: DomainError.self) { try wrongSum.validate() }
        var wrongTotal = Self.set
        wrongTotal.totalPoints = 90
        #expect(throws: DomainError.self) { try wrongTotal.validate() }
        var noMethod = Self.set
        noMethod.criteria[7].method = nil
        #expect(throws: DomainError.self) { try noMethod.validate() }
        var orphan = Self.set
        orphan.criteria.append(Criterion(code: "4.1", title: "Mồ côi", maxPoints: 0, method: .manual))
        #expect(throws: DomainError.self) { try orphan.validate() }
        var scoredParent = Self.set
        scoredParent.criteria[0].method = .manual
        #expect(throws: DomainError.self) { try scoredParent.validate() }
    }

    @Test("scores stay within a leaf's points; copying a set keeps the tree and starts a draft")
    func scoresAndCopies() throws {
        let leaf = try #require(Self.set.criterion("1.2"))
        #expect(throws: DomainError.self) { try ParIndexScoring.check(21, for: leaf) }
        #expect(throws: DomainError.self) { try ParIndexScoring.check(-1, for: leaf) }
        try ParIndexScoring.check(20, for: leaf)
        #expect(ParIndexScoring.points(leaf, LeafScore(code: "1.2", selfScore: 50)) == 20)
        var published = Self.set
        published.phase = .published
        let next = published.copy(to: 2027)
        #expect(next.year == 2027 && next.phase == .draft && next.criteria == Self.set.criteria && next.name == "Chỉ số CCHC các sở 2027")
        #expect(CriteriaSet.Phase.selfAssessment.next == .appraisal && CriteriaSet.Phase.published.next == nil)
    }
}
