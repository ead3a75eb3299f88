import Foundation

/// Ranks units by their Decision 766 score for a period.
///
/// A unit is ranked only if it received or handled at least one dossier in the period
/// (`hasDossiers`): a score made of the catalogue indicators alone says nothing about the
/// service a unit gave. The others follow the ranked ones, unranked ("no dossiers in the
/// period"). Ranked units are ordered by percentage of the set's maximum, best first; equal
/// scores keep the same rank (1, 2, 2, 4), and are listed by name.
public enum IndexRanking {
    /// One unit's line.
    public struct Line<Subject: Sendable>: Sendable {
        public var subject: Subject
        public var name: String
        /// Points earned and the set's maximum.
        public var points: Double
        public var maximum: Double
        /// The rank among the ranked units; nil for a unit without dossiers in the period.
        public var rank: Int?
        /// Each indicator evaluated on the unit's facts.
        public var results: [IndicatorResult]

        /// Points as a percentage of the maximum, two decimals; nil when the set has no points.
        public var percent: Double? { maximum > 0 ? IndexScoring.round2(points / maximum * 100) : nil }
        public var isRanked: Bool { rank != nil }
    }

    /// The facts that show a unit received or handled dossiers in the period: received, finished,
    /// returned, refused, stopped or withdrawn then, or still open at its end.
    static let activity: [IndexFact] = [.received, .finishedEarly, .finishedOnTime, .finishedLate, .returned,
                                        .refused, .stopped, .withdrawn, .openOnTime, .openLate, .openPaused, .openPausedLate]

    /// Whether the facts show any dossier in the period.
    public static func hasDossiers(_ facts: IndexFacts) -> Bool {
        activity.contains { (facts[$0] ?? 0) > 0 }
    }

    /// Scores and ranks `units` with `set`; the facts of each unit come from `facts`.
    ///
    /// The order is found on positions, by keys computed once (a ranking of 839 children sorted its lines
    /// themselves: each comparison copied two lines and worked out two percentages, through generic code —
    /// most of the ranking's time in Swift).
    public static func rank<Subject: Sendable>(_ units: [(subject: Subject, name: String, facts: IndexFacts)],
                                               set: IndicatorSet) -> [Line<Subject>] {
        var lines: [Line<Subject>] = []
        var percents: [Double] = []
        var ranked: [Int] = [], unranked: [Int] = []
        lines.reserveCapacity(units.count)
        percents.reserveCapacity(units.count)
        for (position, unit) in units.enumerated() {
            let results = IndexScoring.evaluate(set, facts: unit.facts)
            let total = IndexScoring.total(results)
            let line = Line(subject: unit.subject, name: unit.name, points: total.points, maximum: total.available, rank: nil, results: results)
            percents.append(line.percent ?? -1)
            lines.append(line)
            if hasDossiers(unit.facts) { ranked.append(position) } else { unranked.append(position) }
        }
        // Best first; equal percentages by name (a stable sort: equal names keep their order). The names in
        // an array of their own: reading them from `units`, tuples of a generic type, looks up the tuple's
        // type at each comparison.
        let names = lines.map(\.name)
        ranked.sort { a, b in percents[a] != percents[b] ? percents[a] > percents[b] : names[a] < names[b] }
        for (i, position) in ranked.enumerated() {
            lines[position].rank = i > 0 && percents[position] == percents[ranked[i - 1]] ? lines[ranked[i - 1]].rank : i + 1
        }
        unranked.sort { VietnameseText.precedes(names[$0], names[$1]) }
        return (ranked + unranked).map { lines[$0] }
    }
}
