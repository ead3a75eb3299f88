import Foundation
import ParCore
import ParStore
import Vapor

/// The printed forms: the receipt (form 01), the slips (forms 02–05) and the register (form 06).
extension DossierPages {
    // MARK: Receipt (form 01) and slips (02–05)

    struct ReceiptContext: Encodable {
        let code: String
        let secret: String?
        let procedure: String
        let procedureCode: String
        let receivingUnit: String
        let applicant: Dossier.Applicant
        let components: [String]
        let fees: [Format.FeeLine]
        /// The fees to pay (`Payment.due`), or nil when the procedure charges nothing.
        let amountDue: String?
        /// Whether they were paid (counter or online) before this print.
        let paid: Bool
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

    @Sendable func receipt(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.viewable(request)
        // The secret is shown once, right after intake or a reissue; only its hash is kept.
        let secret = request.session.data[Self.receiptKey(dossier.id)]
        request.session.data[Self.receiptKey(dossier.id)] = nil
        return try await renderReceipt(dossier, secret: secret, request: request)
    }

    @Sendable func reissueReceipt(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.atCounter(request)
        let secret = try await stores.dossiers.reissueSecret(dossier.id, actor: request.auditActor, now: request.now)
        request.session.data[Self.receiptKey(dossier.id)] = secret
        return request.redirect(to: Paths.dossierReceipt.link(dossier.id))
    }

    func renderReceipt(_ d: Dossier, secret: String?, request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        var names = Names(stores)
        let procedure = try await names.procedure(d.procedureID)
        let base = request.application.parConfig.publicURL
        let lookup = base + Paths.lookup.rawValue + "?code=\(d.code.urlQueryEscaped)" + (secret.map { "&secret=\($0.urlQueryEscaped)" } ?? "")
        let qr = secret == nil ? nil : try? QRCode(text: lookup, correction: .medium)
            .svg(moduleSize: 3, quietZone: 4, title: Messages.text("dossier-pages-forms.qr-code-dossier-status-page", en: en))
        let survey = SurveyLinks.url(for: d, request: request)
        let surveyQR = try? QRCode(text: survey, correction: .medium)
            .svg(moduleSize: 3, quietZone: 4, title: Messages.text("dossier-pages-forms.qr-code-satisfaction-survey", en: en))
        let timeline = try await stores.dossiers.timeline(of: d.id)
        let due = procedure.map(Payment.due(for:)) ?? 0
        let paid = try await stores.payments.payments(of: d.id).contains { $0.status == .succeeded }
        let context = ReceiptContext(
            code: d.code, secret: secret, procedure: procedure?.name ?? "", procedureCode: procedure?.code ?? "",
            receivingUnit: try await names.unit(d.receivingUnitID), applicant: d.applicant, components: d.components,
            fees: procedure?.fees.map { Format.fee($0, en: en) } ?? [],
            amountDue: due > 0 ? Format.money(due, en: en) : nil, paid: paid,
            receivedAt: LocalTime.formal(d.receivedAt, en: en), dueAt: LocalTime.formal(d.originalDueAt, en: en), channel: Self.channelLabel(d.channel, en: en),
            officer: timeline.first?.actorName ?? "", lookupURL: lookup, qr: qr, surveyURL: survey, surveyQR: surveyQR,
            reissueLink: Paths.dossierReceipt.link(d.id), dossierLink: Paths.dossier.link(d.id))
        return try await Page.render("receipt", title: Messages.text("receipt.title", en: en, ["code": d.code]), context: context, request: request)
    }

    /// One event a slip cites: when, who, and its detail.
    struct SlipLine: Encodable {
        let at: String
        let actor: String
        let detail: EventDetail
    }

    struct SlipContext: Encodable {
        let kind: String
        let title: String
        let code: String
        let procedure: String
        let unit: String
        let applicant: String
        let lines: [SlipLine]
        let steps: [StepRow]
        let dossierLink: String
        let date: String
    }

    @Sendable func slip(_ request: Request) async throws -> Response {
        let d = try await stores.dossierService.viewable(request)
        let en = Language.of(request) == .en
        let kind = request.parameters.get("kind") ?? ""
        var names = Names(stores)
        let repository = stores.dossiers
        let timeline = try await repository.timeline(of: d.id)
        let titles: [String: (String, String)] = [
            "supplement": ("slip.supplement", "request_supplement"),
            "refusal": ("slip.refusal", "refuse"),
            "apology": ("slip.apology", "apologise"),
            "control": ("slip.control", ""),
        ]
        guard let (titleKey, event) = titles[kind] else { throw Problem.notFound("Không có mẫu này.", english: "No such form.") }
        var lines: [SlipLine] = []
        var date = LocalTime.format(request.now)
        if !event.isEmpty {
            let matching = timeline.filter { $0.name == event }
            guard let last = matching.last else { throw Problem.notFound("Hồ sơ chưa có phiếu này.", english: "This dossier has no such slip.") }
            lines = matching.map { SlipLine(at: LocalTime.format($0.at), actor: $0.actorName, detail: EventDetail(name: $0.name, stored: $0.detail, en: en)) }
            date = LocalTime.format(last.at)
        }
        var steps: [StepRow] = []
        if kind == "control" {
            steps = try await stepRows(of: d.id, repository: repository, names: &names, now: request.now, en: en)
        }
        let title = Messages.text(titleKey, en: en)
        let context = SlipContext(kind: kind, title: title, code: d.code,
                                  procedure: try await names.procedure(d.procedureID)?.name ?? "",
                                  unit: try await names.unit(d.receivingUnitID), applicant: d.applicant.name, lines: lines, steps: steps,
                                  dossierLink: Paths.dossier.link(d.id), date: date)
        return try await Page.render("slip", title: title, context: context, request: request)
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
        /// The form's values (yyyy-mm-dd) and the caption's (dd/mm/yyyy).
        let from: String
        let to: String
        let fromShown: String
        let toShown: String
        let rows: [RegisterRow]
        let csvLink: String
        let xlsxLink: String
        let printLink: String
        let truncated: Bool
    }

