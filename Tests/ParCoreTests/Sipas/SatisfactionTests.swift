import Foundation
import Testing
@testable import ParCore

@Suite("SIPAS satisfaction index, margins and samples")
struct SatisfactionTests {
    static func tally(_ pairs: [SipasAspect: (Int, Int)], responses: Int, overall: (Int, Int) = (0, 0)) -> SatisfactionTally {
        SatisfactionTally(responses: responses, aspects: pairs.mapValues { AnswerTally(answered: $0.0, satisfied: $0.1) },
                          overall: AnswerTally(answered: overall.0, satisfied: overall.1))
    }

    @Test("aspect shares, the mean of aspects and margins match hand computation")
    func handComputed() {
        // 40 responses. access 36/40 = 90%; procedure 30/40 = 75%; civil servant 38/40 = 95%;
        // result 34/40 = 85%; feedback 10/20 = 50% (half skipped it). Mean = (90+75+95+85+50)/5 = 79%.
        let t = Self.tally([.access: (40, 36), .procedure: (40, 30), .civilServant: (40, 38), .result: (40, 34), .feedback: (20, 10)],
                           responses: 40, overall: (40, 33))
        let r = SatisfactionIndex.evaluate(t, aggregation: .meanOfAspects)
        #expect(r.aspects[.access]?.percent == 90)
        #expect(r.aspects[.procedure]?.percent == 75)
        #expect(r.aspects[.feedback]?.percent == 50)
        #expect(r.aspects[.feedback]?.n == 20)
        #expect(r.overall.percent == 79)
        // 1.96·√(0.9·0.1/40) = 0.09297 → 9.3%; 1.96·√(0.5·0.5/20) = 0.21913 → 21.91%;
        // overall 1.96·√(0.79·0.21/40) = 0.12623 → 12.62%.
        #expect(r.aspects[.access]?.marginPercent == 9.3)
        #expect(r.aspects[.feedback]?.marginPercent == 21.91)
        #expect(r.overall.marginPercent == 12.62)
        // The overall question instead: 33/40 = 82.5%.
        #expect(SatisfactionIndex.evaluate(t, aggregation: .overallQuestion).overall.percent == 82.5)
    }

    @Test("the finite population correction narrows the margin of a sample from a small population")
    func finitePopulation() {
        // p = 0.8, n = 80 of N = 100: 1.96·√(0.16/80)·√(20/99) = 0.08765·0.44947 = 0.0394 → 3.94%.
        #expect(SatisfactionIndex.figure(AnswerTally(answered: 80, satisfied: 64), population: 100).marginPercent == 3.94)
        // Everyone asked: no sampling error.
        #expect(SatisfactionIndex.figure(AnswerTally(answered: 50, satisfied: 40), population: 50).margin == 0)
    }

    @Test("an empty period has no index and no margin, never a division by zero", arguments: Questionnaire.Aggregation.allCases)
    func empty(aggregation: Questionnaire.Aggregation) {
        let r = SatisfactionIndex.evaluate(SatisfactionTally(), aggregation: aggregation)
        #expect(r.responses == 0)
        #expect(r.overall.share == nil && r.overall.margin == nil)
        #expect(SipasAspect.allCases.allSatisfy { r.aspects[$0]?.share == nil })
    }

    @Test("all satisfied: 100% with a zero margin")
    func unanimous() {
        let r = SatisfactionIndex.evaluate(Self.tally([.result: (12, 12)], responses: 12), aggregation: .meanOfAspects)
        #expect(r.overall.percent == 100)
        #expect(r.overall.margin == 0)
    }

