import Foundation
import OpenAPIRuntime
import ParCore
import ParStore
import Vapor

/// The work queue, files and the Decision 766 counters over the API. Same
/// permissions as the pages: viewDossiers to read, the receiving counter or the
/// holding unit's processors to attach files.
extension ParAPI {
    func listDossiers(_ input: Operations.ListDossiers.Input) async throws -> Operations.ListDossiers.Output {
        let request = try self.request
        let limit = try Self.limit(input.query.limit)
        let units = try await stores.dossierService.queueUnits(all: true, unit: input.query.unitId, request: request)
        let offset = try Self.decodeCursor(input.query.cursor).map { raw -> Int in
            guard let value = Int(raw), value >= 0, value <= 1_000_000 else {
                throw Problem.badRequest("cursor không hợp lệ.", english: "The cursor is not valid.", field: "cursor")
            }
            return value
        } ?? 0
        let view = input.query.view.flatMap { DossierQueueView(rawValue: $0.rawValue) } ?? .open
        var filter = try await stores.dossierService.queueFilter(view, units: units, limit: limit + 1, offset: offset, request: request)
        if let due = input.query.dueBefore { filter.dueBefore = min(due, filter.dueBefore ?? due) }
        if let state = input.query.state.flatMap({ DossierState(rawValue: $0.rawValue) }) {
            guard filter.states.contains(state) else { return .ok(.init(body: .json(.init(items: [])))) }
            filter.states = [state]
        }
        filter.channel = input.query.channel.flatMap { DossierChannel(rawValue: $0.rawValue) }
        if let raw = input.query.procedureId {
            guard let id = Procedure.ID(string: raw) else { return .ok(.init(body: .json(.init(items: [])))) }
            filter.procedureID = id
        }
        let found = try await stores.dossiers.queue(filter)
        return .ok(.init(body: .json(.init(items: found.prefix(limit).map { Self.summary($0, now: request.now) },
                                           nextCursor: found.count > limit ? Self.encodeCursor(String(offset + limit)) : nil))))
    }

    func searchDossiers(_ input: Operations.SearchDossiers.Input) async throws -> Operations.SearchDossiers.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let search = try stores.dossierService.search(body.q, field: "q")
        let units = try await stores.dossierService.queueUnits(all: true, unit: body.unitId, request: request)
        let found = try await stores.dossiers.search(search, units: units, limit: DossierService.searchLimit)
        return .ok(.init(body: .json(.init(items: found.map { Self.summary($0, now: request.now) }))))
    }

    static func summary(_ d: Dossier, now: Date) -> Components.Schemas.DossierSummary {
        .init(id: d.id.description, code: d.code, procedureId: d.procedureID.description, receivingUnitId: d.receivingUnitID.description,
              holderUnitId: d.holderUnitID.description, channel: .init(rawValue: d.channel.rawValue)!, state: .init(rawValue: d.state.rawValue)!,
              receivedAt: d.receivedAt, dueAt: d.dueAt, timeliness: .init(rawValue: d.timeliness(at: now).rawValue)!,
              applicantName: d.applicant.name, version: d.version)
    }

    func listDossierFiles(_ input: Operations.ListDossierFiles.Input) async throws -> Operations.ListDossierFiles.Output {
        let request = try self.request
        let dossier = try await stores.dossierService.viewable(request, id: input.path.dossierId)
        let files = try await stores.dossiers.files(of: dossier.id)
        return .ok(.init(body: .json(.init(items: files.map(Self.file)))))
    }

    func addDossierFile(_ input: Operations.AddDossierFile.Input) async throws -> Operations.AddDossierFile.Output {
        let request = try self.request
        let dossier = try await stores.dossierService.forFiles(request, id: input.path.dossierId)
        let body: HTTPBody
        let declared: String?
        switch input.body {
        case .pdf(let b): (body, declared) = (b, "application/pdf")
        case .jpeg(let b): (body, declared) = (b, "image/jpeg")
        case .png(let b): (body, declared) = (b, "image/png")
        case .binary(let b): (body, declared) = (b, nil)
        }
        let limit = request.application.parConfig.maxUploadBytes
        let bytes = [UInt8](try await Self.upload(body, request: request))
        let type: String
        do { type = try FileRules.check(bytes, declaredType: declared, maxBytes: limit) } catch { throw Problem(error) }
        let kind = DossierFile.Kind(rawValue: input.query.kind.rawValue) ?? .component
        let draft = FileDraft(kind: kind, component: input.query.component.map(VietnameseText.clean), blob: try await request.putFile(bytes),
                              contentType: type, originalName: FileRules.safeName(input.query.name, contentType: type),
                              digitised: input.query.digitised ?? false)
        let file = try await stores.dossiers.addFile(draft, to: dossier.id, actor: request.auditActor, now: request.now)
        return .created(.init(body: .json(Self.file(file))))
    }

    func getDossierFile(_ input: Operations.GetDossierFile.Input) async throws -> Operations.GetDossierFile.Output {
        let request = try self.request
        let dossier = try await stores.dossierService.viewable(request, id: input.path.dossierId)
        let response = try await request.fileResponse(fileID: input.path.fileId, of: dossier)
        let data = response.body.data ?? Data()
        let headers = Operations.GetDossierFile.Output.Ok.Headers(contentDisposition: response.headers.first(name: .contentDisposition))
        let body = HTTPBody(data)
        switch response.headers.first(name: .contentType) {
        case "image/jpeg": return .ok(.init(headers: headers, body: .jpeg(body)))
        case "image/png": return .ok(.init(headers: headers, body: .png(body)))
        default: return .ok(.init(headers: headers, body: .pdf(body)))
        }
    }

    func getServiceCounters(_ input: Operations.GetServiceCounters.Input) async throws -> Operations.GetServiceCounters.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.query.unitId, .viewDossiers)
        guard let from = try Self.date(input.query.from, field: "from"), let to = try Self.date(input.query.to, field: "to") else {
            throw Problem.badRequest("Cần from và to.", english: "from and to are required.", field: "from")
        }
        guard from <= to else { throw Problem.badRequest("from phải trước to.", english: "from must not be after to.", field: "from") }
        let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
        let totals = try await ServiceCounterStore.totals(units: units, from: from, through: to, on: request.db)
        typealias Payload = Operations.GetServiceCounters.Output.Ok.Body.JsonPayload
        let channels = DossierChannel.allCases.compactMap { channel -> Payload.ChannelsPayloadPayload? in
            guard let metrics = totals[channel] else { return nil }
            return .init(channel: .init(rawValue: channel.rawValue)!,
                         metrics: .init(additionalProperties: Dictionary(uniqueKeysWithValues: metrics.map { ($0.key.rawValue, $0.value) })))
        }
        return .ok(.init(body: .json(.init(unitId: unit.unit.id.description, from: from.iso, to: to.iso, channels: channels))))
    }

    static func file(_ f: DossierFile) -> Components.Schemas.DossierFile {
        .init(id: f.id.description, dossierId: f.dossierID.description, kind: .init(rawValue: f.kind.rawValue)!, component: f.component,
              sha256: f.sha256, size: f.size, contentType: f.contentType, originalName: f.originalName, digitised: f.digitised,
              reusedFrom: f.reusedFrom?.description, uploadedAt: f.uploadedAt, uploadedBy: f.uploadedBy)
    }
}
