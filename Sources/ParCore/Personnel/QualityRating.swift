import Foundation

/// The four levels of the yearly quality rating (xếp loại chất lượng), the same names for
/// civil servants (Decree 335/2025/NĐ-CP) and public employees (Decree 90/2020/NĐ-CP).
public enum QualityLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case excellent
    case good
    case completed
    case notCompleted = "not_completed"

    public var vietnamese: String {
        switch self {
        case .excellent: "Hoàn thành xuất sắc nhiệm vụ"
        case .good: "Hoàn thành tốt nhiệm vụ"
        case .completed: "Hoàn thành nhiệm vụ"
        case .notCompleted: "Không hoàn thành nhiệm vụ"
        }
    }

    public var english: String {
        switch self {
        case .excellent: "Excellently completed tasks"
        case .good: "Completed tasks well"
        case .completed: "Completed tasks"
        case .notCompleted: "Did not complete tasks"
        }
    }

    /// "Completed well" or better: what the PAR index's civil-service field counts.
    public var isGoodOrBetter: Bool { self == .excellent || self == .good }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    /// Better levels sort first.
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// A civil servant's level from the year's points and the cases that rule out completion,
    /// Decree 335/2025/NĐ-CP (levels of civil servants): ≥ 90 excellent; 70 to < 90 good;
    /// 50 to < 70 completed; below 50, or any `Disqualification`, not completed.
    public static func civilServant(score: Double, disqualification: Disqualification?) -> QualityLevel {
        if disqualification != nil { return .notCompleted }
        switch score {
        case 90...: return .excellent
        case 70..<90: return .good
        case 50..<70: return .completed
        default: return .notCompleted
        }
    }
}

/// The cases in which a civil servant is rated "not completed" whatever the points
/// (Decree 335/2025/NĐ-CP, levels of civil servants, clause 4 b–d).
public enum Disqualification: String, CaseIterable, Codable, Sendable {
    /// Concluded by the competent authority to show degradation of political ideology, ethics or lifestyle.
    case conduct
    /// Disciplined for an offence in public duty, by reprimand (khiển trách) or heavier, in the rated year.
    case discipline
    /// A leader whose directly managed organisation was involved in embezzlement, corruption or waste and was dealt with.
    case leadership

    public var vietnamese: String {
        switch self {
        case .conduct: "Bị kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống"
        case .discipline: "Bị kỷ luật từ khiển trách trở lên trong năm đánh giá"
        case .leadership: "Đơn vị phụ trách liên quan tham ô, tham nhũng, lãng phí bị xử lý"
        }
    }

    public var english: String {
        switch self {
        case .conduct: "Found to have degraded in political ideology, ethics or lifestyle"
        case .discipline: "Disciplined by reprimand or heavier in the rated year"
        case .leadership: "Managed organisation dealt with for embezzlement, corruption or waste"
        }
    }
}

/// One person's rating for one year: entered by the unit, then approved by its leader.
public struct QualityRating: Codable, Hashable, Sendable {
    public enum State: String, Codable, Sendable {
        case entered
        case approved
    }

    public var personID: Person.ID
    public var year: Int
    /// Points out of 100 (civil servants only; public employees are rated by criteria).
    public var score: Double?
    public var disqualification: Disqualification?
    public var level: QualityLevel
    public var state: State

    public init(personID: Person.ID, year: Int, score: Double?, disqualification: Disqualification?, level: QualityLevel, state: State) {
        self.personID = personID
        self.year = year
        self.score = score
        self.disqualification = disqualification
        self.level = level
        self.state = state
    }

    /// Whether this rating may replace the one stored for the same person and year: an entered
    /// rating may be corrected until the leader approves it; an approved one is final.
    public func checkReplacing(_ stored: State?) throws(DomainError) {
        if stored == .approved {
            throw DomainError(.conflict, "Kết quả xếp loại năm \(year) đã được phê duyệt.", english: "The \(year) rating is already approved.")
        }
    }

