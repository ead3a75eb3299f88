import Foundation
import ParCore
import ParStore
import Vapor

/// The satisfaction index for leaders and PAR officers: a unit's index by aspect with margins
/// and its target, broken down by unit, field, procedure, channel or survey method; the
/// improvements most asked for; the comments (without names); CSV/XLSX; targets; and the
/// questionnaire editor.
struct SatisfactionPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.satisfaction.pattern, use: overview)
        routes.get(Paths.satisfactionUnit.pattern, use: unitPage)
        routes.get(Paths.satisfactionComments.pattern, use: comments)
        routes.get(Paths.satisfactionCSV.pattern, use: exportCSV)
        routes.get(Paths.satisfactionXLSX.pattern, use: exportXLSX)
        routes.post(Paths.satisfactionTargets.pattern, use: saveTarget)
        routes.get(Paths.questionnaire.pattern, use: questionnaire)
        routes.post(Paths.questionnaire.pattern, use: publishQuestionnaire)
    }

    @Sendable func overview(_ request: Request) async throws -> Response {
        let top = try await stores.access(request).topUnit(for: .viewSatisfaction)
        return request.redirect(to: Paths.satisfactionUnit.link(top.unit.id) + (request.url.query.map { "?" + $0 } ?? ""))
    }

    func load(_ request: Request) async throws -> (UnitRecord, SatisfactionView) {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewSatisfaction)
        let period = try IndexPages.period(request)
        let by = try stores.satisfactionService.breakdown(try? request.query.get(String.self, at: "by"))
        return (record, try await stores.satisfactionService.view(record, period: period, by: by, request: request))
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct AspectLine: Encodable {
        let name: String
        let value: String
        let n: Int
    }

    struct BreakdownLine: Encodable {
        let label: String
        let link: String?
        let cells: [String]
    }

    struct Expectation: Encodable {
        let aspect: String
        let text: String
        let count: Int
    }

    struct UnitContext: Encodable {
        let unitName: String
        let periodLabel: String
        let from: String
        let to: String
        let by: [Option]
        let responses: Int
        let overall: String
        let aggregation: String
        let target: String
        let status: String
        let statusLabel: String
        let aspects: [AspectLine]
        let chart: String
        let header: [String]
        let rows: [BreakdownLine]
        let expectations: [Expectation]
        let commentsLink: String
        let csvLink: String
        let xlsxLink: String
        let indexLink: String
        let parentLink: String?
        let canEdit: Bool
        let targetAction: String
        let targetYear: Int
        let targetValue: String
        let counterRatings: [Expectation]
        let counterSatisfied: String
    }

    func breakdownLabel(_ b: SatisfactionRepository.Breakdown, en: Bool) -> String {
        switch b {
        case .none: Messages.text("satisfaction-pages.no-breakdown", en: en)
        case .unit: Messages.text("satisfaction-pages.by-unit", en: en)
        case .field: Messages.text("ui.byField", en: en)
        case .procedure: Messages.text("satisfaction-pages.by-procedure", en: en)
        case .channel: Messages.text("satisfaction-pages.by-submission-channel", en: en)
        case .method: Messages.text("satisfaction-pages.by-survey-method", en: en)
        }
    }

    @Sendable func unitPage(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let (record, view) = try await load(request)
        let principal = try request.requirePrincipal()
        let query = IndexPages.periodQuery(view.period)
        let scope = try await stores.index.scope(record.unit.id)
        let questionnaire = view.questionnaire
        func choiceText(_ aspect: SipasAspect, _ id: String) -> String {
            questionnaire.section(aspect)?.expectations.first { $0.id == id }?.text.text(en: en) ?? id
        }
        let expectations = try await stores.satisfaction.expectations(scope, from: view.period.from, through: view.period.through)
            .prefix(10).map { Expectation(aspect: $0.aspect.name(en: en), text: choiceText($0.aspect, $0.choice), count: $0.count) }
        let table = stores.satisfactionService.table(view, en: en)
        let rows = view.rows.enumerated().map { i, row in
            BreakdownLine(label: row.label, link: view.breakdown == .unit && row.key != record.unit.id.description
                            ? Paths.satisfactionUnit.link(row.key) + "?\(query)&by=unit" : nil,
                          cells: Array(table[i + 2].dropFirst()))
        }
        let counter = try await stores.centres.ratingTotals(units: scope.units, from: view.period.from, through: view.period.through)
        let bars = [(Messages.text("portal-satisfaction.overall", en: en), view.result.overall)]
            + SipasAspect.allCases.map { ($0.name(en: en), view.result.aspects[$0] ?? SatisfactionFigure.none) }
        let context = UnitContext(
            unitName: record.unit.name, periodLabel: view.period.label, from: view.period.from.iso, to: view.period.through.iso,
            by: SatisfactionRepository.Breakdown.allCases.map { Option(value: $0.rawValue, label: breakdownLabel($0, en: en), selected: $0 == view.breakdown) },
            responses: view.result.responses, overall: stores.satisfactionService.shown(view.result.overall, en: en),
            aggregation: view.questionnaire.aggregation == .meanOfAspects
                ? (Messages.text("satisfaction-pages.mean-of-the-five-aspects", en: en))
                : (Messages.text("satisfaction-pages.the-overall-question", en: en)),
            target: view.target.map { Format.percent($0.target * 100, en: en, digits: 2) } ?? "",
            status: view.status?.rawValue ?? "", statusLabel: IndexPages.statusLabel(view.status, en: en),
            aspects: SipasAspect.allCases.map { aspect in
                let figure = view.result.aspects[aspect] ?? SatisfactionFigure.none
                return AspectLine(name: aspect.name(en: en), value: stores.satisfactionService.shown(figure, en: en), n: figure.n)
            },
            chart: SatisfactionChart.svg(bars: bars, target: view.target.map { $0.target * 100 },
                                         title: Messages.text("satisfaction-pages.satisfaction-by-aspect-satisfied-95", en: en), en: en),
            header: Array(table[0].dropFirst()), rows: rows, expectations: Array(expectations),
            commentsLink: Paths.satisfactionComments.link(record.unit.id) + "?\(query)",
            csvLink: Paths.satisfactionCSV.link(record.unit.id) + "?\(query)&by=\(view.breakdown.rawValue)",
            xlsxLink: Paths.satisfactionXLSX.link(record.unit.id) + "?\(query)&by=\(view.breakdown.rawValue)",
            indexLink: Paths.indexUnit.link(record.unit.id) + "?\(query)",
            parentLink: record.unit.parentID.map { Paths.satisfactionUnit.link($0) + "?\(query)" },
            canEdit: principal.may(.runSurveys, onUnitWithAncestry: record.ancestry),
            targetAction: Paths.satisfactionTargets.link(record.unit.id) + "?\(query)", targetYear: view.period.through.year,
            targetValue: view.target.map { Format.number($0.target * 100, en: en) } ?? "",
            counterRatings: counter.total == 0 ? [] : CounterRatingLevel.allCases.map {
                Expectation(aspect: "", text: $0.name(en: en), count: counter.counts[$0, default: 0])
            },
            counterSatisfied: counter.satisfiedPercent.map { Format.percent($0, en: en, digits: 2) } ?? "")
        return try await Page.render("satisfaction-unit", title: "\(Messages.text("base.satisfaction", en: en)) — \(record.unit.name)",
                                     context: context, request: request)
    }

    // MARK: Comments

    struct CommentLine: Encodable {
        let at: String
        let unit: String
        let procedure: String
        let method: String
        let overall: String
        let text: String
    }

    struct CommentsContext: Encodable {
        let unitName: String
        let periodLabel: String
        let comments: [CommentLine]
        let backLink: String
    }

    @Sendable func comments(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewSatisfaction)
        let period = try IndexPages.period(request)
        let scope = try await stores.index.scope(record.unit.id)
        var names = Names(stores)
        var lines: [CommentLine] = []
        for c in try await stores.satisfaction.comments(scope, from: period.from, through: period.through) {
            lines.append(CommentLine(at: LocalTime.format(VietnamTime.localDate(of: c.answeredAt)), unit: try await names.unit(c.unitID),
                                     procedure: try await names.procedure(c.procedureID)?.name ?? "",
                                     method: c.method.name(en: en),
                                     overall: c.overall.map { $0.name(en: en) } ?? "—", text: c.text))
        }
        return try await Page.render("satisfaction-comments", title: Messages.text("common.citizens-comments", en: en),
                                     context: CommentsContext(unitName: record.unit.name, periodLabel: period.label, comments: lines,
                                                              backLink: Paths.satisfactionUnit.link(record.unit.id) + "?\(IndexPages.periodQuery(period))"),
                                     request: request)
    }

    // MARK: Exports

    func fileName(_ view: SatisfactionView, _ ext: String) -> String {
        "hai-long-\(view.unit.code)-\(view.period.from.iso)-\(view.period.through.iso).\(ext)"
    }

    @Sendable func exportCSV(_ request: Request) async throws -> Response {
        let (_, view) = try await load(request)
        return TableExport.csv(stores.satisfactionService.table(view, en: Language.of(request) == .en), name: fileName(view, "csv"))
    }

    @Sendable func exportXLSX(_ request: Request) async throws -> Response {
        let (_, view) = try await load(request)
        return TableExport.xlsx(stores.satisfactionService.table(view, en: Language.of(request) == .en), sheet: "SIPAS",
                                name: fileName(view, "xlsx"), numbers: true)
    }

    // MARK: Targets

    @Sendable func saveTarget(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .runSurveys)
        let form = try request.content.decode([String: String].self)
        guard let year = form["year"].flatMap(Int.init) else {
            throw Problem(DomainError.invalid("Cần năm.", english: "The year is required.", field: "year"))
        }
        let text = (form["target"] ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        let value = text.isEmpty ? nil : Double(text)
        guard text.isEmpty || value != nil else {
            throw Problem(DomainError.invalid("Chỉ tiêu phải là số phần trăm.", english: "A target is a percentage.", field: "target"))
        }
        try await stores.index.setTarget(unit: record.unit.id, year: year, indicatorID: PlanTarget.satisfaction,
                                                            target: value.map { $0 / 100 }, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.satisfactionUnit.link(record.unit.id) + (request.url.query.map { "?" + $0 } ?? ""))
    }

    // MARK: Questionnaire

    struct SectionEdit: Encodable {
        let aspect: String
        let title: String
        let satisfactionVi: String
        let satisfactionEn: String
        let perceptions: String
        let expectations: String
    }

    struct QuestionnaireContext: Encodable {
        let version: String
        let name: String
        let currentVersion: String
        let aggregations: [Option]
        let maxExpectations: Int
        let sections: [SectionEdit]
        let overallVi: String
        let overallEn: String
        let freeTextVi: String
        let freeTextEn: String
        let canEdit: Bool
        let errors: [FormError]?
    }

    static func lines(_ items: [Questionnaire.Item]) -> String {
        items.map { "\($0.id) | \($0.text.vi) | \($0.text.en)" }.joined(separator: "\n")
    }

    /// `id | Vietnamese | English`, one per line.
    func items(_ text: String, field: String) throws -> [Questionnaire.Item] {
        try text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.allSatisfy(\.isEmpty) { return nil }
            guard parts.count >= 2 else {
                throw DomainError.invalid("Mỗi dòng: mã | tiếng Việt | tiếng Anh.", english: "Each line: id | Vietnamese | English.", field: field)
            }
            return Questionnaire.Item(parts[0], parts[1], parts.count > 2 ? parts[2] : "")
        }
    }

    func renderQuestionnaire(_ q: Questionnaire, current: String, form: [String: String]? = nil, errors: [FormError]? = nil,
                                    request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let principal = try request.requirePrincipal()
        func value(_ key: String, _ fallback: String) -> String { form?[key] ?? fallback }
        let context = QuestionnaireContext(
            version: value("version", ""), name: value("name", q.name), currentVersion: current,
            aggregations: Questionnaire.Aggregation.allCases.map {
                Option(value: $0.rawValue, label: $0 == .meanOfAspects ? (Messages.text("satisfaction-pages.mean-of-the-five-aspects-2", en: en))
                                                                      : (Messages.text("satisfaction-pages.the-overall-question-2", en: en)),
                       selected: value("aggregation", q.aggregation.rawValue) == $0.rawValue)
            },
            maxExpectations: Int(value("maxExpectations", String(q.maxExpectations))) ?? q.maxExpectations,
            sections: q.sections.map { s in
                let a = s.aspect.rawValue
                return SectionEdit(aspect: a, title: s.aspect.name(en: en),
                                   satisfactionVi: value("\(a)-sat-vi", s.satisfaction.vi), satisfactionEn: value("\(a)-sat-en", s.satisfaction.en),
                                   perceptions: value("\(a)-perceptions", Self.lines(s.perceptions)), expectations: value("\(a)-expectations", Self.lines(s.expectations)))
            },
            overallVi: value("overall-vi", q.overall.vi), overallEn: value("overall-en", q.overall.en),
            freeTextVi: value("free-vi", q.freeText.vi), freeTextEn: value("free-en", q.freeText.en),
            canEdit: principal.mayAnywhere(.runSurveys), errors: errors)
        return try await Page.render("questionnaire", title: Messages.text("satisfaction-pages.satisfaction-questionnaire", en: en),
                                     context: context, request: request, failed: errors != nil)
    }

    @Sendable func questionnaire(_ request: Request) async throws -> Response {
        guard try request.requirePrincipal().mayAnywhere(.viewSatisfaction) else { throw Problem.forbidden() }
        let q = try await stores.satisfaction.activeQuestionnaire()
        return try await renderQuestionnaire(q, current: q.version, request: request)
    }

    @Sendable func publishQuestionnaire(_ request: Request) async throws -> Response {
        guard try request.requirePrincipal().mayAnywhere(.runSurveys) else { throw Problem.forbidden() }
        let repository = stores.satisfaction
        let current = try await repository.activeQuestionnaire()
        let form = try request.content.decode([String: String].self)
        do {
            func text(_ key: String) -> String { form[key] ?? "" }
            guard let aggregation = Questionnaire.Aggregation(rawValue: text("aggregation")), let max = Int(text("maxExpectations")) else {
                throw DomainError.invalid("Chọn cách tính chỉ số chung và số mong đợi.", english: "Choose the aggregation and the number of expectations.", field: "aggregation")
            }
            let q = Questionnaire(
                version: text("version").trimmingCharacters(in: .whitespaces), name: text("name"),
                sections: try SipasAspect.allCases.map { aspect in
                    let a = aspect.rawValue
                    return Questionnaire.Section(aspect: aspect, perceptions: try items(text("\(a)-perceptions"), field: "\(a)-perceptions"),
                                                 satisfaction: BilingualText(text("\(a)-sat-vi"), text("\(a)-sat-en")),
                                                 expectations: try items(text("\(a)-expectations"), field: "\(a)-expectations"))
                },
                overall: BilingualText(text("overall-vi"), text("overall-en")), freeText: BilingualText(text("free-vi"), text("free-en")),
                aggregation: aggregation, maxExpectations: max)
            try await repository.publish(q, actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderQuestionnaire(current, current: current.version, form: form, errors: errors, request: request)
        }
        return request.redirect(to: Paths.questionnaire.rawValue)
    }
}

