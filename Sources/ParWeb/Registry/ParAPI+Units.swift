import Foundation
import ParCore
import ParStore
import Vapor

/// The organisation registry. Reads need viewRegistry on the unit, edits
/// editRegistry (on the unit and on any new parent), quotas view/editQuotas,
/// the report viewRestructuring — all checked through `authorizedUnit`.
extension ParAPI {
    func listUnits(_ input: Operations.ListUnits.Input) async throws -> Operations.ListUnits.Output {
        let principal = try principal()
        let query = input.query
        let limit = try Self.limit(query.limit)
        let parent: OrgUnit.ID? = try query.parentId.map { try Self.id($0) }
        let filter = UnitRepository.Filter(
            scopeRoots: principal.scopeRoots(for: .viewRegistry),
            text: query.q.map { String($0.prefix(200)) }, kind: query.kind.flatMap { UnitKind(rawValue: $0.rawValue) },
            parentID: parent, validOn: try Self.date(query.validOn, field: "validOn"),
            afterKey: try Self.decodeCursor(query.cursor), limit: limit)
        let records = try await stores.units.list(filter)
        let page = records.prefix(limit)
        let next = records.count > limit ? page.last.map { Self.encodeCursor($0.unit.key) } : nil
        return .ok(.init(body: .json(.init(items: page.map(Self.unit), nextCursor: next))))
    }

    func createUnit(_ input: Operations.CreateUnit.Input) async throws -> Operations.CreateUnit.Output {
        let request = try self.request
        let principal = try principal()
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let proposed = try await proposedUnit(body, id: .random(), request: request, principal: principal)
        let record = try await stores.units.create(proposed, actor: request.auditActor, now: request.now)
        return .created(.init(headers: .init(eTag: Self.etag(record.unit.version)), body: .json(Self.unit(record))))
    }

    func getUnit(_ input: Operations.GetUnit.Input) async throws -> Operations.GetUnit.Output {
        let record = try await stores.access(request).authorizedUnit(input.path.unitId, .viewRegistry)
        return .ok(.init(headers: .init(eTag: Self.etag(record.unit.version)), body: .json(Self.unit(record))))
    }

    func replaceUnit(_ input: Operations.ReplaceUnit.Input) async throws -> Operations.ReplaceUnit.Output {
        let request = try self.request
        let principal = try principal()
        let record = try await stores.access(request).authorizedUnit(input.path.unitId, .editRegistry)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let expected = try Self.version(fromIfMatch: input.headers.ifMatch)
        var proposed = try await proposedUnit(body, id: record.unit.id, request: request, principal: principal,
                                                   currentParent: record.unit.parentID)
        proposed.key = body.key ?? record.unit.key
        let replacement = proposed
        let updated = try await stores.units.update(record.unit.id, expectedVersion: expected,
                                                     actor: request.auditActor, now: request.now) { unit in
            unit.key = replacement.key
            unit.code = replacement.code
            unit.kind = replacement.kind
            unit.name = replacement.name
            unit.parentID = replacement.parentID
            unit.validFrom = replacement.validFrom
            unit.validTo = replacement.validTo
        }
        return .ok(.init(headers: .init(eTag: Self.etag(updated.unit.version)), body: .json(Self.unit(updated))))
    }

    /// Turns the request body into a unit, checking the caller may place it under its parent.
    func proposedUnit(_ body: Components.Schemas.UnitInput, id: OrgUnit.ID, request: Request,
                             principal: Principal, currentParent: OrgUnit.ID?? = nil) async throws -> OrgUnit {
        let parentID: OrgUnit.ID?
        if let raw = body.parentId {
            guard let parent = OrgUnit.ID(string: raw), let record = try await stores.units.find(parent) else {
                throw Problem(DomainError.invalid("Không tìm thấy đơn vị cấp trên.", english: "The parent unit does not exist.", field: "parentId"))
            }
            if currentParent != .some(parent) { try principal.require(.editRegistry, on: record) }
            parentID = parent
        } else {
            // A new root (a province) is an administrator's act.
            if currentParent != .some(nil) { try principal.require(.importUnits) }
            parentID = nil
        }
        guard let kind = UnitKind(rawValue: body.kind.rawValue) else { throw Problem(status: .unprocessableEntity) }
        return OrgUnit(id: id, key: body.key ?? body.code, code: body.code, kind: kind, name: body.name, parentID: parentID,
                       validFrom: try Self.date(body.validFrom, field: "validFrom"),
                       validTo: try Self.date(body.validTo, field: "validTo"))
    }

    func getUnitLineage(_ input: Operations.GetUnitLineage.Input) async throws -> Operations.GetUnitLineage.Output {
        let request = try self.request
        let record = try await stores.access(request).authorizedUnit(input.path.unitId, .viewRegistry)
        let lineage = try await stores.units.lineage(of: record.unit.id)
        // Linked units are named even outside the caller's scope: administrative
        // reorganisations are public record.
        func entry(_ item: UnitRepository.LineageEntry) -> Components.Schemas.LineageEntry {
            .init(unit: Self.unit(UnitRecord(unit: item.unit, ancestry: [])), whole: item.whole,
                         kind: .init(rawValue: item.kind.rawValue)!, effectiveDate: item.effectiveDate.iso,
                         decision: item.decision)
        }
        return .ok(.init(body: .json(.init(predecessors: lineage.predecessors.map(entry),
                                           successors: lineage.successors.map(entry)))))
    }

