import Foundation
import ParCore
import ParStore
import Vapor

/// The Decision 766 service index: a unit's indicators, rankings, drill-down to dossiers,
/// plan targets and the indicator set. viewIndex to read (drill-down also viewDossiers),
/// editIndex to set targets and publish sets.
extension ParAPI {
    func getUnitIndex(_ input: Operations.GetUnitIndex.Input) async throws -> Operations.GetUnitIndex.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewIndex)
        let period = try IndexService.period(input.query.period, from: input.query.from, to: input.query.to, today: VietnamTime.localDate(of: request.now))
        let procedure = try input.query.procedureId.map { raw -> Procedure.ID in
            guard let id = Procedure.ID(string: raw) else { throw Problem.badRequest("procedureId không hợp lệ.", english: "procedureId is not valid.", field: "procedureId") }
            return id
        }
        return .ok(.init(body: .json(Self.unitIndex(try await stores.indexService.unitIndex(unit, period: period, procedure: procedure, request: request)))))
    }

    func drillUnitIndex(_ input: Operations.DrillUnitIndex.Input) async throws -> Operations.DrillUnitIndex.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewIndex)
        guard request.principal?.may(.viewDossiers, onUnitWithAncestry: unit.ancestry) == true else { throw Problem.forbidden() }
        let today = VietnamTime.localDate(of: request.now)
        let period = try IndexService.period(input.query.period, from: input.query.from, to: input.query.to, today: today)
        guard let fact = IndexFact(rawValue: input.query.fact) else {
            throw Problem.badRequest("Không có chỉ tiêu thành phần này.", english: "No such fact.", field: "fact")
        }
        let procedure = input.query.procedureId.flatMap(Procedure.ID.init(string:))
        let index = (await stores.indexForReading)
        guard let found = try await index.behind(fact, scope: try await index.scope(unit.unit.id), from: period.from, through: period.through,
                                                 today: today, procedure: procedure, limit: try Self.limit(input.query.limit)) else {
            throw Problem.badRequest(IndexService.notListable.vi, english: IndexService.notListable.en, field: "fact")
        }
        return .ok(.init(body: .json(.init(fact: fact.rawValue, total: found.total, items: found.rows.map {
            .init(dossierId: $0.dossier.id.description, code: $0.dossier.code, at: $0.at, state: .init(rawValue: $0.dossier.state.rawValue)!)
        }))))
    }

    func putUnitTargets(_ input: Operations.PutUnitTargets.Input) async throws -> Operations.PutUnitTargets.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .editIndex)
        let index = stores.index
        for target in body.targets {
            try await index.setTarget(unit: unit.unit.id, year: input.path.year, indicatorID: target.indicatorId, target: target.target,
                                      actor: request.auditActor, now: request.now)
        }
        let period = try ReportPeriod(String(input.path.year))
        return .ok(.init(body: .json(Self.unitIndex(try await stores.indexService.unitIndex(unit, period: period, request: request)))))
    }

    func getIndexRanking(_ input: Operations.GetIndexRanking.Input) async throws -> Operations.GetIndexRanking.Output {
        let request = try self.request
        let parent = try await stores.access(request).authorizedUnit(input.query.parentId, .viewIndex)
        let period = try IndexService.period(input.query.period, from: input.query.from, to: input.query.to, today: VietnamTime.localDate(of: request.now))
        let rows = try await stores.indexService.ranking(parent, kind: input.query.kind.flatMap { UnitKind(rawValue: $0.rawValue) }, period: period, request: request)
        return .ok(.init(body: .json(.init(from: period.from.iso, to: period.through.iso, items: rows.map {
            .init(rank: $0.rank, ranked: $0.rank != nil, unitId: $0.unit.id.description, name: $0.unit.name, points: $0.points, available: $0.available,
                  percent: $0.percent, onTimePercent: $0.onTime, onlinePercent: $0.online)
        }))))
    }

    func getIndicatorSet(_ input: Operations.GetIndicatorSet.Input) async throws -> Operations.GetIndicatorSet.Output {
        let request = try self.request
        guard try request.requirePrincipal().mayAnywhere(.viewIndex) else { throw Problem.forbidden() }
        return .ok(.init(body: .json(Self.indicatorSet(try await stores.index.activeSet()))))
    }

    func putIndicatorSet(_ input: Operations.PutIndicatorSet.Input) async throws -> Operations.PutIndicatorSet.Output {
        let request = try self.request
        guard try request.requirePrincipal().mayAnywhere(.editIndex) else { throw Problem.forbidden() }
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        func terms(_ raw: [Components.Schemas.IndicatorTerm]) throws -> [Indicator.Term] {
            try raw.map { term in
                guard let fact = IndexFact(rawValue: term.fact), term.weight.isFinite, abs(term.weight) <= 100 else {
                    throw Problem(DomainError.invalid("Không có chỉ tiêu thành phần \(term.fact).", english: "No fact \(term.fact).", field: "indicators"))
                }
                return Indicator.Term(fact, term.weight)
            }
        }
        let set = IndicatorSet(version: VietnameseText.clean(body.version), name: VietnameseText.clean(body.name), indicators: try body.indicators.map {
            guard let group = Indicator.Group(rawValue: $0.group.rawValue), $0.threshold.isFinite, $0.maxPoints.isFinite else {
                throw Problem(DomainError.invalid("Chỉ số không hợp lệ.", english: "Not a valid indicator.", field: "indicators"))
            }
            return Indicator(id: VietnameseText.clean($0.id), group: group, name: VietnameseText.clean($0.name), nameEn: VietnameseText.clean($0.nameEn),
                             numerator: try terms($0.numerator), denominator: try terms($0.denominator), threshold: $0.threshold, maxPoints: $0.maxPoints,
                             whenEmpty: $0.whenEmpty.flatMap { Indicator.EmptyRule(rawValue: $0.rawValue) })
        })
        guard !set.version.isEmpty, set.version.unicodeScalars.count <= 40, !set.name.isEmpty, set.name.unicodeScalars.count <= 200 else {
            throw Problem(DomainError.invalid("Cần phiên bản và tên.", english: "version and name are required.", field: "version"))
        }
        let repository = stores.index
        try await repository.publish(set, actor: request.auditActor, now: request.now)
        return .ok(.init(body: .json(Self.indicatorSet(try await repository.activeSet()))))
    }

    static func unitIndex(_ view: UnitIndexView) -> Components.Schemas.UnitIndex {
        let total = view.total
        return .init(unitId: view.unit.id.description, unitName: view.unit.name, from: view.period.from.iso, to: view.period.through.iso,
                     setVersion: view.set.version, points: total.points, available: total.available,
                     indicators: view.results.map { r in
                         .init(id: r.indicator.id, group: r.indicator.group.rawValue, name: r.indicator.name, numerator: r.numerator,
                               denominator: r.denominator, percent: r.percent, points: r.points, maxPoints: r.indicator.maxPoints,
                               threshold: r.indicator.threshold, target: view.targets[r.indicator.id]?.target,
                               targetStatus: view.status(r).flatMap { .init(rawValue: $0.rawValue) })
                     })
    }

    static func indicatorSet(_ set: IndicatorSet) -> Components.Schemas.IndicatorSet {
        .init(version: set.version, name: set.name, indicators: set.indicators.map { i in
            .init(id: i.id, group: .init(rawValue: i.group.rawValue)!, name: i.name, nameEn: i.nameEn,
                  numerator: i.numerator.map { .init(fact: $0.fact.rawValue, weight: $0.weight) },
                  denominator: i.denominator.map { .init(fact: $0.fact.rawValue, weight: $0.weight) },
                  threshold: i.threshold, maxPoints: i.maxPoints, whenEmpty: i.whenEmpty.flatMap { .init(rawValue: $0.rawValue) })
        })
    }
}

extension ParAPI {
    func getUnitOverdue(_ input: Operations.GetUnitOverdue.Input) async throws -> Operations.GetUnitOverdue.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewIndex)
        let mayList = request.principal?.may(.viewDossiers, onUnitWithAncestry: unit.ancestry) == true
        let scope = try await stores.index.scope(unit.unit.id)
        let limit = try Self.limit(input.query.limit)
        let overdue = try await stores.indexService.overdue(scope, holders: limit, listing: mayList ? limit : 0, request: request)
        return .ok(.init(body: .json(.init(
            total: overdue.total,
            byUnit: overdue.byHolder.map { .init(unitId: $0.unit.description, unitName: $0.name, count: $0.count) },
            byStep: overdue.byState.map { .init(state: .init(rawValue: $0.state.rawValue)!, count: $0.count) },
            items: overdue.lines.map {
                .init(dossierId: $0.dossier.id.description, code: $0.dossier.code, holderUnitId: $0.dossier.holderUnitID.description,
                      state: .init(rawValue: $0.dossier.state.rawValue)!, dueAt: $0.dossier.dueAt, workingDaysLate: $0.workingDaysLate)
            }))))
    }
}
