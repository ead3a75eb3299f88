import Foundation
import ParCore
import ParStore
import Vapor

/// The one-stop dossier engine. Intake needs receiveDossiers on the receiving
/// unit; reading needs viewDossiers on the receiving or the holding unit;
/// counter actions (accept, refuse, complete a supplement, return, withdraw)
/// need receiveDossiers on the receiving unit, processing actions need
/// processDossiers on the holding unit. The public lookup needs the receipt's secret.
extension ParAPI {
    func receiveDossier(_ input: Operations.ReceiveDossier.Input) async throws -> Operations.ReceiveDossier.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        _ = try await request.authorizedUnit(body.receivingUnitId, .receiveDossiers)
        guard let procedure = Procedure.ID(string: body.procedureId), let unit = OrgUnit.ID(string: body.receivingUnitId),
              let channel = DossierChannel(rawValue: body.channel.rawValue) else {
            throw Problem(DomainError.invalid("Không có thủ tục này trong danh mục.", english: "No such procedure in the catalogue.", field: "procedureId"))
        }
        let intake = DossierIntake(procedureID: procedure, receivingUnitID: unit, channel: channel,
                                   applicant: .init(name: body.applicant.name, idNumber: body.applicant.idNumber,
                                                    phone: body.applicant.phone, address: body.applicant.address,
                                                    email: body.applicant.email),
                                   components: body.components)
        let repository = DossierRepository(db: request.db)
        let (dossier, secret) = try await repository.receive(intake, actor: request.auditActor, now: request.now)
        let rendered = try await Self.dossier(dossier, repository: repository, now: request.now)
        return .created(.init(headers: .init(eTag: Self.etag(dossier.version)),
                              body: .json(.init(dossier: rendered, lookupSecret: secret))))
    }

    func getDossier(_ input: Operations.GetDossier.Input) async throws -> Operations.GetDossier.Output {
        let request = try self.request
        let dossier = try await Self.authorizedDossier(input.path.dossierId, request: request) { dossier, principal in
            try await Self.require(principal, .viewDossiers, onAnyOf: [dossier.receivingUnitID, dossier.holderUnitID], request: request)
        }
        let rendered = try await Self.dossier(dossier, repository: DossierRepository(db: request.db), now: request.now)
        return .ok(.init(headers: .init(eTag: Self.etag(dossier.version)), body: .json(rendered)))
    }

    func actOnDossier(_ input: Operations.ActOnDossier.Input) async throws -> Operations.ActOnDossier.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let updated = try await Self.perform(body, on: input.path.dossierId, expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch),
                                             request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(updated.version)),
                         body: .json(try await Self.dossier(updated, repository: DossierRepository(db: request.db), now: request.now))))
    }

    /// Applies an action for the API and the pages alike: counter actions (accept, refuse, complete a
    /// supplement, return, withdraw) need receiveDossiers on the receiving unit, the others
    /// processDossiers on the holding unit (or the counter's, while the dossier is still there).
    static func perform(_ body: Components.Schemas.DossierAction, on rawID: String, expectedVersion: Int?,
                        request: Request) async throws -> Dossier {
        let event = try await Self.event(body, request: request)
        let atCounter: Set<String> = ["accept", "refuse", "complete_supplement", "return_result", "withdraw"]
        let dossier = try await Self.authorizedDossier(rawID, request: request) { dossier, principal in
            if atCounter.contains(event.name) {
                try await Self.require(principal, .receiveDossiers, onAnyOf: [dossier.receivingUnitID], request: request)
            } else {
                try await Self.requireProcessor(principal, dossier, request: request)
            }
        }
        return try await DossierRepository(db: request.db).act(dossier.id, expectedVersion: expectedVersion,
                                                               event: event, actor: request.auditActor, now: request.now,
                                                               surveyLink: event.name == "return_result" ? SurveyLinks.url(for: dossier, request: request) : nil)
    }

    /// processDossiers on the holding unit; while the dossier is still at the receiving unit its
    /// counter officers may act as well.
    static func requireProcessor(_ principal: Principal, _ dossier: Dossier, request: Request) async throws {
        if dossier.holderUnitID == dossier.receivingUnitID {
            do {
                try await Self.require(principal, .processDossiers, onAnyOf: [dossier.holderUnitID], request: request)
            } catch {
                try await Self.require(principal, .receiveDossiers, onAnyOf: [dossier.receivingUnitID], request: request)
            }
        } else {
            try await Self.require(principal, .processDossiers, onAnyOf: [dossier.holderUnitID], request: request)
        }
    }

    /// Who may attach files: the counter of the receiving unit or a processor of the holding unit.
    static func requireActor(on dossier: Dossier, request: Request) async throws {
        let principal = try request.requirePrincipal()
        do {
            try await Self.require(principal, .receiveDossiers, onAnyOf: [dossier.receivingUnitID], request: request)
        } catch {
            try await requireProcessor(principal, dossier, request: request)
        }
    }

    func lookupDossier(_ input: Operations.LookupDossier.Input) async throws -> Operations.LookupDossier.Output {
        let request = try self.request
        guard let status = try await DossierRepository(db: request.db).publicStatus(
            code: VietnameseText.clean(input.query.code), secret: VietnameseText.clean(input.query.secret), now: request.now) else {
            throw Problem.notFound("Không tìm thấy hồ sơ với mã và mã tra cứu này.", english: "No dossier has this code and secret.")
        }
        let dossier = status.dossier
        return .ok(.init(body: .json(.init(
            code: dossier.code, procedureName: status.procedureName, state: .init(rawValue: dossier.state.rawValue)!,
            stateName: dossier.state.vietnamese, nationalStatus: dossier.state.nationalStatus, receivedAt: dossier.receivedAt,
            dueAt: dossier.dueAt, timeliness: dossier.timeliness(at: request.now).rawValue,
            timeline: status.timeline.map { .init(at: $0.at, name: $0.name, state: .init(rawValue: $0.toState.rawValue)!) }))))
    }

    // MARK: Helpers

    /// Loads the dossier (404 when unknown) and runs the route's permission check on it.
    static func authorizedDossier(_ raw: String, request: Request,
                                  check: (Dossier, Principal) async throws -> Void) async throws -> Dossier {
        let principal = try request.requirePrincipal()
        guard let id = Dossier.ID(string: raw), let dossier = try await DossierRepository(db: request.db).find(id) else {
            throw Problem.notFound("Không tìm thấy hồ sơ.", english: "Dossier not found.")
        }
        try await check(dossier, principal)
        return dossier
    }

    /// The permission on at least one of the units.
    static func require(_ principal: Principal, _ permission: Permission, onAnyOf units: [OrgUnit.ID], request: Request) async throws {
        for unit in units {
            if let record = try await request.units.find(unit), principal.may(permission, onUnitWithAncestry: record.ancestry) { return }
        }
        throw Problem.forbidden()
    }

    static func event(_ body: Components.Schemas.DossierAction, request: Request) async throws -> DossierEvent {
        func unit() async throws -> OrgUnit.ID {
            guard let raw = body.toUnitId, let id = OrgUnit.ID(string: raw), try await request.units.find(id) != nil else {
                throw Problem(DomainError.invalid("Cần đơn vị nhận hồ sơ.", english: "toUnitId must name an existing unit.", field: "toUnitId"))
            }
            return id
        }
        func reason() throws -> String {
            guard let text = body.reason.map(VietnameseText.clean), !text.isEmpty else {
                throw Problem(DomainError.invalid("Cần ghi lý do.", english: "A reason is required.", field: "reason"))
            }
            return text
        }
        switch body.action {
        case .accept: return .accept
        case .forward: return .forward(to: try await unit(), electronic: body.electronic ?? true, note: body.note.map(VietnameseText.clean))
        case .sendBack: return .sendBack(to: try await unit(), reason: try reason())
        case .requestSupplement: return .requestSupplement(items: (body.items ?? []).map(VietnameseText.clean).filter { !$0.isEmpty })
        case .completeSupplement: return .completeSupplement
        case .apologise:
            guard let due = body.newDueAt else {
                throw Problem(DomainError.invalid("Cần ngày hẹn mới.", english: "newDueAt is required.", field: "newDueAt"))
            }
            return .apologise(reason: try reason(), newDueAt: due)
        case .markProcessed: return .markProcessed(electronicResult: body.electronic ?? false)
        case .returnResult:
            let method = body.method ?? "counter"
            guard ["counter", "post", "electronic"].contains(method) else {
                throw Problem(DomainError.invalid("Cách trả kết quả không hợp lệ.", english: "method must be counter, post or electronic.", field: "method"))
            }
            return .returnResult(method: method)
        case .refuse: return .refuse(reason: try reason())
        case .withdraw: return .withdraw(reason: body.reason.map(VietnameseText.clean))
        case .stop: return .stop(reason: try reason())
        }
    }

    static func dossier(_ d: Dossier, repository: DossierRepository, now: Date) async throws -> Components.Schemas.Dossier {
        let timeline = try await repository.timeline(of: d.id)
        let steps = try await repository.steps(of: d.id)
        return .init(
            id: d.id.description, code: d.code, procedureId: d.procedureID.description, receivingUnitId: d.receivingUnitID.description,
            holderUnitId: d.holderUnitID.description, channel: .init(rawValue: d.channel.rawValue)!,
            state: .init(rawValue: d.state.rawValue)!, nationalStatus: d.state.nationalStatus, receivedAt: d.receivedAt,
            originalDueAt: d.originalDueAt, dueAt: d.dueAt, timeliness: .init(rawValue: d.timeliness(at: now).rawValue)!,
            supplementRequests: d.supplementRequests, apologies: d.apologies, processedAt: d.processedAt, returnedAt: d.returnedAt,
            applicant: .init(name: d.applicant.name, idNumber: d.applicant.idNumber, phone: d.applicant.phone, address: d.applicant.address,
                             email: d.applicant.email),
            components: d.components, version: d.version,
            timeline: timeline.map {
                .init(sequence: $0.sequence, name: $0.name, at: $0.at, actorName: $0.actorName, fromState: $0.fromState?.rawValue,
                      toState: .init(rawValue: $0.toState.rawValue)!, unitId: $0.unitID?.description, detail: $0.detail)
            },
            steps: steps.map {
                .init(sequence: $0.sequence, unitId: $0.unitID.description, fromUnitId: $0.fromUnitID?.description, electronic: $0.electronic,
                      startedAt: $0.startedAt, dueAt: $0.dueAt, finishedAt: $0.finishedAt, actorName: $0.actorName)
            })
    }
}