    /// The rating a unit enters for `person`: a civil servant's level follows from the points
    /// (any level sent must agree); a public employee's level is the one the unit chose;
    /// contract staff are not rated. A disciplinary decision of the year among `cases` is a
    /// disqualification of its own, whether or not the unit names it.
    /// A year still to come is refused when `today` is given.
    public static func entered(for person: Person, year: Int, score: Double?, disqualification named: Disqualification?,
                               level: QualityLevel?, cases: [DisciplinaryCase] = [], today: LocalDate? = nil) throws(DomainError) -> QualityRating {
        if let today, year > today.year {
            throw .invalid("Chưa thể xếp loại năm \(year).", english: "The year \(year) cannot be rated yet.", field: "year")
        }
        let disqualification = named ?? (cases.contains { $0.personID == person.id && $0.disqualifies(year: year) } ? .discipline : nil)
        guard (2000...2100).contains(year) else {
            throw .invalid("Năm đánh giá không hợp lệ.", english: "Not a valid year.", field: "year")
        }
        guard year >= person.startedOn.year else {
            throw .invalid("Năm đánh giá trước khi người này bắt đầu công tác.", english: "The year is before the person started.", field: "year")
        }
        switch person.kind {
        case .contract:
            throw .invalid("Người lao động hợp đồng không xếp loại theo Nghị định 335/2025 hoặc 90/2020.",
                           english: "Contract staff are not rated under Decree 335/2025 or 90/2020.", field: "kind")
        case .civilServant:
            guard let score, score.isFinite, (0...100).contains(score), (score * 2).rounded() == score * 2 else {
                throw .invalid("Công chức được chấm từ 0 đến 100 điểm (bước 0,5).", english: "A civil servant is scored 0–100 points (steps of 0.5).",
                               field: "score")
            }
            let computed = QualityLevel.civilServant(score: score, disqualification: disqualification)
            if let level, level != computed {
                throw .invalid("Mức xếp loại không khớp với số điểm (\(computed.vietnamese)).",
                               english: "The level does not match the points (\(computed.english)).", field: "level")
            }
            return QualityRating(personID: person.id, year: year, score: score, disqualification: disqualification, level: computed, state: .entered)
        case .publicEmployee:
            guard score == nil else {
                throw .invalid("Viên chức được xếp loại theo tiêu chí, không chấm điểm.", english: "A public employee is rated by criteria, not points.",
                               field: "score")
            }
            guard let level else {
                throw .invalid("Cần mức xếp loại.", english: "A level is required.", field: "level")
            }
            if disqualification != nil, level != .notCompleted {
                throw .invalid("Trường hợp này chỉ xếp loại Không hoàn thành nhiệm vụ.", english: "This case can only be rated not completed.",
                               field: "level")
            }
            return QualityRating(personID: person.id, year: year, score: nil, disqualification: disqualification, level: level, state: .entered)
        }
    }
}

/// A unit's ratings for one year and one kind of staff: the count and share at each level,
/// and the cap on the top level.
///
/// The cap (Decree 335/2025/NĐ-CP, levels of civil servants, clause 5a): those rated excellent
/// may not exceed 20 % of those rated good in the same unit and group with similar tasks.
/// Decree 48/2023/NĐ-CP applies the Party's rate to public employees, which is the same 20 %
/// of those rated good; ParHub checks both against it.
public struct RatingStatistics: Codable, Hashable, Sendable {
    public var kind: Person.Kind
    public var year: Int
    /// Approved ratings at each level (every level present, zero when none).
    public var counts: [QualityLevel: Int]
    /// People of the kind at the unit who have no approved rating for the year.
    public var unrated: Int

    public init(kind: Person.Kind, year: Int, levels: [QualityLevel], unrated: Int) {
        self.kind = kind
        self.year = year
        self.counts = Dictionary(uniqueKeysWithValues: QualityLevel.allCases.map { level in (level, levels.filter { $0 == level }.count) })
        self.unrated = unrated
    }

    public var rated: Int { counts.values.reduce(0, +) }

