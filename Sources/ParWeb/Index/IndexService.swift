import Foundation
import ParCore
import ParStore
import Vapor

/// A unit's index for a period: the indicators evaluated on its subtree's facts, with the
/// year's plan targets. Shared by the API and the pages.
struct UnitIndexView: Sendable {
    let unit: OrgUnit
    let scope: IndexScope
    let period: ReportPeriod
    let set: IndicatorSet
    let facts: [IndexFact: Double]
    let results: [IndicatorResult]
    let targets: [String: PlanTarget]
    let yearOver: Bool

    var total: (points: Double, available: Double) { IndexScoring.total(results) }

    /// Points as a share of the points that could be measured.
    var percent: Double? {
        let total = total
        return total.available > 0 ? IndexScoring.round2(total.points / total.available * 100) : nil
    }

    func status(_ result: IndicatorResult) -> PlanTarget.Status? {
        targets[result.indicator.id]?.status(rate: result.rate, yearOver: yearOver)
    }
}

/// A unit's line in a ranking.
struct RankRow: Sendable {
    /// nil: the unit had no dossiers in the period and is listed after the ranked ones.
    let rank: Int?
    let unit: OrgUnit
    let points: Double
    let available: Double
    let percent: Double?
    let onTime: Double?
    let online: Double?
}

struct IndexService {
    let stores: Stores

    /// Why a fact has no list of dossiers behind it.
    static let notListable = (vi: "Chỉ tiêu này không có danh sách hồ sơ: nó lấy từ danh mục thủ tục, hoặc là hồ sơ đang giải quyết vào cuối một kỳ đã qua (chỉ có số liệu).",
                              en: "This fact has no list of dossiers: it comes from the catalogue, or counts the dossiers open at the end of a past period (a count only).")

    /// `period=2026|2026-Q3|2026-11|2026-11-26`, or `from`/`to`; this year by default.
    static func period(_ text: String?, from: String?, to: String?, today: LocalDate) throws -> ReportPeriod {
        do {
            if let from, let to {
                guard let start = LocalDate(iso: from), let end = LocalDate(iso: to) else {
                    throw DomainError.invalid("Ngày không hợp lệ (YYYY-MM-DD).", english: "Not a valid date (YYYY-MM-DD).", field: "from")
                }
                guard start.days(to: end) <= 366 * 10 else {
                    throw DomainError.invalid("Kỳ báo cáo tối đa 10 năm.", english: "A period is at most 10 years.", field: "to")
                }
                return try ReportPeriod(from: start, through: end)
            }
            return try ReportPeriod(text.flatMap { $0.isEmpty ? nil : $0 } ?? String(today.year))
        } catch let error as DomainError {
            throw Problem(status: .badRequest, detail: error.message, detailEn: error.english,
                          errors: error.field.map { [.init(field: $0, message: error.message, messageEn: error.english)] })
        }
    }

    func unitIndex(_ unit: UnitRecord, period: ReportPeriod, procedure: Procedure.ID? = nil,
                          request: Request) async throws -> UnitIndexView {
        let index = (await stores.indexForReading)
        let today = VietnamTime.localDate(of: request.now)
        let scope = try await index.scope(unit.unit.id)
        let facts = try await index.facts(scope, from: period.from, through: period.through, today: today, procedure: procedure)
        let set = try await index.activeSet()
        let year = period.through.year
        let targets = try await index.targets(unit: unit.unit.id, year: year)
        return UnitIndexView(unit: unit.unit, scope: scope, period: period, set: set, facts: facts, results: IndexScoring.evaluate(set, facts: facts),
                             targets: Dictionary(targets.map { ($0.indicatorID, $0) }, uniquingKeysWith: { a, _ in a }),
                             yearOver: today > LocalDate(year: year, month: 12, day: 31)!)
    }

    /// The current units directly below `parent` (optionally of one kind): those with dossiers in the
    /// period ranked best first, then the others, unranked (`IndexRanking`).
    func ranking(_ parent: UnitRecord, kind: UnitKind?, period: ReportPeriod, request: Request) async throws -> [RankRow] {
        let (children, facts, set) = try await rankingInputs(parent, period: period, request: request)
        return rows(children.filter { kind == nil || $0.kind == kind }, facts: facts, set: set)
    }

