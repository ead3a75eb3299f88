import Foundation
import ParCore
import ParStore
import Vapor

/// The one-stop officers' pages: work queue, intake at the counter, the dossier with
/// its actions and control sheet (form 05), the receipt (form 01), the slips (forms 02,
/// 03, 04) and the register (form 06). Permissions are those of the API
/// (`DossierService`): the same checks run for a form as for a JSON call.
struct DossierPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.dossiers.pattern, use: queue)
        routes.get(Paths.dossierNew.pattern, use: intakeForm)
        routes.post(Paths.dossierSearch.pattern, use: searchQueue)
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
        var link: String
        let procedure: String
        let applicant: String
        let state: String
        let channel: String
        let receivedAt: String
        let dueAt: String
        let timeliness: String
        let timelinessLabel: String
        let holder: String
        /// Working days past the appointment, for an overdue dossier (`Overdue.workingDaysLate`).
        let daysLate: Int?
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

    static func row(_ d: Dossier, names: inout Names, now: Date, en: Bool, calendar: WorkingCalendar? = nil) async throws -> Row {
        let t = d.timeliness(at: now)
        return Row(code: d.code, link: Paths.dossier.link(d.id), procedure: try await names.procedure(d.procedureID)?.name ?? "",
                   applicant: d.applicant.name, state: d.state.name(en: en),
                   channel: channelLabel(d.channel, en: en), receivedAt: LocalTime.format(d.receivedAt),
                   dueAt: LocalTime.format(d.dueAt), timeliness: t.rawValue, timelinessLabel: timelinessLabel(t, en: en),
                   holder: try await names.unit(d.holderUnitID),
                   daysLate: t == .overdue ? calendar.map { Overdue.workingDaysLate(due: d.dueAt, now: now, calendar: $0) } : nil)
    }

    // MARK: Work queue

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Tab: Encodable {
        let label: String
        let link: String
        let current: Bool
    }

    struct QueueContext: Encodable {
        let rows: [Row]
        let tabs: [Tab]
        let states: [Option]
        let channels: [Option]
        let procedure: String
        let view: String
        let all: Bool
        /// The other scope: all the units the reader may see, or back to their own.
        let scopeLink: String?
        let canReceive: Bool
        let nextLink: String?
        /// What was searched for, when the rows are search results.
        let searched: String?
        let errors: [FormError]?
    }

    static func viewLabel(_ view: DossierQueueView, en: Bool) -> String {
        switch view {
        case .open: Messages.text("dossiers.view.open", en: en)
        case .dueSoon: Messages.text("dossiers.view.due_soon", en: en)
        case .overdue: Messages.text("dossiers.view.overdue", en: en)
        case .toReturn: Messages.text("dossiers.view.to_return", en: en)
        case .supplemented: Messages.text("dossiers.view.supplemented", en: en)
        }
    }

    @Sendable func queue(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        let all = (try? request.query.get(String.self, at: "all")) == "1"
        let units = try await stores.dossierService.queueUnits(all: all, request: request)
        let view = (try? request.query.get(String.self, at: "view")).flatMap(DossierQueueView.init(rawValue:)) ?? .open
        let stateRaw = (try? request.query.get(String.self, at: "state")) ?? ""
        let channelRaw = (try? request.query.get(String.self, at: "channel")) ?? ""
        let procedureCode = VietnameseText.clean((try? request.query.get(String.self, at: "procedure")) ?? "")
        let page = max(0, min(1000, (try? request.query.get(Int.self, at: "page")) ?? 0))
        var filter = try await stores.dossierService.queueFilter(view, units: units, limit: 51, offset: page * 50, request: request)
        if let state = DossierState(rawValue: stateRaw), filter.states.contains(state) { filter.states = [state] }
        filter.channel = DossierChannel(rawValue: channelRaw)
        if !procedureCode.isEmpty {
            guard let procedure = try await stores.procedures.find(code: procedureCode) else {
                throw Problem(DomainError.invalid("Không có thủ tục mã này.", english: "No procedure has this code.", field: "procedure"))
            }
            filter.procedureID = procedure.id
        }
        let found = try await stores.dossiers.queue(filter)
        var query = request.url.query.map { "?" + $0 } ?? "?"
        query = query.replacingOccurrences(of: "&page=\(page)", with: "").replacingOccurrences(of: "?page=\(page)", with: "?")
        let context = try await queueContext(found.prefix(50), view: view, all: all, principal: principal, request: request,
                                             stateRaw: stateRaw, channelRaw: channelRaw, procedure: procedureCode,
                                             nextLink: found.count > 50 ? Paths.dossiers.rawValue + query + (query.hasSuffix("?") ? "" : "&") + "page=\(page + 1)" : nil)
        return try await Page.render("dossiers", title: Messages.text("dossiers.work-queue", en: en), context: context, request: request)
    }

    /// The search box: code, name, ID number or phone, sent by POST so that what was typed never
    /// reaches a URL or a log; results from the officer's units (or all they may see), any state.
    @Sendable func searchQueue(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        struct Form: Decodable { let q: String?; let all: String? }
        let form = try request.content.decode(Form.self)
        let all = form.all == "1"
        let typed = VietnameseText.clean(form.q ?? "")
        let units = try await stores.dossierService.queueUnits(all: all, request: request)
        var rows: [Dossier] = []
        var errors: [FormError]?
        if let search = DossierSearch(typed) {
            rows = try await stores.dossiers.search(search, units: units, limit: DossierService.searchLimit)
        } else {
            errors = [FormError(field: "q", message: Messages.text("dossiers.search-too-short", en: en))]
        }
        let context = try await queueContext(rows[...], view: nil, all: all, principal: principal, request: request,
                                             stateRaw: "", channelRaw: "", procedure: "", nextLink: nil, searched: typed, errors: errors)
        let response = try await Page.render("dossiers", title: Messages.text("dossiers.search-results", en: en), context: context, request: request)
        if errors != nil { response.status = .unprocessableEntity }
        return response
    }

    func queueContext(_ dossiers: ArraySlice<Dossier>, view: DossierQueueView?, all: Bool, principal: Principal, request: Request,
                             stateRaw: String, channelRaw: String, procedure: String, nextLink: String?,
                             searched: String? = nil, errors: [FormError]? = nil) async throws -> QueueContext {
        let en = Language.of(request) == .en
        let calendar = try await stores.calendar.calendar()
        var names = Names(stores)
        var rows: [Row] = []
        for d in dossiers { rows.append(try await Self.row(d, names: &names, now: request.now, en: en, calendar: calendar)) }
        let scope = all ? "&all=1" : ""
        let hasDesk = !principal.deskUnits.isEmpty
        return QueueContext(
            rows: rows,
            tabs: DossierQueueView.allCases.map {
                Tab(label: Self.viewLabel($0, en: en), link: Paths.dossiers.rawValue + "?view=\($0.rawValue)" + scope, current: $0 == view)
            },
            states: DossierState.allCases.filter { !$0.isClosed && (view?.states.contains($0) ?? true) }.map {
                Option(value: $0.rawValue, label: $0.name(en: en), selected: $0.rawValue == stateRaw)
            },
            channels: DossierChannel.allCases.map { Option(value: $0.rawValue, label: Self.channelLabel($0, en: en), selected: $0.rawValue == channelRaw) },
            procedure: procedure, view: (view ?? .open).rawValue, all: all,
            scopeLink: hasDesk ? Paths.dossiers.rawValue + "?view=\((view ?? .open).rawValue)" + (all ? "" : "&all=1") : nil,
            canReceive: principal.mayAnywhere(.receiveDossiers), nextLink: nextLink, searched: searched, errors: errors)
    }

    static func nonEmpty(_ raw: String?) -> String? {
        guard let text = raw.map(VietnameseText.clean), !text.isEmpty else { return nil }
        return text
    }

    static func receiptKey(_ id: Dossier.ID) -> String { "receipt.\(id)" }
}
