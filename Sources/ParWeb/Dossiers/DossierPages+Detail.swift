import Foundation
import ParCore
import ParStore
import Vapor

/// One dossier: its state, steps, timeline (form 05), files, notices and the actions the officer may take.
extension DossierPages {
    // MARK: The dossier

    struct StepRow: Encodable {
        let sequence: Int
        let unit: String
        let from: String
        let transfer: String
        let startedAt: String
        let dueAt: String
        let finishedAt: String
        let late: Bool
        let actor: String
    }

    /// The processing control sheet's rows (form 05).
    func stepRows(of id: Dossier.ID, repository: DossierRepository, names: inout Names, now: Date, en: Bool) async throws -> [StepRow] {
        var rows: [StepRow] = []
        for s in try await repository.steps(of: id) {
            rows.append(StepRow(sequence: s.sequence, unit: try await names.unit(s.unitID), from: try await names.unit(s.fromUnitID),
                                transfer: s.fromUnitID == nil ? "" : (s.electronic ? (Messages.text("dossier-pages-detail.electronic", en: en)) : (Messages.text("dossier-pages-detail.paper", en: en))),
                                startedAt: LocalTime.format(s.startedAt), dueAt: LocalTime.format(s.dueAt),
                                finishedAt: s.finishedAt.map(LocalTime.format) ?? "", late: (s.finishedAt ?? now) > s.dueAt, actor: s.actorName))
        }
        return rows
    }

    /// The scans of a form (`scan[c<index>]`) with the component each copies, in the procedure's order.
    static func scans(_ files: [String: File]?, of procedure: Procedure) -> [(component: String, key: String, file: File)] {
        (files ?? [:]).sorted { $0.key < $1.key }.compactMap { key, file in
            guard file.data.readableBytes > 0, let index = Int(key.dropFirst()), procedure.documents.indices.contains(index) else { return nil }
            return (procedure.documents[index].name, key, file)
        }
    }

    struct EventRow: Encodable {
        let at: String
        let name: String
        let actor: String
        let state: String
        let unit: String
        let detail: EventDetail
    }

    struct FileRow: Encodable {
        let id: String
        let link: String
        let digitiseAction: String
        let kind: String
        let component: String
        let name: String
        let size: String
        let digitised: Bool
        let reused: Bool
    }

    /// One inter-agency step of the procedure: the unit (a name from the data) and its working days.
    struct PlanStep: Encodable {
        let unit: String
        let time: String
    }

    struct MessageRow: Encodable {
        let at: String
        let recipient: String
        let subject: String
        let status: String
    }

    struct DossierContext: Encodable {
        let id: String
        let code: String
        let version: Int
        let procedure: String
        let procedureCode: String
        let receivingUnit: String
        let holder: String
        let channel: String
        let state: String
        let stateCode: String
        let nationalStatus: Int
        let timeliness: String
        let timelinessLabel: String
        let receivedAt: String
        let originalDueAt: String
        let dueAt: String
        let supplementRequests: Int
        let apologies: Int
        let applicant: Dossier.Applicant
        let components: [String]
        let steps: [StepRow]
        let events: [EventRow]
        let files: [FileRow]
        let messages: [MessageRow]
        let plan: [PlanStep]
        let actions: [String: Bool]
        /// Refuse, stop or withdraw is offered: shown apart, each confirmed (`DossierEvent.Kind.endsTheDossier`).
        let hasEndingActions: Bool
        /// Open when a confirmation was missing.
        let endingOpen: Bool
        let forwardTargets: [UnitOption]
        let suggestedDue: String
        let receiptLink: String
        let paymentsLink: String
        let actionLink: String
        let filesLink: String
        let slips: [ProcedureOption]
        /// The counter kiosk for the satisfaction survey, while the returned dossier is unrated.
        let surveyLink: String?
        let rated: Bool
        let errors: [FormError]?
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        try await renderDossier(try await stores.dossierService.viewable(request), request: request, errors: nil)
    }

