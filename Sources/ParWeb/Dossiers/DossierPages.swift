import Foundation
import ParCore
import ParStore
import Vapor

/// The one-stop officers' pages: work queue, intake at the counter, the dossier with
/// its actions and control sheet (form 05), the receipt (form 01), the slips (forms 02,
/// 03, 04) and the register (form 06). Permissions are those of the API
/// (`DossierService`): the same checks run for a form as for a JSON call.
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
        case .onTime: Messages.text("dossier-pages.on-time", en: en)
        case .dueSoon: Messages.text("dossier-pages.due-soon", en: en)
        case .overdue: Messages.text("common.overdue", en: en)
        case .paused: Messages.text("dossier-pages.paused-supplement", en: en)
        case .finishedOnTime: Messages.text("dossier-pages.finished-on-time", en: en)
        case .finishedLate: Messages.text("dossier-pages.finished-late", en: en)
        }
    }

    static func channelLabel(_ c: DossierChannel, en: Bool) -> String {
        switch c {
        case .counter: Messages.text("dossier-pages.counter", en: en)
        case .online: Messages.text("common.online", en: en)
        case .post: Messages.text("dossier-pages.post", en: en)
        }
    }

    static func row(_ d: Dossier, names: inout Names, now: Date, en: Bool) async throws -> Row {
        let t = d.timeliness(at: now)
        return Row(code: d.code, link: Paths.dossier.link(d.id), procedure: try await names.procedure(d.procedureID)?.name ?? "",
                   applicant: d.applicant.name, state: d.state.name(en: en),
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
                Option(value: $0.rawValue, label: $0.name(en: en), selected: $0.rawValue == stateRaw)
            },
            channels: DossierChannel.allCases.map { Option(value: $0.rawValue, label: channelLabel($0, en: en), selected: $0.rawValue == channelRaw) },
            procedure: procedureCode, atRisk: atRisk, canReceive: principal.mayAnywhere(.receiveDossiers),
            nextLink: found.count > 50 ? Paths.dossiers.rawValue + query + (query.hasSuffix("?") ? "" : "&") + "page=\(page + 1)" : nil,
            overdue: rows.filter { $0.timeliness == Dossier.Timeliness.overdue.rawValue }.count)
        return try await Page.render("dossiers", title: Messages.text("dossiers.work-queue", en: en), context: context, request: request)
    }

    static func nonEmpty(_ raw: String?) -> String? {
        guard let text = raw.map(VietnameseText.clean), !text.isEmpty else { return nil }
        return text
    }

    static func receiptKey(_ id: Dossier.ID) -> String { "receipt.\(id)" }
}