    func listUnitQuotas(_ input: Operations.ListUnitQuotas.Input) async throws -> Operations.ListUnitQuotas.Output {
        let record = try await stores.access(request).authorizedUnit(input.path.unitId, .viewQuotas)
        let quotas = try await stores.units.quotas(of: record.unit.id)
        return .ok(.init(body: .json(.init(items: quotas.map(Self.quota)))))
    }

    func setUnitQuota(_ input: Operations.SetUnitQuota.Input) async throws -> Operations.SetUnitQuota.Output {
        let request = try self.request
        let record = try await stores.access(request).authorizedUnit(input.path.unitId, .editQuotas)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let expected = try Self.version(fromIfMatch: input.headers.ifMatch)
        let quota = StaffQuota(unitID: record.unit.id, year: input.path.year, quota: Self.posts(body.quota),
                               actual: Self.posts(body.actual))
        let saved = try await stores.units.setQuota(quota, expectedVersion: expected, actor: request.auditActor, now: request.now)
        return .ok(.init(headers: .init(eTag: Self.etag(saved.version)), body: .json(Self.quota(saved))))
    }

    func createReorganisation(_ input: Operations.CreateReorganisation.Input) async throws -> Operations.CreateReorganisation.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        guard let kind = Reorganisation.Kind(rawValue: body.kind.rawValue),
              let date = try Self.date(body.effectiveDate, field: "effectiveDate") else {
            throw Problem.badRequest("Thiếu loại hoặc ngày hiệu lực.", english: "Kind and effective date are required.", field: "effectiveDate")
        }
        var predecessors: [Reorganisation.Part] = []
        for part in body.predecessors {
            let record = try await stores.access(request).authorizedUnit(part.unitId, .editRegistry)
            predecessors.append(.init(unitID: record.unit.id, whole: part.whole))
        }
        var successors: [OrgUnit.ID] = []
        for raw in body.successors {
            successors.append(try await stores.access(request).authorizedUnit(raw, .editRegistry).unit.id)
        }
        let event = try await stores.units.reorganise(
            Reorganisation(id: .random(), kind: kind, effectiveDate: date, decision: body.decision,
                           predecessors: predecessors, successors: successors),
            actor: request.auditActor, now: request.now)
        return .created(.init(body: .json(.init(
            value1: .init(kind: body.kind, effectiveDate: event.effectiveDate.iso, decision: event.decision,
                          predecessors: event.predecessors.map { .init(unitId: $0.unitID.description, whole: $0.whole) },
                          successors: event.successors.map(\.description)),
            value2: .init(id: event.id.description)))))
    }

    func getRestructuringReport(_ input: Operations.GetRestructuringReport.Input) async throws -> Operations.GetRestructuringReport.Output {
        let request = try self.request
        let record = try await stores.access(request).authorizedUnit(input.query.unitId, .viewRestructuring)
        guard let from = try Self.date(input.query.from, field: "from"), let to = try Self.date(input.query.to, field: "to") else {
            throw Problem.badRequest("Cần hai ngày from và to.", english: "Both from and to are required.", field: "from")
        }
        let report = try await stores.units.restructuring(root: record.unit.id, from: from, to: to)
        return .ok(.init(body: .json(.init(
            unitId: record.unit.id.description, from: from.iso, to: to.iso,
            kinds: report.kinds.map {
                .init(kind: .init(rawValue: $0.kind.rawValue)!, before: $0.before, after: $0.after, change: $0.change,
                      percentChange: $0.percentChange, reorganised: $0.reorganised, dissolved: $0.dissolved,
                      established: $0.established)
            },
            quotas: report.quotas.map { .init(name: $0.name, before: $0.before, after: $0.after, percentChange: $0.percentChange) }))))
    }

    // MARK: Mapping

    static func unit(_ record: UnitRecord) -> Components.Schemas.Unit {
        let unit = record.unit
        return .init(id: unit.id.description, key: unit.key, code: unit.code, kind: .init(rawValue: unit.kind.rawValue)!,
                     name: unit.name, parentId: unit.parentID?.description, validFrom: unit.validFrom?.iso,
                     validTo: unit.validTo?.iso, version: unit.version,
                     ancestry: record.ancestry.dropFirst().reversed().map(\.description))
    }

    static func quota(_ quota: StaffQuota) -> Components.Schemas.StaffQuota {
        .init(unitId: quota.unitID.description, year: quota.year, quota: posts(quota.quota), actual: posts(quota.actual),
              actualFromRecords: quota.actualFromRecords, version: quota.version)
    }

    static func posts(_ posts: StaffQuota.Posts) -> Components.Schemas.Posts {
        .init(civilServants: posts.civilServants, publicEmployees: posts.publicEmployees, contracts: posts.contracts,
              leaders: posts.leaders)
    }

    static func posts(_ posts: Components.Schemas.Posts) -> StaffQuota.Posts {
        .init(civilServants: posts.civilServants, publicEmployees: posts.publicEmployees, contracts: posts.contracts,
              leaders: posts.leaders)
    }
}
