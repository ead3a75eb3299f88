import Foundation
import ParCore
import ParStore
import Vapor

/// Leaders' pages for the service index: a unit's indicators with targets, its trend, the
/// ranking of the units below it, the dossiers behind any number, and the standard one-stop
/// report (printable, CSV, XLSX).
struct IndexPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.index.pattern, use: overview)
        routes.get(Paths.indexUnit.pattern, use: unitPage)
        routes.get(Paths.indexDrill.pattern, use: drill)
        routes.get(Paths.indexReport.pattern, use: report)
        routes.get(Paths.indexReportCSV.pattern, use: reportCSV)
        routes.get(Paths.indexReportXLSX.pattern, use: reportXLSX)
        routes.post(Paths.indexTargets.pattern, use: saveTargets)
    }

    /// The top unit the leader may see.
    @Sendable func overview(_ request: Request) async throws -> Response {
        let top = try await stores.access(request).topUnit(for: .viewIndex)
        return request.redirect(to: Paths.indexUnit.link(top.unit.id) + (request.url.query.map { "?" + $0 } ?? ""))
    }

    static func periodQuery(_ period: ReportPeriod) -> String { "from=\(period.from.iso)&to=\(period.through.iso)" }

    static func period(_ request: Request) throws -> ReportPeriod {
        try IndexService.period(try? request.query.get(String.self, at: "period"), from: try? request.query.get(String.self, at: "from"),
                                to: try? request.query.get(String.self, at: "to"), today: VietnamTime.localDate(of: request.now))
    }

    func unit(_ request: Request, _ permission: Permission = .viewIndex) async throws -> UnitRecord {
        try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), permission)
    }

    // MARK: Unit page

    struct Term: Encodable {
        let label: String
        let value: String
        let link: String?
    }

    struct IndicatorRow: Encodable {
        let id: String
        let group: String
        let name: String
        let numerator: [Term]
        let denominator: [Term]
        let percent: String
        let points: String
        let maxPoints: String
        let threshold: String
        let target: String
        let status: String
        let statusLabel: String
    }

    struct RankLine: Encodable {
        /// The rank, or "—" for a unit without dossiers in the period.
        let rank: String
        let ranked: Bool
        let name: String
        let link: String
        let percent: String
        let onTime: String
        let online: String
    }

    /// The units below `parent` ranked among their own kind, for the leader's page and the public portal:
    /// ranked units first, then those without dossiers in the period, marked as such. Kinds in which no
    /// unit had a dossier (divisions of a department, usually) get no table.
    static func rankGroups(_ parent: UnitRecord, period: ReportPeriod, kinds: [UnitKind], link: (OrgUnit) -> String,
                           stores: Stores, request: Request) async throws -> [RankGroup] {
        let en = Language.of(request) == .en
        func shown(_ value: Double?) -> String { value.map { Format.percent($0, en: en, digits: 2) } ?? "—" }
        return try await stores.indexService.rankings(byKind: kinds, parent, period: period, request: request).compactMap { kind, rows in
            guard rows.contains(where: { $0.rank != nil }) else { return nil }
            return RankGroup(title: kind.name(en: en), rows: rows.map { row in
                RankLine(rank: row.rank.map(String.init) ?? "—", ranked: row.rank != nil, name: row.unit.name, link: link(row.unit),
                         percent: shown(row.percent), onTime: shown(row.onTime), online: shown(row.online))
            })
        }
    }

    struct RankGroup: Encodable {
        let title: String
        let rows: [RankLine]
    }

    struct UnitContext: Encodable {
        let unitName: String
        let periodLabel: String
        let from: String
        let to: String
        let points: String
        let available: String
        let percent: String
        let setVersion: String
        let indicators: [IndicatorRow]
        let chart: String
        let trend: [[String]]
        let rankings: [RankGroup]
        let dashboard: LeaderDashboard
        let worst: [Term]
        let reportLink: String
        let parentLink: String?
        let canEditTargets: Bool
        let targetsAction: String
        let targetYear: Int
        let targetOptions: [TargetOption]
    }

    struct TargetOption: Encodable {
        let id: String
        let name: String
        let value: String
    }

    /// A number as files and machine-read text write it (CSV cells, a criteria set's text): a decimal
    /// point, two decimals at most. Pages use `Format.number`.
    static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    static func statusLabel(_ status: PlanTarget.Status?, en: Bool) -> String {
        switch status {
        case .met: Messages.text("discipline.met", en: en)
        case .atRisk: Messages.text("index-pages.at-risk", en: en)
        case .missed: Messages.text("index-pages.missed", en: en)
        case .notMeasured: Messages.text("index-pages.not-measured", en: en)
        case nil: ""
        }
    }

    func factLabel(_ fact: IndexFact, en: Bool) -> String {
        if let metric = fact.metric { return domainText(metric.vietnamese, metric.rawValue.replacingOccurrences(of: "_", with: " "), en: en) }
        let labels: [IndexFact: String] = [
            .receivedOnline: "index.fact.online", .receivedCounter: "index.fact.at-the-counter",
            .receivedPost: "index.fact.by-post", .openOnTime: "index.fact.open-on-time",
            .openLate: "index.fact.open-overdue", .openPaused: "index.fact.paused-requested-in-time",
            .openPausedLate: "index.fact.paused-requested-late-or-a-second-time",
            .procedures: "index.fact.procedures", .proceduresOnline: "index.fact.procedures-online",
            .proceduresFullOnline: "index.fact.fully-online-procedures",
            .proceduresComplete: "index.fact.procedures-published-in-full",
            .payments: "index.fact.payments", .paymentsOnline: "index.fact.online-payments",
            .negativeRatings: "index.fact.negative-ratings",
            .feedbackReceived: "index.fact.feedback-received",
            .feedbackOverdue: "index.fact.feedback-overdue",
        ]
        return labels[fact].map { Messages.text($0, en: en) } ?? fact.rawValue
    }

    @Sendable func unitPage(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await unit(request)
        let period = try Self.period(request)
        let view = try await stores.indexService.unitIndex(record, period: period, request: request)
        let principal = try request.requirePrincipal()
        let canDrill = principal.may(.viewDossiers, onUnitWithAncestry: record.ancestry)
        let query = Self.periodQuery(period)
        func terms(_ terms: [Indicator.Term]) -> [Term] {
            terms.map { term in
                let value = view.facts[term.fact] ?? 0
                let drillable = canDrill && !(term.fact.rawValue.hasPrefix("procedures") || [.payments, .paymentsOnline, .negativeRatings, .ratings, .feedbackReceived, .feedbackOverdue].contains(term.fact))
                return Term(label: (term.weight < 0 ? "− " : "") + factLabel(term.fact, en: en), value: Format.number(value, en: en),
                            link: drillable ? Paths.indexDrill.link(record.unit.id) + "?fact=\(term.fact.rawValue)&\(query)" : nil)
            }
        }
        let indicators = view.results.map { r in
            IndicatorRow(id: r.indicator.id, group: r.indicator.group.name(en: en),
                         name: domainText(r.indicator.name, r.indicator.nameEn, en: en), numerator: terms(r.indicator.numerator),
                         denominator: terms(r.indicator.denominator), percent: r.percent.map { Format.percent($0, en: en, digits: 2) } ?? "—",
                         points: Format.number(r.points, en: en), maxPoints: Format.number(r.indicator.maxPoints, en: en), threshold: Format.percent(r.indicator.threshold * 100, en: en, digits: 2),
                         target: view.targets[r.indicator.id].map { Format.percent($0.target * 100, en: en, digits: 2) } ?? "",
                         status: view.status(r)?.rawValue ?? "", statusLabel: Self.statusLabel(view.status(r), en: en))
        }
        // Trend: the last twelve months up to the period's end.
        let trendPeriod = try ReportPeriod(from: LocalDate(year: period.through.year, month: period.through.month, day: 1)!.adding(months: -11),
                                           through: period.through)
        var points: [(String, Double?, Double?)] = []
        let index = (await stores.indexForReading)
        let today = VietnamTime.localDate(of: request.now)
        for month in trendPeriod.months {
            let facts = try await index.facts(view.scope, from: month.from, through: month.through, today: today)
            let results = IndexScoring.evaluate(view.set, facts: facts)
            let total = IndexScoring.total(results)
            // A month without dossiers has no index worth plotting (the catalogue alone would show 100%).
            let active = [IndexFact.received, .finishedEarly, .finishedOnTime, .finishedLate].contains { (facts[$0] ?? 0) > 0 }
            points.append((month.from.month.zeroPadded(2) + "/" + (month.from.year % 100).zeroPadded(2),
                           active && total.available > 0 ? total.points / total.available * 100 : nil,
                           results.first { $0.indicator.id == "progress.on_time" }?.percent))
        }
        let chart = TrendChart.svg(points: points, title: Messages.text("index-pages.index-points-of-the-maximum-and-on-time", en: en),
                                   series: [Messages.text("index.series-index", en: en), Messages.text("index.series-on-time", en: en)])
        // Rankings of the units below, by kind.
        let groups = try await Self.rankGroups(record, period: period, kinds: [.department, .commune, .district, .division, .publicServiceUnit],
                                          link: { Paths.indexUnit.link($0.id) + "?\(query)" }, stores: stores, request: request)
        let dashboard = try await LeaderDashboard.build(view, record: record, stores: stores, request: request)
        var worst: [Term] = []
        var names = Names(stores)
        for item in try await index.worstProcedures(view.scope, from: period.from, through: period.through) {
            let name = try await names.procedure(item.procedure)?.name ?? item.procedure.description
            worst.append(Term(label: name, value: "\(item.late) / \(item.finished)",
                              link: canDrill ? Paths.indexDrill.link(record.unit.id) + "?fact=finished_late&procedureId=\(item.procedure)&\(query)" : nil))
        }
        let total = view.total
        let canEdit = principal.may(.editIndex, onUnitWithAncestry: record.ancestry)
        let context = UnitContext(
            unitName: record.unit.name, periodLabel: period.label, from: period.from.iso, to: period.through.iso,
            points: Format.number(total.points, en: en), available: Format.number(total.available, en: en), percent: view.percent.map { Format.percent($0, en: en, digits: 2) } ?? "—",
            setVersion: view.set.version, indicators: indicators, chart: chart,
            trend: points.map { [$0.0, $0.1.map { Format.percent(IndexScoring.round2($0), en: en, digits: 2) } ?? "—", $0.2.map { Format.percent($0, en: en, digits: 2) } ?? "—"] },
            rankings: groups, dashboard: dashboard, worst: worst,
            reportLink: Paths.indexReport.link(record.unit.id) + "?\(query)",
            parentLink: record.unit.parentID.map { Paths.indexUnit.link($0) + "?\(query)" },
            canEditTargets: canEdit, targetsAction: Paths.indexTargets.link(record.unit.id) + "?\(query)", targetYear: period.through.year,
            targetOptions: view.set.indicators.map { TargetOption(id: $0.id, name: domainText($0.name, $0.nameEn, en: en),
                                                                  value: view.targets[$0.id].map { Format.number($0.target * 100, en: en) } ?? "") })
        return try await Page.render("index-unit", title: "\(Messages.text("common.service-index", en: en)) — \(record.unit.name)",
                                     context: context, request: request)
    }

    // MARK: Drill-down

    struct DrillContext: Encodable {
        let unitName: String
        let fact: String
        let periodLabel: String
        let total: Int
        let shown: Int
        let rows: [DrillLine]
        let backLink: String
    }

    struct DrillLine: Encodable {
        let code: String
        let link: String
        let at: String
        let procedure: String
        let state: String
        let channel: String
    }

    @Sendable func drill(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await unit(request)
        guard try request.requirePrincipal().may(.viewDossiers, onUnitWithAncestry: record.ancestry) else { throw Problem.forbidden() }
        let period = try Self.period(request)
        guard let fact = (try? request.query.get(String.self, at: "fact")).flatMap(IndexFact.init(rawValue:)) else {
            throw Problem.badRequest("Không có chỉ tiêu thành phần này.", english: "No such fact.", field: "fact")
        }
        let index = (await stores.indexForReading)
        let today = VietnamTime.localDate(of: request.now)
        let procedure = (try? request.query.get(String.self, at: "procedureId")).flatMap(Procedure.ID.init(string:))
        guard let found = try await index.behind(fact, scope: try await index.scope(record.unit.id), from: period.from,
                                                 through: period.through, today: today, procedure: procedure, limit: 1000) else {
            throw Problem.badRequest(IndexService.notListable.vi, english: IndexService.notListable.en, field: "fact")
        }
        var names = Names(stores)
        var rows: [DrillLine] = []
        for row in found.rows {
            rows.append(DrillLine(code: row.dossier.code, link: Paths.dossier.link(row.dossier.id), at: LocalTime.format(row.at),
                                  procedure: try await names.procedure(row.dossier.procedureID)?.name ?? "",
                                  state: row.dossier.state.name(en: en),
                                  channel: DossierPages.channelLabel(row.dossier.channel, en: en)))
        }
        return try await Page.render("index-drill", title: factLabel(fact, en: en),
                                     context: DrillContext(unitName: record.unit.name, fact: factLabel(fact, en: en), periodLabel: period.label,
                                                           total: found.total, shown: rows.count, rows: rows,
                                                           backLink: Paths.indexUnit.link(record.unit.id) + "?\(Self.periodQuery(period))"),
                                     request: request)
    }

    // MARK: Targets

    @Sendable func saveTargets(_ request: Request) async throws -> Response {
        let record = try await unit(request, .editIndex)
        let form = try request.content.decode([String: String].self)
        guard let year = form["year"].flatMap(Int.init) else {
            throw Problem(DomainError.invalid("Cần năm.", english: "The year is required.", field: "year"))
        }
        let index = stores.index
        for indicator in try await index.activeSet().indicators {
            guard let raw = form["target." + indicator.id] else { continue }
            let text = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            let value: Double? = text.isEmpty ? nil : Double(text)
            if !text.isEmpty, value == nil {
                throw Problem(DomainError.invalid("Chỉ tiêu phải là số phần trăm.", english: "A target is a percentage.", field: "target.\(indicator.id)"))
            }
            let existing = try await index.targets(unit: record.unit.id, year: year).first { $0.indicatorID == indicator.id }?.target
            let target = value.map { $0 / 100 }
            if existing != target {
                try await index.setTarget(unit: record.unit.id, year: year, indicatorID: indicator.id, target: target,
                                          actor: request.auditActor, now: request.now)
            }
        }
        return request.redirect(to: Paths.indexUnit.link(record.unit.id) + (request.url.query.map { "?" + $0 } ?? ""))
    }
}