    /// The units directly below `parent` ranked among their own kind (departments with departments,
    /// communes with communes), in `kinds` order; kinds without units are left out.
    func rankings(byKind kinds: [UnitKind], _ parent: UnitRecord, period: ReportPeriod,
                         request: Request) async throws -> [(kind: UnitKind, rows: [RankRow])] {
        let (children, facts, set) = try await rankingInputs(parent, period: period, request: request)
        return kinds.compactMap { kind in
            let units = children.filter { $0.kind == kind }
            return units.isEmpty ? nil : (kind, rows(units, facts: facts, set: set))
        }
    }

    private func rankingInputs(_ parent: UnitRecord, period: ReportPeriod,
                                      request: Request) async throws -> ([OrgUnit], [OrgUnit.ID: IndexFacts], IndicatorSet) {
        let today = VietnamTime.localDate(of: request.now)
        let children = try await stores.units.children(of: parent.unit.id).filter { $0.validTo.map { $0 >= period.from } ?? true }
        let index = (await stores.indexForReading)
        let facts = try await index.facts(ofRoots: children.map { ($0.id, $0.kind == .commune || $0.kind == .district) },
                                          childrenOf: parent.unit.id, period: period, today: today)
        return (children, facts, try await index.activeSet())
    }

    private func rows(_ units: [OrgUnit], facts: [OrgUnit.ID: IndexFacts], set: IndicatorSet) -> [RankRow] {
        IndexRanking.rank(units.map { (subject: $0, name: $0.name, facts: facts[$0.id] ?? IndexFacts()) }, set: set).map { line in
            func percent(_ id: String) -> Double? { line.results.first { $0.indicator.id == id }?.percent }
            return RankRow(rank: line.rank, unit: line.subject, points: line.points, available: line.maximum, percent: line.percent,
                           onTime: percent("progress.on_time"), online: percent("online.dossiers"))
        }
    }
}

/// The dossiers of a subtree overdue now: where they wait (unit, step) and the longest overdue ones
/// with their working days late. The dashboard and `getUnitOverdue` read it.
struct OverdueView: Sendable {
    struct Line: Sendable {
        let dossier: Dossier
        let workingDaysLate: Int
    }

    let total: Int
    /// The units holding the most, most first, then by unit name (Vietnamese order).
    let byHolder: [(unit: OrgUnit.ID, name: String, count: Int)]
    let byState: [(state: DossierState, count: Int)]
    /// The longest overdue first; empty unless the reader may see the dossiers.
    let lines: [Line]
}

extension IndexService {
    /// `holders`: how many of the units holding the most to name; `limit`: how many dossiers to list.
    func overdue(_ scope: IndexScope, holders: Int, listing limit: Int, request: Request) async throws -> OverdueView {
        let index = stores.index
        let today = VietnamTime.localDate(of: request.now)
        let summary = try await index.overdueSummary(scope, today: today, holders: holders)
        let total = summary.total
        var names = Names(stores)
        var unitNames: [OrgUnit.ID: String] = [:]
        for id in summary.byHolder.keys { unitNames[id] = try await names.unit(id) }
        let byHolder = Overdue.byHolder(summary) { VietnameseText.precedes(unitNames[$0] ?? "", unitNames[$1] ?? "") }
        var lines: [OverdueView.Line] = []
        if limit > 0, total > 0 {
            let calendar = try await stores.calendar.calendar()
            lines = try await index.longestOverdue(scope, today: today, limit: limit).map {
                .init(dossier: $0, workingDaysLate: Overdue.workingDaysLate(due: $0.dueAt, now: request.now, calendar: calendar))
            }
        }
        return OverdueView(total: total, byHolder: byHolder.map { ($0.holder, unitNames[$0.holder] ?? "", $0.count) },
                           byState: Overdue.byState(summary), lines: lines)
    }
}

extension Stores {
    /// The `IndexService` feature service, on these stores.
    var indexService: IndexService { IndexService(stores: self) }
}
