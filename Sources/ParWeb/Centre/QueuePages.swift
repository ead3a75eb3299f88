import FluentKit
import Foundation
import ParCore
import ParStore
import Vapor

/// The public side of the service centre floor: the kiosk that issues numbered tickets (or
/// checks a booking in), the ticket page a citizen follows on the phone (and rates from), and
/// the display board, updated live by Server-Sent Events with a polling fallback.
struct QueuePages {
    let stores: Stores

    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.kiosk.pattern, use: kiosk)
        routes.post(Paths.kiosk.pattern, use: issue)
        routes.get(Paths.queueTicket.pattern, use: ticket)
        routes.post(Paths.queueTicket.pattern, use: rateFromPhone)
        routes.get(Paths.board.pattern, use: board)
        routes.get(Paths.boardEvents.pattern, use: boardEvents)
    }

    /// A centre named in the path: any current unit (404 otherwise).
    static func centre(_ request: Request, stores: Stores) async throws -> OrgUnit {
        try await stores.centreService.centre(request.parameters.get("unitID"), request: request)
    }

    // MARK: Kiosk

    struct KioskContext: Encodable {
        let centre: String
        let action: String
        let fields: [String]
        let code: String
        let errors: [FormError]?
    }

    func renderKiosk(_ request: Request, code: String = "", errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let unit = try await Self.centre(request, stores: stores)
        let fields = try await stores.centres.fieldChoices(unit.id)
        return try await Page.render("kiosk", title: Messages.text("kiosk.take-a-number", en: en),
                                     context: KioskContext(centre: unit.name, action: Paths.kiosk.link(unit.id), fields: fields, code: code, errors: errors),
                                     request: request, failed: errors != nil)
    }

    @Sendable func kiosk(_ request: Request) async throws -> Response { try await renderKiosk(request) }

    @Sendable func issue(_ request: Request) async throws -> Response {
        let unit = try await Self.centre(request, stores: stores)
        let form = try request.content.decode([String: String].self)
        do {
            let ticket = try await stores.centres.issueTicket(
                unit: unit.id, field: form["field"], appointmentCode: form["code"], now: request.now)
            return request.redirect(to: CentreService.ticketLink(ticket, request: request) + "&new=1")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderKiosk(request, code: form["code"] ?? "", errors: errors)
        }
    }

    // MARK: The citizen's ticket

    struct DeskLabel: Encodable {
        let number: Int
        let name: String
    }

    struct TicketContext: Encodable {
        let number: String
        let centre: String
        let field: String
        let issuedAt: String
        let status: String
        let statusLabel: String
        let ahead: Int
        /// The desk that called the number: its number and its name (data).
        let desk: DeskLabel?
        let isNew: Bool
        let url: String
        let action: String
        let qr: String?
        let token: String
        let canRate: Bool
        let rated: String?
        let levels: [PlanPages.Option]
        let errors: [FormError]?
    }

    func verifiedTicket(_ request: Request, token: String?) async throws -> QueueTicket {
        guard let raw = request.parameters.get("ticketID"), let id = QueueTicket.ID(string: raw), let token,
              SignedToken.verify(token, "ticket", id.description, key: request.application.parConfig.secret),
              let ticket = try await stores.centres.ticket(id) else {
            throw Problem.notFound("Không tìm thấy số thứ tự.", english: "No such ticket.")
        }
        return ticket
    }

    func renderTicket(_ request: Request, _ t: QueueTicket, token: String, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let repository = stores.centres
        let unit = try await stores.units.find(t.unitID)?.unit
        let desk = try await t.deskID.asyncMap { try await repository.desk($0) }
        let url = request.application.parConfig.publicURL + CentreService.ticketLink(t, request: request)
        let rated = try await repository.rating(of: t.id)
        let context = TicketContext(
            number: t.label, centre: unit?.name ?? "", field: t.field, issuedAt: LocalTime.format(t.issuedAt), status: t.status.rawValue,
            statusLabel: t.status.name(en: en), ahead: t.status == .waiting ? try await repository.position(of: t) : 0,
            desk: desk.map { DeskLabel(number: $0.number, name: $0.name) },
            isNew: (try? request.query.get(String.self, at: "new")) == "1", url: url, action: CentreService.ticketLink(t, request: request),
            qr: try? QRCode(text: url, correction: .medium).svg(moduleSize: 3, quietZone: 4, title: Messages.text("queue-pages.qr-code-follow-your-number", en: en)),
            token: token, canRate: t.status == .served && rated == nil, rated: rated.map { $0.name(en: en) },
            levels: CounterRatingLevel.allCases.map { .init(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            errors: errors)
        let response = try await Page.render("queue-ticket", title: "\(Messages.text("queue-pages.number", en: en)) \(t.label)", context: context, request: request,
                                             failed: errors != nil)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    @Sendable func ticket(_ request: Request) async throws -> Response {
        let token = try? request.query.get(String.self, at: "t")
        return try await renderTicket(request, try await verifiedTicket(request, token: token), token: token ?? "")
    }

    @Sendable func rateFromPhone(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let ticket = try await verifiedTicket(request, token: form["t"])
        do {
            try await rate(ticket, form: form, request: request)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderTicket(request, ticket, token: form["t"] ?? "", errors: errors)
        }
        return request.redirect(to: CentreService.ticketLink(ticket, request: request))
    }

    /// The rating in a form (`level`, optional `reason`), for the phone page and the desk's touch page.
    func rate(_ ticket: QueueTicket, form: [String: String], request: Request) async throws {
        guard let level = CounterRatingLevel(rawValue: form["level"] ?? "") else {
            throw DomainError.invalid("Chọn mức độ hài lòng.", english: "Choose how satisfied you are.", field: "level")
        }
        try await stores.centres.rate(ticket.id, level: level, reason: form["reason"], now: request.now)
    }

    // MARK: Display board

    /// What the board shows, as JSON for its script (the same shape as `GET /api/v1/centres/{unitId}/board`).
    struct BoardContext: Encodable {
        let centre: String
        let state: CentreService.BoardState
        let events: String
        let api: String
        let updated: String
    }

    @Sendable func board(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let unit = try await Self.centre(request, stores: stores)
        let state = try await stores.centreService.boardState(unit.id, now: request.now)
        return try await Page.render("board", title: Messages.text("board.now-serving-title", en: en, ["centre": unit.name]),
                                     context: BoardContext(centre: unit.name, state: state, events: Paths.boardEvents.link(unit.id),
                                                           api: "/api/v1/centres/\(unit.id)/board", updated: LocalTime.format(request.now)),
                                     request: request)
    }

    /// Server-Sent Events: the board's state now and after every change (checked each second,
    /// from the database, so calls made on any instance show), a comment every 15 s to keep
    /// proxies from closing the stream; it ends after `seconds` (default 30, at most 300) and the browser
    /// reconnects at once — short streams keep a graceful shutdown or rolling restart from waiting on boards.
    @Sendable func boardEvents(_ request: Request) async throws -> Response {
        let unit = try await Self.centre(request, stores: stores)
        let seconds = min(max((try? request.query.get(Int.self, at: "seconds")) ?? 30, 1), 300)
        let clock = request.application.parConfig.clock
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: "text/event-stream; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "X-Accel-Buffering", value: "no")
        response.body = .init(asyncStream: { writer in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let end = ContinuousClock.now.advanced(by: .seconds(seconds))
            var last: CentreService.BoardState?
            var quiet = 0
            do {
                try await writer.write(.buffer(ByteBuffer(string: "retry: 2000\n\n")))
                while ContinuousClock.now < end {
                    let state = try await stores.centreService.boardState(unit.id, now: clock())
                    if state != last {
                        let json = String(decoding: try encoder.encode(state), as: UTF8.self)
                        try await writer.write(.buffer(ByteBuffer(string: "event: board\ndata: \(json)\n\n")))
                        last = state
                        quiet = 0
                    } else {
                        quiet += 1
                        if quiet >= 15 {
                            try await writer.write(.buffer(ByteBuffer(string: ": keep-alive\n\n")))
                            quiet = 0
                        }
                    }
                    try await Task.sleep(for: .seconds(1))
                }
            } catch {
                // The viewer went away or the database failed: end the stream; the browser reconnects.
            }
            try? await writer.write(.end)
        })
        return response
    }
}