    func renderDossier(_ d: Dossier, request: Request, errors: [FormError]?) async throws -> Response {
        let en = Language.of(request) == .en
        let principal = try request.requirePrincipal()
        let repository = stores.dossiers
        var names = Names(stores)
        let now = request.now
        let procedure = try await names.procedure(d.procedureID)
        let steps = try await stepRows(of: d.id, repository: repository, names: &names, now: now, en: en)
        var events: [EventRow] = []
        for e in try await repository.timeline(of: d.id) {
            events.append(EventRow(at: LocalTime.format(e.at), name: Self.eventLabel(e.name, en: en), actor: e.actorName,
                                   state: e.toState.name(en: en), unit: try await names.unit(e.unitID),
                                   detail: EventDetail(name: e.name, stored: e.detail, en: en)))
        }
        let files = try await repository.files(of: d.id).map { f in
            FileRow(id: f.id.description, link: Paths.dossierFile.link(d.id, f.id), digitiseAction: Paths.dossierFileDigitise.link(d.id, f.id),
                    kind: f.kind == .result ? (Messages.text("dossier.result", en: en)) : (Messages.text("dossier.component", en: en)),
                    component: f.component ?? "", name: f.originalName, size: ByteCountFormatter.string(fromByteCount: Int64(f.size), countStyle: .file),
                    digitised: f.digitised, reused: f.reusedFrom != nil)
        }
        let messages = try await stores.outbox.messages(about: d.id).map {
            MessageRow(at: LocalTime.format($0.createdAt), recipient: $0.recipient, subject: $0.subject, status: noticeStatus($0.status, en: en))
        }
        // What this officer may do now, by the same rules as the API.
        let holding = try await stores.units.find(d.holderUnitID)
        let standing = try await stores.dossierService.standing(principal, on: d, holder: holding, request: request)
        let available = d.availableActions(for: standing, at: now)
        var actions = Dictionary(uniqueKeysWithValues: DossierEvent.Kind.allCases.map { (actionKey($0), available.contains($0)) })
        actions["addFile"] = d.mayAttachFiles(for: standing)
        let atCounter = standing.atCounter
        let rated = try await stores.satisfaction.answeredAt(d.id) != nil
        var targets: [UnitOption] = []
        if let holding {
            var ids: [OrgUnit.ID] = []
            if let parent = holding.unit.parentID {
                ids.append(parent)
                ids += try await stores.units.children(of: parent).filter { $0.validTo == nil }.map(\.id)
            }
            ids += try await stores.units.children(of: holding.unit.id).filter { $0.validTo == nil }.map(\.id)
            if !ids.contains(d.receivingUnitID) { ids.insert(d.receivingUnitID, at: 0) }
            var seen = Set<OrgUnit.ID>([holding.unit.id])
            for id in ids where seen.insert(id).inserted {
                targets.append(UnitOption(id: id.description, name: try await names.unit(id), selected: false))
            }
        }
        let calendar = try await stores.calendar.calendar()
        let suggested = (try? calendar.deadline(from: d.dueAt, workingDays: 2).due) ?? d.dueAt
        let t = d.timeliness(at: now)
        let slipNames: [(String, String)] = [("supplement", "dossier.slip.supplement"),
                                                     ("refusal", "dossier.slip.refusal"),
                                                     ("apology", "dossier.slip.apology"),
                                                     ("control", "dossier.slip.control")]
        let slips = slipNames.filter { kind, _ in
            switch kind {
            case "supplement": d.supplementRequests > 0
            case "refusal": d.state == .refused
            case "apology": d.apologies > 0
            default: true
            }
        }.map { ProcedureOption(code: $0.0, name: Messages.text($0.1, en: en), link: Paths.dossierSlip.link(d.id, $0.0)) }
        let context = DossierContext(
            id: d.id.description, code: d.code, version: d.version, procedure: procedure?.name ?? "", procedureCode: procedure?.code ?? "",
            receivingUnit: try await names.unit(d.receivingUnitID), holder: try await names.unit(d.holderUnitID),
            channel: Self.channelLabel(d.channel, en: en), state: d.state.name(en: en), stateCode: d.state.rawValue,
            nationalStatus: d.state.nationalStatus, timeliness: t.rawValue, timelinessLabel: Self.timelinessLabel(t, en: en),
            receivedAt: LocalTime.format(d.receivedAt), originalDueAt: LocalTime.format(d.originalDueAt), dueAt: LocalTime.format(d.dueAt),
            supplementRequests: d.supplementRequests, apologies: d.apologies, applicant: d.applicant, components: d.components,
            steps: steps, events: events, files: files, messages: messages,
            plan: procedure?.interAgencySteps.map { .init(unit: $0.unit, time: Format.workingDays($0.days, en: en)) } ?? [],
            actions: actions, hasEndingActions: available.contains(where: \.endsTheDossier),
            endingOpen: errors?.contains { $0.field.hasSuffix("-confirm") } ?? false,
            forwardTargets: targets, suggestedDue: LocalInput.dateTime(suggested),
            receiptLink: Paths.dossierReceipt.link(d.id), paymentsLink: Paths.dossierPayments.link(d.id), actionLink: Paths.dossierActions.link(d.id), filesLink: Paths.dossierFiles.link(d.id),
            slips: slips, surveyLink: atCounter && d.state == .returned && !rated ? Paths.dossierSurvey.link(d.id) : nil, rated: rated,
            errors: errors)
        return try await Page.render("dossier", title: "\(Messages.text("common.dossier", en: en)) \(d.code)", context: context, request: request, failed: errors != nil)
    }

    /// The template's name of an action's button (`actions.completeSupplement`).
    func actionKey(_ kind: DossierEvent.Kind) -> String {
        let words = kind.rawValue.split(separator: "_")
        return words.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }

