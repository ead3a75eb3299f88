import Foundation
import Testing
@testable import ParCore

@Suite("Decision 766 indicators")
struct IndicatorTests {
    static let set = IndicatorSet.decision766v2022

    static func indicator(_ id: String) -> Indicator { set.indicators.first { $0.id == id }! }

    @Test("points: full at the threshold, proportional below, n/a without a denominator", arguments: [
        (0.5, 0.5, 6.0, 6.0), (0.6, 0.5, 6.0, 6.0), (0.25, 0.5, 6.0, 3.0), (0.0, 0.5, 6.0, 0.0),
        (0.955, 1.0, 20.0, 19.1), (1.0 / 3.0, 0.8, 11.0, 4.58),
    ])
    func points(rate: Double, threshold: Double, max: Double, expected: Double) {
        #expect(IndexScoring.points(rate: rate, threshold: threshold, maxPoints: max) == expected)
    }

    /// Hand-computed sets of facts: (indicator, facts, expected percent, expected points).
    static let cases: [(String, [IndexFact: Double], Double?, Double?)] = [
        // 7 finished early, 2 on time, 1 late (two supplement requests count as late), 2 open on time, 1 open late:
        // on time = (7 + 2 + 2) / (7 + 2 + 1 + 2 + 1) = 11/13 = 84.62% → 16.92 of 20.
        ("progress.on_time", [.finishedEarly: 7, .finishedOnTime: 2, .finishedLate: 1, .openOnTime: 2, .openLate: 1], 84.62, 16.92),
        // Paused and withdrawn dossiers are not in the denominator.
        ("progress.on_time", [.finishedOnTime: 3, .openPaused: 4, .withdrawn: 2], 100, 20),
        // Unfinished at the period's end, all late.
        ("progress.on_time", [.openLate: 5], 0, 0),
        // Nothing finished, nothing open: n/a, never a division by zero.
        ("progress.on_time", [.received: 0], nil, nil),
        // 30 of 80 online = 37.5% < 50% → 37.5/50 × 6 = 4.5.
        ("online.dossiers", [.receivedOnline: 30, .received: 80], 37.5, 4.5),
        ("online.dossiers", [.receivedOnline: 60, .received: 80], 75, 6),
        // 90 of 112 procedures online: 80.36% ≥ 80% → 6.
        ("online.procedures", [.proceduresOnline: 90, .procedures: 112], 80.36, 6),
        ("publication.complete", [.proceduresComplete: 110, .procedures: 112], 98.21, 17.68),
        ("payment.online", [:], nil, nil),
        // Online payment is linear (the guidance gives no threshold): 3 of 4 paid dossiers paid online → 7.5 of 10.
        ("payment.online", [.paymentsOnline: 3, .payments: 4], 75, 7.5),
        // Satisfaction with dossier handling (766, 5.4): not late among finished: 9/10 = 90% ≥ 90% → 6.
        ("satisfaction.no_overdue", [.finishedEarly: 4, .finishedOnTime: 5, .finishedLate: 1], 90, 6),
        // 8 of 10 feedback handled on time (5.2, linear) → 4.8 of 6; 7 of 10 neither late nor rated 1–2 (5.3) → 4.2.
        ("feedback.on_time", [.feedbackReceived: 10, .feedbackOverdue: 2, .feedbackUnsatisfactory: 3], 80, 4.8),
        ("feedback.satisfaction", [.feedbackReceived: 10, .feedbackOverdue: 2, .feedbackUnsatisfactory: 3], 70, 4.2),
        // No feedback at all: nothing handled late or badly — full points, the rate n/a (ParHub's reading).
        ("feedback.on_time", [.received: 4], nil, 6),
        ("feedback.satisfaction", [:], nil, 6),
        // Digitisation counts dossiers, not files: 3 digitised dossiers of 8 processed (however many files they
        // have) = 37.5%, of 80% → 5.16 of 11; 30 digitised files on those dossiers no longer make 100%.
        ("digitisation.dossiers", [.dossiersDigitised: 3, .componentsDigitised: 30, .finishedEarly: 4, .finishedOnTime: 3, .finishedLate: 1], 37.5, 5.16),
        // Reuse is its own indicator: 2 of 10 received dossiers reused digitised data = 20% of 80% → 2.75.
        ("digitisation.reuse", [.dossiersReused: 2, .componentsReused: 7, .received: 10], 20, 2.75),
        // 4 of 5 processed dossiers digitised: 80% → full points.
        ("digitisation.dossiers", [.dossiersDigitised: 4, .finishedEarly: 2, .finishedOnTime: 2, .finishedLate: 1], 80, 11),
        ("other.transfers_electronic", [.transfersElectronic: 17, .transfers: 20], 85, 0),
    ]

