import Foundation

/// How a leaf criterion of the PAR index is scored.
public enum ScoringMethod: Codable, Hashable, Sendable {
    /// Self-scored by the unit with evidence, appraised by Home Affairs.
    case manual
    /// Tiers on a ParHub rate (0…1): the first tier whose minimum the rate reaches gives that
    /// share of the points (e.g. on-time ≥ 95% → all, ≥ 90% → half).
    case tiers(metric: String, tiers: [Tier])
    /// Points = rate × max points, on a ParHub rate (0…1).
    case proportional(metric: String)
    /// Imported from the year's survey (SIPAS or the PAR index survey).
    case survey

    public struct Tier: Codable, Hashable, Sendable {
        public var minRate: Double
        public var share: Double

        public init(minRate: Double, share: Double) {
            self.minRate = minRate
            self.share = share
        }
    }

    /// Whether the unit scores it itself.
    public var isSelfScored: Bool { self == .manual }

    public var metric: String? {
        switch self {
        case .tiers(let metric, _), .proportional(let metric): metric
        case .manual, .survey: nil
        }
    }

    /// Points for a measured rate; nil when nothing could be measured.
    public func points(rate: Double?, maxPoints: Double) -> Double? {
        guard let rate else { return nil }
        switch self {
        case .tiers(_, let tiers):
            let share = tiers.sorted { $0.minRate > $1.minRate }.first { rate + 1e-9 >= $0.minRate }?.share ?? 0
            return ParIndexScoring.round2(share * maxPoints)
        case .proportional:
            return ParIndexScoring.round2(min(1, max(0, rate)) * maxPoints)
        case .manual, .survey:
            return nil
        }
    }
}

/// A node of the criteria tree: a field (lĩnh vực), a criterion (tiêu chí) or a sub-criterion
/// (tiêu chí thành phần). Codes are dotted ("2", "2.1", "2.1.3"); a node's parent is the code
/// without its last part. Leaves carry the scoring method.
public struct Criterion: Codable, Hashable, Sendable {
    public var code: String
    public var title: String
    public var maxPoints: Double
    /// The PAR field of a top-level node.
    public var field: ParIndexField?
    public var guidance: String
    public var evidence: String
    /// nil for a node with children.
    public var method: ScoringMethod?

    public init(code: String, title: String, maxPoints: Double, field: ParIndexField? = nil, guidance: String = "", evidence: String = "",
                method: ScoringMethod? = nil) {
        self.code = code
        self.title = title
        self.maxPoints = maxPoints
        self.field = field
        self.guidance = guidance
        self.evidence = evidence
        self.method = method
    }

    public var parentCode: String? {
        let parts = code.split(separator: ".")
        return parts.count > 1 ? parts.dropLast().joined(separator: ".") : nil
    }

    public var depth: Int { code.split(separator: ".").count }
}

/// A classification band: at or above `minPercent` of the maximum.
public struct ClassificationBand: Codable, Hashable, Sendable {
    public var minPercent: Double
    public var name: String

    public init(minPercent: Double, name: String) {
        self.minPercent = minPercent
        self.name = name
    }

    public static let standard = [ClassificationBand(minPercent: 90, name: "Xuất sắc"), ClassificationBand(minPercent: 80, name: "Tốt"),
                                  ClassificationBand(minPercent: 70, name: "Khá"), ClassificationBand(minPercent: 50, name: "Trung bình"),
                                  ClassificationBand(minPercent: 0, name: "Yếu")]
}

