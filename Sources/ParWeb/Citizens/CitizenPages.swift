import Foundation
import ParCore
import ParStore
import Vapor

/// What citizens use without a staff account: the dossier status lookup (code and the
/// secret on the receipt; no personal data), and online submission with a citizen
/// account verified by a one-time code.
struct CitizenPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.lookup.pattern, use: lookup)
        routes.get(Paths.citizenLogin.pattern, use: loginForm)
        routes.post(Paths.citizenLogin.pattern, use: sendCode)
        routes.post(Paths.citizenVerify.pattern, use: verify)
        routes.post(Paths.citizenLogout.pattern, use: logout)
        routes.get(Paths.citizenHome.pattern, use: home)
        routes.post(Paths.citizenProfile.pattern, use: profile)
        routes.get(Paths.citizenSubmit.pattern, use: submitForm)
        routes.on(.POST, Paths.citizenSubmit.pattern, body: .collect(maxSize: "64mb"), use: submit)
        routes.get(Paths.citizenDossier.pattern, use: citizenDossier)
        routes.on(.POST, Paths.citizenDossier.pattern, body: .collect(maxSize: "64mb"), use: supplement)
    }

    // MARK: Status lookup

    struct LookupContext: Encodable {
        let code: String
        let result: LookupResult?
        let errors: [FormError]?
    }

    struct LookupResult: Encodable {
        let code: String
        let procedure: String
        let state: String
        let nationalStatus: Int
        let receivedAt: String
        let dueAt: String
        let timeliness: String
        let timeline: [TimelineRow]
        let supplementItems: String?
    }

    struct TimelineRow: Encodable {
        let at: String
        let name: String
        let state: String
    }

    @Sendable func lookup(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let code = VietnameseText.clean((try? request.query.get(String.self, at: "code")) ?? "")
        let secret = VietnameseText.clean((try? request.query.get(String.self, at: "secret")) ?? "")
        var result: LookupResult?
        var errors: [FormError]?
        if !code.isEmpty || !secret.isEmpty {
            // The replica first; the primary when it has not yet replayed a dossier just received (`ReadReplica`).
            if let status = try await request.readOrPrimary({ try await DossierRepository(db: $0).publicStatus(code: code, secret: secret, now: request.now) }) {
                let d = status.dossier, timeline = status.timeline
                result = LookupResult(
                    code: d.code, procedure: status.procedureName ?? "", state: d.state.name(en: en),
                    nationalStatus: d.state.nationalStatus, receivedAt: LocalTime.format(d.receivedAt), dueAt: LocalTime.format(d.dueAt),
                    timeliness: DossierPages.timelinessLabel(d.timeliness(at: request.now), en: en),
                    timeline: timeline.map { TimelineRow(at: LocalTime.format($0.at), name: DossierPages.eventLabel($0.name, en: en),
                                                         state: $0.toState.name(en: en)) },
                    supplementItems: d.state == .supplementRequested ? timeline.last(where: { $0.name == "request_supplement" })?.detail : nil)
            } else {
                errors = [FormError(field: "code", message: Messages.text("citizen-pages.no-dossier-has-this-code-and-secret", en: en))]
            }
        }
        let response = try await Page.render("lookup", title: Messages.text("base.dossier-status", en: en),
                                             context: LookupContext(code: code, result: result, errors: errors), request: request)
        if errors != nil { response.status = .notFound }
        return response
    }

    // MARK: Citizen sign-in

    static let citizenKey = "citizen"

    func citizen(_ request: Request) async throws -> Citizen? {
        guard let raw = request.session.data[Self.citizenKey], let id = Citizen.ID(string: raw) else { return nil }
        return try await stores.citizens.find(id)
    }

    func requireCitizen(_ request: Request) async throws -> Citizen {
        guard let citizen = try await citizen(request) else {
            throw Problem(status: .unauthorized, detail: "Hãy đăng nhập bằng thư điện tử để dùng dịch vụ công trực tuyến.",
                          detailEn: "Sign in with your e-mail address to use online services.")
        }
        return citizen
    }

    struct LoginContext: Encodable {
        let email: String
        let codeSent: Bool
        let next: String
        let errors: [FormError]?
    }

    func localNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/citizen"), !raw.hasPrefix("//") else { return Paths.citizenHome.rawValue }
        return raw
    }

    @Sendable func loginForm(_ request: Request) async throws -> Response {
        let next = localNext(try? request.query.get(String.self, at: "next"))
        return try await renderLogin(request, email: "", codeSent: false, next: next, errors: nil)
    }

    func renderLogin(_ request: Request, email: String, codeSent: Bool, next: String, errors: [FormError]?) async throws -> Response {
        let en = Language.of(request) == .en
        return try await Page.render("citizen-login", title: Messages.text("citizen-pages.sign-in-to-online-services", en: en),
                                     context: LoginContext(email: email, codeSent: codeSent, next: next, errors: errors), request: request, failed: errors != nil)
    }

    struct EmailForm: Decodable {
        var email: String?
        var code: String?
        var next: String?
    }

    @Sendable func sendCode(_ request: Request) async throws -> Response {
        let form = try request.content.decode(EmailForm.self)
        let email = VietnameseText.clean(form.email ?? "")
        let next = localNext(form.next)
        do {
            try await stores.citizens.issueCode(to: email, now: request.now)
            return try await renderLogin(request, email: Citizen.normalisedEmail(email) ?? email, codeSent: true, next: next, errors: nil)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderLogin(request, email: email, codeSent: false, next: next, errors: errors)
        }
    }

    @Sendable func verify(_ request: Request) async throws -> Response {
        let form = try request.content.decode(EmailForm.self)
        let email = VietnameseText.clean(form.email ?? "")
        let next = localNext(form.next)
        do {
            let citizen = try await stores.citizens.verify(email: email, code: form.code ?? "", now: request.now)
            try await request.renewSession()
            request.session.data[Self.citizenKey] = citizen.id.description
            return request.redirect(to: next)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderLogin(request, email: email, codeSent: true, next: next, errors: errors)
        }
    }

    @Sendable func logout(_ request: Request) async throws -> Response {
        request.session.destroy()
        return request.redirect(to: Paths.home.rawValue)
    }

    // MARK: Citizen home, profile, submission

    struct CitizenHomeContext: Encodable {
        let citizen: Citizen
        let dossiers: [DossierPages.Row]
        let errors: [FormError]?
        let saved: Bool
    }

    @Sendable func home(_ request: Request) async throws -> Response {
        guard let citizen = try await citizen(request) else {
            return request.redirect(to: Paths.citizenLogin.rawValue)
        }
        return try await renderHome(request, citizen: citizen, errors: nil, saved: (try? request.query.get(String.self, at: "saved")) == "1")
    }

    func renderHome(_ request: Request, citizen: Citizen, errors: [FormError]?, saved: Bool) async throws -> Response {
        let en = Language.of(request) == .en
        var names = Names(stores)
        var rows: [DossierPages.Row] = []
        let now = request.now
        for d in try await stores.dossiers.dossiers(ofCitizen: citizen.id) {
            var row = try await DossierPages.row(d, names: &names, now: now, en: en)
            row.link = Paths.citizenDossier.link(d.id)
            rows.append(row)
        }
        return try await Page.render("citizen-home", title: Messages.text("citizen-home.my-dossiers", en: en),
                                     context: CitizenHomeContext(citizen: citizen, dossiers: rows, errors: errors, saved: saved),
                                     request: request, failed: errors != nil)
    }

    struct ProfileForm: Decodable {
        var name: String?
        var phone: String?
        var idNumber: String?
    }

    @Sendable func profile(_ request: Request) async throws -> Response {
        let citizen = try await requireCitizen(request)
        let form = try request.content.decode(ProfileForm.self)
        do {
            _ = try await stores.citizens.updateProfile(citizen.id, name: form.name ?? "", phone: form.phone,
                                                                           idNumber: form.idNumber, now: request.now)
            return request.redirect(to: Paths.citizenHome.rawValue + "?saved=1")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderHome(request, citizen: citizen, errors: errors, saved: false)
        }
    }

    struct SubmitContext: Encodable {
        let citizen: Citizen
        let procedure: DossierPages.ProcedureOption
        let components: [DossierPages.ComponentOption]
        let fees: [Format.FeeLine]
        let units: [DossierPages.UnitOption]
        let fixedUnit: String?
        let errors: [FormError]?
        let online: Bool
        /// Whether notices may go by SMS (a provider is configured), and the choice made so far.
        let smsAvailable: Bool
        let notifyBy: String
    }

    /// The unit that receives a procedure online: its department, or the commune the citizen picks.
    func receivingChoices(_ procedure: Procedure, request: Request, selected: String?) async throws -> (fixed: OrgUnit?, options: [DossierPages.UnitOption]) {
        if let unitID = procedure.unitID, let unit = try await stores.units.find(unitID)?.unit { return (unit, []) }
        let today = LocalTime.today(request.now)
        let communes = try await stores.units.all().filter { unit in
            unit.kind == .commune && (unit.validFrom.map { $0 <= today } ?? true) && (unit.validTo.map { $0 >= today } ?? true)
        }
        return (nil, communes.sorted { VietnameseText.precedes($0.name, $1.name) }.map {
            DossierPages.UnitOption(id: $0.id.description, name: $0.name, selected: $0.id.description == selected)
        })
    }

    func procedure(_ request: Request) async throws -> Procedure {
        guard let code = request.parameters.get("code"), let procedure = try await stores.procedures.find(code: code) else {
            throw Problem.notFound("Không tìm thấy thủ tục.", english: "Procedure not found.")
        }
        return procedure
    }

    @Sendable func submitForm(_ request: Request) async throws -> Response {
        guard let citizen = try await citizen(request) else {
            return request.redirect(to: Paths.citizenLogin.rawValue + "?next=" + request.url.path.urlQueryEscaped)
        }
        return try await renderSubmit(request, citizen: citizen, procedure: try await procedure(request), selectedUnit: nil, errors: nil)
    }

    func renderSubmit(_ request: Request, citizen: Citizen, procedure: Procedure, selectedUnit: String?, notifyBy: String? = nil,
                             errors: [FormError]?) async throws -> Response {
        let en = Language.of(request) == .en
        let (fixed, options) = try await receivingChoices(procedure, request: request, selected: selectedUnit)
        let context = SubmitContext(
            citizen: citizen, procedure: .init(code: procedure.code, name: procedure.name, link: Paths.citizenSubmit.link(procedure.code)),
            components: procedure.documents.enumerated().map { .init(index: $0.offset, name: $0.element.name, checked: !$0.element.isConditional) },
            fees: procedure.fees.map { Format.fee($0, en: en) },
            units: options, fixedUnit: fixed?.name, errors: errors, online: procedure.methods.contains(.online),
            smsAvailable: request.application.parConfig.smsAvailable, notifyBy: notifyBy ?? OutboxMessage.Channel.email.rawValue)
        return try await Page.render("citizen-submit", title: Messages.text("common.submit-online", en: en), context: context, request: request, failed: errors != nil)
    }

    struct SubmitForm: Decodable {
        var unit: String?
        var component: [String]?
        var scan: [String: File]?
        var notifyBy: String?
    }

    @Sendable func submit(_ request: Request) async throws -> Response {
        let citizen = try await requireCitizen(request)
        let procedure = try await procedure(request)
        let form = try request.content.decode(SubmitForm.self)
        do {
            guard !citizen.name.isEmpty else {
                throw Problem(DomainError.invalid("Hãy cập nhật họ tên trong hồ sơ cá nhân trước khi nộp.",
                                                  english: "Add your name to your profile before submitting.", field: "name"))
            }
            let (fixed, _) = try await receivingChoices(procedure, request: request, selected: form.unit)
            let unitID: OrgUnit.ID
            if let fixed {
                unitID = fixed.id
            } else {
                guard let raw = form.unit, let id = OrgUnit.ID(string: raw), let unit = try await stores.units.find(id)?.unit,
                      unit.kind == .commune else {
                    throw Problem(DomainError.invalid("Chọn xã, phường nhận hồ sơ.", english: "Choose the commune or ward.", field: "unit"))
                }
                unitID = unit.id
            }
            let store = request.fileStore
            var drafts: [FileDraft] = []
            for (component, _, file) in DossierPages.scans(form.scan, of: procedure) {
                drafts.append(try await request.storeUpload(file, kind: .component, component: component, digitised: false, store: store))
            }
            let intake = DossierIntake(procedureID: procedure.id, receivingUnitID: unitID, channel: .online,
                                       applicant: .init(name: citizen.name, idNumber: citizen.idNumber, phone: citizen.phone, email: citizen.email,
                                                        notifyBy: try stores.dossierService.notifyBy(form.notifyBy, request: request)),
                                       components: form.component ?? [], citizenID: citizen.id)
            let actor = request.auditActor(id: nil, name: citizen.email)
            let received = try await stores.dossiers.receive(intake, files: drafts, actor: actor, now: request.now)
            request.session.data["submitted.\(received.dossier.id)"] = received.secret
            return request.redirect(to: Paths.citizenDossier.link(received.dossier.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderSubmit(request, citizen: citizen, procedure: procedure, selectedUnit: form.unit, notifyBy: form.notifyBy,
                                          errors: errors)
        }
    }

    struct CitizenDossierContext: Encodable {
        let code: String
        let secret: String?
        let procedure: String
        let state: String
        let receivedAt: String
        let dueAt: String
        let timeliness: String
        let timeline: [TimelineRow]
        let supplementItems: String?
        let canSupplement: Bool
        let components: [DossierPages.ComponentOption]
        let files: [String]
        let errors: [FormError]?
    }

    func ownDossier(_ request: Request, citizen: Citizen) async throws -> Dossier {
        guard let id = request.parameters.get("dossierID").flatMap(Dossier.ID.init(string:)),
              let dossier = try await stores.dossiers.find(id), dossier.citizenID == citizen.id else {
            throw Problem.notFound("Không tìm thấy hồ sơ.", english: "Dossier not found.")
        }
        return dossier
    }

    @Sendable func citizenDossier(_ request: Request) async throws -> Response {
        let citizen = try await requireCitizen(request)
        return try await renderCitizenDossier(request, dossier: try await ownDossier(request, citizen: citizen), errors: nil)
    }

    func renderCitizenDossier(_ request: Request, dossier d: Dossier, errors: [FormError]?) async throws -> Response {
        let en = Language.of(request) == .en
        let repository = stores.dossiers
        let timeline = try await repository.timeline(of: d.id)
        let procedure = try await stores.procedures.find(d.procedureID)
        let secret = request.session.data["submitted.\(d.id)"]
        request.session.data["submitted.\(d.id)"] = nil
        let context = CitizenDossierContext(
            code: d.code, secret: secret, procedure: procedure?.name ?? "", state: d.state.name(en: en),
            receivedAt: LocalTime.format(d.receivedAt), dueAt: LocalTime.format(d.dueAt),
            timeliness: DossierPages.timelinessLabel(d.timeliness(at: request.now), en: en),
            timeline: timeline.map { TimelineRow(at: LocalTime.format($0.at), name: DossierPages.eventLabel($0.name, en: en),
                                                 state: $0.toState.name(en: en)) },
            supplementItems: timeline.last(where: { $0.name == "request_supplement" })?.detail,
            canSupplement: d.state == .supplementRequested,
            components: (procedure?.documents ?? []).enumerated().map { .init(index: $0.offset, name: $0.element.name, checked: false) },
            files: try await repository.files(of: d.id).map { "\($0.component ?? $0.kind.rawValue): \($0.originalName)" },
            errors: errors)
        return try await Page.render("citizen-dossier", title: "\(Messages.text("common.dossier", en: en)) \(d.code)", context: context, request: request, failed: errors != nil)
    }

    /// The citizen sends the missing items online: the files are attached and the clock resumes.
    @Sendable func supplement(_ request: Request) async throws -> Response {
        let citizen = try await requireCitizen(request)
        let dossier = try await ownDossier(request, citizen: citizen)
        let form = try request.content.decode(SubmitForm.self)
        let actor = request.auditActor(id: nil, name: citizen.email)
        do {
            guard dossier.state == .supplementRequested else {
                throw Problem(DomainError(.conflict, "Hồ sơ không chờ bổ sung.", english: "The dossier is not waiting for a supplement."))
            }
            guard let procedure = try await stores.procedures.find(dossier.procedureID) else {
                throw Problem.notFound("Không tìm thấy thủ tục.", english: "Procedure not found.")
            }
            let repository = stores.dossiers
            var attached = 0
            for (component, _, file) in DossierPages.scans(form.scan, of: procedure) {
                let draft = try await request.storeUpload(file, kind: .component, component: component, digitised: false, store: request.fileStore)
                _ = try await repository.addFile(draft, to: dossier.id, actor: actor, now: request.now)
                attached += 1
            }
            guard attached > 0 else {
                throw Problem(DomainError.invalid("Hãy gửi kèm ít nhất một tệp bổ sung.", english: "Attach at least one file.", field: "scan"))
            }
            _ = try await repository.act(dossier.id, expectedVersion: nil, event: .completeSupplement, actor: actor, now: request.now)
            return request.redirect(to: Paths.citizenDossier.link(dossier.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderCitizenDossier(request, dossier: dossier, errors: errors)
        }
    }
}
