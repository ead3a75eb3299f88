import Foundation
import ParCore
import ParStore
import Vapor

/// Citizen satisfaction (SIPAS): the questionnaire (public to read, runSurveys to publish),
/// answers through a dossier's survey link (public, the token is the key), the index
/// (viewSatisfaction), targets and sample surveys (runSurveys).
extension ParAPI {
    func getQuestionnaire(_ input: Operations.GetQuestionnaire.Input) async throws -> Operations.GetQuestionnaire.Output {
        return .ok(.init(body: .json(Self.questionnaire(try await stores.satisfaction.activeQuestionnaire()))))
    }

    func publishQuestionnaire(_ input: Operations.PublishQuestionnaire.Input) async throws -> Operations.PublishQuestionnaire.Output {
        let request = try self.request
        guard try request.requirePrincipal().mayAnywhere(.runSurveys) else { throw Problem.forbidden() }
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        func text(_ t: Components.Schemas.BilingualText) -> BilingualText { BilingualText(t.vi, t.en ?? "") }
        func items(_ raw: [Components.Schemas.QuestionnaireItem]?) -> [Questionnaire.Item] {
            (raw ?? []).map { Questionnaire.Item($0.id, $0.text.vi, $0.text.en ?? "") }
        }
        let q = Questionnaire(
            version: body.version, name: body.name,
            sections: body.sections.map {
                Questionnaire.Section(aspect: SipasAspect(rawValue: $0.aspect.rawValue)!, perceptions: items($0.perceptions),
                                      satisfaction: text($0.satisfaction), expectations: items($0.expectations))
            },
            overall: text(body.overall), freeText: text(body.freeText),
            aggregation: body.aggregation.flatMap { Questionnaire.Aggregation(rawValue: $0.rawValue) } ?? .meanOfAspects,
            maxExpectations: body.maxExpectations ?? 3)
        let repository = stores.satisfaction
        try await repository.publish(q, actor: request.auditActor, now: request.now)
        return .ok(.init(body: .json(Self.questionnaire(try await repository.activeQuestionnaire()))))
    }

