import Foundation
import ParCore
import ParStore
import Vapor

/// The staff side of the service centre: the centre page (desks, today's queue and bookings,
/// settings), a desk's work page (call next, recall, skip, transfer, finish and link the
/// dossier), the touch page beside the desk where the citizen rates the service, queue
/// statistics with CSV/XLSX, and the payment reconciliation report.
struct CentrePages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.centres.pattern, use: home)
        routes.get(Paths.centre.pattern, use: show)
        routes.post(Paths.centreSettings.pattern, use: saveSettings)
        routes.post(Paths.centreDesks.pattern, use: saveDesk)
        routes.get(Paths.centreDesk.pattern, use: desk)
        routes.post(Paths.centreDesk.pattern, use: deskAction)
        routes.get(Paths.centreDeskRate.pattern, use: ratePage)
        routes.post(Paths.centreDeskRate.pattern, use: rate)
        routes.get(Paths.centreStats.pattern, use: stats)
        routes.get(Paths.centreStatsCSV.pattern) { try await statsExport($0, xlsx: false) }
        routes.get(Paths.centreStatsXLSX.pattern) { try await statsExport($0, xlsx: true) }
        routes.get(Paths.centrePayments.pattern, use: reconciliation)
    }

    typealias Option = PlanPages.Option

    /// The centres the user works at: where they may operate a desk or manage the centre.
    @Sendable func home(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let roots = principal.scopeRoots(for: .operateDesk).union(principal.scopeRoots(for: .manageCentre))
        guard !roots.isEmpty else { throw Problem.forbidden() }
        if roots.count == 1, let only = roots.first { return request.redirect(to: Paths.centre.link(only)) }
        struct Line: Encodable { let name: String; let link: String }
        var lines: [Line] = []
        for id in roots {
            if let record = try await stores.units.find(id) { lines.append(Line(name: record.unit.name, link: Paths.centre.link(id))) }
        }
        struct Context: Encodable { let centres: [Line] }
        let en = Language.of(request) == .en
        return try await Page.render("centres", title: Messages.text("centre-pages.service-centres", en: en),
                                     context: Context(centres: lines.sorted { VietnameseText.precedes($0.name, $1.name) }), request: request)
    }

    /// The centre in the path, if the user may `permission` there (or manage it).
    func centre(_ request: Request, _ permission: Permission) async throws -> UnitRecord {
        let principal = try request.requirePrincipal()
        guard let raw = request.parameters.get("unitID"), let id = OrgUnit.ID(string: raw), let record = try await stores.units.find(id) else {
            throw Problem.notFound("Không tìm thấy trung tâm.", english: "No such centre.")
        }
        guard principal.may(permission, onUnitWithAncestry: record.ancestry) || principal.may(.manageCentre, onUnitWithAncestry: record.ancestry) else {
            throw Problem.forbidden()
        }
        return record
    }

    func desk(_ request: Request, of unit: OrgUnit.ID) async throws -> ServiceDesk {
        guard let raw = request.parameters.get("deskID"), let id = ServiceDesk.ID(string: raw),
              let desk = try await stores.centres.desk(id), desk.unitID == unit else {
            throw Problem.notFound("Không tìm thấy quầy.", english: "No such desk.")
        }
        return desk
    }

    // MARK: The centre

    struct DeskLine: Encodable {
        let number: Int
        let name: String
        /// The fields it serves (names from the data); none: every field.
        let fields: [String]
        let active: Bool
        let link: String
        let rateLink: String
        let id: String
    }

    struct TicketLine: Encodable {
        let number: String
        let field: String
        let status: String
        let desk: String
        let issuedAt: String
        let waited: String
    }

    struct AppointmentLine: Encodable {
        let code: String
        let slot: String
        let field: String
        let status: String
    }

    struct CentreContext: Encodable {
        let name: String
        let canManage: Bool
        let desks: [DeskLine]
        let tickets: [TicketLine]
        let appointments: [AppointmentLine]
        let settings: CentreSettings
        let kiosk: String
        let board: String
        let booking: String
        let stats: String
        let payments: String
        let settingsAction: String
        let desksAction: String
        let errors: [FormError]?
    }

    func renderCentre(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await centre(request, .operateDesk)
        let unit = record.unit
        let principal = try request.requirePrincipal()
        let repository = stores.centres
        let today = VietnamTime.localDate(of: request.now)
        let desks = try await repository.desks(unit.id)
        let names = Dictionary(uniqueKeysWithValues: desks.map { ($0.id, "\($0.number)") })
        let tickets = try await repository.tickets(unit.id, from: today, through: today)
        let appointments = try await stores.appointments.appointments(unit: unit.id, day: today)
        let context = CentreContext(
            name: unit.name, canManage: principal.may(.manageCentre, onUnitWithAncestry: record.ancestry),
            desks: desks.map { DeskLine(number: $0.number, name: $0.name, fields: $0.fields,
                                        active: $0.active, link: Paths.centreDesk.link(unit.id, $0.id), rateLink: Paths.centreDeskRate.link(unit.id, $0.id),
                                        id: $0.id.description) },
            tickets: tickets.reversed().prefix(200).map { t in
                TicketLine(number: t.label, field: t.field, status: t.status.name(en: en),
                           desk: t.deskID.flatMap { names[$0] } ?? "", issuedAt: LocalTime.format(t.issuedAt),
                           waited: t.waitingSeconds.map { String(format: "%.0f", $0 / 60) } ?? "")
            },
            appointments: appointments.map { AppointmentLine(code: $0.code, slot: $0.slot.key, field: $0.field, status: $0.status.name(en: en)) },
            settings: try await repository.settings(unit.id), kiosk: Paths.kiosk.link(unit.id), board: Paths.board.link(unit.id),
            booking: Paths.appointmentBook.link(unit.id), stats: Paths.centreStats.link(unit.id), payments: Paths.centrePayments.link(unit.id),
            settingsAction: Paths.centreSettings.link(unit.id), desksAction: Paths.centreDesks.link(unit.id), errors: errors)
        return try await Page.render("centre", title: unit.name, context: context, request: request, failed: errors != nil)
    }

    @Sendable func show(_ request: Request) async throws -> Response { try await renderCentre(request) }

    @Sendable func saveSettings(_ request: Request) async throws -> Response {
        let record = try await centre(request, .manageCentre)
        let form = try request.content.decode([String: String].self)
        do {
            func int(_ key: String) throws -> Int {
                guard let value = form[key].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                    throw DomainError.invalid("Nhập một số.", english: "Enter a number.", field: key)
                }
                return value
            }
            _ = try await stores.centreService.saveSettings(slotMinutes: try int("slotMinutes"), capacityPerSlot: try int("capacityPerSlot"),
                                                     bookingDaysAhead: try int("bookingDaysAhead"), unit: record.unit.id, request: request)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderCentre(request, errors: errors)
        }
        return request.redirect(to: Paths.centre.link(record.unit.id))
    }

    @Sendable func saveDesk(_ request: Request) async throws -> Response {
        let record = try await centre(request, .manageCentre)
        let form = try request.content.decode([String: String].self)
        do {
            var id = ServiceDesk.ID.random()
            if let raw = form["deskId"], !raw.isEmpty {
                guard let existing = ServiceDesk.ID(string: raw) else { throw DomainError(.notFound, "Không tìm thấy quầy.", english: "No such desk.") }
                id = existing
            }
            guard let number = form["number"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw DomainError.invalid("Nhập số quầy.", english: "Enter the desk number.", field: "number")
            }
            let fields = (form["fields"] ?? "").split(whereSeparator: { $0 == ";" || $0 == "\n" }).map(String.init)
            _ = try await stores.centreService.saveDesk(ServiceDesk(id: id, unitID: record.unit.id, number: number, name: form["name"] ?? "", fields: fields,
                                                             active: form["active"] != "0"), request: request)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderCentre(request, errors: errors)
        }
        return request.redirect(to: Paths.centre.link(record.unit.id))
    }

    // MARK: A desk

    struct DeskContext: Encodable {
        let centre: String
        let centreLink: String
        let number: Int
        let name: String
        /// The fields it serves (names from the data); none: every field.
        let fields: [String]
        let current: CurrentTicket?
        let waiting: Int
        let others: [Option]
        let action: String
        let rateLink: String
        let errors: [FormError]?
    }

    struct CurrentTicket: Encodable {
        let id: String
        let number: String
        let field: String
        let calledAt: String
        let recalls: Int
        let appointment: Bool
    }

    func renderDesk(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await centre(request, .operateDesk)
        let desk = try await desk(request, of: record.unit.id)
        let repository = stores.centres
        let today = VietnamTime.localDate(of: request.now)
        let tickets = try await repository.tickets(record.unit.id, from: today, through: today, status: [.waiting, .called])
        let current = tickets.last { $0.status == .called && $0.deskID == desk.id }
        let waiting = tickets.filter { $0.status == .waiting && ($0.deskID == desk.id || ($0.deskID == nil && desk.serves($0.field))) }.count
        let others = try await repository.desks(record.unit.id).filter { $0.active && $0.id != desk.id }
        let context = DeskContext(
            centre: record.unit.name, centreLink: Paths.centre.link(record.unit.id), number: desk.number, name: desk.name,
            fields: desk.fields,
            current: current.map { CurrentTicket(id: $0.id.description, number: $0.label, field: $0.field, calledAt: LocalTime.format($0.calledAt ?? $0.issuedAt),
                                                 recalls: $0.recalls, appointment: $0.appointmentID != nil) },
            waiting: waiting, others: others.map { Option(value: $0.id.description, label: "\($0.number) — \($0.name)", selected: false) },
            action: Paths.centreDesk.link(record.unit.id, desk.id), rateLink: Paths.centreDeskRate.link(record.unit.id, desk.id), errors: errors)
        return try await Page.render("desk", title: "\(Messages.text("common.desk", en: en)) \(desk.number) — \(desk.name)", context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func desk(_ request: Request) async throws -> Response { try await renderDesk(request) }

    @Sendable func deskAction(_ request: Request) async throws -> Response {
        let record = try await centre(request, .operateDesk)
        let desk = try await desk(request, of: record.unit.id)
        let form = try request.content.decode([String: String].self)
        let repository = stores.centres
        do {
            if form["action"] == "next" {
                let principal = try request.requirePrincipal()
                _ = try await repository.callNext(desk: desk, officer: principal.username, actor: request.auditActor, now: request.now)
            } else {
                guard let raw = form["ticketId"], let id = QueueTicket.ID(string: raw), let ticket = try await repository.ticket(id),
                      ticket.unitID == record.unit.id, ticket.deskID == desk.id else {
                    throw DomainError(.notFound, "Không tìm thấy số thứ tự tại quầy này.", english: "No such ticket at this desk.")
                }
                let action: QueueTicket.Action
                switch form["action"] {
                case "recall": action = .recall
                case "skip": action = .skip
                case "transfer":
                    guard let raw = form["toDesk"], let to = ServiceDesk.ID(string: raw), try await repository.desk(to)?.unitID == record.unit.id else {
                        throw DomainError.invalid("Chọn quầy nhận.", english: "Choose the desk to transfer to.", field: "toDesk")
                    }
                    action = .transfer(to: to)
                case "finish":
                    var dossier: Dossier.ID?
                    if let code = form["dossierCode"].map(VietnameseText.clean), !code.isEmpty {
                        guard code.count <= 60, let found = try await stores.dossiers.find(code: code) else {
                            throw DomainError.invalid("Không có hồ sơ với mã này.", english: "No dossier has this code.", field: "dossierCode")
                        }
                        dossier = found.id
                    }
                    action = .finish(dossier: dossier)
                default: throw DomainError.invalid("Không có thao tác này.", english: "No such action.", field: "action")
                }
                _ = try await repository.act(ticket.id, action, actor: request.auditActor, now: request.now)
            }
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDesk(request, errors: errors)
        }
        return request.redirect(to: Paths.centreDesk.link(record.unit.id, desk.id))
    }

    // MARK: The touch page beside the desk

    struct RateContext: Encodable {
        let desk: QueuePages.DeskLabel
        let ticket: String?
        let ticketId: String?
        let levels: [Option]
        let reasons: [Option]
        let thanks: Bool
        let action: String
        let errors: [FormError]?
    }

    func renderRate(_ request: Request, thanks: Bool = false, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await centre(request, .operateDesk)
        let desk = try await desk(request, of: record.unit.id)
        let ticket = try await stores.centres.awaitingRating(desk: desk.id, now: request.now)
        let context = RateContext(
            desk: QueuePages.DeskLabel(number: desk.number, name: desk.name), ticket: ticket?.label, ticketId: ticket?.id.description,
            levels: CounterRatingLevel.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            reasons: CounterRatingLevel.reasons.map { Option(value: domainText($0.vietnamese, $0.english, en: en), label: domainText($0.vietnamese, $0.english, en: en), selected: false) },
            thanks: thanks, action: Paths.centreDeskRate.link(record.unit.id, desk.id), errors: errors)
        return try await Page.render("rate", title: Messages.text("rate.rate-our-service", en: en), context: context, request: request, failed: errors != nil)
    }

    @Sendable func ratePage(_ request: Request) async throws -> Response {
        try await renderRate(request, thanks: (try? request.query.get(String.self, at: "thanks")) == "1")
    }

    @Sendable func rate(_ request: Request) async throws -> Response {
        let record = try await centre(request, .operateDesk)
        let desk = try await desk(request, of: record.unit.id)
        let form = try request.content.decode([String: String].self)
        do {
            guard let raw = form["ticketId"], let id = QueueTicket.ID(string: raw), let ticket = try await stores.centres.ticket(id),
                  ticket.deskID == desk.id else {
                throw DomainError(.notFound, "Không có lượt phục vụ để đánh giá.", english: "No service to rate.")
            }
            try await QueuePages(stores: stores).rate(ticket, form: form, request: request)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderRate(request, errors: errors)
        }
        return request.redirect(to: Paths.centreDeskRate.link(record.unit.id, desk.id) + "?thanks=1")
    }

    // MARK: Statistics

    struct StatsQuery {
        let unit: UnitRecord
        let from: LocalDate
        let through: LocalDate
        let grouping: QueueStats.Grouping
        let stats: QueueStats
        let ratings: [ServiceCentreRepository.RatingTally]
    }

    func statsQuery(_ request: Request) async throws -> StatsQuery {
        let record = try await centre(request, .manageCentre)
        let today = VietnamTime.localDate(of: request.now)
        let (from, through) = try period(request, days: 30)
        let grouping = (try? request.query.get(String.self, at: "by")).flatMap(QueueStats.Grouping.init(rawValue:)) ?? .field
        let repository = stores.centres
        let desks = Dictionary(uniqueKeysWithValues: try await repository.desks(record.unit.id).map { ($0.id, "\($0.number) — \($0.name)") })
        let tickets = try await repository.tickets(record.unit.id, from: from, through: through)
        let deskName: (ServiceDesk.ID?) -> String = { $0.flatMap { desks[$0] } ?? "—" }
        let stats = QueueStats(tickets, by: grouping, today: today, deskName: deskName)
        let ratingColumn = grouping == .desk ? "desk_id" : grouping == .officer ? "officer" : "field"
        return StatsQuery(unit: record, from: from, through: through, grouping: grouping, stats: stats,
                          ratings: try await repository.ratings(record.unit.id, from: from, through: through, by: ratingColumn,
                                                                           deskName: deskName))
    }

    /// `from` … `through` from the query (default: the last `days` days through today), at most a year.
    func period(_ request: Request, days: Int) throws -> (LocalDate, LocalDate) {
        let today = VietnamTime.localDate(of: request.now)
        let from = (try? request.query.get(String.self, at: "from")).flatMap(LocalDate.init(iso:)) ?? today.adding(days: 1 - days)
        let through = (try? request.query.get(String.self, at: "through")).flatMap(LocalDate.init(iso:)) ?? today
        guard from <= through, from.days(to: through) <= 366 else {
            throw Problem.badRequest("Khoảng thời gian từ 1 ngày đến 1 năm.", english: "The period is 1 day to 1 year.", field: "from")
        }
        return (from, through)
    }

    func minutes(_ value: Double?, en: Bool) -> String { Format.number(value, en: en, digits: 1) }

    func table(_ q: StatsQuery, en: Bool) -> [[String]] {
        var rows = [[Messages.text("common.group", en: en), Messages.text("centre-pages.issued", en: en), Messages.text("centre-pages.served", en: en), Messages.text("centre-pages.abandoned", en: en),
                     Messages.text("centre-pages.mean-wait-min", en: en), Messages.text("centre-pages.90-waited-at-most-min", en: en),
                     Messages.text("centre-pages.mean-service-min", en: en)]]
        for row in q.stats.rows + [q.stats.total] {
            rows.append([row.key.isEmpty ? (Messages.text("centre-pages.total", en: en)) : row.key, String(row.issued), String(row.served), String(row.abandoned),
                         minutes(row.meanWaitMinutes, en: en), minutes(row.p90WaitMinutes, en: en), minutes(row.meanServiceMinutes, en: en)])
        }
        return rows
    }

    struct StatsContext: Encodable {
        let centre: String
        let centreLink: String
        let from: String
        let through: String
        let groupings: [Option]
        let header: [String]
        let rows: [[String]]
        let chart: String
        let ratings: [[String]]
        let csv: String
        let xlsx: String
    }

    @Sendable func stats(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let q = try await statsQuery(request)
        let table = table(q, en: en)
        let query = "?from=\(q.from.iso)&through=\(q.through.iso)&by=\(q.grouping.rawValue)"
        let labels: [QueueStats.Grouping: String] = [.field: "centre-stats.by.field", .desk: "centre-stats.by.desk", .officer: "centre-stats.by.officer",
                                                               .hour: "centre-stats.by.hour", .day: "centre-stats.by.day"]
        let chart = BarChart.svg(q.stats.rows.map { ($0.key, $0.meanWaitMinutes ?? 0) }, unit: Messages.text("booking-pages.min", en: en),
                                 title: Messages.text("centre-pages.mean-waiting-time", en: en))
        let ratings = q.ratings.map { tally in
            [tally.key] + CounterRatingLevel.allCases.map { String(tally.counts[$0, default: 0]) } + [Format.percent(tally.satisfiedPercent, en: en)]
        }
        let context = StatsContext(
            centre: q.unit.unit.name, centreLink: Paths.centre.link(q.unit.unit.id), from: q.from.iso, through: q.through.iso,
            groupings: QueueStats.Grouping.allCases.map { Option(value: $0.rawValue, label: Messages.text(labels[$0]!, en: en), selected: $0 == q.grouping) },
            header: table[0], rows: Array(table.dropFirst()), chart: chart, ratings: ratings,
            csv: Paths.centreStatsCSV.link(q.unit.unit.id) + query, xlsx: Paths.centreStatsXLSX.link(q.unit.unit.id) + query)
        return try await Page.render("centre-stats", title: Messages.text("common.queue-statistics", en: en), context: context, request: request)
    }

    func statsExport(_ request: Request, xlsx: Bool) async throws -> Response {
        let q = try await statsQuery(request)
        let rows = table(q, en: Language.of(request) == .en)
        let name = "queue-\(q.from.iso)-\(q.through.iso)-\(q.grouping.rawValue)"
        return xlsx ? TableExport.xlsx(rows, sheet: "Queue", name: name + ".xlsx", numbers: true) : TableExport.csv(rows, name: name + ".csv")
    }

    // MARK: Payments

    struct ReconciliationContext: Encodable {
        let centre: String
        let centreLink: String
        let from: String
        let through: String
        let lines: [[String]]
        let callbacks: [[String]]
        let total: String
    }

    @Sendable func reconciliation(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await centre(request, .manageCentre)
        let repository = stores.payments
        try await repository.expire(olderThan: request.application.parConfig.paymentTimeout, now: request.now)
        let (from, through) = try period(request, days: 7)
        let units = try await stores.units.subtreeIDs(of: [record.unit.id])
        let (lines, callbacks) = try await repository.reconciliation(units: units, from: from, through: through)
        let total = lines.filter { $0.status == .succeeded }.reduce(0) { $0 + $1.amountVND }
        let context = ReconciliationContext(
            centre: record.unit.name, centreLink: Paths.centre.link(record.unit.id), from: from.iso, through: through.iso,
            lines: lines.map { [$0.day, $0.method.rawValue, $0.provider, $0.status.name(en: en), String($0.count), Format.money($0.amountVND, en: en)] },
            callbacks: callbacks.keys.sorted().map { [$0, String(callbacks[$0]!)] }, total: Format.money(total, en: en))
        return try await Page.render("centre-payments", title: Messages.text("common.payment-reconciliation", en: en), context: context, request: request)
    }
}

/// A horizontal bar chart as inline SVG (no script, no inline style), labelled for screen readers.
enum BarChart {
    static func svg(_ bars: [(String, Double)], unit: String, title: String) -> String {
        guard !bars.isEmpty else { return "" }
        let width = 640.0, rowHeight = 26.0, labelWidth = 220.0
        let maximum = max(bars.map(\.1).max() ?? 0, 1)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(rowHeight * Double(bars.count) + 10))\">"
        out += "<title>\(XLSXWriter.escape(title))</title>"
        for (index, (label, value)) in bars.enumerated() {
            let y = Double(index) * rowHeight + 5
            let length = (width - labelWidth - 80) * value / maximum
            out += "<text x=\"0\" y=\"\(y + 17)\" class=\"chart-label\">\(XLSXWriter.escape(String(label.prefix(30))))</text>"
            out += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(String(format: "%.1f", length))\" height=\"18\" class=\"chart-bar\"></rect>"
            out += "<text x=\"\(String(format: "%.1f", labelWidth + length + 6))\" y=\"\(y + 17)\" class=\"chart-value\">\(String(format: "%.1f", value)) \(XLSXWriter.escape(unit))</text>"
        }
        return out + "</svg>"
    }
}
