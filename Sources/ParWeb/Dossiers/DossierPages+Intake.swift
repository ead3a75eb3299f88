import Foundation
import ParCore
import ParStore
import Vapor

/// Intake at the counter: the form, its checks (`DossierIntake`, ParCore) and the receipt that follows.
extension DossierPages {
    // MARK: Intake

    struct UnitOption: Encodable {
        let id: String
        let name: String
        let selected: Bool
    }

    struct ComponentOption: Encodable {
        let index: Int
        let name: String
        let checked: Bool
    }

    struct ReuseOption: Encodable {
        let id: String
        let component: String
        let name: String
        let uploadedAt: String
    }

    struct IntakeContext: Encodable {
        let units: [UnitOption]
        let query: String
        let matches: [ProcedureOption]
        /// Before anything is typed: the procedures the officer's units received most in the last 90 days.
        let frequent: [ProcedureOption]
        let procedure: ProcedureOption?
        let components: [ComponentOption]
        let fees: [Format.FeeLine]
        let dueHint: String?
        let form: [String: String]
        let reusable: [ReuseOption]
        let errors: [FormError]?
        let postAllowed: Bool
        /// Whether the applicant may choose SMS notices (an SMS provider is configured).
        var smsAvailable = false
    }

    struct ProcedureOption: Encodable {
        let code: String
        let name: String
        let link: String
    }

    /// Units where the officer receives dossiers.
    func receivingUnits(_ request: Request, selected: String?) async throws -> [UnitOption] {
        let principal = try request.requirePrincipal()
        var options: [UnitOption] = []
        for id in principal.scopeRoots(for: .receiveDossiers).sorted(by: { $0.description < $1.description }) {
            if let unit = try await stores.units.find(id)?.unit {
                options.append(UnitOption(id: unit.id.description, name: unit.name, selected: unit.id.description == selected))
            }
        }
        return options.sorted { VietnameseText.precedes($0.name, $1.name) }
    }

    @Sendable func intakeForm(_ request: Request) async throws -> Response {
        try await renderIntake(request, form: [:], errors: nil)
    }

