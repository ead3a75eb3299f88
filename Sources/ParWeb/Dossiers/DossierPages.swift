import Foundation
import ParCore
import ParStore
import Vapor

/// The one-stop officers' pages: work queue, intake at the counter, the dossier with
/// its actions and control sheet (form 05), the receipt (form 01), the slips (forms 02,
/// 03, 04) and the register (form 06). Permissions are those of the API
/// (`ParAPI+Dossiers.swift`): the same checks run for a form as for a JSON call.
enum DossierPages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.dossiers.pattern, use: queue)
        routes.get(Paths.dossierNew.pattern, use: intakeForm)
        routes.on(.POST, Paths.dossierNew.pattern, body: .collect(maxSize: "64mb"), use: intake)
        routes.get(Paths.dossierRegister.pattern, use: registerPage)
        routes.get(Paths.dossierRegisterCSV.pattern, use: registerCSV)
        routes.get(Paths.dossierRegisterXLSX.pattern, use: registerXLSX)
        routes.get(Paths.dossier.pattern, use: show)
        routes.post(Paths.dossierActions.pattern, use: act)
        routes.on(.POST, Paths.dossierFiles.pattern, body: .collect(maxSize: "16mb"), use: addFile)
        routes.post(Paths.dossierFileDigitise.pattern, use: digitise)
        routes.get(Paths.dossierFile.pattern, use: download)
        routes.get(Paths.dossierReceipt.pattern, use: receipt)
        routes.post(Paths.dossierReceipt.pattern, use: reissueReceipt)
        routes.get(Paths.dossierSlip.pattern, use: slip)
    }

    // MARK: Shared display

    /// Names of procedures and units, looked up once per page.
    struct Names {
        let request: Request
        var procedures: [Procedure.ID: Procedure] = [:]
        var units: [OrgUnit.ID: OrgUnit] = [:]

        init(_ request: Request) { self.request = request }

        mutating func procedure(_ id: Procedure.ID) async throws -> Procedure? {
            if let known = procedures[id] { return known }
            let found = try await ProcedureRepository(db: request.db).find(id)
            procedures[id] = found
            return found
        }

        mutating func unit(_ id: OrgUnit.ID?) async throws -> String {
            guard let id else { return "" }
            if let known = units[id] { return known.name }
            guard let found = try await request.units.find(id)?.unit else { return "" }
            units[id] = found
            return found.name
        }
    }

    struct Row: Encodable {
        let code: String
        let link: String
        let procedure: String
        let applicant: String
        let state: String
        let channel: String
        let receivedAt: String
        let dueAt: String
        let timeliness: String
        let timelinessLabel: String
        let holder: String
    }

    static func timelinessLabel(_ t: Dossier.Timeliness, en: Bool) -> String {
        switch t {
        case .onTime: en ? "On time" : "Trong hạn"
        case .dueSoon: en ? "Due soon" : "Sắp đến hạn"
        case .overdue: en ? "Overdue" : "Quá hạn"
        case .paused: en ? "Paused (supplement)" : "Tạm dừng (bổ sung)"
        case .finishedOnTime: en ? "Finished on time" : "Hoàn thành đúng hạn"
        case .finishedLate: en ? "Finished late" : "Hoàn thành quá hạn"
        }
    }

    static func channelLabel(_ c: DossierChannel, en: Bool) -> String {
        switch c {
        case .counter: en ? "Counter" : "Trực tiếp"
        case .online: en ? "Online" : "Trực tuyến"
        case .post: en ? "Post" : "Bưu chính"
        }
    }

    static func row(_ d: Dossier, names: inout Names, now: Date, en: Bool) async throws -> Row {
        let t = d.timeliness(at: now)
        return Row(code: d.code, link: Paths.dossier.link(d.id), procedure: try await names.procedure(d.procedureID)?.name ?? "",
                   applicant: d.applicant.name, state: en ? d.state.english : d.state.vietnamese,
                   channel: channelLabel(d.channel, en: en), receivedAt: LocalTime.format(d.receivedAt),
                   dueAt: LocalTime.format(d.dueAt), timeliness: t.rawValue, timelinessLabel: timelinessLabel(t, en: en),
                   holder: try await names.unit(d.holderUnitID))
    }

    // MARK: Work queue

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct QueueContext: Encodable {
        let rows: [Row]
        let states: [Option]
        let channels: [Option]
        let procedure: String
        let atRisk: Bool
        let canReceive: Bool
        let nextLink: String?
        let overdue: Int
    }

    @Sendable static func queue(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        let roots = principal.scopeRoots(for: .viewDossiers)
        guard !roots.isEmpty else { throw Problem.forbidden() }
        let units = try await request.units.subtreeIDs(of: roots)
        let stateRaw = (try? request.query.get(String.self, at: "state")) ?? ""
        let channelRaw = (try? request.query.get(String.self, at: "channel")) ?? ""
        let procedureCode = VietnameseText.clean((try? request.query.get(String.self, at: "procedure")) ?? "")
        let atRisk = (try? request.query.get(String.self, at: "atRisk")) == "1"
        let page = max(0, min(1000, (try? request.query.get(Int.self, at: "page")) ?? 0))
        let now = request.now
        var filter = DossierRepository.QueueFilter(holderUnits: units, limit: 51, offset: page * 50)
        if let state = DossierState(rawValue: stateRaw) { filter.states = [state] }
        filter.channel = DossierChannel(rawValue: channelRaw)
        if !procedureCode.isEmpty {
            guard let procedure = try await ProcedureRepository(db: request.db).find(code: procedureCode) else {
                throw Problem(DomainError.invalid("Không có thủ tục mã này.", english: "No procedure has this code.", field: "procedure"))
            }
            filter.procedureID = procedure.id
        }
        if atRisk {
            // At risk: due within two working days (DOMAIN.md: officers are warned ahead).
            let calendar = try await CalendarRepository(db: request.db).calendar()
            filter.dueBefore = (try? calendar.deadline(from: now, workingDays: 2).due) ?? now
        }
        let found = try await DossierRepository(db: request.db).queue(filter)
        var names = Names(request)
        var rows: [Row] = []
        for d in found.prefix(50) { rows.append(try await row(d, names: &names, now: now, en: en)) }
        var query = request.url.query.map { "?" + $0 } ?? "?"
        query = query.replacingOccurrences(of: "&page=\(page)", with: "").replacingOccurrences(of: "?page=\(page)", with: "?")
        let context = QueueContext(
            rows: rows,
            states: DossierState.allCases.filter { !$0.isClosed }.map {
                Option(value: $0.rawValue, label: en ? $0.english : $0.vietnamese, selected: $0.rawValue == stateRaw)
            },
            channels: DossierChannel.allCases.map { Option(value: $0.rawValue, label: channelLabel($0, en: en), selected: $0.rawValue == channelRaw) },
            procedure: procedureCode, atRisk: atRisk, canReceive: principal.mayAnywhere(.receiveDossiers),
            nextLink: found.count > 50 ? Paths.dossiers.rawValue + query + (query.hasSuffix("?") ? "" : "&") + "page=\(page + 1)" : nil,
            overdue: rows.filter { $0.timeliness == Dossier.Timeliness.overdue.rawValue }.count)
        return try await Page.render("dossiers", title: en ? "Work queue" : "Hồ sơ cần xử lý", context: context, request: request)
    }

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
        let procedure: ProcedureOption?
        let components: [ComponentOption]
        let fees: [String]
        let dueHint: String?
        let form: [String: String]
        let reusable: [ReuseOption]
        let errors: [FormError]?
        let postAllowed: Bool
    }

    struct ProcedureOption: Encodable {
        let code: String
        let name: String
        let link: String
    }

    /// Units where the officer receives dossiers.
    static func receivingUnits(_ request: Request, selected: String?) async throws -> [UnitOption] {
        let principal = try request.requirePrincipal()
        var options: [UnitOption] = []
        for id in principal.scopeRoots(for: .receiveDossiers).sorted(by: { $0.description < $1.description }) {
            if let unit = try await request.units.find(id)?.unit {
                options.append(UnitOption(id: unit.id.description, name: unit.name, selected: unit.id.description == selected))
            }
        }
        return options.sorted { $0.name < $1.name }
    }

    @Sendable static func intakeForm(_ request: Request) async throws -> Response {
        try await renderIntake(request, form: [:], errors: nil)
    }

    static func renderIntake(_ request: Request, form posted: [String: String], errors: [FormError]?) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.receiveDossiers) else { throw Problem.forbidden() }
        let en = Language.of(request) == .en
        var form = posted
        for key in ["unit", "q", "procedure", "idNumber", "name", "phone", "email", "address", "channel"] where form[key] == nil {
            if let value = try? request.query.get(String.self, at: key) { form[key] = VietnameseText.clean(value) }
        }
        let procedures = ProcedureRepository(db: request.db)
        var matches: [ProcedureOption] = []
        func option(_ p: Procedure) -> ProcedureOption {
            ProcedureOption(code: p.code, name: p.name, link: Paths.dossierNew.rawValue + "?procedure=\(p.code.urlQueryEscaped)&unit=\((form["unit"] ?? "").urlQueryEscaped)")
        }
        if let text = form["q"], !text.isEmpty {
            matches = try await procedures.search(.init(text: text, limit: 20)).items.map(option)
        }
        var chosen: Procedure?
        if let code = form["procedure"], !code.isEmpty { chosen = try await procedures.find(code: code) }
        let checked = Set(form.filter { $0.key.hasPrefix("component.") }.map(\.value))
        var dueHint: String?
        if let chosen {
            let calendar = try await CalendarRepository(db: request.db).calendar()
            if let due = try? chosen.processingTime.due(from: request.now, calendar: calendar) {
                dueHint = LocalTime.format(due)
            }
        }
        let reusable = try await DossierRepository(db: request.db).reusableFiles(idNumber: form["idNumber"]).map {
            ReuseOption(id: $0.id.description, component: $0.component ?? "", name: $0.originalName, uploadedAt: LocalTime.format($0.uploadedAt))
        }
        let context = IntakeContext(
            units: try await receivingUnits(request, selected: form["unit"]), query: form["q"] ?? "", matches: matches,
            procedure: chosen.map(option),
            components: (chosen?.documents ?? []).enumerated().map {
                ComponentOption(index: $0.offset, name: $0.element.name, checked: checked.contains($0.element.name) || (posted.isEmpty && !$0.element.isConditional))
            },
            fees: chosen?.fees.map { "\($0.description): \(CataloguePages.vnd($0.amountVND))" } ?? [],
            dueHint: dueHint, form: form, reusable: reusable, errors: errors, postAllowed: chosen != nil)
        return try await Page.render("dossier-new", title: en ? "Receive a dossier" : "Tiếp nhận hồ sơ", context: context, request: request, failed: errors != nil)
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
        var address: String?
        var component: [String]?
        var reuse: [String]?
        var scan: [String: File]?
        var digitised: [String: String]?
    }

    @Sendable static func intake(_ request: Request) async throws -> Response {
        let form = try request.content.decode(IntakeForm.self)
        var echo: [String: String] = [:]
        for (key, value) in [("unit", form.unit), ("procedure", form.procedure), ("channel", form.channel), ("name", form.name),
                             ("idNumber", form.idNumber), ("phone", form.phone), ("email", form.email), ("address", form.address)] {
            echo[key] = value.map(VietnameseText.clean) ?? ""
        }
        for (index, name) in (form.component ?? []).enumerated() { echo["component.\(index)"] = VietnameseText.clean(name) }
        do {
            let unit = try await request.authorizedUnit(form.unit, .receiveDossiers)
            guard let code = form.procedure, let procedure = try await ProcedureRepository(db: request.db).find(code: VietnameseText.clean(code)) else {
                throw Problem(DomainError.invalid("Chọn thủ tục.", english: "Choose the procedure.", field: "procedure"))
            }
            let channel: DossierChannel = form.channel == "post" ? .post : .counter
            var drafts: [FileDraft] = []
            let store = request.fileStore
            for (component, key, file) in scans(form.scan, of: procedure) {
                drafts.append(try request.storeUpload(file, kind: .component, component: component,
                                                      digitised: form.digitised?[key] == "1", store: store))
            }
            let intake = DossierIntake(procedureID: procedure.id, receivingUnitID: unit.unit.id, channel: channel,
                                       applicant: .init(name: form.name ?? "", idNumber: nonEmpty(form.idNumber), phone: nonEmpty(form.phone),
                                                        address: nonEmpty(form.address), email: nonEmpty(form.email)),
                                       components: form.component ?? [],
                                       reuse: (form.reuse ?? []).compactMap(DossierFile.ID.init(string:)))
            let (dossier, secret) = try await DossierRepository(db: request.db).receive(intake, files: drafts, actor: request.auditActor, now: request.now)
            request.session.data[receiptKey(dossier.id)] = secret
            return request.redirect(to: Paths.dossierReceipt.link(dossier.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderIntake(request, form: echo, errors: errors)
        }
    }

    static func nonEmpty(_ raw: String?) -> String? {
        guard let text = raw.map(VietnameseText.clean), !text.isEmpty else { return nil }
        return text
    }

    static func receiptKey(_ id: Dossier.ID) -> String { "receipt.\(id)" }

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
    static func stepRows(of id: Dossier.ID, repository: DossierRepository, names: inout Names, now: Date, en: Bool) async throws -> [StepRow] {
        var rows: [StepRow] = []
        for s in try await repository.steps(of: id) {
            rows.append(StepRow(sequence: s.sequence, unit: try await names.unit(s.unitID), from: try await names.unit(s.fromUnitID),
                                transfer: s.fromUnitID == nil ? "" : (s.electronic ? (en ? "electronic" : "điện tử") : (en ? "paper" : "giấy")),
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
        let detail: String
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
        let plan: [String]
        let actions: [String: Bool]
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

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await renderDossier(try await DossierService.viewable(request), request: request, errors: nil)
    }

    static func renderDossier(_ d: Dossier, request: Request, errors: [FormError]?) async throws -> Response {
        let en = Language.of(request) == .en
        let principal = try request.requirePrincipal()
        let repository = DossierRepository(db: request.db)
        var names = Names(request)
        let now = request.now
        let procedure = try await names.procedure(d.procedureID)
        let steps = try await stepRows(of: d.id, repository: repository, names: &names, now: now, en: en)
        var events: [EventRow] = []
        for e in try await repository.timeline(of: d.id) {
            events.append(EventRow(at: LocalTime.format(e.at), name: eventLabel(e.name, en: en), actor: e.actorName,
                                   state: en ? e.toState.english : e.toState.vietnamese, unit: try await names.unit(e.unitID), detail: e.detail))
        }
        let files = try await repository.files(of: d.id).map { f in
            FileRow(id: f.id.description, link: Paths.dossierFile.link(d.id, f.id), digitiseAction: Paths.dossierFileDigitise.link(d.id, f.id),
                    kind: f.kind == .result ? (en ? "Result" : "Kết quả") : (en ? "Component" : "Thành phần"),
                    component: f.component ?? "", name: f.originalName, size: ByteCountFormatter.string(fromByteCount: Int64(f.size), countStyle: .file),
                    digitised: f.digitised, reused: f.reusedFrom != nil)
        }
        let messages = try await OutboxRepository(db: request.db).messages(about: d.id).map {
            MessageRow(at: LocalTime.format($0.createdAt), recipient: $0.recipient, subject: $0.subject, status: $0.status.rawValue)
        }
        // What this officer may do now, by the same rules as the API.
        let standing = try await DossierService.standing(principal, on: d, request: request)
        let available = d.availableActions(for: standing, at: now)
        var actions = Dictionary(uniqueKeysWithValues: DossierEvent.Kind.allCases.map { (actionKey($0), available.contains($0)) })
        actions["addFile"] = d.mayAttachFiles(for: standing)
        let atCounter = standing.atCounter
        let holding = try await request.units.find(d.holderUnitID)
        let rated = try await SatisfactionRepository(db: request.db).answeredAt(d.id) != nil
        var targets: [UnitOption] = []
        if let holding {
            var ids: [OrgUnit.ID] = []
            if let parent = holding.unit.parentID {
                ids.append(parent)
                ids += try await request.units.children(of: parent).filter { $0.validTo == nil }.map(\.id)
            }
            ids += try await request.units.children(of: holding.unit.id).filter { $0.validTo == nil }.map(\.id)
            if !ids.contains(d.receivingUnitID) { ids.insert(d.receivingUnitID, at: 0) }
            var seen = Set<OrgUnit.ID>([holding.unit.id])
            for id in ids where seen.insert(id).inserted {
                targets.append(UnitOption(id: id.description, name: try await names.unit(id), selected: false))
            }
        }
        let calendar = try await CalendarRepository(db: request.db).calendar()
        let suggested = (try? calendar.deadline(from: d.dueAt, workingDays: 2).due) ?? d.dueAt
        let t = d.timeliness(at: now)
        let slipNames: [(String, String, String)] = [("supplement", "Phiếu yêu cầu bổ sung (mẫu 02)", "Supplement request (form 02)"),
                                                     ("refusal", "Phiếu từ chối (mẫu 03)", "Refusal (form 03)"),
                                                     ("apology", "Phiếu xin lỗi (mẫu 04)", "Apology slip (form 04)"),
                                                     ("control", "Phiếu kiểm soát (mẫu 05)", "Control sheet (form 05)")]
        let slips = slipNames.filter { kind, _, _ in
            switch kind {
            case "supplement": d.supplementRequests > 0
            case "refusal": d.state == .refused
            case "apology": d.apologies > 0
            default: true
            }
        }.map { ProcedureOption(code: $0.0, name: en ? $0.2 : $0.1, link: Paths.dossierSlip.link(d.id, $0.0)) }
        let context = DossierContext(
            id: d.id.description, code: d.code, version: d.version, procedure: procedure?.name ?? "", procedureCode: procedure?.code ?? "",
            receivingUnit: try await names.unit(d.receivingUnitID), holder: try await names.unit(d.holderUnitID),
            channel: channelLabel(d.channel, en: en), state: en ? d.state.english : d.state.vietnamese, stateCode: d.state.rawValue,
            nationalStatus: d.state.nationalStatus, timeliness: t.rawValue, timelinessLabel: timelinessLabel(t, en: en),
            receivedAt: LocalTime.format(d.receivedAt), originalDueAt: LocalTime.format(d.originalDueAt), dueAt: LocalTime.format(d.dueAt),
            supplementRequests: d.supplementRequests, apologies: d.apologies, applicant: d.applicant, components: d.components,
            steps: steps, events: events, files: files, messages: messages,
            plan: procedure?.interAgencySteps.map { "\($0.unit): \($0.days) " + (en ? "working days" : "ngày làm việc") } ?? [],
            actions: actions, forwardTargets: targets, suggestedDue: LocalInput.dateTime(suggested),
            receiptLink: Paths.dossierReceipt.link(d.id), paymentsLink: Paths.dossierPayments.link(d.id), actionLink: Paths.dossierActions.link(d.id), filesLink: Paths.dossierFiles.link(d.id),
            slips: slips, surveyLink: atCounter && d.state == .returned && !rated ? Paths.dossierSurvey.link(d.id) : nil, rated: rated,
            errors: errors)
        return try await Page.render("dossier", title: "\(en ? "Dossier" : "Hồ sơ") \(d.code)", context: context, request: request, failed: errors != nil)
    }

    /// The template's name of an action's button (`actions.completeSupplement`).
    static func actionKey(_ kind: DossierEvent.Kind) -> String {
        let words = kind.rawValue.split(separator: "_")
        return words.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }

    static func eventLabel(_ name: String, en: Bool) -> String {
        let labels: [String: (String, String)] = [
            "receive": ("Tiếp nhận", "Received"), "accept": ("Chấp nhận hồ sơ trực tuyến", "Accepted"),
            "forward": ("Chuyển xử lý", "Forwarded"), "send_back": ("Trả lại bước trước", "Sent back"),
            "request_supplement": ("Yêu cầu bổ sung", "Supplement requested"), "complete_supplement": ("Đã bổ sung", "Supplemented"),
            "apologise": ("Phiếu xin lỗi, hẹn lại", "Apology, new appointment"), "mark_processed": ("Đã xử lý xong", "Processed"),
            "return_result": ("Trả kết quả", "Result returned"), "refuse": ("Từ chối tiếp nhận", "Refused"),
            "withdraw": ("Rút hồ sơ", "Withdrawn"), "stop": ("Dừng xử lý", "Stopped"),
        ]
        guard let label = labels[name] else { return name }
        return en ? label.1 : label.0
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
    }

    @Sendable static func act(_ request: Request) async throws -> Response {
        let form = try request.content.decode(ActionForm.self)
        let raw = request.parameters.get("dossierID") ?? ""
        do {
            guard let action = DossierEvent.Kind(rawValue: form.action) else {
                throw Problem(DomainError.invalid("Thao tác không hợp lệ.", english: "Unknown action.", field: "action"))
            }
            var newDue: Date?
            if let text = form.newDueAt, !text.isEmpty {
                guard let parsed = LocalInput.parseDateTime(text) else {
                    throw Problem(DomainError.invalid("Ngày hẹn mới không hợp lệ.", english: "The new appointment is not a valid date and time.", field: "newDueAt"))
                }
                newDue = parsed
            }
            let input = DossierActionInput(
                action: action, toUnitID: nonEmpty(form.toUnitId), electronic: form.electronic.map { $0 == "1" },
                note: nonEmpty(form.note), reason: nonEmpty(form.reason),
                items: form.items.map { $0.split(whereSeparator: \.isNewline).map(String.init) }, newDueAt: newDue, method: nonEmpty(form.method))
            let dossier = try await DossierService.act(input, on: raw, expectedVersion: form.version, request: request)
            return request.redirect(to: Paths.dossier.link(dossier.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDossier(try await DossierService.viewable(request), request: request, errors: errors)
        }
    }

    // MARK: Files

    struct FileForm: Decodable {
        var file: File?
        var kind: String?
        var component: String?
        var digitised: String?
    }

    @Sendable static func addFile(_ request: Request) async throws -> Response {
        let dossier = try await DossierService.viewable(request)
        do {
            guard try await DossierService.standing(try request.requirePrincipal(), on: dossier, request: request).mayAttachFiles else {
                throw Problem.forbidden()
            }
            let form = try request.content.decode(FileForm.self)
            guard let file = form.file, file.data.readableBytes > 0 else {
                throw Problem(DomainError.invalid("Chọn tệp.", english: "Choose a file.", field: "file"))
            }
            let kind = DossierFile.Kind(rawValue: form.kind ?? "") ?? .component
            let draft = try request.storeUpload(file, kind: kind, component: nonEmpty(form.component), digitised: form.digitised == "1",
                                                store: request.fileStore)
            _ = try await DossierRepository(db: request.db).addFile(draft, to: dossier.id, actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.dossier.link(dossier.id) + "#files")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDossier(dossier, request: request, errors: errors)
        }
    }

    @Sendable static func digitise(_ request: Request) async throws -> Response {
        let dossier = try await DossierService.forFiles(request)
        guard let fileID = request.parameters.get("fileID").flatMap(DossierFile.ID.init(string:)),
              let file = try await DossierRepository(db: request.db).file(fileID), file.dossierID == dossier.id else {
            throw Problem.notFound("Không tìm thấy tệp.", english: "File not found.")
        }
        let flag = (try? request.content.get(String.self, at: "digitised")) == "1"
        _ = try await DossierRepository(db: request.db).setDigitised(fileID, flag, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.dossier.link(dossier.id) + "#files")
    }

    @Sendable static func download(_ request: Request) async throws -> Response {
        let dossier = try await DossierService.viewable(request)
        return try await request.fileResponse(fileID: request.parameters.get("fileID"), of: dossier)
    }

    // MARK: Receipt (form 01) and slips (02–05)

    struct ReceiptContext: Encodable {
        let code: String
        let secret: String?
        let procedure: String
        let procedureCode: String
        let receivingUnit: String
        let applicant: Dossier.Applicant
        let components: [String]
        let fees: [String]
        let receivedAt: String
        let dueAt: String
        let channel: String
        let officer: String
        let lookupURL: String
        let qr: String?
        let surveyURL: String
        let surveyQR: String?
        let reissueLink: String
        let dossierLink: String
    }

    @Sendable static func receipt(_ request: Request) async throws -> Response {
        let dossier = try await DossierService.viewable(request)
        // The secret is shown once, right after intake or a reissue; only its hash is kept.
        let secret = request.session.data[receiptKey(dossier.id)]
        request.session.data[receiptKey(dossier.id)] = nil
        return try await renderReceipt(dossier, secret: secret, request: request)
    }

    @Sendable static func reissueReceipt(_ request: Request) async throws -> Response {
        let dossier = try await DossierService.atCounter(request)
        let secret = try await DossierRepository(db: request.db).reissueSecret(dossier.id, actor: request.auditActor, now: request.now)
        request.session.data[receiptKey(dossier.id)] = secret
        return request.redirect(to: Paths.dossierReceipt.link(dossier.id))
    }

    static func renderReceipt(_ d: Dossier, secret: String?, request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        var names = Names(request)
        let procedure = try await names.procedure(d.procedureID)
        let base = request.application.parConfig.publicURL
        let lookup = base + Paths.lookup.rawValue + "?code=\(d.code.urlQueryEscaped)" + (secret.map { "&secret=\($0.urlQueryEscaped)" } ?? "")
        let qr = secret == nil ? nil : try? QRCode(text: lookup, correction: .medium)
            .svg(moduleSize: 3, quietZone: 4, title: en ? "QR code: dossier status page" : "Mã QR: trang tra cứu hồ sơ")
        let survey = SurveyLinks.url(for: d, request: request)
        let surveyQR = try? QRCode(text: survey, correction: .medium)
            .svg(moduleSize: 3, quietZone: 4, title: en ? "QR code: satisfaction survey" : "Mã QR: khảo sát sự hài lòng")
        let timeline = try await DossierRepository(db: request.db).timeline(of: d.id)
        let context = ReceiptContext(
            code: d.code, secret: secret, procedure: procedure?.name ?? "", procedureCode: procedure?.code ?? "",
            receivingUnit: try await names.unit(d.receivingUnitID), applicant: d.applicant, components: d.components,
            fees: procedure?.fees.map { "\($0.description): \(CataloguePages.vnd($0.amountVND))" } ?? [],
            receivedAt: LocalTime.formal(d.receivedAt, en: en), dueAt: LocalTime.formal(d.originalDueAt, en: en), channel: channelLabel(d.channel, en: en),
            officer: timeline.first?.actorName ?? "", lookupURL: lookup, qr: qr, surveyURL: survey, surveyQR: surveyQR,
            reissueLink: Paths.dossierReceipt.link(d.id), dossierLink: Paths.dossier.link(d.id))
        return try await Page.render("receipt", title: en ? "Receipt \(d.code)" : "Giấy tiếp nhận \(d.code)", context: context, request: request)
    }

    struct SlipContext: Encodable {
        let kind: String
        let title: String
        let code: String
        let procedure: String
        let unit: String
        let applicant: String
        let lines: [String]
        let steps: [StepRow]
        let dossierLink: String
        let date: String
    }

    @Sendable static func slip(_ request: Request) async throws -> Response {
        let d = try await DossierService.viewable(request)
        let en = Language.of(request) == .en
        let kind = request.parameters.get("kind") ?? ""
        var names = Names(request)
        let repository = DossierRepository(db: request.db)
        let timeline = try await repository.timeline(of: d.id)
        let titles: [String: (String, String, String)] = [
            "supplement": ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu số 02)", "Request to supplement the dossier (form 02)", "request_supplement"),
            "refusal": ("Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu số 03)", "Refusal to accept the dossier (form 03)", "refuse"),
            "apology": ("Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu số 04)", "Apology and new appointment (form 04)", "apologise"),
            "control": ("Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu số 05)", "Processing control sheet (form 05)", ""),
        ]
        guard let (vi, english, event) = titles[kind] else { throw Problem.notFound("Không có mẫu này.", english: "No such form.") }
        var lines: [String] = []
        var date = LocalTime.format(request.now)
        if !event.isEmpty {
            let matching = timeline.filter { $0.name == event }
            guard let last = matching.last else { throw Problem.notFound("Hồ sơ chưa có phiếu này.", english: "This dossier has no such slip.") }
            lines = matching.map { "\(LocalTime.format($0.at)) — \($0.actorName): \($0.detail)" }
            date = LocalTime.format(last.at)
        }
        var steps: [StepRow] = []
        if kind == "control" {
            steps = try await stepRows(of: d.id, repository: repository, names: &names, now: request.now, en: en)
        }
        let context = SlipContext(kind: kind, title: en ? english : vi, code: d.code,
                                  procedure: try await names.procedure(d.procedureID)?.name ?? "",
                                  unit: try await names.unit(d.receivingUnitID), applicant: d.applicant.name, lines: lines, steps: steps,
                                  dossierLink: Paths.dossier.link(d.id), date: date)
        return try await Page.render("slip", title: en ? english : vi, context: context, request: request)
    }

    // MARK: Register (form 06)

    struct RegisterRow: Encodable {
        let index: Int
        let code: String
        let link: String
        let procedure: String
        let applicant: String
        let channel: String
        let receivedAt: String
        let dueAt: String
        let state: String
        let finishedAt: String
        let timeliness: String
        let returnedAt: String
    }

    struct RegisterContext: Encodable {
        let units: [UnitOption]
        let from: String
        let to: String
        let rows: [RegisterRow]
        let csvLink: String
        let xlsxLink: String
        let printLink: String
        let truncated: Bool
    }

    static func registerRows(_ request: Request) async throws -> (unit: UnitRecord, from: LocalDate, to: LocalDate, rows: [RegisterRow], truncated: Bool) {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        let unitRaw = (try? request.query.get(String.self, at: "unit"))
            ?? principal.scopeRoots(for: .viewDossiers).sorted(by: { $0.description < $1.description }).first?.description
        let unit = try await request.authorizedUnit(unitRaw, .viewDossiers)
        let today = LocalTime.today(request.now)
        let from = (try? request.query.get(String.self, at: "from")).flatMap(LocalDate.init(iso:)) ?? LocalDate(year: today.year, month: today.month, day: 1)!
        let to = (try? request.query.get(String.self, at: "to")).flatMap(LocalDate.init(iso:)) ?? today
        guard from <= to else {
            throw Problem(DomainError.invalid("Ngày bắt đầu phải trước ngày kết thúc.", english: "from must not be after to.", field: "from"))
        }
        let limit = 5000
        let found = try await DossierRepository(db: request.db).register(
            receivingUnits: try await request.units.subtreeIDs(of: [unit.unit.id]),
            from: VietnamTime.instant(from, .midnight), until: VietnamTime.instant(to, .endOfDay), limit: limit + 1)
        var names = Names(request)
        let now = request.now
        var rows: [RegisterRow] = []
        for (index, d) in found.prefix(limit).enumerated() {
            let t = d.timeliness(at: now)
            rows.append(RegisterRow(index: index + 1, code: d.code, link: Paths.dossier.link(d.id),
                                    procedure: try await names.procedure(d.procedureID)?.name ?? "", applicant: d.applicant.name,
                                    channel: channelLabel(d.channel, en: en), receivedAt: LocalTime.format(d.receivedAt),
                                    dueAt: LocalTime.format(d.originalDueAt), state: en ? d.state.english : d.state.vietnamese,
                                    finishedAt: d.processedAt.map(LocalTime.format) ?? "", timeliness: timelinessLabel(t, en: en),
                                    returnedAt: d.returnedAt.map(LocalTime.format) ?? ""))
        }
        return (unit, from, to, rows, found.count > limit)
    }

    @Sendable static func registerPage(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let (unit, from, to, rows, truncated) = try await registerRows(request)
        let principal = try request.requirePrincipal()
        var units: [UnitOption] = []
        for id in principal.scopeRoots(for: .viewDossiers) {
            if let u = try await request.units.find(id)?.unit {
                units.append(UnitOption(id: u.id.description, name: u.name, selected: u.id == unit.unit.id))
            }
        }
        let query = "?unit=\(unit.unit.id)&from=\(from.iso)&to=\(to.iso)"
        return try await Page.render("register", title: en ? "Dossier register (form 06)" : "Sổ theo dõi hồ sơ (mẫu 06)",
                                     context: RegisterContext(units: units.sorted { $0.name < $1.name }, from: from.iso, to: to.iso, rows: rows,
                                                              csvLink: Paths.dossierRegisterCSV.rawValue + query,
                                                              xlsxLink: Paths.dossierRegisterXLSX.rawValue + query,
                                                              printLink: Paths.dossierRegister.rawValue + query + "&print=1", truncated: truncated),
                                     request: request)
    }

    static let registerHeader = ["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Hình thức", "Ngày nhận", "Hẹn trả", "Trạng thái",
                                 "Ngày xử lý xong", "Tiến độ", "Ngày trả kết quả"]

    static func registerTable(_ rows: [RegisterRow]) -> [[String]] {
        [registerHeader] + rows.map { [String($0.index), $0.code, $0.procedure, $0.applicant, $0.channel, $0.receivedAt, $0.dueAt, $0.state,
                                       $0.finishedAt, $0.timeliness, $0.returnedAt] }
    }

    @Sendable static func registerCSV(_ request: Request) async throws -> Response {
        let (unit, from, to, rows, _) = try await registerRows(request)
        return TableExport.csv(registerTable(rows), name: "so-theo-doi-\(unit.unit.code)-\(from.iso)-\(to.iso).csv")
    }

    @Sendable static func registerXLSX(_ request: Request) async throws -> Response {
        let (unit, from, to, rows, _) = try await registerRows(request)
        return TableExport.xlsx(registerTable(rows), sheet: "Sổ theo dõi", name: "so-theo-doi-\(unit.unit.code)-\(from.iso)-\(to.iso).xlsx")
    }

    static func download(_ data: Data, type: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name.asciiFileName)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// `<input type="datetime-local">` values, read and written in Việt Nam time.
enum LocalInput {
    static func dateTime(_ date: Date) -> String {
        let local = LocalDateTime(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", local.date.year, local.date.month, local.date.day, local.time.hour, local.time.minute)
    }

    static func parseDateTime(_ text: String) -> Date? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let date = LocalDate(iso: String(parts[0])), let time = TimeOfDay(text: String(parts[1].prefix(5))) else {
            return nil
        }
        return VietnamTime.instant(date, time)
    }
}

extension String {
    /// Percent-encoded for a query value.
    var urlQueryEscaped: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// A download name with only safe ASCII (accents dropped), for `Content-Disposition`.
    var asciiFileName: String {
        let folded = VietnameseText.searchKey(self)
        return String(folded.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) ? $0 : "-" })
    }
}
