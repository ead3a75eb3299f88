import Foundation
import Testing
@testable import ParCore

@Suite("Decision 766 ranking")
struct IndexRankingTests {
    /// A two-indicator set (60 + 40 points) keeps the hand computation short.
    static let set = IndicatorSet(version: "t", name: "t", indicators: [
        Indicator(id: "on_time", group: .progress, name: "Đúng hạn", nameEn: "On time",
                  numerator: [.init(.finishedOnTime)], denominator: [.init(.finishedOnTime), .init(.finishedLate)],
                  threshold: 1, maxPoints: 60),
        Indicator(id: "catalogue", group: .publication, name: "Công khai", nameEn: "Published",
                  numerator: [.init(.proceduresComplete)], denominator: [.init(.procedures)], threshold: 1, maxPoints: 40),
    ])

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let units: [(String, [IndexFact: Double])]
        /// (name, rank or nil, percent) in the order listed.
        let expected: [(String, Int?, Double?)]
        var testDescription: String { label }
    }

    @Test("units with dossiers rank first, out of the set's maximum; units without dossiers follow, unranked", arguments: [
        Case(label: "the demo's story: the department that did the work ranks ahead of those that received nothing",
             units: [("Sở A", [.procedures: 10, .proceduresComplete: 10]),
                     // 3 of 4 on time = 45 of 60, catalogue 40: 85 of 100.
                     ("Sở B", [.received: 4, .finishedOnTime: 3, .finishedLate: 1, .procedures: 10, .proceduresComplete: 10]),
                     ("Sở C", [:])],
             expected: [("Sở B", 1, 85), ("Sở A", nil, 40), ("Sở C", nil, 0)]),
        Case(label: "an indicator with nothing to measure earns nothing and still counts in the maximum",
             // Only received, nothing finished: on time n/a (0 of 60), catalogue 5/10 → 20 of 40: 20%.
             units: [("Xã X", [.received: 2, .procedures: 10, .proceduresComplete: 5])],
             expected: [("Xã X", 1, 20)]),
        Case(label: "equal scores share a rank and are listed by name; a unit with only open dossiers is ranked",
             units: [("Phường Q", [.finishedOnTime: 1]), ("Phường P", [.finishedOnTime: 2]), ("Phường R", [.openLate: 1])],
             expected: [("Phường P", 1, 60), ("Phường Q", 1, 60), ("Phường R", 3, 0)]),
        Case(label: "a refused or withdrawn dossier is a dossier handled in the period",
             units: [("Sở D", [.refused: 1]), ("Sở E", [.withdrawn: 1]), ("Sở F", [.ratings: 3])],
             expected: [("Sở D", 1, 0), ("Sở E", 1, 0), ("Sở F", nil, 0)]),
    ])
    func ranking(_ c: Case) {
        let lines = IndexRanking.rank(c.units.map { (subject: $0.0, name: $0.0, facts: IndexFacts($0.1)) }, set: Self.set)
        #expect(lines.map(\.name) == c.expected.map(\.0))
        #expect(lines.map(\.rank) == c.expected.map(\.1))
        #expect(lines.map(\.percent) == c.expected.map(\.2))
        #expect(lines.allSatisfy { $0.maximum == 100 })
    }
}
