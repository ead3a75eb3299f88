import Foundation
import ParCore
import ParStore
import Vapor

/// The PAR index: criteria sets (appraiseParIndex writes them and moves them through their
/// phases), a unit's self-assessment (selfAssess), appraisal and survey points
/// (appraiseParIndex), and the ranking.
extension ParAPI {
    func listCriteriaSets(_ input: Operations.ListCriteriaSets.Input) async throws -> Operations.ListCriteriaSets.Output {
        let request = try self.request
        try stores.parIndexService.requireViewer(request)
        return .ok(.init(body: .json(.init(items: try await stores.parIndex.sets().map(Self.criteriaSet)))))
    }

    func createCriteriaSet(_ input: Operations.CreateCriteriaSet.Input) async throws -> Operations.CreateCriteriaSet.Output {
        let request = try self.request
        try stores.parIndexService.requireAppraiser(request)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let repository = stores.parIndex
        let created: CriteriaSet
        if let source = body.copyFrom {
            created = try await repository.copy(try Self.id(source), to: body.year, actor: request.auditActor, now: request.now)
        } else if let given = body.set {
            var set = try Self.criteriaSet(given, id: .random())
            set.year = body.year
            created = try await repository.create(set, actor: request.auditActor, now: request.now)
        } else {
            throw Problem.badRequest("Cần bộ tiêu chí hoặc copyFrom.", english: "Give a set or copyFrom.", field: "set")
        }
        return .created(.init(body: .json(Self.criteriaSet(created))))
    }

    func getCriteriaSet(_ input: Operations.GetCriteriaSet.Input) async throws -> Operations.GetCriteriaSet.Output {
        let request = try self.request
        return .ok(.init(body: .json(Self.criteriaSet(try await stores.parIndexService.set(input.path.setId, request: request)))))
    }

    func updateCriteriaSet(_ input: Operations.UpdateCriteriaSet.Input) async throws -> Operations.UpdateCriteriaSet.Output {
        let request = try self.request
        try stores.parIndexService.requireAppraiser(request)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let current = try await stores.parIndexService.set(input.path.setId, request: request)
        let updated = try await stores.parIndex.update(try Self.criteriaSet(body, id: current.id), actor: request.auditActor, now: request.now)
        return .ok(.init(body: .json(Self.criteriaSet(updated))))
    }

    func advanceCriteriaSet(_ input: Operations.AdvanceCriteriaSet.Input) async throws -> Operations.AdvanceCriteriaSet.Output {
        let request = try self.request
        try stores.parIndexService.requireAppraiser(request)
        let set = try await stores.parIndexService.set(input.path.setId, request: request)
        let advanced = try await stores.parIndex.advance(set.id, metrics: stores.parIndexService.metrics(request),
                                                                            actor: request.auditActor, now: request.now)
        return .ok(.init(body: .json(Self.criteriaSet(advanced))))
    }

