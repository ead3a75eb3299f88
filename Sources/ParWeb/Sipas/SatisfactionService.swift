import Foundation
import ParCore
import ParStore
import Vapor

/// A unit's satisfaction index for a period — overall, per aspect, and broken down by one
/// dimension — with its yearly target. Shared by the API, the pages and the exports.
struct SatisfactionView: Sendable {
    struct Row: Sendable {
        let key: String
        let label: String
        let result: SatisfactionResult
    }

    let unit: OrgUnit
    let period: ReportPeriod
    let questionnaire: Questionnaire
    let breakdown: SatisfactionRepository.Breakdown
    let result: SatisfactionResult
    let rows: [Row]
    let target: PlanTarget?
    let yearOver: Bool

    var status: PlanTarget.Status? { target?.status(rate: result.overall.share, yearOver: yearOver) }
}

struct SatisfactionService {
    let stores: Stores

    func breakdown(_ raw: String?) throws -> SatisfactionRepository.Breakdown {
        guard let raw, !raw.isEmpty else { return .none }
        guard let value = SatisfactionRepository.Breakdown(rawValue: raw) else {
            throw Problem.badRequest("Không có cách phân tổ này.", english: "No such breakdown.", field: "by")
        }
        return value
    }

    func view(_ record: UnitRecord, period: ReportPeriod, by breakdown: SatisfactionRepository.Breakdown,
                     request: Request) async throws -> SatisfactionView {
        let en = Language.of(request) == .en
        let repository = stores.satisfaction
        let scope = try await stores.index.scope(record.unit.id)
        let questionnaire = try await repository.activeQuestionnaire()
        let aggregation = questionnaire.aggregation
        let total = try await repository.tallies(scope, from: period.from, through: period.through)["all"] ?? SatisfactionTally()
        var rows: [SatisfactionView.Row] = []
        if breakdown != .none {
            var names = Names(stores)
            for (key, tally) in try await repository.tallies(scope, from: period.from, through: period.through, by: breakdown) {
                let label: String
                switch breakdown {
                case .unit: label = try await names.unit(OrgUnit.ID(string: key))
                case .procedure: label = try await Procedure.ID(string: key).asyncMap { try await names.procedure($0)?.name } ?? key
                case .channel: label = DossierChannel(rawValue: key).map { DossierPages.channelLabel($0, en: en) } ?? key
                case .method: label = SurveyMethod(rawValue: key).map { $0.name(en: en) } ?? key
                case .field, .none: label = key
                }
                rows.append(.init(key: key, label: label, result: SatisfactionIndex.evaluate(tally, aggregation: aggregation)))
            }
            rows.sort { ($0.result.overall.share ?? -1, $1.label) > ($1.result.overall.share ?? -1, $0.label) }
        }
        let year = period.through.year
        let target = try await stores.index.targets(unit: record.unit.id, year: year)
            .first { $0.indicatorID == PlanTarget.satisfaction }
        return SatisfactionView(unit: record.unit, period: period, questionnaire: questionnaire, breakdown: breakdown,
                                result: SatisfactionIndex.evaluate(total, aggregation: aggregation), rows: rows, target: target,
                                yearOver: VietnamTime.localDate(of: request.now) > LocalDate(year: year, month: 12, day: 31)!)
    }

    /// A sample campaign's own index per receiving unit: the answers collected by the campaign, with
    /// margins corrected for the unit's population (`SatisfactionIndex.margin`), for the page and the API alike.
    static func strata(of campaign: SurveyCampaign, repository: SatisfactionRepository) async throws -> [(stratum: SurveyCampaign.Stratum, result: SatisfactionResult)] {
        let questionnaire = try await repository.questionnaire(version: campaign.questionnaireVersion) ?? .sipas2023
        var results: [(SurveyCampaign.Stratum, SatisfactionResult)] = []
        for s in campaign.strata {
            let unitScope = IndexScope(root: OrgUnit.ID(s.unitID), units: [OrgUnit.ID(s.unitID)], includesCommunes: false)
            let tally = try await repository.tallies(unitScope, from: campaign.from, through: campaign.through, campaign: campaign.id)["all"]
                ?? SatisfactionTally()
            results.append((s, SatisfactionIndex.evaluate(tally, aggregation: questionnaire.aggregation, population: s.population)))
        }
        return results
    }

    /// "87,5% ± 4,2" (Vietnamese) / "87.5% ± 4.2", or "—" without answers.
    func shown(_ figure: SatisfactionFigure, en: Bool) -> String {
        guard let percent = figure.percent else { return "—" }
        return Format.percent(percent, en: en, digits: 2) + (figure.marginPercent.map { " ± " + Format.number($0, en: en) } ?? "")
    }

    /// The table every export writes: one line per breakdown row (or the unit), with n, the
    /// overall index and its margin, then each aspect's index and n.
    func table(_ view: SatisfactionView, en: Bool) -> [[String]] {
        var header = [Messages.text("common.group", en: en), Messages.text("common.responses", en: en), Messages.text("satisfaction-service.overall", en: en), Messages.text("satisfaction-service.margin", en: en)]
        for aspect in SipasAspect.allCases { header += [(aspect.name(en: en)) + " %", "n"] }
        func line(_ label: String, _ r: SatisfactionResult) -> [String] {
            var cells = [label, String(r.responses), r.overall.percent.map { IndexPages.number($0) } ?? "",
                         r.overall.marginPercent.map { IndexPages.number($0) } ?? ""]
            for aspect in SipasAspect.allCases {
                let figure = r.aspects[aspect]
                cells += [figure?.percent.map { IndexPages.number($0) } ?? "", String(figure?.n ?? 0)]
            }
            return cells
        }
        return [header, line(view.unit.name, view.result)] + view.rows.map { line($0.label, $0.result) }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Stores {
    /// The `SatisfactionService` feature service, on these stores.
    var satisfactionService: SatisfactionService { SatisfactionService(stores: self) }
}