    /// The share of the rated at `level`; nil when nobody is rated.
    public func share(_ level: QualityLevel) -> Double? {
        rated == 0 ? nil : Double(counts[level] ?? 0) / Double(rated)
    }

    /// The share rated "completed well" or better; nil when nobody is rated.
    public var goodOrBetterShare: Double? {
        rated == 0 ? nil : Double((counts[.excellent] ?? 0) + (counts[.good] ?? 0)) / Double(rated)
    }

    /// The most people the unit may rate excellent: ⌊20 % of those rated good⌋.
    public var excellentCap: Int { (counts[.good] ?? 0) / 5 }

    /// Whether more are rated excellent than the cap allows.
    public var exceedsCap: Bool { (counts[.excellent] ?? 0) > excellentCap }

    /// This year's share at each level minus last year's (percentage points as a fraction);
    /// nil for a level when either year has nobody rated.
    public func change(since previous: RatingStatistics) -> [QualityLevel: Double] {
        var change: [QualityLevel: Double] = [:]
        for level in QualityLevel.allCases {
            if let now = share(level), let before = previous.share(level) { change[level] = now - before }
        }
        return change
    }
}

/// What the civil-service figures are computed from: a unit subtree's records for one year.
public struct PersonnelCounts: Hashable, Sendable {
    /// Approved ratings per kind of staff.
    public var statistics: [RatingStatistics]
    /// People at the units who had started by the end of the year.
    public var people: Int
    /// Of them, those with a disciplinary decision in the year.
    public var disciplined: Int
    /// Of them, the civil servants and public employees (who must train).
    public var mustTrain: Int
    /// Of those, the ones whose training in the year met `TrainingRequirement`.
    public var trained: Int

    public init(statistics: [RatingStatistics], people: Int, disciplined: Int, mustTrain: Int, trained: Int) {
        self.statistics = statistics
        self.people = people
        self.disciplined = disciplined
        self.mustTrain = mustTrain
        self.trained = trained
    }
}

/// The civil-service figures the PAR index's automatic criteria and commitments may name
/// (`ScoringMethod.tiers` / `.proportional`), computed from the unit subtree's records for a year.
public enum PersonnelMetric: String, CaseIterable, Sendable {
    /// Of those with an approved rating, the share rated "completed well" or better (every rated kind).
    case goodOrBetter = "personnel.good_or_better"
    /// Of the civil servants and public employees, the share trained as required in the year.
    case trained = "personnel.trained"
    /// Of the people at the units, the share with no disciplinary decision in the year.
    case withoutDiscipline = "personnel.without_discipline"

    public var vietnamese: String {
        switch self {
        case .goodOrBetter: "Tỷ lệ cán bộ, công chức, viên chức xếp loại hoàn thành tốt nhiệm vụ trở lên"
        case .trained: "Tỷ lệ công chức, viên chức được bồi dưỡng đủ thời lượng trong năm"
        case .withoutDiscipline: "Tỷ lệ cán bộ, công chức, viên chức không bị kỷ luật trong năm"
        }
    }

    public var english: String {
        switch self {
        case .goodOrBetter: "Share of staff rated completed well or better"
        case .trained: "Share of civil servants and public employees trained as required in the year"
        case .withoutDiscipline: "Share of staff without discipline in the year"
        }
    }

    /// The rate (0…1), nil when there is nothing to measure (nobody rated; nobody recorded).
    public func rate(_ counts: PersonnelCounts) -> Double? {
        switch self {
        case .goodOrBetter:
            let rated = counts.statistics.reduce(0) { $0 + $1.rated }
            let good = counts.statistics.reduce(0) { $0 + ($1.counts[.excellent] ?? 0) + ($1.counts[.good] ?? 0) }
            return rated == 0 ? nil : Double(good) / Double(rated)
        case .trained:
            return counts.mustTrain == 0 ? nil : Double(counts.trained) / Double(counts.mustTrain)
        case .withoutDiscipline:
            return counts.people == 0 ? nil : Double(max(0, counts.people - counts.disciplined)) / Double(counts.people)
        }
    }
}
