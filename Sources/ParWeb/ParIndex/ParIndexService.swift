import Foundation
import ParCore
import ParStore
import Vapor

/// What the PAR index API and pages share: who may see a set or an assessment, the rates
/// automatic criteria read, and a set's tree as editable lines.
struct ParIndexService {
    let stores: Stores

    func requireViewer(_ request: Request) throws {
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.viewIndex) || principal.mayAnywhere(.selfAssess) || principal.mayAnywhere(.appraiseParIndex) else {
            throw Problem.forbidden()
        }
    }

    func set(_ raw: String?, request: Request) async throws -> CriteriaSet {
        try requireViewer(request)
        guard let raw, let id = CriteriaSet.ID(string: raw), let set = try await stores.parIndex.set(id) else {
            throw Problem.notFound("Không tìm thấy bộ tiêu chí.", english: "Criteria set not found.")
        }
        return set
    }

    /// The unit, if the principal self-assesses it (`selfAssess`) or appraises it (`appraiseParIndex`) as asked.
    func unit(_ raw: String?, _ permission: Permission, request: Request) async throws -> UnitRecord {
        let principal = try request.requirePrincipal()
        guard let raw, let id = OrgUnit.ID(string: raw), let record = try await stores.units.find(id) else {
            throw Problem.notFound("Không tìm thấy đơn vị.", english: "Unit not found.")
        }
        guard principal.may(permission, onUnitWithAncestry: record.ancestry) else { throw Problem.forbidden() }
        return record
    }

    /// Self-assessors see their own units; appraisers every unit in their scope.
    func viewableUnit(_ raw: String?, request: Request) async throws -> UnitRecord {
        do {
            return try await unit(raw, .selfAssess, request: request)
        } catch let problem as Problem where problem.status == 403 {
            return try await unit(raw, .appraiseParIndex, request: request)
        }
    }

    func requireAppraiser(_ request: Request) throws {
        guard try request.requirePrincipal().mayAnywhere(.appraiseParIndex) else { throw Problem.forbidden() }
    }

    /// Sets a set's phase deadlines from ISO days (empty or nil clears one): the page and the API.
    func setDeadlines(_ rawSet: String?, selfAssessment: String?, appraisal: String?, request: Request) async throws -> CriteriaSet {
        try requireAppraiser(request)
        let set = try await set(rawSet, request: request)
        func day(_ raw: String?, field: String) throws -> LocalDate? {
            guard let raw = raw.map(VietnameseText.clean), !raw.isEmpty else { return nil }
            guard let day = LocalDate(iso: raw) else {
                throw DomainError.invalid("Ngày không hợp lệ (năm-tháng-ngày).", english: "Not a valid day (year-month-day).", field: field)
            }
            return day
        }
        return try await stores.parIndex.setDeadlines(
            set.id, selfAssessment: try day(selfAssessment, field: "selfAssessment"), appraisal: try day(appraisal, field: "appraisal"),
            actor: request.auditActor, now: request.now)
    }

    /// The rates automatic criteria read (`stores.oversightService.rate`).
    func metrics(_ request: Request) -> ParIndexRepository.Metrics {
        { unit, metric, year in
            guard let record = try await stores.units.find(unit) else { return nil }
            return try await stores.oversightService.rate(metric: metric, unit: record, year: year, request: request)
        }
    }

    /// Results are public to viewIndex once published; appraisers see them from finalisation.
    func results(_ set: CriteriaSet, request: Request) async throws -> [ParIndexResult] {
        let principal = try request.requirePrincipal()
        switch set.phase {
        case .published: guard principal.mayAnywhere(.viewIndex) || principal.mayAnywhere(.appraiseParIndex) else { throw Problem.forbidden() }
        case .finalised: guard principal.mayAnywhere(.appraiseParIndex) else { throw Problem.forbidden() }
        case .draft, .selfAssessment, .appraisal:
            throw Problem(DomainError(.conflict, "Chưa chốt điểm bộ tiêu chí này.", english: "The set is not finalised yet."))
        }
        return try await stores.parIndex.results(set)
    }

    // MARK: Lines (the page editor)

    /// `code | max points | kind | title | evidence required`, kind being `field:<PAR field>` for
    /// a field, `-` for a criterion with children, `manual`, `survey`, `proportional:<metric>` or
    /// `tiers:<metric>:<min rate>=<share>;…` for a leaf.
    func lines(_ set: CriteriaSet) -> String {
        set.criteria.map { c in
            let kind: String
            if let field = c.field {
                kind = "field:" + field.rawValue
            } else if let method = c.method {
                switch method {
                case .manual: kind = "manual"
                case .survey: kind = "survey"
                case .proportional(let metric): kind = "proportional:" + metric
                case .tiers(let metric, let tiers): kind = "tiers:\(metric):" + tiers.map { "\(IndexPages.number($0.minRate))=\(IndexPages.number($0.share))" }.joined(separator: ";")
                }
            } else {
                kind = "-"
            }
            return [c.code, IndexPages.number(c.maxPoints), kind, c.title, c.evidence].joined(separator: " | ")
        }.joined(separator: "\n")
    }

    func criteria(_ text: String) throws -> [Criterion] {
        try text.split(whereSeparator: \.isNewline).compactMap { raw -> Criterion? in
            let parts = raw.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.allSatisfy(\.isEmpty) { return nil }
            func bad() -> DomainError {
                .invalid("Dòng “\(raw.prefix(60))” không đúng dạng: mã | điểm | loại | tên | tài liệu kiểm chứng.",
                         english: "Line “\(raw.prefix(60))” is not: code | points | kind | title | evidence.", field: "criteria")
            }
            guard parts.count >= 4, let points = Double(parts[1].replacingOccurrences(of: ",", with: ".")) else { throw bad() }
            var criterion = Criterion(code: parts[0], title: parts[3], maxPoints: points, evidence: parts.count > 4 ? parts[4] : "")
            let kind = parts[2]
            if kind.hasPrefix("field:") {
                guard let field = ParIndexField(rawValue: String(kind.dropFirst(6))) else { throw bad() }
                criterion.field = field
            } else if kind == "manual" {
                criterion.method = .manual
            } else if kind == "survey" {
                criterion.method = .survey
            } else if kind.hasPrefix("proportional:") {
                criterion.method = .proportional(metric: String(kind.dropFirst(13)))
            } else if kind.hasPrefix("tiers:") {
                let rest = kind.dropFirst(6).split(separator: ":", maxSplits: 1).map(String.init)
                guard rest.count == 2 else { throw bad() }
                let tiers = try rest[1].split(separator: ";").map { pair -> ScoringMethod.Tier in
                    let kv = pair.split(separator: "=").map { Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")) }
                    guard kv.count == 2, let min = kv[0], let share = kv[1] else { throw bad() }
                    return .init(minRate: min, share: share)
                }
                criterion.method = .tiers(metric: rest[0], tiers: tiers)
            } else if kind != "-" {
                throw bad()
            }
            return criterion
        }
    }
}

extension Stores {
    /// The `ParIndexService` feature service, on these stores.
    var parIndexService: ParIndexService { ParIndexService(stores: self) }
}