    func submitSurveyResponse(_ input: Operations.SubmitSurveyResponse.Input) async throws -> Operations.SubmitSurveyResponse.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        guard body.dossierCode.count <= 80, body.token.count <= 64,
              let dossier = try await stores.dossiers.find(code: body.dossierCode),
              SatisfactionRepository.verify(body.token, for: dossier.id, key: request.application.parConfig.secret) else {
            throw Problem(status: .forbidden, detail: "Đường dẫn khảo sát không hợp lệ.", detailEn: "This survey link is not valid.")
        }
        let id = try await stores.satisfaction.submit(
            dossier.id, answers: try Self.answers(body.answers), method: .link,
            actor: request.auditActor(id: nil, name: "citizen (survey link)"), now: request.now)
        return .created(.init(body: .json(.init(responseId: id.uuidString.lowercased(), dossierCode: dossier.code))))
    }

    func getSatisfactionIndex(_ input: Operations.GetSatisfactionIndex.Input) async throws -> Operations.GetSatisfactionIndex.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewSatisfaction)
        let period = try IndexService.period(input.query.period, from: input.query.from, to: input.query.to,
                                             today: VietnamTime.localDate(of: request.now))
        let view = try await stores.satisfactionService.view(unit, period: period, by: try stores.satisfactionService.breakdown(input.query.by?.rawValue),
                                                      request: request)
        return .ok(.init(body: .json(Self.satisfaction(view))))
    }

    func putSatisfactionTarget(_ input: Operations.PutSatisfactionTarget.Input) async throws -> Operations.PutSatisfactionTarget.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .runSurveys)
        if let target = body.target, !target.isFinite { throw Problem.badRequest("Chỉ tiêu không hợp lệ.", english: "Not a valid target.", field: "target") }
        try await stores.index.setTarget(unit: unit.unit.id, year: input.path.year, indicatorID: PlanTarget.satisfaction,
                                                            target: body.target, actor: request.auditActor, now: request.now)
        let view = try await stores.satisfactionService.view(unit, period: try ReportPeriod(String(input.path.year)), by: .none, request: request)
        return .ok(.init(body: .json(Self.satisfaction(view))))
    }

    func createSurveyCampaign(_ input: Operations.CreateSurveyCampaign.Input) async throws -> Operations.CreateSurveyCampaign.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(body.unitId, .runSurveys)
        guard let from = try Self.date(body.from, field: "from"), let to = try Self.date(body.to, field: "to") else {
            throw Problem.badRequest("Cần ngày bắt đầu và kết thúc.", english: "from and to are required.", field: "from")
        }
        guard (body.seed ?? 0) >= 0 else { throw Problem.badRequest("Hạt giống không âm.", english: "The seed is not negative.", field: "seed") }
        let repository = stores.satisfaction
        let campaign = try await repository.createCampaign(
            name: body.name, scope: try await stores.index.scope(unit.unit.id), from: from, through: to,
            margin: body.margin ?? 0.05, seed: body.seed.map { UInt64($0) } ?? UInt64(UInt32.random(in: 1...UInt32.max)),
            actor: request.auditActor, now: request.now)
        return .created(.init(body: .json(try await Self.campaign(campaign, repository: repository))))
    }

    func getSurveyCampaign(_ input: Operations.GetSurveyCampaign.Input) async throws -> Operations.GetSurveyCampaign.Output {
        let request = try self.request
        let (campaign, repository) = try await authorizedCampaign(input.path.campaignId, request: request)
        return .ok(.init(body: .json(try await Self.campaign(campaign, repository: repository))))
    }

    func enterSampleResponse(_ input: Operations.EnterSampleResponse.Input) async throws -> Operations.EnterSampleResponse.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let (campaign, repository) = try await authorizedCampaign(input.path.campaignId, request: request)
        let dossier: Dossier.ID = try Self.id(body.dossierId)
        let id = try await repository.submit(dossier, answers: try Self.answers(body.answers), method: .sample, campaign: campaign.id,
                                             actor: request.auditActor, now: request.now)
        let code = try await stores.dossiers.find(dossier)?.code ?? ""
        return .created(.init(body: .json(.init(responseId: id.uuidString.lowercased(), dossierCode: code))))
    }

    // MARK: Mapping

    func authorizedCampaign(_ raw: String, request: Request) async throws -> (SurveyCampaign, SatisfactionRepository) {
        let principal = try request.requirePrincipal()
        let repository = stores.satisfaction
        guard let id = UUID(uuidString: raw), let campaign = try await repository.campaign(id),
              let root = try await stores.units.find(campaign.rootUnitID) else {
            throw Problem.notFound("Không tìm thấy đợt khảo sát.", english: "Survey campaign not found.")
        }
        try principal.require(.runSurveys, on: root)
        return (campaign, repository)
    }

    static func answers(_ raw: Components.Schemas.SurveyAnswers) throws -> SurveyAnswers {
        func level(_ value: Int?, _ field: String) throws -> SatisfactionLevel? {
            guard let value else { return nil }
            guard let level = SatisfactionLevel(rawValue: value) else {
                throw Problem(DomainError.invalid("Mức độ hài lòng từ 1 đến 5.", english: "A satisfaction level is 1 to 5.", field: field))
            }
            return level
        }
        guard raw.aspects.count <= 5, (raw.comment?.count ?? 0) <= 2000 else {
            throw Problem(DomainError.invalid("Câu trả lời quá dài.", english: "The answers are too long.", field: "answers"))
        }
        return SurveyAnswers(aspects: try raw.aspects.map { a in
            guard (a.expectations?.count ?? 0) <= 10, (a.perceptions?.additionalProperties.count ?? 0) <= 12 else {
                throw Problem(DomainError.invalid("Câu trả lời quá dài.", english: "The answers are too long.", field: a.aspect.rawValue))
            }
            return SurveyAnswers.AspectAnswer(aspect: SipasAspect(rawValue: a.aspect.rawValue)!, perceptions: a.perceptions?.additionalProperties ?? [:],
                                              level: try level(a.level, a.aspect.rawValue), expectations: a.expectations ?? [])
        }, overall: try level(raw.overall, "overall"), comment: raw.comment)
    }

    static func questionnaire(_ q: Questionnaire) -> Components.Schemas.Questionnaire {
        func text(_ t: BilingualText) -> Components.Schemas.BilingualText { .init(vi: t.vi, en: t.en) }
        func items(_ i: [Questionnaire.Item]) -> [Components.Schemas.QuestionnaireItem] { i.map { .init(id: $0.id, text: text($0.text)) } }
        return .init(version: q.version, name: q.name, aggregation: .init(rawValue: q.aggregation.rawValue), maxExpectations: q.maxExpectations,
                     sections: q.sections.map {
                         .init(aspect: .init(rawValue: $0.aspect.rawValue)!, satisfaction: text($0.satisfaction), perceptions: items($0.perceptions),
                               expectations: items($0.expectations))
                     },
                     overall: text(q.overall), freeText: text(q.freeText))
    }

    static func result(_ r: SatisfactionResult) -> Components.Schemas.SatisfactionResult {
        func figure(_ f: SatisfactionFigure) -> Components.Schemas.SatisfactionFigure { .init(percent: f.percent, margin: f.marginPercent, n: f.n) }
        return .init(responses: r.responses, overall: figure(r.overall), aspects: SipasAspect.allCases.map {
            .init(aspect: .init(rawValue: $0.rawValue)!, figure: figure(r.aspects[$0] ?? .none))
        })
    }

    static func satisfaction(_ view: SatisfactionView) -> Components.Schemas.SatisfactionIndex {
        .init(unitId: view.unit.id.description, unitName: view.unit.name, from: view.period.from.iso, to: view.period.through.iso,
              questionnaireVersion: view.questionnaire.version, aggregation: view.questionnaire.aggregation.rawValue,
              target: view.target?.target, targetStatus: view.status.flatMap { .init(rawValue: $0.rawValue) },
              result: result(view.result), rows: view.rows.map { .init(key: $0.key, label: $0.label, result: result($0.result)) })
    }

    static func campaign(_ c: SurveyCampaign, repository: SatisfactionRepository) async throws -> Components.Schemas.SurveyCampaign {
        .init(id: c.id.uuidString.lowercased(), name: c.name, unitId: c.rootUnitID.description, from: c.from.iso, to: c.through.iso,
              margin: c.margin, seed: Int(truncatingIfNeeded: c.seed), questionnaireVersion: c.questionnaireVersion,
              population: c.population, sampleSize: c.sampleSize,
              strata: try await SatisfactionService.strata(of: c, repository: repository).map {
                  .init(unitId: $0.stratum.unitID.uuidString.lowercased(), population: $0.stratum.population, size: $0.stratum.size,
                        result: result($0.result))
              },
              samples: try await repository.samples(c.id).map {
                  .init(dossierId: $0.dossier.id.description, code: $0.dossier.code, unitId: $0.unitID.description, position: $0.position,
                        status: .init(rawValue: $0.status.rawValue)!)
              })
    }
}