/// A year's PAR index criteria for one kind of unit (departments, communes…), per Decision
/// 876/QĐ-BNV as cascaded by the province. Used sets are frozen.
public struct CriteriaSet: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<CriteriaSet>

    /// The yearly cycle: written, open for self-assessment, under appraisal, finalised (automatic
    /// and survey points computed), published.
    public enum Phase: String, CaseIterable, Codable, Sendable, Comparable {
        case draft, selfAssessment = "self_assessment", appraisal, finalised, published

        static let order: [Phase] = [.draft, .selfAssessment, .appraisal, .finalised, .published]
        public static func < (a: Phase, b: Phase) -> Bool { order.firstIndex(of: a)! < order.firstIndex(of: b)! }

        public var next: Phase? {
            let i = Phase.order.firstIndex(of: self)!
            return i + 1 < Phase.order.count ? Phase.order[i + 1] : nil
        }

        public var vietnamese: String {
            switch self {
            case .draft: "Đang xây dựng"
            case .selfAssessment: "Đơn vị tự đánh giá"
            case .appraisal: "Thẩm định"
            case .finalised: "Đã chốt điểm"
            case .published: "Đã công bố"
            }
        }

        public var english: String {
            switch self {
            case .draft: "Draft"
            case .selfAssessment: "Self-assessment"
            case .appraisal: "Appraisal"
            case .finalised: "Finalised"
            case .published: "Published"
            }
        }
    }

    public var id: ID
    public var year: Int
    public var targetKind: UnitKind
    public var name: String
    public var totalPoints: Double
    public var criteria: [Criterion]
    public var bands: [ClassificationBand]
    public var phase: Phase
    /// The last day of each phase, for the calendar and reminders.
    public var deadlines: [String: LocalDate]
    /// When the results were published.
    public var publishedAt: Date?

    public init(id: ID, year: Int, targetKind: UnitKind, name: String, totalPoints: Double = 100, criteria: [Criterion],
                bands: [ClassificationBand] = ClassificationBand.standard, phase: Phase = .draft, deadlines: [String: LocalDate] = [:]) {
        self.id = id
        self.year = year
        self.targetKind = targetKind
        self.name = name
        self.totalPoints = totalPoints
        self.criteria = criteria
        self.bands = bands
        self.phase = phase
        self.deadlines = deadlines
    }

    public var leaves: [Criterion] { criteria.filter { $0.method != nil } }

    public func criterion(_ code: String) -> Criterion? { criteria.first { $0.code == code } }

    public func children(of code: String?) -> [Criterion] { criteria.filter { $0.parentCode == code } }

    /// The top-level field a criterion belongs to.
    public func field(of code: String) -> Criterion? {
        criterion(String(code.split(separator: ".").first ?? ""))
    }

    /// Checks the tree: unique well-formed codes with existing parents, leaves (and only leaves)
    /// scored, every node's points equal to the sum of its children's, the fields adding up to
    /// the total; bands in (0…100]. A set whose points do not add up is refused.
    public func validate() throws(DomainError) {
        func fail(_ vi: String, _ en: String, _ field: String = "criteria") -> DomainError { .invalid(vi, english: en, field: field) }
        guard (2000...2100).contains(year) else { throw fail("Năm không hợp lệ.", "Not a valid year.", "year") }
        guard !VietnameseText.clean(name).isEmpty, name.unicodeScalars.count <= 300 else { throw fail("Cần tên bộ tiêu chí.", "A name is required.", "name") }
        guard totalPoints > 0, totalPoints <= 1000, (1...500).contains(criteria.count) else {
            throw fail("Bộ tiêu chí cần từ 1 đến 500 tiêu chí và tổng điểm dương.", "A set has 1 to 500 criteria and a positive total.")
        }
        var codes = Set<String>()
        for c in criteria {
            let parts = c.code.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...4).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }), codes.insert(c.code).inserted else {
                throw fail("Mã tiêu chí “\(c.code)” không hợp lệ hoặc bị trùng.", "Criterion code “\(c.code)” is not valid or appears twice.")
            }
            guard !VietnameseText.clean(c.title).isEmpty, c.title.unicodeScalars.count <= 1000, c.guidance.unicodeScalars.count <= 4000,
                  c.evidence.unicodeScalars.count <= 2000 else {
                throw fail("Tiêu chí \(c.code) cần tên (tối đa 1.000 ký tự).", "Criterion \(c.code) needs a title (up to 1,000 characters).")
            }
            guard c.maxPoints.isFinite, c.maxPoints >= 0 else { throw fail("Điểm của \(c.code) không hợp lệ.", "The points of \(c.code) are not valid.") }
        }
        for c in criteria {
            if let parent = c.parentCode, !codes.contains(parent) {
                throw fail("Tiêu chí \(c.code) không có tiêu chí cha \(parent).", "Criterion \(c.code) has no parent \(parent).")
            }
            let children = self.children(of: c.code)
            if children.isEmpty {
                guard let method = c.method else { throw fail("Tiêu chí thành phần \(c.code) cần cách chấm điểm.", "Leaf \(c.code) needs a scoring method.") }
                if case .tiers(_, let tiers) = method {
                    guard !tiers.isEmpty, tiers.allSatisfy({ (0...1).contains($0.minRate) && (0...1).contains($0.share) }) else {
                        throw fail("Các mức của \(c.code) phải trong khoảng 0–100%.", "The tiers of \(c.code) must be within 0–100%.")
                    }
                }
            } else {
                guard c.method == nil else { throw fail("Tiêu chí \(c.code) có tiêu chí con nên không chấm trực tiếp.", "\(c.code) has children and is not scored itself.") }
                let sum = children.reduce(0) { $0 + $1.maxPoints }
                guard abs(sum - c.maxPoints) < 0.005 else {
                    throw fail("Điểm tối đa của \(c.code) (\(c.maxPoints)) khác tổng điểm các tiêu chí con (\(ParIndexScoring.round2(sum))).",
                               "The points of \(c.code) (\(c.maxPoints)) differ from the sum of its children (\(ParIndexScoring.round2(sum))).")
                }
            }
            if c.depth == 1, c.field == nil {
                throw fail("Lĩnh vực \(c.code) cần gắn với một lĩnh vực CCHC.", "Field \(c.code) needs a PAR field.")
            }
        }
        let total = children(of: nil).reduce(0) { $0 + $1.maxPoints }
        guard abs(total - totalPoints) < 0.005 else {
            throw fail("Tổng điểm các lĩnh vực (\(ParIndexScoring.round2(total))) khác tổng điểm của bộ (\(totalPoints)).",
                       "The fields add up to \(ParIndexScoring.round2(total)), not \(totalPoints).", "totalPoints")
        }
        guard !bands.isEmpty, bands.count <= 10, bands.allSatisfy({ (0...100).contains($0.minPercent) && !$0.name.isEmpty }) else {
            throw fail("Các mức xếp loại phải trong 0–100%.", "Bands must be within 0–100%.", "bands")
        }
    }

    /// A copy for another year: same tree and bands, back to draft, new id.
    public func copy(to year: Int, id: ID = .random()) -> CriteriaSet {
        CriteriaSet(id: id, year: year, targetKind: targetKind, name: name.replacingOccurrences(of: String(self.year), with: String(year)),
                    totalPoints: totalPoints, criteria: criteria, bands: bands, phase: .draft)
    }

    public func band(percent: Double) -> String? {
        bands.sorted { $0.minPercent > $1.minPercent }.first { percent + 1e-9 >= $0.minPercent }?.name
    }
}