    @Test("each indicator on hand-computed facts", arguments: cases)
    func indicators(id: String, facts: [IndexFact: Double], percent: Double?, points: Double?) {
        let result = IndexScoring.evaluate(Self.indicator(id), facts: facts)
        #expect(result.percent == percent)
        #expect(result.points == points)
    }

    @Test("a fact's ordinal is its place among all facts, so scoring by array reads the fact it names")
    func ordinals() {
        #expect(IndexFact.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal })
        let facts: [IndexFact: Double] = [.received: 7, .paymentsOnline: 2, .feedbackUnsatisfactory: 1]
        let dense = IndexFacts(facts).values
        #expect(dense.count == IndexFact.allCases.count)
        #expect(IndexFact.allCases.allSatisfy { dense[$0.ordinal] == (facts[$0] ?? 0) })
        // Equality and hashing go by position: each fact equals itself only, and a set keeps every one.
        #expect(IndexFact.allCases.allSatisfy { fact in IndexFact.allCases.filter { $0 == fact } == [fact] })
        #expect(Set(IndexFact.allCases).count == IndexFact.allCases.count)
    }

    @Test("facts by position read as the dictionary they were made from: a fact given as 0 is given, one never given is absent", arguments: [
        [:], [.received: 0], [.received: 7, .paymentsOnline: 2, .feedbackUnsatisfactory: 1], [.openLate: 0, .procedures: 3.5],
        Dictionary(uniqueKeysWithValues: IndexFact.allCases.map { ($0, Double($0.ordinal)) }),
    ] as [[IndexFact: Double]])
    func positions(_ facts: [IndexFact: Double]) {
        let byPosition = IndexFacts(facts)
        #expect(byPosition.dictionary == facts)
        #expect(IndexFact.allCases.allSatisfy { byPosition[$0] == facts[$0] })
        var summed = IndexFacts()
        for (fact, n) in facts {
            summed.add(n / 2, to: fact)
            summed.add(n / 2, to: fact)
        }
        #expect(summed == byPosition)
        var cleared = byPosition
        for fact in facts.keys { cleared[fact] = nil }
        #expect(cleared == IndexFacts() && cleared.dictionary.isEmpty)
    }

    @Test("a target: 0–100 %, a year from 2000 to 2100, an indicator of the set in force or the satisfaction index; nil removes it", arguments: [
        (0.5, 2026, "online.dossiers", nil), (nil, 2026, "online.dossiers", nil), (1.0, 2000, PlanTarget.satisfaction, nil),
        (0, 2100, "progress.on_time", nil), (1.01, 2026, "online.dossiers", "target"), (-0.1, 2026, "online.dossiers", "target"),
        (0.5, 1999, "online.dossiers", "year"), (0.5, 2101, "online.dossiers", "year"), (0.5, 2026, "online.nothing", "indicatorId"),
    ] as [(Double?, Int, String, String?)])
    func target(_ row: (Double?, Int, String, String?)) {
        do {
            try PlanTarget.check(row.0, year: row.1, indicatorID: row.2, in: Self.set)
            #expect(row.3 == nil)
        } catch {
            #expect(error.field == row.3, "\(error)")
        }
    }

    @Test("the shipped set is valid and worth 100 points; bad sets are refused")
    func validation() throws {
        try Self.set.validate()
        #expect(Self.set.indicators.reduce(0) { $0 + $1.maxPoints } == 100)
        var duplicate = Self.set
        duplicate.indicators.append(Self.set.indicators[0])
        #expect(throws: DomainError.self) { try duplicate.validate() }
        var badThreshold = Self.set
        badThreshold.indicators[0].threshold = 0
        #expect(throws: DomainError.self) { try badThreshold.validate() }
        var tooMany = Self.set
        tooMany.indicators[0].maxPoints = 50
        #expect(throws: DomainError.self) { try tooMany.validate() }
    }

    @Test("totals are out of the set's fixed maximum: an indicator with nothing to measure earns nothing, unless it says otherwise")
    func totals() {
        let results = IndexScoring.evaluate(Self.set, facts: [.receivedOnline: 5, .received: 10])
        let total = IndexScoring.total(results)
        // Measured: online.dossiers (6 of 6) and digitisation.reuse (0 of 11); the two feedback indicators have
        // no feedback and earn their 6 + 6; the rest are n/a and earn 0.
        #expect(total.points == 18)
        #expect(total.available == 100)
    }

    @Test("plan targets: met, at risk while the year runs, missed after it", arguments: [
        (0.55, false, PlanTarget.Status.met), (0.45, false, .atRisk), (0.45, true, .missed), (0.5, true, .met),
    ])
    func targets(rate: Double, yearOver: Bool, expected: PlanTarget.Status) {
        let target = PlanTarget(unitID: .random(), year: 2026, indicatorID: "online.dossiers", target: 0.5)
        #expect(target.status(rate: rate, yearOver: yearOver) == expected)
        #expect(target.status(rate: nil, yearOver: yearOver) == .notMeasured)
    }