    func renderIntake(_ request: Request, form posted: [String: String], errors: [FormError]?) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.receiveDossiers) else { throw Problem.forbidden() }
        let en = Language.of(request) == .en
        var form = posted
        for key in ["unit", "q", "procedure", "idNumber", "name", "phone", "email", "address", "channel"] where form[key] == nil {
            if let value = try? request.query.get(String.self, at: key) { form[key] = VietnameseText.clean(value) }
        }
        let procedures = stores.procedures
        var matches: [ProcedureOption] = []
        func option(_ p: Procedure) -> ProcedureOption {
            ProcedureOption(code: p.code, name: p.name, link: Paths.dossierNew.rawValue + "?procedure=\(p.code.urlQueryEscaped)&unit=\((form["unit"] ?? "").urlQueryEscaped)")
        }
        if let text = form["q"], !text.isEmpty {
            matches = try await procedures.search(.init(text: text, limit: 20)).items.map(option)
        }
        var chosen: Procedure?
        if let code = form["procedure"], !code.isEmpty { chosen = try await procedures.find(code: code) }
        var frequent: [ProcedureOption] = []
        if chosen == nil, matches.isEmpty {
            let since = VietnamTime.localDate(of: request.now).adding(days: -90)
            for id in try await ServiceCounterStore.mostReceived(units: Array(principal.scopeRoots(for: .receiveDossiers)), since: since,
                                                                 limit: 8, on: request.db) {
                if let procedure = try await procedures.find(id) { frequent.append(option(procedure)) }
            }
        }
        let checked = Set(form.filter { $0.key.hasPrefix("component.") }.map(\.value))
        var dueHint: String?
        if let chosen {
            let calendar = try await stores.calendar.calendar()
            if let due = try? chosen.processingTime.due(from: request.now, calendar: calendar) {
                dueHint = LocalTime.format(due)
            }
        }
        let reusable = try await stores.dossiers.reusableFiles(idNumber: form["idNumber"]).map {
            ReuseOption(id: $0.id.description, component: $0.component ?? "", name: $0.originalName, uploadedAt: LocalTime.format($0.uploadedAt))
        }
        let context = IntakeContext(
            units: try await receivingUnits(request, selected: form["unit"]), query: form["q"] ?? "", matches: matches, frequent: frequent,
            procedure: chosen.map(option),
            components: (chosen?.documents ?? []).enumerated().map {
                ComponentOption(index: $0.offset, name: $0.element.name, checked: checked.contains($0.element.name) || (posted.isEmpty && !$0.element.isConditional))
            },
            fees: chosen?.fees.map { Format.fee($0, en: en) } ?? [],
            dueHint: dueHint, form: form, reusable: reusable, errors: errors, postAllowed: chosen != nil,
            smsAvailable: request.application.parConfig.smsAvailable)
        return try await Page.render("dossier-new", title: Messages.text("common.receive-a-dossier", en: en), context: context, request: request, failed: errors != nil)
    }

    /// The intake form as posted (multipart: scans ride along with the fields).
    struct IntakeForm: Decodable {
        var unit: String?
        var procedure: String?
        var channel: String?
        var name: String?
        var idNumber: String?
        var phone: String?
        var email: String?
        var notifyBy: String?
        var address: String?
        var component: [String]?
        var reuse: [String]?
        var scan: [String: File]?
        var digitised: [String: String]?
    }

    @Sendable func intake(_ request: Request) async throws -> Response {
        let form = try request.content.decode(IntakeForm.self)
        var echo: [String: String] = [:]
        for (key, value) in [("unit", form.unit), ("procedure", form.procedure), ("channel", form.channel), ("name", form.name),
                             ("idNumber", form.idNumber), ("phone", form.phone), ("email", form.email), ("notifyBy", form.notifyBy),
                             ("address", form.address)] {
            echo[key] = value.map(VietnameseText.clean) ?? ""
        }
        for (index, name) in (form.component ?? []).enumerated() { echo["component.\(index)"] = VietnameseText.clean(name) }
        do {
            let unit = try await stores.access(request).authorizedUnit(form.unit, .receiveDossiers)
            guard let code = form.procedure, let procedure = try await stores.procedures.find(code: VietnameseText.clean(code)) else {
                throw Problem(DomainError.invalid("Chọn thủ tục.", english: "Choose the procedure.", field: "procedure"))
            }
            let channel: DossierChannel = form.channel == "post" ? .post : .counter
            var drafts: [FileDraft] = []
            let store = request.fileStore
            for (component, key, file) in Self.scans(form.scan, of: procedure) {
                drafts.append(try await request.storeUpload(file, kind: .component, component: component,
                                                      digitised: form.digitised?[key] == "1", store: store))
            }
            let intake = DossierIntake(procedureID: procedure.id, receivingUnitID: unit.unit.id, channel: channel,
                                       applicant: .init(name: form.name ?? "", idNumber: Self.nonEmpty(form.idNumber), phone: Self.nonEmpty(form.phone),
                                                        address: Self.nonEmpty(form.address), email: Self.nonEmpty(form.email),
                                                        notifyBy: try stores.dossierService.notifyBy(form.notifyBy, request: request)),
                                       components: form.component ?? [],
                                       reuse: (form.reuse ?? []).compactMap(DossierFile.ID.init(string:)))
            let received = try await stores.dossiers.receive(intake, files: drafts, actor: request.auditActor,
                                                                               now: request.now)
            request.session.data[Self.receiptKey(received.dossier.id)] = received.secret
            return request.redirect(to: Paths.dossierReceipt.link(received.dossier.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderIntake(request, form: echo, errors: errors)
        }
    }
}
