import Foundation
import ParCore
import ParStore
import Vapor

/// The one-stop dossier engine. Intake needs receiveDossiers on the receiving
/// unit; reading and acting are checked by `DossierService`. The public lookup
/// needs the receipt's secret.
extension ParAPI {
    func receiveDossier(_ input: Operations.ReceiveDossier.Input) async throws -> Operations.ReceiveDossier.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        // The unit is read and checked with the intake's other reads, in one statement (`DossierRepository.receive`).
        let authorize = try stores.access(request).unitCheck(.receiveDossiers)
        guard let unit = OrgUnit.ID(string: body.receivingUnitId) else { throw Access.unitNotFound }
        guard let procedure = Procedure.ID(string: body.procedureId), let channel = DossierChannel(rawValue: body.channel.rawValue) else {
            throw Problem(DomainError.invalid("Không có thủ tục này trong danh mục.", english: "No such procedure in the catalogue.", field: "procedureId"))
        }
        let intake = DossierIntake(procedureID: procedure, receivingUnitID: unit, channel: channel,
                                   applicant: .init(name: body.applicant.name, idNumber: body.applicant.idNumber,
                                                    phone: body.applicant.phone, address: body.applicant.address,
                                                    email: body.applicant.email,
                                                    notifyBy: try stores.dossierService.notifyBy(body.applicant.notifyBy?.rawValue, request: request)),
                                   components: body.components)
        // The answer is built from what was written: a dossier just received has one event and one step.
        let received = try await stores.dossiers.receive(intake, authorize: authorize, actor: request.auditActor,
                                                                           now: request.now)
        let rendered = Self.dossier(received.dossier, timeline: received.timeline, steps: received.steps, now: request.now)
        return .created(.init(headers: .init(eTag: Self.etag(received.dossier.version)),
                              body: .json(.init(dossier: rendered, lookupSecret: received.secret))))
    }

    func getDossier(_ input: Operations.GetDossier.Input) async throws -> Operations.GetDossier.Output {
        let request = try self.request
        let dossier = try await stores.dossierService.viewable(request, id: input.path.dossierId)
        let rendered = try await Self.dossier(dossier, repository: stores.dossiers, now: request.now)
        return .ok(.init(headers: .init(eTag: Self.etag(dossier.version)), body: .json(rendered)))
    }

    func actOnDossier(_ input: Operations.ActOnDossier.Input) async throws -> Operations.ActOnDossier.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let updated = try await stores.dossierService.act(try Self.actionInput(body), on: input.path.dossierId,
                                                   expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch), request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(updated.version)),
                         body: .json(try await Self.dossier(updated, repository: stores.dossiers, now: request.now))))
    }

    /// The action body as the feature service reads it.
    static func actionInput(_ body: Components.Schemas.DossierAction) throws -> DossierActionInput {
        guard let action = DossierEvent.Kind(rawValue: body.action.rawValue) else {
            throw Problem(DomainError.invalid("Thao tác không hợp lệ.", english: "Unknown action.", field: "action"))
        }
        return DossierActionInput(action: action, toUnitID: body.toUnitId, electronic: body.electronic, note: body.note, reason: body.reason,
                                  items: body.items, newDueAt: body.newDueAt, method: body.method)
    }

    /// Not mounted: `PublicLookup` serves this operation (see there); kept so the generated
    /// protocol is whole and both answer alike.
    func lookupDossier(_ input: Operations.LookupDossier.Input) async throws -> Operations.LookupDossier.Output {
        .ok(.init(body: .json(try await PublicLookup.status(code: input.query.code, secret: input.query.secret, request: try self.request))))
    }

    // MARK: Helpers

    static func dossier(_ d: Dossier, repository: DossierRepository, now: Date) async throws -> Components.Schemas.Dossier {
        dossier(d, timeline: try await repository.timeline(of: d.id), steps: try await repository.steps(of: d.id), now: now)
    }

    static func dossier(_ d: Dossier, timeline: [DossierTimelineEntry], steps: [DossierStep], now: Date) -> Components.Schemas.Dossier {
        .init(
            id: d.id.description, code: d.code, procedureId: d.procedureID.description, receivingUnitId: d.receivingUnitID.description,
            holderUnitId: d.holderUnitID.description, channel: .init(rawValue: d.channel.rawValue)!,
            state: .init(rawValue: d.state.rawValue)!, nationalStatus: d.state.nationalStatus, receivedAt: d.receivedAt,
            originalDueAt: d.originalDueAt, dueAt: d.dueAt, timeliness: .init(rawValue: d.timeliness(at: now).rawValue)!,
            supplementRequests: d.supplementRequests, apologies: d.apologies, processedAt: d.processedAt, returnedAt: d.returnedAt,
            applicant: .init(name: d.applicant.name, idNumber: d.applicant.idNumber, phone: d.applicant.phone, address: d.applicant.address,
                             email: d.applicant.email, notifyBy: d.applicant.notifyBy == .sms ? .sms : nil),
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