    @Test("tallies of answers add up: satisfied means levels 4 and 5")
    func tallyOfAnswers() {
        let a = SurveyAnswers(aspects: [.init(aspect: .access, level: .verySatisfied), .init(aspect: .procedure, level: .neutral),
                                        .init(aspect: .result, level: nil)], overall: .satisfied)
        let b = SurveyAnswers(aspects: [.init(aspect: .access, level: .dissatisfied)], overall: .veryDissatisfied)
        let total = SatisfactionTally(a) + SatisfactionTally(b)
        #expect(total.responses == 2)
        #expect(total.aspects[.access] == AnswerTally(answered: 2, satisfied: 1))
        #expect(total.aspects[.procedure] == AnswerTally(answered: 1, satisfied: 0))
        #expect(total.aspects[.result] == nil)
        #expect(total.overall == AnswerTally(answered: 2, satisfied: 1))
        #expect(!a.isNegative && b.isNegative)
    }

    @Test("sample size n = N/(1+N·e²), rounded up", arguments: [
        (0, 0.05, 0), (1, 0.05, 1), (10, 0.05, 10), (100, 0.05, 80), (400, 0.05, 200), (1000, 0.05, 286),
        (10_000, 0.05, 385), (1_000_000, 0.05, 400), (1000, 0.1, 91), (50, 0.03, 48),
    ])
    func sampleSize(population: Int, margin: Double, expected: Int) {
        #expect(SampleDesign.size(population: population, margin: margin) == expected)
    }

    @Test("a sample drawn twice with the same seed is identical; another seed gives another sample")
    func reproducible() {
        let population = (1...1000).map { "HS-\($0)" }
        let n = SampleDesign.size(population: population.count, margin: 0.05)
        let first = SampleDesign.draw(population, count: n, seed: 20261126)
        #expect(first == SampleDesign.draw(population, count: n, seed: 20261126))
        #expect(first.count == 286 && Set(first).count == 286 && Set(first).isSubset(of: Set(population)))
        #expect(first != SampleDesign.draw(population, count: n, seed: 20261127))
        // Fixed by SplitMix64, not by the standard library: the first draws never change.
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test("answers are checked against the questionnaire")
    func validation() throws {
        let q = Questionnaire.sipas2023
        let good = SurveyAnswers(aspects: [.init(aspect: .access, perceptions: ["seats": true], level: .satisfied, expectations: ["more_online"])],
                                 overall: nil, comment: "  Tốt\u{200B}  ")
        #expect(try good.validated(against: q).comment == "Tốt")
        let cases: [SurveyAnswers] = [
            SurveyAnswers(aspects: [.init(aspect: .access, perceptions: ["nope": true], level: .satisfied)], overall: nil),
            SurveyAnswers(aspects: [.init(aspect: .access, level: .satisfied, expectations: ["more_online", "more_online"])], overall: nil),
            SurveyAnswers(aspects: [.init(aspect: .access, level: .satisfied), .init(aspect: .access, level: .neutral)], overall: nil),
            SurveyAnswers(aspects: [.init(aspect: .access, level: nil)], overall: nil),
            SurveyAnswers(aspects: [], overall: .satisfied, comment: String(repeating: "á", count: 2001)),
        ]
        for answers in cases {
            #expect(throws: DomainError.self) { try answers.validated(against: q) }
        }
    }

    @Test("the shipped questionnaire is valid; a broken one is refused")
    func questionnaire() throws {
        try Questionnaire.sipas2023.validate()
        var missing = Questionnaire.sipas2023
        missing.sections.removeLast()
        #expect(throws: DomainError.self) { try missing.validate() }
        var badID = Questionnaire.sipas2023
        badID.sections[0].perceptions[0].id = "Có dấu"
        #expect(throws: DomainError.self) { try badID.validate() }
        var badVersion = Questionnaire.sipas2023
        badVersion.version = "../x y"
        #expect(throws: DomainError.self) { try badVersion.validate() }
    }

    @Test("standard targets from the plan: 85% by 2023, kept in 2024, 95% from 2025", arguments: [(2022, 0.85), (2023, 0.85), (2024, 0.85), (2025, 0.95), (2030, 0.95)])
    func targets(year: Int, expected: Double) {
        #expect(SatisfactionIndex.standardTarget(year: year) == expected)
    }
}
