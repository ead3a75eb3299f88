import Foundation

/// How many answered a question and how many of them were satisfied or very satisfied.
public struct AnswerTally: Codable, Hashable, Sendable {
    public var answered: Int
    public var satisfied: Int

    public init(answered: Int = 0, satisfied: Int = 0) {
        self.answered = answered
        self.satisfied = satisfied
    }

    public static func + (a: Self, b: Self) -> Self { Self(answered: a.answered + b.answered, satisfied: a.satisfied + b.satisfied) }
}

/// The counts behind a satisfaction index: responses, and per aspect and for the overall
/// question the answered and satisfied counts.
public struct SatisfactionTally: Codable, Hashable, Sendable {
    public var responses: Int
    public var aspects: [SipasAspect: AnswerTally]
    public var overall: AnswerTally

    public init(responses: Int = 0, aspects: [SipasAspect: AnswerTally] = [:], overall: AnswerTally = AnswerTally()) {
        self.responses = responses
        self.aspects = aspects
        self.overall = overall
    }

    public static func + (a: Self, b: Self) -> Self {
        Self(responses: a.responses + b.responses, aspects: a.aspects.merging(b.aspects, uniquingKeysWith: +), overall: a.overall + b.overall)
    }

    /// The tally of one set of answers.
    public init(_ answers: SurveyAnswers) {
        self.init(responses: 1)
        for answer in answers.aspects {
            guard let level = answer.level else { continue }
            aspects[answer.aspect] = AnswerTally(answered: 1, satisfied: level.isSatisfied ? 1 : 0)
        }
        if let overall = answers.overall { self.overall = AnswerTally(answered: 1, satisfied: overall.isSatisfied ? 1 : 0) }
    }
}

/// A satisfaction share with the number of answers behind it and its margin of error.
public struct SatisfactionFigure: Hashable, Sendable {
    /// Share satisfied, 0…1; nil when nobody answered.
    public var share: Double?
    public var n: Int
    /// Half-width of the 95% confidence interval, 0…1; nil when nobody answered.
    public var margin: Double?

    /// Nobody answered.
    public static let none = SatisfactionFigure(share: nil, n: 0, margin: nil)

    /// The share as a percentage with two decimals.
    public var percent: Double? { share.map { SatisfactionIndex.round2($0 * 100) } }
    public var marginPercent: Double? { margin.map { SatisfactionIndex.round2($0 * 100) } }
}

/// The satisfaction index (SIPAS): per aspect the share of "satisfied" and "very satisfied"
/// answers among those who answered; overall the mean of the aspects' shares (or, by the
/// questionnaire's aggregation, the share satisfied on the overall question).
public struct SatisfactionResult: Hashable, Sendable {
    public var responses: Int
    public var aspects: [SipasAspect: SatisfactionFigure]
    public var overall: SatisfactionFigure
}

public enum SatisfactionIndex {
    /// z for a 95% confidence level.
    public static let z95 = 1.959964

    public static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// Margin of error of a share p from n answers: z·√(p(1−p)/n), times the finite
    /// population correction √((N−n)/(N−1)) when the population N is known (a sample survey).
    public static func margin(share p: Double, n: Int, population: Int? = nil) -> Double? {
        guard n > 0 else { return nil }
        var margin = z95 * (p * (1 - p) / Double(n)).squareRoot()
        if let population, population > 1, population >= n {
            margin *= (Double(population - n) / Double(population - 1)).squareRoot()
        }
        return margin
    }

    public static func figure(_ tally: AnswerTally, population: Int? = nil) -> SatisfactionFigure {
        guard tally.answered > 0 else { return SatisfactionFigure(share: nil, n: 0, margin: nil) }
        let share = Double(tally.satisfied) / Double(tally.answered)
        return SatisfactionFigure(share: share, n: tally.answered, margin: margin(share: share, n: tally.answered, population: population))
    }

    /// The index of a tally. With `meanOfAspects` the overall share is the mean of the
    /// aspects answered at least once, and its margin is taken at that share over the number
    /// of responses (an approximation: answers of one citizen are correlated).
    public static func evaluate(_ tally: SatisfactionTally, aggregation: Questionnaire.Aggregation,
                                population: Int? = nil) -> SatisfactionResult {
        var aspects: [SipasAspect: SatisfactionFigure] = [:]
        for aspect in SipasAspect.allCases { aspects[aspect] = figure(tally.aspects[aspect] ?? AnswerTally(), population: population) }
        let overall: SatisfactionFigure
        switch aggregation {
        case .overallQuestion:
            overall = figure(tally.overall, population: population)
        case .meanOfAspects:
            let shares = SipasAspect.allCases.compactMap { aspects[$0]?.share }
            if shares.isEmpty || tally.responses == 0 {
                overall = SatisfactionFigure(share: nil, n: 0, margin: nil)
            } else {
                let share = shares.reduce(0, +) / Double(shares.count)
                overall = SatisfactionFigure(share: share, n: tally.responses,
                                             margin: margin(share: share, n: tally.responses, population: population))
            }
        }
        return SatisfactionResult(responses: tally.responses, aspects: aspects, overall: overall)
    }

    /// The target of the province's plans, as a share: "đến năm 2023 ... trên 85%; đến năm 2025
    /// đạt tối thiểu 95%" (Tây Hồ's 2021–2025 PAR plan, seed 004). The plan names no figure for
    /// 2024, so the 2023 target stays in force until 2025's replaces it.
    public static func standardTarget(year: Int) -> Double {
        year < 2025 ? 0.85 : 0.95
    }
}
