import Foundation
import ParCore
import ParStore
import Vapor

/// What the API and the pages share for plans, inspections, feedback and discipline: who is
/// shielded from which inspections, who handles which feedback, and a commitment's status.
struct OversightService {
    let stores: Stores

    /// The units whose unannounced inspections the signed-in principal must not see before
    /// they start: every grant's unit and its ancestors (`InspectionVisibility`).
    func shield(_ request: Request) async throws -> Set<OrgUnit.ID> {
        var ancestries: [[OrgUnit.ID]] = []
        for grant in try request.requirePrincipal().grants {
            ancestries.append(try await stores.units.find(grant.unitID)?.ancestry ?? [grant.unitID])
        }
        return InspectionVisibility.shieldedUnits(grantAncestries: ancestries)
    }

    /// The inspection if the principal holds `permission` on its unit and it is not hidden from them (404 otherwise).
    func inspection(_ raw: String?, _ permission: Permission, request: Request) async throws -> (Inspection, UnitRecord) {
        let principal = try request.requirePrincipal()
        guard let raw, let id = Inspection.ID(string: raw),
              let inspection = try await stores.inspections.find(id, shielded: try await shield(request), now: request.now),
              let unit = try await stores.units.find(inspection.unitID) else {
            throw Problem.notFound("Không tìm thấy cuộc kiểm tra.", english: "Inspection not found.")
        }
        try principal.require(permission, on: unit)
        return (inspection, unit)
    }

    /// The units whose feedback the principal handles, and whether they also handle
    /// unassigned feedback (a handleFeedback grant on a root unit: Home Affairs at the province).
    func feedbackScope(_ request: Request) async throws -> (units: [OrgUnit.ID], unassigned: Bool) {
        let roots = try request.requirePrincipal().scopeRoots(for: .handleFeedback)
        var unassigned = false
        for root in roots where try await stores.units.find(root)?.unit.parentID == nil { unassigned = true }
        return (try await stores.units.subtreeIDs(of: roots), unassigned)
    }

    /// The feedback if the principal may act on it (404 / 403 otherwise).
    func handledFeedback(_ raw: String?, request: Request) async throws -> Feedback {
        guard let raw, let id = Feedback.ID(string: raw), let feedback = try await stores.feedback.find(id),
              feedback.state != .unverified else {
            throw Problem.notFound("Không tìm thấy phản ánh.", english: "Feedback not found.")
        }
        let scope = try await feedbackScope(request)
        guard scope.unassigned || feedback.unitID.map(scope.units.contains) == true else { throw Problem.forbidden() }
        return feedback
    }

    func feedbackList(_ request: Request, state: Feedback.State?, overdue: Bool) async throws -> [Feedback] {
        let scope = try await feedbackScope(request)
        guard scope.unassigned || !scope.units.isEmpty else { throw Problem.forbidden() }
        return try await stores.feedback.list(units: scope.unassigned ? nil : scope.units, state: state,
                                                                 overdueAt: overdue ? request.now : nil)
    }

    /// The measures a commitment may name: the 766 indicators, the satisfaction index, the plan's completion.
    func commitmentMetrics(_ request: Request) async throws -> [(id: String, name: String)] {
        let en = Language.of(request) == .en
        let set = try await stores.index.activeSet()
        return set.indicators.map { ($0.id, domainText($0.name, $0.nameEn, en: en)) }
            + [(PlanTarget.satisfaction, Messages.text("oversight-service.satisfaction-index-sipas", en: en)),
               (Commitment.planCompletion, Messages.text("oversight-service.par-plan-completion", en: en))]
            + PersonnelMetric.allCases.map { ($0.rawValue, $0.name(en: en)) }
    }

    /// A ParHub rate (0…1) for a unit's year, this far into it: a Decision 766 indicator, the
    /// satisfaction index (`sipas.overall`) or the plan's completion (`plan.completion`).
    /// Commitments and the PAR index's automatic criteria read it.
    func rate(metric: String, unit: UnitRecord, year: Int, request: Request) async throws -> Double? {
        if let personnel = PersonnelMetric(rawValue: metric) { return try await stores.personnelService.figure(personnel, unit: unit, year: year, request: request) }
        let period = try ReportPeriod(String(year))
        switch metric {
        case Commitment.planCompletion:
            let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
            return try await stores.plans.completion(units: units, year: year, today: VietnamTime.localDate(of: request.now)).rate
        case PlanTarget.satisfaction:
            return try await stores.satisfactionService.view(unit, period: period, by: .none, request: request).result.overall.share
        default:
            return try await stores.indexService.unitIndex(unit, period: period, request: request).results.first { $0.indicator.id == metric }?.rate
        }
    }

    func rate(of commitment: Commitment, unit: UnitRecord, request: Request) async throws -> Double? {
        try await rate(metric: commitment.metric, unit: unit, year: commitment.year, request: request)
    }

    func status(of commitment: Commitment, rate: Double?, request: Request) -> PlanTarget.Status {
        PlanTarget(unitID: commitment.unitID, year: commitment.year, indicatorID: commitment.metric, target: commitment.target)
            .status(rate: rate, yearOver: VietnamTime.localDate(of: request.now) > LocalDate(year: commitment.year, month: 12, day: 31)!)
    }

    /// `YYYY-MM-DD | field | title` lines → follow-ups.
    func followUps(_ text: String) throws -> [FollowUp] {
        try text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: "|", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.allSatisfy(\.isEmpty) { return nil }
            guard parts.count == 3, let deadline = LocalDate(iso: parts[0]), let field = PARField(rawValue: parts[1]) else {
                throw DomainError.invalid("Mỗi dòng: YYYY-MM-DD | lĩnh vực | nhiệm vụ.", english: "Each line: YYYY-MM-DD | field | task.", field: "followUps")
            }
            return FollowUp(title: parts[2], field: field, deadline: deadline)
        }
    }
}

extension Stores {
    /// The `OversightService` feature service, on these stores.
    var oversightService: OversightService { OversightService(stores: self) }
}