    func registerRows(_ request: Request) async throws -> (unit: UnitRecord, from: LocalDate, to: LocalDate, rows: [RegisterRow], truncated: Bool) {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        let unitRaw = (try? request.query.get(String.self, at: "unit"))
            ?? principal.scopeRoots(for: .viewDossiers).sorted(by: { $0.description < $1.description }).first?.description
        let unit = try await stores.access(request).authorizedUnit(unitRaw, .viewDossiers)
        let today = LocalTime.today(request.now)
        let from = (try? request.query.get(String.self, at: "from")).flatMap(LocalDate.init(iso:)) ?? LocalDate(year: today.year, month: today.month, day: 1)!
        let to = (try? request.query.get(String.self, at: "to")).flatMap(LocalDate.init(iso:)) ?? today
        guard from <= to else {
            throw Problem(DomainError.invalid("Ngày bắt đầu phải trước ngày kết thúc.", english: "from must not be after to.", field: "from"))
        }
        let limit = 5000
        let found = try await stores.dossiers.register(
            receivingUnits: try await stores.units.subtreeIDs(of: [unit.unit.id]),
            from: VietnamTime.instant(from, .midnight), until: VietnamTime.instant(to, .endOfDay), limit: limit + 1)
        var names = Names(stores)
        let now = request.now
        var rows: [RegisterRow] = []
        for (index, d) in found.prefix(limit).enumerated() {
            let t = d.timeliness(at: now)
            rows.append(RegisterRow(index: index + 1, code: d.code, link: Paths.dossier.link(d.id),
                                    procedure: try await names.procedure(d.procedureID)?.name ?? "", applicant: d.applicant.name,
                                    channel: Self.channelLabel(d.channel, en: en), receivedAt: LocalTime.format(d.receivedAt),
                                    dueAt: LocalTime.format(d.originalDueAt), state: d.state.name(en: en),
                                    finishedAt: d.processedAt.map(LocalTime.format) ?? "", timeliness: Self.timelinessLabel(t, en: en),
                                    returnedAt: d.returnedAt.map(LocalTime.format) ?? ""))
        }
        return (unit, from, to, rows, found.count > limit)
    }

    @Sendable func registerPage(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let (unit, from, to, rows, truncated) = try await registerRows(request)
        let principal = try request.requirePrincipal()
        var units: [UnitOption] = []
        for id in principal.scopeRoots(for: .viewDossiers) {
            if let u = try await stores.units.find(id)?.unit {
                units.append(UnitOption(id: u.id.description, name: u.name, selected: u.id == unit.unit.id))
            }
        }
        let query = "?unit=\(unit.unit.id)&from=\(from.iso)&to=\(to.iso)"
        return try await Page.render("register", title: Messages.text("dossiers.dossier-register-form-06", en: en),
                                     context: RegisterContext(units: units.sorted { VietnameseText.precedes($0.name, $1.name) }, from: from.iso, to: to.iso,
                                                             fromShown: LocalTime.format(from), toShown: LocalTime.format(to), rows: rows,
                                                              csvLink: Paths.dossierRegisterCSV.rawValue + query,
                                                              xlsxLink: Paths.dossierRegisterXLSX.rawValue + query,
                                                              printLink: Paths.dossierRegister.rawValue + query + "&print=1", truncated: truncated),
                                     request: request)
    }

    static let registerHeader = ["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Hình thức", "Ngày nhận", "Hẹn trả", "Trạng thái",
                                 "Ngày xử lý xong", "Tiến độ", "Ngày trả kết quả"]

    func registerTable(_ rows: [RegisterRow]) -> [[String]] {
        [Self.registerHeader] + rows.map { [String($0.index), $0.code, $0.procedure, $0.applicant, $0.channel, $0.receivedAt, $0.dueAt, $0.state,
                                       $0.finishedAt, $0.timeliness, $0.returnedAt] }
    }

    @Sendable func registerCSV(_ request: Request) async throws -> Response {
        let (unit, from, to, rows, _) = try await registerRows(request)
        return TableExport.csv(registerTable(rows), name: "so-theo-doi-\(unit.unit.code)-\(from.iso)-\(to.iso).csv")
    }

    @Sendable func registerXLSX(_ request: Request) async throws -> Response {
        let (unit, from, to, rows, _) = try await registerRows(request)
        return TableExport.xlsx(registerTable(rows), sheet: "Sổ theo dõi", name: "so-theo-doi-\(unit.unit.code)-\(from.iso)-\(to.iso).xlsx")
    }
}