    @Test("open dossiers sit on their due day, paused ones apart, finished ones nowhere")
    func openKey() {
        let due = ISO8601DateFormatter().date(from: "2025-03-10T17:00:00+07:00")!
        var d = Dossier(id: .random(), code: "X", procedureID: .random(), receivingUnitID: .random(), channel: .counter,
                        applicant: .init(name: "A"), components: [], state: .received, receivedAt: due, dueAt: due)
        #expect(ServiceCounters.openKey(d) == "2025-03-10")
        d.state = .supplementRequested
        #expect(ServiceCounters.openKey(d) == "paused")
        d.state = .processed
        #expect(ServiceCounters.openKey(d) == nil)
        #expect(ServiceCounters.tag([.transfers: 1, .transfersElectronic: 1, .apologies: 0]) == ",transfers,transfers_electronic,")
        #expect(ServiceCounters.tag([:]) == "")
    }
}

@Suite("Reporting periods")
struct ReportPeriodTests {
    @Test("periods parse from their short names", arguments: [
        ("2026", "2026-01-01", "2026-12-31"), ("2026-Q3", "2026-07-01", "2026-09-30"), ("2026-H2", "2026-07-01", "2026-12-31"), ("2026-H1", "2026-01-01", "2026-06-30"), ("2024-02", "2024-02-01", "2024-02-29"),
        ("2026-11-26", "2026-11-26", "2026-11-26"),
    ])
    func parse(text: String, from: String, through: String) throws {
        let period = try ReportPeriod(text)
        #expect(period.from.iso == from && period.through.iso == through)
    }

    @Test("a period's label: the year, the month, or its two days as dd/mm/yyyy (never ISO)")
    func periodLabels() throws {
        #expect(try ReportPeriod("2026").label == "2026")
        #expect(try ReportPeriod("2026-11").label == "11/2026")
        #expect(try ReportPeriod("2026-Q4").label == "01/10/2026 – 31/12/2026")
        #expect(try ReportPeriod(from: LocalDate(iso: "2026-02-03")!, through: LocalDate(iso: "2026-02-28")!).label == "03/02/2026 – 28/02/2026")
    }

    @Test("bad periods are refused", arguments: ["", "26", "2026-13", "2026-Q5", "2026-H3", "abc", "2026-02-30", "1800"])
    func refuse(text: String) {
        #expect(throws: DomainError.self) { try ReportPeriod(text) }
    }

    @Test("a period splits into whole years, whole months and edge days", arguments: [
        ("2024-12-15", "2026-02-10", ["2025"], ["2026-01"], ["2024-12-15...2024-12-31", "2026-02-01...2026-02-10"]),
        ("2026-01-01", "2026-12-31", ["2026"], [], []),
        ("2026-03-01", "2026-05-31", [], ["2026-03", "2026-04", "2026-05"], []),
        ("2026-03-05", "2026-03-20", [], [], ["2026-03-05...2026-03-20"]),
        ("2026-01-31", "2026-03-01", [], ["2026-02"], ["2026-01-31...2026-01-31", "2026-03-01...2026-03-01"]),
    ])
    func grains(from: String, through: String, years: [String], months: [String], days: [String]) throws {
        let period = try ReportPeriod(from: LocalDate(iso: from)!, through: LocalDate(iso: through)!)
        let g = period.grains
        #expect(g.years == years && g.months == months)
        #expect(g.days.map { "\($0.lowerBound.iso)...\($0.upperBound.iso)" } == days)
        // Every day of the period is counted exactly once.
        let counted = g.years.count * 0 + g.days.reduce(0) { $0 + $1.lowerBound.days(to: $1.upperBound) + 1 }
            + g.months.reduce(0) { total, m in
                let first = LocalDate(iso: m + "-01")!
                return total + first.days(to: first.adding(months: 1))
            }
            + g.years.reduce(0) { total, y in
                let first = LocalDate(iso: y + "-01-01")!
                return total + first.days(to: first.adding(months: 12))
            }
        #expect(counted == period.from.days(to: period.through) + 1)
    }
}

@Suite("Indicator set limits")
struct IndicatorSetLimitTests {
    @Test("an empty set, an over-long name or too many terms are refused (schemathesis found the empty set)")
    func limits() {
        var empty = IndicatorSet.decision766v2022
        empty.indicators = []
        #expect(throws: DomainError.self) { try empty.validate() }
        var long = IndicatorSet.decision766v2022
        long.indicators[0].name = String(repeating: "ễ", count: 301)
        #expect(throws: DomainError.self) { try long.validate() }
        var terms = IndicatorSet.decision766v2022
        terms.indicators[0].numerator = Array(repeating: .init(.received), count: 21)
        #expect(throws: DomainError.self) { try terms.validate() }
    }
}
