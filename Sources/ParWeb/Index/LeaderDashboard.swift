import Foundation
import ParCore
import ParStore
import Vapor

/// A leader's first screen, on their home page and at the top of the service index: the four figures
/// that matter (the index, overdue now, on time, online) with their targets and the change from the
/// same period a year earlier, then where the overdue dossiers wait — by unit and by step — and the
/// longest overdue ones with their days late. Everything comes from the roll-ups and the open gauge
/// (`IndexRepository.overdueSummary`, `longestOverdue`), so it costs what the index page costs.
struct LeaderDashboard: Encodable {
    struct Figure: Encodable {
        let id: String
        let label: String
        let value: String
        let target: String?
        /// `met`, `at_risk`, `missed`, `not_measured` or empty: the tag's colour, always with `statusLabel`.
        let status: String
        let statusLabel: String
        /// The change from the same period a year earlier, in percentage points, with its sign.
        let change: String?
    }

    /// A labelled count with a bar as wide as its share of the largest (in steps of 5 %, a CSS class
    /// `w5` … `w100`: the content security policy allows no inline style).
    struct Bar: Encodable {
        let label: String
        let count: String
        let width: Int
    }

    struct Line: Encodable {
        let code: String
        let link: String
        let procedure: String
        let holder: String
        let step: String
        let due: String
        let daysLate: Int
    }

    let unitName: String
    let periodLabel: String
    let figures: [Figure]
    let byUnit: [Bar]
    let byStep: [Bar]
    let overdue: [Line]
    let overdueTotal: Int
    /// The drill-down of every overdue dossier, for a reader who may see dossiers.
    let allLink: String?
    let indexLink: String

    static let shownOverdue = 10

    static func build(_ view: UnitIndexView, record: UnitRecord, stores: Stores, request: Request) async throws -> LeaderDashboard {
        let en = Language.of(request) == .en
        let index = stores.index
        let today = VietnamTime.localDate(of: request.now)
        let canDrill = try request.requirePrincipal().may(.viewDossiers, onUnitWithAncestry: record.ancestry)
        // The same days a year earlier (29 February falls back to the 28th).
        let before = try ReportPeriod(from: view.period.from.adding(months: -12), through: view.period.through.adding(months: -12))
        let earlier = IndexScoring.evaluate(view.set, facts: try await index.facts(view.scope, from: before.from, through: before.through, today: today))
        let earlierTotal = IndexScoring.total(earlier)
        func percent(_ results: [IndicatorResult], _ id: String) -> Double? { results.first { $0.indicator.id == id }?.percent }
        func change(_ now: Double?, _ then: Double?) -> String? {
            guard let now, let then else { return nil }
            return Messages.text("dashboard.change", en: en, ["points": Format.change(now - then, en: en)])
        }
        func rated(_ id: String, label: String) -> Figure {
            let result = view.results.first { $0.indicator.id == id }
            let status = result.flatMap { view.status($0) }
            return Figure(id: id, label: label, value: Format.percent(result?.percent, en: en),
                          target: view.targets[id].map { Format.percent($0.target * 100, en: en) },
                          status: status?.rawValue ?? "", statusLabel: IndexPages.statusLabel(status, en: en),
                          change: change(result?.percent, percent(earlier, id)))
        }
        let overdue = try await stores.indexService.overdue(view.scope, holders: shownOverdue, listing: canDrill ? shownOverdue : 0, request: request)
        let overdueTotal = overdue.total
        let earlierPercent = earlierTotal.available > 0 ? earlierTotal.points / earlierTotal.available * 100 : nil
        let figures = [
            Figure(id: "index", label: Messages.text("dashboard.index", en: en), value: Format.percent(view.percent, en: en),
                   target: nil, status: "", statusLabel: "", change: change(view.percent, earlierPercent)),
            Figure(id: "overdue", label: Messages.text("dashboard.overdue-now", en: en), value: Format.count(overdueTotal, en: en),
                   target: nil, status: overdueTotal > 0 ? "missed" : "met",
                   statusLabel: Messages.text(overdueTotal > 0 ? "dashboard.needs-action" : "dashboard.none-overdue", en: en), change: nil),
            rated("progress.on_time", label: Messages.text("dashboard.on-time", en: en)),
            rated("online.dossiers", label: Messages.text("dashboard.online", en: en)),
        ]

        func bars(_ items: [(label: String, count: Int)]) -> [Bar] {
            let most = max(1, items.map(\.count).max() ?? 1)
            return items.map { Bar(label: $0.label, count: Format.count($0.count, en: en), width: max(5, ($0.count * 100 / most + 2) / 5 * 5)) }
        }
        var names = Names(stores)
        var lines: [Line] = []
        for line in overdue.lines {
            let d = line.dossier
            lines.append(Line(code: d.code, link: Paths.dossier.link(d.id), procedure: try await names.procedure(d.procedureID)?.name ?? "",
                              holder: try await names.unit(d.holderUnitID), step: d.state.name(en: en), due: LocalTime.format(d.dueAt),
                              daysLate: line.workingDaysLate))
        }
        let query = IndexPages.periodQuery(view.period)
        return LeaderDashboard(
            unitName: record.unit.name, periodLabel: view.period.label, figures: figures,
            byUnit: bars(overdue.byHolder.map { ($0.name, $0.count) }),
            byStep: bars(overdue.byState.map { ($0.state.name(en: en), $0.count) }),
            overdue: lines, overdueTotal: overdueTotal,
            allLink: canDrill && overdueTotal > 0 ? Paths.indexDrill.link(record.unit.id) + "?fact=open_late&from=\(today.iso)&to=\(today.iso)" : nil,
            indexLink: Paths.indexUnit.link(record.unit.id) + "?\(query)")
    }
}