    /// The timeline's name of an event (`dossier.event.<name>` in the catalogue); an unknown name as stored.
    /// The timeline's name of an event (`dossier.event.<name>` in the catalogue); an unknown name as stored.
    /// The timeline's name of an event (`dossier.event.<name>` in the catalogue); an unknown name as stored.
    static func eventLabel(_ name: String, en: Bool) -> String {
        let key = "dossier.event.\(name)"
        return Messages.catalogue[.vi]?[key] == nil ? name : Messages.text(key, en: en)
    }

    func noticeStatus(_ status: OutboxMessage.Status, en: Bool) -> String {
        switch status {
        case .pending: Messages.text("dossier.notice.pending", en: en)
        case .sent: Messages.text("dossier.notice.sent", en: en)
        case .dead: Messages.text("dossier.notice.dead", en: en)
        }
    }

    /// The id of an ending action's confirmation box, for the error summary's link.
    func confirmField(_ action: DossierEvent.Kind) -> String {
        switch action {
        case .withdraw: "wd-confirm"
        case .stop: "stop-confirm"
        default: "refuse-confirm"
        }
    }

    /// An action form: the same event and permission rules as `POST /api/v1/dossiers/{id}/actions`,
    /// with the version the officer saw as the `If-Match`.
    struct ActionForm: Decodable {
        var action: String
        var version: Int?
        var toUnitId: String?
        var electronic: String?
        var note: String?
        var reason: String?
        var items: String?
        var newDueAt: String?
        var method: String?
        /// The confirmation an action that ends the dossier needs (`DossierEvent.Kind.endsTheDossier`).
        var confirm: String?
    }

    @Sendable func act(_ request: Request) async throws -> Response {
        let form = try request.content.decode(ActionForm.self)
        let raw = request.parameters.get("dossierID") ?? ""
        do {
            guard let action = DossierEvent.Kind(rawValue: form.action) else {
                throw Problem(DomainError.invalid("Thao tác không hợp lệ.", english: "Unknown action.", field: "action"))
            }
            if action.endsTheDossier, form.confirm != "1" {
                throw Problem(DomainError.invalid(Messages.text("dossier.confirm-ending-required", en: false),
                                                  english: Messages.text("dossier.confirm-ending-required", en: true),
                                                  field: confirmField(action)))
            }
            var newDue: Date?
            if let text = form.newDueAt, !text.isEmpty {
                guard let parsed = LocalInput.parseDateTime(text) else {
                    throw Problem(DomainError.invalid("Ngày hẹn mới không hợp lệ.", english: "The new appointment is not a valid date and time.", field: "newDueAt"))
                }
                newDue = parsed
            }
            let input = DossierActionInput(
                action: action, toUnitID: Self.nonEmpty(form.toUnitId), electronic: form.electronic.map { $0 == "1" },
                note: Self.nonEmpty(form.note), reason: Self.nonEmpty(form.reason),
                items: form.items.map { $0.split(whereSeparator: \.isNewline).map(String.init) }, newDueAt: newDue, method: Self.nonEmpty(form.method))
            let dossier = try await stores.dossierService.act(input, on: raw, expectedVersion: form.version, request: request)
            return request.redirect(to: Paths.dossier.link(dossier.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDossier(try await stores.dossierService.viewable(request), request: request, errors: errors)
        }
    }

    // MARK: Files

    struct FileForm: Decodable {
        var file: File?
        var kind: String?
        var component: String?
        var digitised: String?
    }

    @Sendable func addFile(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.viewable(request)
        do {
            try await stores.dossierService.requireFileActor(dossier, request: request)
            let form = try request.content.decode(FileForm.self)
            guard let file = form.file, file.data.readableBytes > 0 else {
                throw Problem(DomainError.invalid("Chọn tệp.", english: "Choose a file.", field: "file"))
            }
            let kind = DossierFile.Kind(rawValue: form.kind ?? "") ?? .component
            let draft = try await request.storeUpload(file, kind: kind, component: Self.nonEmpty(form.component), digitised: form.digitised == "1",
                                                store: request.fileStore)
            _ = try await stores.dossiers.addFile(draft, to: dossier.id, actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.dossier.link(dossier.id) + "#files")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDossier(dossier, request: request, errors: errors)
        }
    }

    @Sendable func digitise(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.forFiles(request)
        guard let fileID = request.parameters.get("fileID").flatMap(DossierFile.ID.init(string:)),
              let file = try await stores.dossiers.file(fileID), file.dossierID == dossier.id else {
            throw Problem.notFound("Không tìm thấy tệp.", english: "File not found.")
        }
        let flag = (try? request.content.get(String.self, at: "digitised")) == "1"
        _ = try await stores.dossiers.setDigitised(fileID, flag, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.dossier.link(dossier.id) + "#files")
    }

    @Sendable func download(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.viewable(request)
        return try await request.fileResponse(fileID: request.parameters.get("fileID"), of: dossier)
    }
}
