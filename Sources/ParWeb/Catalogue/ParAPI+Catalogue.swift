import Foundation
import ParCore
import ParStore
import Vapor

/// The procedure catalogue: public reads; publishing needs editCatalogue on the
/// implementing unit (commune-level procedures: editCatalogue anywhere).
extension ParAPI {
    func listProcedures(_ input: Operations.ListProcedures.Input) async throws -> Operations.ListProcedures.Output {
        let query = input.query
        let limit = try Self.limit(query.limit)
        let offset = try Self.decodeCursor(query.cursor).map { raw -> Int in
            guard let value = Int(raw), value >= 0 else {
                throw Problem.badRequest("cursor không hợp lệ.", english: "The cursor is not valid.", field: "cursor")
            }
            return value
        } ?? 0
        let unit: OrgUnit.ID? = try query.unitId.map { try Self.id($0) }
        let page = try await stores.procedures.search(.init(
            text: query.q, field: query.field.map(VietnameseText.clean), unitID: unit,
            level: query.level.flatMap { Procedure.Level(rawValue: $0.rawValue) }, offset: offset, limit: limit))
        let next = offset + page.items.count < page.total ? Self.encodeCursor(String(offset + page.items.count)) : nil
        return .ok(.init(body: .json(.init(items: try page.items.map(Self.procedure), total: page.total, nextCursor: next))))
    }

    func getProcedure(_ input: Operations.GetProcedure.Input) async throws -> Operations.GetProcedure.Output {
        let procedure = try await findProcedure(input.path.procedureId)
        return .ok(.init(headers: .init(eTag: Self.etag(procedure.version)), body: .json(try Self.procedure(procedure))))
    }

    func createProcedure(_ input: Operations.CreateProcedure.Input) async throws -> Operations.CreateProcedure.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let (proposed, publication) = try Self.proposedProcedure(body, id: .random())
        try await CatalogueService.requireEdit(proposed.unitID, access: stores.access(request))
        let created = try await stores.procedures.create(proposed, publication: publication,
                                                                          actor: request.auditActor, now: request.now)
        return .created(.init(headers: .init(eTag: Self.etag(created.version)), body: .json(try Self.procedure(created))))
    }

    func replaceProcedure(_ input: Operations.ReplaceProcedure.Input) async throws -> Operations.ReplaceProcedure.Output {
        let request = try self.request
        let current = try await findProcedure(input.path.procedureId)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let (proposed, publication) = try Self.proposedProcedure(body, id: current.id)
        try await CatalogueService.requireEdit(current.unitID, access: stores.access(request))
        if proposed.unitID != current.unitID { try await CatalogueService.requireEdit(proposed.unitID, access: stores.access(request)) }
        let updated = try await stores.procedures.update(
            current.id, expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch), publication: publication,
            actor: request.auditActor, now: request.now) { procedure in
                let version = procedure.version
                procedure = proposed
                procedure.version = version
            }
        return .ok(.init(headers: .init(eTag: Self.etag(updated.version)), body: .json(try Self.procedure(updated))))
    }

    func listProcedureVersions(_ input: Operations.ListProcedureVersions.Input) async throws -> Operations.ListProcedureVersions.Output {
        let procedure = try await findProcedure(input.path.procedureId)
        let versions = try await stores.procedures.versions(of: procedure.id)
        return .ok(.init(body: .json(.init(items: try versions.map {
            .init(version: $0.version, processingTime: try Bridge.convert($0.procedure.processingTime), decision: $0.decision,
                  effectiveFrom: $0.effectiveFrom?.iso, changedAt: $0.changedAt, actorName: $0.actorName)
        }))))
    }

    func listCatalogueFields(_ input: Operations.ListCatalogueFields.Input) async throws -> Operations.ListCatalogueFields.Output {
        let fields = try await stores.procedures.fields()
        return .ok(.init(body: .json(.init(items: fields.map { .init(field: $0.field, count: $0.count) }))))
    }

    func getSimplificationReport(_ input: Operations.GetSimplificationReport.Input) async throws -> Operations.GetSimplificationReport.Output {
        let query = input.query
        guard let from = try Self.date(query.from, field: "from"), let to = try Self.date(query.to, field: "to"), from <= to else {
            throw Problem.badRequest("Khoảng thời gian không hợp lệ.", english: "from must not be after to.", field: "from")
        }
        let unit: OrgUnit.ID? = try query.unitId.map { try Self.id($0) }
        let report = try await stores.procedures.simplification(
            from: from, to: to, unitID: unit, field: query.field.map(VietnameseText.clean), targetPercent: query.targetPercent)
        return .ok(.init(body: .json(.init(
            from: from.iso, to: to.iso, procedureCount: report.procedureCount, percentShortened: report.percentShortened,
            targetPercent: report.targetPercent, meetsTarget: report.meetsTarget,
            shortened: try report.shortened.map { try Bridge.convert($0, extra: ["procedureId": $0.procedureID.description,
                                                                 "unitId": $0.unitID?.description ?? NSNull()]) }))))
    }

    // MARK: Helpers

    func findProcedure(_ raw: String) async throws -> Procedure {
        guard let procedure = try await stores.procedures.find(try Self.id(raw)) else {
            throw Problem.notFound("Không tìm thấy thủ tục.", english: "Procedure not found.")
        }
        return procedure
    }

    static func proposedProcedure(_ body: Components.Schemas.ProcedureInput, id: Procedure.ID) throws
        -> (Procedure, ProcedureRepository.Publication) {
        var procedure: Procedure
        do {
            procedure = try Bridge.convert(body, extra: [
                "id": id.description, "version": 1,
                "applicants": body.applicants ?? "", "steps": body.steps ?? [], "methods": (body.methods ?? []).map(\.rawValue),
                "documents": try JSONSerialization.jsonObject(with: JSONEncoder().encode(body.documents ?? [])),
                "result": body.result ?? "", "resultType": body.resultType?.rawValue ?? "paper",
                "fees": try JSONSerialization.jsonObject(with: JSONEncoder().encode(body.fees ?? [])),
                "legalBasis": body.legalBasis ?? [], "onlineLevel": body.onlineLevel?.rawValue ?? "none",
                "fullOnlineEligible": body.fullOnlineEligible ?? false,
                "interAgencySteps": try JSONSerialization.jsonObject(with: JSONEncoder().encode(body.interAgencySteps ?? [])),
            ])
        } catch {
            throw Problem.badRequest("Dữ liệu thủ tục không hợp lệ.", english: "The procedure data is not valid: \(error)")
        }
        if let unit = body.unitId {
            guard let unitID = OrgUnit.ID(string: unit) else {
                throw Problem(DomainError.invalid("Không tìm thấy cơ quan thực hiện.", english: "The implementing unit does not exist.", field: "unitId"))
            }
            procedure.unitID = unitID
        }
        let publication = ProcedureRepository.Publication(decision: body.decision,
                                                          effectiveFrom: try date(body.effectiveFrom, field: "effectiveFrom"))
        return (procedure, publication)
    }

    static func procedure(_ procedure: Procedure) throws -> Components.Schemas.Procedure {
        try Bridge.convert(procedure, extra: ["isComplete": procedure.isComplete, "missingParts": procedure.missingParts,
                                            "unitId": procedure.unitID?.description ?? NSNull()])
    }
}
