import Foundation

/// A Decision 766 indicator as data (the way DHIS2 models indicators): a numerator
/// and a denominator, each a weighted sum of facts, a threshold and the points it
/// earns. Scoring is one rule for all of them:
/// points = max when rate ≥ threshold, else rate × max / threshold; no denominator → n/a.
public struct Indicator: Codable, Hashable, Sendable, Identifiable {
    public enum Group: String, Codable, CaseIterable, Sendable {
        case publication, progress, online, payment, satisfaction, digitisation
        /// Rates tracked for plan targets that earn no 766 points.
        case other

        public var vietnamese: String {
            switch self {
            case .publication: "Công khai, minh bạch"
            case .progress: "Tiến độ, kết quả giải quyết"
            case .online: "Dịch vụ công trực tuyến"
            case .payment: "Thanh toán trực tuyến"
            case .satisfaction: "Mức độ hài lòng"
            case .digitisation: "Số hóa hồ sơ"
            case .other: "Chỉ tiêu khác"
            }
        }

        public var english: String {
            switch self {
            case .publication: "Publication and transparency"
            case .progress: "Progress and results"
            case .online: "Online services"
            case .payment: "Online payment"
            case .satisfaction: "Satisfaction"
            case .digitisation: "Digitisation"
            case .other: "Other targets"
            }
        }
    }

    /// One fact with its weight in a sum.
    public struct Term: Codable, Hashable, Sendable {
        public var fact: IndexFact
        public var weight: Double

        public init(_ fact: IndexFact, _ weight: Double = 1) {
            self.fact = fact
            self.weight = weight
        }
    }

    public var id: String
    public var group: Group
    public var name: String
    public var nameEn: String
    public var numerator: [Term]
    public var denominator: [Term]
    /// The rate (0…1) that earns full points.
    public var threshold: Double
    public var maxPoints: Double
    /// What an empty denominator earns; nil or `noPoints`: nothing (ParHub's reading where the
    /// annex is silent, docs/rules.md).
    public var whenEmpty: EmptyRule?

    /// The points of an indicator with nothing to measure.
    public enum EmptyRule: String, Codable, Hashable, Sendable {
        case noPoints = "no_points"
        /// Full points: nothing to measure means nothing handled badly (the feedback indicators:
        /// no feedback, none late and none unsatisfactory).
        case fullPoints = "full_points"
    }

    public init(id: String, group: Group, name: String, nameEn: String, numerator: [Term], denominator: [Term],
                threshold: Double, maxPoints: Double, whenEmpty: EmptyRule? = nil) {
        self.id = id
        self.group = group
        self.name = name
        self.nameEn = nameEn
        self.numerator = numerator
        self.denominator = denominator
        self.threshold = threshold
        self.maxPoints = maxPoints
        self.whenEmpty = whenEmpty
    }

    /// Checks the definition: a threshold in (0, 1], non-negative points, facts on both sides.
    public func validate() throws(DomainError) {
        guard !id.isEmpty, id.unicodeScalars.count <= 80, !VietnameseText.clean(name).isEmpty,
              name.unicodeScalars.count <= 300, nameEn.unicodeScalars.count <= 300 else {
            throw .invalid("Chỉ số cần mã (tối đa 80 ký tự) và tên (tối đa 300 ký tự).",
                           english: "An indicator needs an id (up to 80 characters) and a name (up to 300).", field: "indicators")
        }
        guard numerator.count <= 20, denominator.count <= 20 else {
            throw .invalid("Tối đa 20 thành phần mỗi vế.", english: "At most 20 terms on each side.", field: "indicators")
        }
        guard threshold > 0, threshold <= 1 else {
            throw .invalid("Ngưỡng của chỉ số \(id) phải trong (0; 100%].", english: "The threshold of \(id) must be in (0, 100%].", field: "threshold")
        }
        guard maxPoints >= 0, maxPoints <= 100 else {
            throw .invalid("Điểm tối đa của \(id) phải từ 0 đến 100.", english: "The points of \(id) must be 0–100.", field: "maxPoints")
        }
        guard !numerator.isEmpty, !denominator.isEmpty else {
            throw .invalid("Chỉ số \(id) cần tử số và mẫu số.", english: "\(id) needs a numerator and a denominator.", field: "indicators")
        }
    }
}

/// The facts indicators are built from: the Decision 766 counters of a unit subtree over a
/// period, the dossiers still open at the period's end, and the catalogue.
public enum IndexFact: String, Codable, CaseIterable, Hashable, Sendable {
    // Counters (`ServiceMetric`), all channels.
    case received, finishedEarly = "finished_early", finishedOnTime = "finished_on_time", finishedLate = "finished_late"
    case resultsElectronic = "results_electronic", returned, returnedElectronic = "returned_electronic"
    case transfers, transfersElectronic = "transfers_electronic", supplementRequests = "supplement_requests", apologies
    case refused, withdrawn, stopped
    case endedEarly = "ended_early", endedOnTime = "ended_on_time", endedLate = "ended_late"
    case componentsDigitised = "components_digitised", componentsReused = "components_reused", resultsDigitised = "results_digitised"
    case dossiersDigitised = "dossiers_digitised", dossiersReused = "dossiers_reused"
    // Counters by channel.
    case receivedOnline = "received_online", receivedCounter = "received_counter", receivedPost = "received_post"
    // Open dossiers at the end of the period.
    case openOnTime = "open_on_time", openLate = "open_late"
    /// Waiting for a supplement at the period's end, requested before the appointment (on time) or after it
    /// or as a second request (late): measured at the request (Decision 766, indicator 2.1).
    case openPaused = "open_paused", openPausedLate = "open_paused_late"
    // The catalogue of the unit.
    case procedures, proceduresOnline = "procedures_online", proceduresFullOnline = "procedures_full_online"
    case proceduresComplete = "procedures_complete"
    // Satisfaction responses (SIPAS), counted on the day the result was returned.
    case ratings, negativeRatings = "negative_ratings"
    // Citizens' feedback (PAKN) about the units, received in the period; overdue ones measured now.
    case feedbackReceived = "feedback_received", feedbackOverdue = "feedback_overdue"
    /// Overdue, or rated 1–2 of 5 by the sender (each feedback once).
    case feedbackUnsatisfactory = "feedback_unsatisfactory"
    // Fees paid (service centre payments), on the day they were paid.
    case paymentsOnline = "payments_online", payments