    func setCriteriaSetDeadlines(_ input: Operations.SetCriteriaSetDeadlines.Input) async throws -> Operations.SetCriteriaSetDeadlines.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let changed = try await stores.parIndexService.setDeadlines(input.path.setId, selfAssessment: body.selfAssessment, appraisal: body.appraisal,
                                                             request: request)
        return .ok(.init(body: .json(Self.criteriaSet(changed))))
    }

    func getAssessment(_ input: Operations.GetAssessment.Input) async throws -> Operations.GetAssessment.Output {
        let request = try self.request
        let set = try await stores.parIndexService.set(input.path.setId, request: request)
        let unit = try await stores.parIndexService.viewableUnit(input.path.unitId, request: request)
        return .ok(.init(body: .json(try await assessment(set, unit: unit.unit.id, request: request))))
    }

    func submitAssessment(_ input: Operations.SubmitAssessment.Input) async throws -> Operations.SubmitAssessment.Output {
        let request = try self.request
        let set = try await stores.parIndexService.set(input.path.setId, request: request)
        let unit = try await stores.parIndexService.unit(input.path.unitId, .selfAssess, request: request)
        try await stores.parIndex.submit(set.id, unit: unit.unit.id, actor: request.auditActor, now: request.now)
        return .ok(.init(body: .json(try await assessment(set, unit: unit.unit.id, request: request))))
    }

    /// A change to one leaf of a unit's assessment, by someone holding `permission` on the unit.
    func leaf(_ setId: String, _ unitId: String, _ permission: Permission,
              _ change: (ParIndexRepository, CriteriaSet.ID, OrgUnit.ID, AuditActor, Date) async throws -> LeafScore) async throws -> Components.Schemas.LeafScore {
        let request = try self.request
        let set = try await stores.parIndexService.set(setId, request: request)
        let unit = try await stores.parIndexService.unit(unitId, permission, request: request)
        return Self.leaf(try await change(stores.parIndex, set.id, unit.unit.id, request.auditActor, request.now), set: set)
    }

    func selfScoreLeaf(_ input: Operations.SelfScoreLeaf.Input) async throws -> Operations.SelfScoreLeaf.Output {
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        return .ok(.init(body: .json(try await leaf(input.path.setId, input.path.unitId, .selfAssess) { repo, set, unit, actor, now in
            try await repo.selfScore(set, unit: unit, code: input.path.code, score: body.selfScore, explanation: body.explanation ?? "",
                                     references: body.references ?? [], actor: actor, now: now)
        })))
    }

    func appraiseLeaf(_ input: Operations.AppraiseLeaf.Input) async throws -> Operations.AppraiseLeaf.Output {
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        return .ok(.init(body: .json(try await leaf(input.path.setId, input.path.unitId, .appraiseParIndex) { repo, set, unit, actor, now in
            try await repo.appraise(set, unit: unit, code: input.path.code, score: body.score, comment: body.comment, actor: actor, now: now)
        })))
    }

    func respondToAppraisal(_ input: Operations.RespondToAppraisal.Input) async throws -> Operations.RespondToAppraisal.Output {
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        return .ok(.init(body: .json(try await leaf(input.path.setId, input.path.unitId, .selfAssess) { repo, set, unit, actor, now in
            try await repo.respond(set, unit: unit, code: input.path.code, text: body.text, actor: actor, now: now)
        })))
    }

    func importSurveyScore(_ input: Operations.ImportSurveyScore.Input) async throws -> Operations.ImportSurveyScore.Output {
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        return .ok(.init(body: .json(try await leaf(input.path.setId, input.path.unitId, .appraiseParIndex) { repo, set, unit, actor, now in
            try await repo.importSurvey(set, unit: unit, code: input.path.code, score: body.score, actor: actor, now: now)
        })))
    }

    func getParIndexResults(_ input: Operations.GetParIndexResults.Input) async throws -> Operations.GetParIndexResults.Output {
        let request = try self.request
        let set = try await stores.parIndexService.set(input.path.setId, request: request)
        var names = Names(stores)
        var items: Operations.GetParIndexResults.Output.Ok.Body.JsonPayload.ItemsPayload = []
        for r in try await stores.parIndexService.results(set, request: request) {
            items.append(.init(rank: r.rank, unitId: r.unitID.description, name: try await names.unit(r.unitID), points: r.points, percent: r.percent,
                               band: r.band, change: r.change, fields: r.fields.map {
                                   .init(code: $0.code, title: $0.title, points: $0.points, maxPoints: $0.maxPoints, percent: $0.percent, versusPeers: $0.versusPeers)
                               }))
        }
        return .ok(.init(body: .json(.init(setId: set.id.description, year: set.year, items: items))))
    }

    // MARK: Mapping

    static func criteriaSet(_ s: CriteriaSet) -> Components.Schemas.CriteriaSet {
        .init(value1: .init(year: s.year, targetKind: .init(rawValue: s.targetKind.rawValue)!, name: s.name, totalPoints: s.totalPoints,
                            criteria: s.criteria.map { c in
                                .init(code: c.code, title: c.title, maxPoints: c.maxPoints, field: c.field.flatMap { .init(rawValue: $0.rawValue) },
                                      guidance: c.guidance, evidence: c.evidence, method: c.method.map(method))
                            },
                            bands: s.bands.map { .init(minPercent: $0.minPercent, name: $0.name) }),
              value2: .init(id: s.id.description, phase: .init(rawValue: s.phase.rawValue)!,
                            deadlines: .init(selfAssessment: s.deadline(.selfAssessment)?.iso, appraisal: s.deadline(.appraisal)?.iso)))
    }

    static func method(_ m: ScoringMethod) -> Components.Schemas.ScoringMethod {
        switch m {
        case .manual: .init(_type: .manual)
        case .survey: .init(_type: .survey)
        case .proportional(let metric): .init(_type: .proportional, metric: metric)
        case .tiers(let metric, let tiers): .init(_type: .tiers, metric: metric, tiers: tiers.map { .init(minRate: $0.minRate, share: $0.share) })
        }
    }

    static func criteriaSet(_ body: Components.Schemas.CriteriaSetInput, id: CriteriaSet.ID) throws -> CriteriaSet {
        guard let kind = UnitKind(rawValue: body.targetKind.rawValue) else { throw Problem.badRequest("Loại đơn vị không hợp lệ.", english: "Not a valid kind of unit.", field: "targetKind") }
        let criteria = try body.criteria.map { c -> Criterion in
            var method: ScoringMethod?
            if let m = c.method {
                switch m._type {
                case .manual: method = .manual
                case .survey: method = .survey
                case .proportional, .tiers:
                    guard let metric = m.metric, !metric.isEmpty else {
                        throw Problem(DomainError.invalid("Tiêu chí \(c.code) cần chỉ tiêu đo.", english: "Criterion \(c.code) needs a metric.", field: "criteria"))
                    }
                    method = m._type == .proportional ? .proportional(metric: metric)
                        : .tiers(metric: metric, tiers: (m.tiers ?? []).map { .init(minRate: $0.minRate, share: $0.share) })
                }
            }
            guard c.maxPoints.isFinite else { throw Problem.badRequest("Điểm không hợp lệ.", english: "Not valid points.", field: "criteria") }
            return Criterion(code: c.code, title: c.title, maxPoints: c.maxPoints, field: c.field.flatMap { ParIndexField(rawValue: $0.rawValue) },
                             guidance: c.guidance ?? "", evidence: c.evidence ?? "", method: method)
        }
        guard body.totalPoints.isFinite, body.criteria.count <= 500 else { throw Problem.badRequest("Tổng điểm không hợp lệ.", english: "Not a valid total.", field: "totalPoints") }
        return CriteriaSet(id: id, year: body.year, targetKind: kind, name: body.name, totalPoints: body.totalPoints, criteria: criteria,
                           bands: body.bands.map { $0.map { ClassificationBand(minPercent: $0.minPercent, name: $0.name) } } ?? ClassificationBand.standard)
    }

    static func leaf(_ score: LeafScore, set: CriteriaSet) -> Components.Schemas.LeafScore {
        .init(code: score.code, selfScore: score.selfScore, explanation: score.explanation, references: score.references, appraisedScore: score.appraisedScore,
              appraisalComment: score.appraisalComment, response: score.response, autoScore: score.autoScore, surveyScore: score.surveyScore,
              points: set.criterion(score.code).map { ParIndexScoring.points($0, score) } ?? 0, adjusted: score.isAdjusted)
    }

    func assessment(_ set: CriteriaSet, unit: OrgUnit.ID, request: Request) async throws -> Components.Schemas.Assessment {
        guard let a = try await stores.parIndex.assessment(set.id, unit: unit) else {
            throw Problem.notFound("Đơn vị chưa có bản đánh giá trong bộ tiêu chí này.", english: "The unit has no assessment in this set.")
        }
        return .init(setId: set.id.description, unitId: unit.description, submitted: a.submittedAt != nil, submittedAt: a.submittedAt,
                     leaves: set.leaves.map { Self.leaf(a.scores[$0.code] ?? LeafScore(code: $0.code), set: set) },
                     evidence: a.evidence.map { .init(id: $0.id.uuidString.lowercased(), code: $0.code, name: $0.name, contentType: $0.contentType, size: $0.size) })
    }
}
