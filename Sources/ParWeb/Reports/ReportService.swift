import Foundation
import ParCore
import ParStore
import Vapor

/// The report drafts' service, called by their pages and their API handlers alike: which reports a
/// caller sees (viewPlans on the unit's subtree), starting a draft (editPlans), loading one with its
/// figures (live while a draft, frozen once final), writing its narrative and finalising it.
struct ReportService {
    let stores: Stores

    /// The reports of the units the caller may see, newest first.
    func visible(_ request: Request) async throws -> [ParReport] {
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.viewPlans) else { throw Problem.forbidden() }
        let units = try await stores.units.subtreeIDs(of: principal.scopeRoots(for: .viewPlans))
        return try await stores.reports.list(units: units)
    }

    /// Starts a draft for `unitID` over `period` (a year, quarter, month or day); without a title, the usual one.
    func create(unitID: String?, period raw: String?, title: String?, request: Request) async throws -> ParReport {
        let unit = try await stores.access(request).authorizedUnit(unitID, .editPlans)
        let period = try IndexService.period(raw, from: nil, to: nil, today: VietnamTime.localDate(of: request.now))
        let title = title.flatMap { $0.isEmpty ? nil : $0 } ?? "Báo cáo công tác cải cách hành chính \(period.label) — \(unit.unit.name)"
        return try await stores.reports.create(unit: unit.unit.id, period: period, title: title,
                                                                 actor: request.auditActor, now: request.now)
    }

    /// The report if the caller holds `permission` on its unit (404 when unknown, 403 when not theirs).
    func find(_ raw: String?, _ permission: Permission, request: Request) async throws -> (ParReport, UnitRecord) {
        guard let id = ParReport.ID(string: raw ?? ""), let report = try await stores.reports.find(id) else {
            throw Problem.notFound("Không tìm thấy báo cáo.", english: "Report not found.")
        }
        return (report, try await stores.access(request).authorizedUnit(report.unitID.description, permission))
    }

    /// The report if the caller may see it, with its unit and its figures (frozen or live).
    func load(_ raw: String?, request: Request) async throws -> (ParReport, UnitRecord, [ReportFigure]) {
        let (report, unit) = try await find(raw, .viewPlans, request: request)
        return (report, unit, try await figures(report, unit: unit, request: request))
    }

    /// A report's figures: frozen in a final report, computed live for a draft.
    func figures(_ report: ParReport, unit: UnitRecord, request: Request) async throws -> [ReportFigure] {
        if let frozen = report.figures { return frozen }
        return try await stores.reportFigures.compute(unit, period: try ReportPeriod(from: report.from, through: report.through), request: request)
    }

    /// Writes the narrative (field → part → text) of a draft the caller may edit, at `expectedVersion`.
    func write(_ raw: String?, narrative: [String: [String: String]], expectedVersion: Int?, request: Request) async throws -> ParReport {
        let (report, _) = try await find(raw, .editPlans, request: request)
        return try await stores.reports.write(report.id, expectedVersion: expectedVersion, narrative: narrative,
                                                                actor: request.auditActor, now: request.now)
    }

    /// Finalises a report the caller may edit, freezing its figures as they stand now.
    func finalise(_ raw: String?, expectedVersion: Int?, request: Request) async throws -> ParReport {
        let (report, unit) = try await find(raw, .editPlans, request: request)
        return try await stores.reports.finalise(report.id, expectedVersion: expectedVersion,
                                                                   figures: try await figures(report, unit: unit, request: request),
                                                                   actor: request.auditActor, now: request.now)
    }
}

extension Stores {
    /// The `ReportService` feature service, on these stores.
    var reportService: ReportService { ReportService(stores: self) }
}