    /// The case's position in `allCases` (declaration order), read from the enum's one-byte tag
    /// (`unsafeBitCast` traps if the enum ever outgrows a byte; `IndicatorTests` checks the order).
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    static let caseCount = allCases.count

    // Hashed and compared by position, not by raw value: a ranking fills and reads tens of thousands of
    // facts (the raw-value default hashes the text of the name each time).
    public func hash(into hasher: inout Hasher) { hasher.combine(UInt8(truncatingIfNeeded: ordinal)) }
    public static func == (a: IndexFact, b: IndexFact) -> Bool { a.ordinal == b.ordinal }

    /// The counter behind a fact, when it is one metric summed over all channels.
    public var metric: ServiceMetric? { ServiceMetric(rawValue: rawValue) }
}

/// A versioned set of indicators; a published set is replaced, never edited in place.
public struct IndicatorSet: Codable, Hashable, Sendable {
    public var version: String
    public var name: String
    public var indicators: [Indicator]

    public init(version: String, name: String, indicators: [Indicator]) {
        self.version = version
        self.name = name
        self.indicators = indicators
    }

    public func validate() throws(DomainError) {
        guard (1...60).contains(indicators.count) else {
            throw .invalid("Bộ chỉ số cần từ 1 đến 60 chỉ số.", english: "A set holds 1 to 60 indicators.", field: "indicators")
        }
        var seen = Set<String>()
        for indicator in indicators {
            try indicator.validate()
            guard seen.insert(indicator.id).inserted else {
                throw .invalid("Mã chỉ số \(indicator.id) bị trùng.", english: "Indicator id \(indicator.id) appears twice.", field: "indicators")
            }
        }
        let total = indicators.reduce(0) { $0 + $1.maxPoints }
        guard total <= 100.0001 else {
            throw .invalid("Tổng điểm tối đa vượt 100 (\(total)).", english: "The points add up to more than 100 (\(total)).", field: "maxPoints")
        }
    }
}

/// An indicator evaluated on a set of facts.
public struct IndicatorResult: Hashable, Sendable {
    public var indicator: Indicator
    public var numerator: Double
    public var denominator: Double
    /// nil when the denominator is 0 ("n/a").
    public var rate: Double?
    public var points: Double?

    /// The rate as a percentage with two decimals.
    public var percent: Double? { rate.map { IndexScoring.round2($0 * 100) } }
}

public enum IndexScoring {
    public static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// Points for a rate: full at or above the threshold, proportional below.
    public static func points(rate: Double, threshold: Double, maxPoints: Double) -> Double {
        round2(rate >= threshold ? maxPoints : rate * maxPoints / threshold)
    }

    public static func evaluate(_ indicator: Indicator, facts: [IndexFact: Double]) -> IndicatorResult {
        evaluate(indicator, dense: IndexFacts(facts).values)
    }

    /// `facts` indexed by `IndexFact.ordinal`: a ranking scores hundreds of units, and hashing each term's
    /// fact was most of its time.
    static func evaluate(_ indicator: Indicator, dense facts: [Double]) -> IndicatorResult {
        func sum(_ terms: [Indicator.Term]) -> Double {
            var total = 0.0
            for term in terms { total += facts[term.fact.ordinal] * term.weight }
            return total
        }
        let numerator = sum(indicator.numerator), denominator = sum(indicator.denominator)
        guard denominator > 0 else {
            return IndicatorResult(indicator: indicator, numerator: numerator, denominator: denominator, rate: nil,
                                   points: indicator.whenEmpty == .fullPoints ? indicator.maxPoints : nil)
        }
        // A rate never exceeds 100% (several digitised components per dossier, say).
        let rate = min(1, max(0, numerator / denominator))
        return IndicatorResult(indicator: indicator, numerator: numerator, denominator: denominator, rate: rate,
                               points: points(rate: rate, threshold: indicator.threshold, maxPoints: indicator.maxPoints))
    }

    public static func evaluate(_ set: IndicatorSet, facts: [IndexFact: Double]) -> [IndicatorResult] {
        evaluate(set, facts: IndexFacts(facts))
    }

    public static func evaluate(_ set: IndicatorSet, facts: IndexFacts) -> [IndicatorResult] {
        set.indicators.map { evaluate($0, dense: facts.values) }
    }

    /// Points earned, out of the fixed maximum of the whole set (Decision 766: each indicator has its
    /// points, and a unit's score is out of their sum, 100). An indicator with nothing to measure
    /// (an empty denominator) earns no points and still counts in the maximum — ParHub's reading
    /// where the annex is silent (docs/rules.md): a unit cannot gain rank by doing less, and the
    /// twelve departments without dossiers no longer outrank the one that did the work.
    public static func total(_ results: [IndicatorResult]) -> (points: Double, available: Double) {
        (round2(results.reduce(0) { $0 + ($1.points ?? 0) }), round2(results.reduce(0) { $0 + $1.indicator.maxPoints }))
    }
}