/// Horizontal bars (accessible SVG with a title and description; the numbers are in the
/// table next to it): one bar per figure, its 95% margin as a whisker, the target as a line.
enum SatisfactionChart {
    static func svg(bars: [(String, SatisfactionFigure)], target: Double?, title: String, en: Bool) -> String {
        let width = 640.0, left = 250.0, right = 20.0, rowH = 30.0, top = 10.0
        let height = top + rowH * Double(bars.count) + 30
        let plotW = width - left - right
        func x(_ percent: Double) -> Double { left + plotW * min(max(percent, 0), 100) / 100 }
        let escape = XLSXWriter.escape
        var parts = [##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(Int(width)) \##(Int(height))" width="100%" role="img" aria-labelledby="bars-title bars-desc" class="chart bars">"##,
                     ##"<title id="bars-title">\##(escape(title))</title><desc id="bars-desc">\##(escape(bars.map { "\($0.0): \($0.1.percent.map { Format.percent($0, en: en, digits: 2) } ?? "—")" }.joined(separator: "; ")))</desc>"##]
        for tick in stride(from: 0.0, through: 100.0, by: 25.0) {
            parts.append(##"<line x1="\##(x(tick))" x2="\##(x(tick))" y1="\##(top)" y2="\##(height - 25)" stroke="#ccc"/>"##)
            parts.append(##"<text x="\##(x(tick))" y="\##(height - 10)" font-size="11" text-anchor="middle" fill="#333">\##(Int(tick))%</text>"##)
        }
        for (i, bar) in bars.enumerated() {
            let y = top + rowH * Double(i)
            parts.append(##"<text x="\##(left - 8)" y="\##(y + 19)" font-size="12" text-anchor="end" fill="#0b0c0c">\##(escape(bar.0))</text>"##)
            guard let percent = bar.1.percent else {
                parts.append(##"<text x="\##(left + 4)" y="\##(y + 19)" font-size="12" fill="#333">n/a</text>"##)
                continue
            }
            parts.append(##"<rect x="\##(left)" y="\##(y + 6)" width="\##(String(format: "%.1f", x(percent) - left))" height="18" fill="\##(i == 0 ? "#8a1538" : "#1d4f91")"/>"##)
            if let margin = bar.1.marginPercent, margin > 0 {
                parts.append(##"<line x1="\##(String(format: "%.1f", x(percent - margin)))" x2="\##(String(format: "%.1f", x(percent + margin)))" y1="\##(y + 15)" y2="\##(y + 15)" stroke="#0b0c0c" stroke-width="2"/>"##)
            }
        }
        if let target {
            parts.append(##"<line x1="\##(x(target))" x2="\##(x(target))" y1="\##(top)" y2="\##(height - 25)" stroke="#b58105" stroke-width="3" stroke-dasharray="6 3"/>"##)
        }
        parts.append("</svg>")
        return parts.joined()
    }
}
