import FluentKit
import Foundation
import ParCore
import SQLKit

/// The floor of a Public Administration Service Centre: its settings and desks, queue tickets
/// (numbered from 1 each day per centre by one UPSERT, so any number of instances never issue
/// the same number), the desks' actions on them, counter ratings and appointments.
public struct ServiceCentreRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: Settings and desks

    public func settings(_ unit: OrgUnit.ID) async throws -> CentreSettings {
        guard let row = try await db.sql.select().column("data").from("centre_settings").where("unit_id", .equal, unit.rawValue).first() else {
            return .standard
        }
        return try StoredJSON.decode(CentreSettings.self, from: try row.decode(column: "data", as: String.self))
    }

    public func saveSettings(_ settings: CentreSettings, unit: OrgUnit.ID, actor: AuditActor, now: Date) async throws {
        try settings.validate()
        let data = try StoredJSON.encode(settings)
        try await db.writeTransaction { tx in
            try await tx.sql.raw("""
                INSERT INTO centre_settings (unit_id, data, updated_at) VALUES (\(bind: unit.rawValue), \(bind: data), \(bind: now))
                ON CONFLICT (unit_id) DO UPDATE SET data = \(bind: data), updated_at = \(bind: now)
                """).run()
            try await AuditLog.append(on: tx, actor: actor, action: "centre.settings", entityType: "unit", entityID: unit.description,
                                      after: settings, now: now)
        }
    }

    static func desk(_ row: any SQLRow) throws -> ServiceDesk {
        ServiceDesk(id: .init(try row.decode(column: "id", as: UUID.self)), unitID: .init(try row.decode(column: "unit_id", as: UUID.self)),
                    number: try row.decode(column: "number", as: Int.self), name: try row.decode(column: "name", as: String.self),
                    fields: try StoredJSON.decode([String].self, from: try row.decode(column: "fields", as: String.self)),
                    active: try row.decode(column: "active", as: Bool.self))
    }

    public func desks(_ unit: OrgUnit.ID) async throws -> [ServiceDesk] {
        try await db.sql.select().columns("id", "unit_id", "number", "name", "fields", "active").from("centre_desks")
            .where("unit_id", .equal, unit.rawValue).orderBy("number").all().map(Self.desk)
    }

    public func desk(_ id: ServiceDesk.ID) async throws -> ServiceDesk? {
        try await db.sql.select().columns("id", "unit_id", "number", "name", "fields", "active").from("centre_desks")
            .where("id", .equal, id.rawValue).first().map(Self.desk)
    }

    /// Adds a desk or changes one (same id); a number is used once per centre.
    @discardableResult
    public func saveDesk(_ raw: ServiceDesk, actor: AuditActor, now: Date) async throws -> ServiceDesk {
        let desk = try raw.validated()
        return try await db.writeTransaction { tx in
            let clash = try await tx.sql.select().column("id").from("centre_desks").where("unit_id", .equal, desk.unitID.rawValue)
                .where("number", .equal, desk.number).where("id", .notEqual, desk.id.rawValue).first()
            guard clash == nil else {
                throw DomainError(.conflict, "Đã có quầy số \(desk.number).", english: "Desk \(desk.number) already exists.")
            }
            let fields = try StoredJSON.encode(desk.fields)
            let updated = try await tx.sql.update("centre_desks").set("number", to: desk.number).set("name", to: desk.name).set("fields", to: fields)
                .set("active", to: desk.active).where("id", .equal, desk.id.rawValue).where("unit_id", .equal, desk.unitID.rawValue)
                .returning("id").all()
            if updated.isEmpty {
                try await tx.sql.insert(into: "centre_desks").columns("id", "unit_id", "number", "name", "fields", "active")
                    .values(SQLBind(desk.id.rawValue), SQLBind(desk.unitID.rawValue), SQLBind(desk.number), SQLBind(desk.name), SQLBind(fields),
                            SQLBind(desk.active)).run()
            }
            try await AuditLog.append(on: tx, actor: actor, action: updated.isEmpty ? "centre.desk.create" : "centre.desk.update", entityType: "desk",
                                      entityID: desk.id.description, after: desk, now: now)
            return desk
        }
    }

    /// The fields a citizen can choose at the kiosk: those the centre's open desks serve, or every
    /// catalogue field when one of them serves them all; none while the centre has no open desk.
    public func fieldChoices(_ unit: OrgUnit.ID) async throws -> [String] {
        let open = try await desks(unit).filter(\.active)
        if open.isEmpty { return [] }
        if !open.contains(where: { $0.fields.isEmpty }) { return Array(Set(open.flatMap(\.fields))).sorted() }
        return try await db.sql.select().distinct().column("field").from("procedures").orderBy("field").limit(500).all()
            .map { try $0.decode(column: "field", as: String.self) }.filter { !$0.isEmpty }
    }

    // MARK: Tickets

    static let ticketColumns = ["id", "unit_id", "day", "number", "field", "status", "desk_id", "officer", "issued_at", "called_at", "finished_at",
                                "recalls", "transfers", "appointment_id", "priority_from", "dossier_id", "version"]

    static func ticket(_ row: any SQLRow) throws -> (QueueTicket, version: Int) {
        let t = QueueTicket(
            id: .init(try row.decode(column: "id", as: UUID.self)), unitID: .init(try row.decode(column: "unit_id", as: UUID.self)),
            day: LocalDate(iso: try row.decode(column: "day", as: String.self)) ?? LocalDate(year: 2000, month: 1, day: 1)!,
            number: try row.decode(column: "number", as: Int.self), field: try row.decode(column: "field", as: String.self),
            status: QueueTicket.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .waiting,
            deskID: try row.decode(column: "desk_id", as: UUID?.self).map(ServiceDesk.ID.init), officer: try row.decode(column: "officer", as: String?.self),
            issuedAt: try row.decode(column: "issued_at", as: Date.self), calledAt: try row.decode(column: "called_at", as: Date?.self),
            finishedAt: try row.decode(column: "finished_at", as: Date?.self), recalls: try row.decode(column: "recalls", as: Int.self),
            transfers: try row.decode(column: "transfers", as: Int.self), appointmentID: try row.decode(column: "appointment_id", as: UUID?.self),
            priorityFrom: try row.decode(column: "priority_from", as: Date?.self),
            dossierID: try row.decode(column: "dossier_id", as: UUID?.self).map(Dossier.ID.init))
        return (t, try row.decode(column: "version", as: Int.self))
    }

    public func ticket(_ id: QueueTicket.ID) async throws -> QueueTicket? {
        try await db.sql.select().columns(Self.ticketColumns).from("queue_tickets").where("id", .equal, id.rawValue).first().map { try Self.ticket($0).0 }
    }

    /// The centre's tickets of the Việt Nam days `from` … `through`, in number order.
    public func tickets(_ unit: OrgUnit.ID, from: LocalDate, through: LocalDate, status: [QueueTicket.Status]? = nil) async throws -> [QueueTicket] {
        var query = try db.sql.select().columns(Self.ticketColumns).from("queue_tickets").where("unit_id", .equal, unit.rawValue)
            .where("day", .greaterThanOrEqual, from.iso).where("day", .lessThanOrEqual, through.iso)
        if let status { query = query.where("status", .in, status.map(\.rawValue)) }
        return try await query.orderBy("day").orderBy("number").limit(50_000).all().map { try Self.ticket($0).0 }
    }


    /// Issues the next number of the day for `field`; with an appointment code, checks the
    /// booking in (once) and the ticket is called first from the slot's start.
    public func issueTicket(unit: OrgUnit.ID, field rawField: String?, appointmentCode: String? = nil, now: Date) async throws -> QueueTicket {
        let code = appointmentCode.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0.uppercased() }
        let chosen = code == nil ? try QueueTicket.field(rawField, choices: try await fieldChoices(unit)) : VietnameseText.clean(rawField ?? "")
        let today = VietnamTime.localDate(of: now)
        return try await db.writeTransaction { tx in
            var appointment: (id: UUID, start: Date)?
            var field = chosen
            if let code {
                guard code.count <= 20, let row = try await tx.sql.select().columns("id", "field", "day", "slot", "status").from("appointments")
                    .where("code", .equal, code).where("unit_id", .equal, unit.rawValue).first() else {
                    throw DomainError(.notFound, "Không tìm thấy lịch hẹn với mã này tại trung tâm.", english: "No appointment with this code at this centre.")
                }
                guard let day = LocalDate(iso: try row.decode(column: "day", as: String.self)) else { throw DomainStoreError.corruptRow("appointments") }
                let status = try row.decode(column: "status", as: String.self)
                guard let known = Appointment.Status(rawValue: status) else { throw DomainStoreError.corruptRow("appointments") }
                try Appointment.checkIn(status: known, day: day, today: today)
                let id = try row.decode(column: "id", as: UUID.self)
                // Guarded by the status read: a booking used or cancelled meanwhile stays as it is.
                let checked = try await tx.sql.update("appointments").set("status", to: Appointment.Status.checkedIn.rawValue)
                    .where("id", .equal, id).where("status", .equal, status).returning("id").all()
                guard !checked.isEmpty else { throw Appointment.notBooked }
                field = try row.decode(column: "field", as: String.self)
                let time = TimeOfDay(text: try row.decode(column: "slot", as: String.self)) ?? TimeOfDay.midnight
                appointment = (id, LocalDateTime(date: today, time: time).instant)
            }
            let number = try await DossierRepository.nextDailyNumber(in: "queue_sequences", unit: unit, day: today, on: tx)
            let ticket = QueueTicket(id: .random(), unitID: unit, day: today, number: number, field: field, issuedAt: now,
                                     appointmentID: appointment?.id, priorityFrom: appointment?.start)
            try await tx.sql.insert(into: "queue_tickets").columns(Self.ticketColumns).values(Self.values(ticket, version: 1)).run()
            if let appointment {
                try await tx.sql.update("appointments").set("ticket_id", to: ticket.id.rawValue).where("id", .equal, appointment.id).run()
            }
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "kiosk", requestID: nil), action: "queue.issue", entityType: "ticket",
                                      entityID: ticket.id.description, after: ["number": ticket.label, "field": field], now: now)
            return ticket
        }
    }

    static func values(_ t: QueueTicket, version: Int) -> [any SQLExpression] {
        [SQLBind(t.id.rawValue), SQLBind(t.unitID.rawValue), SQLBind(t.day.iso), SQLBind(t.number), SQLBind(t.field), SQLBind(t.status.rawValue),
         SQLBind(t.deskID?.rawValue), SQLBind(t.officer), SQLBind(t.issuedAt), SQLBind(t.calledAt), SQLBind(t.finishedAt), SQLBind(t.recalls),
         SQLBind(t.transfers), SQLBind(t.appointmentID), SQLBind(t.priorityFrom), SQLBind(t.dossierID?.rawValue), SQLBind(version)]
    }

    /// Stores `after` if the ticket is still at `version` (compare-and-set); false when another
    /// desk or instance changed it first.
    static func store(_ after: QueueTicket, version: Int, on tx: any Database) async throws -> Bool {
        let changed = try await tx.sql.update("queue_tickets").set("status", to: after.status.rawValue).set("desk_id", to: after.deskID?.rawValue)
            .set("officer", to: after.officer).set("called_at", to: after.calledAt).set("finished_at", to: after.finishedAt)
            .set("recalls", to: after.recalls).set("transfers", to: after.transfers).set("dossier_id", to: after.dossierID?.rawValue)
            .set("version", to: version + 1).where("id", .equal, after.id.rawValue).where("version", .equal, version).returning("id").all()
        return !changed.isEmpty
    }

    /// The desk calls its next ticket (transferred to it, then booked citizens whose slot has
    /// begun, then by number); `nil` when nobody waits. Two desks calling at once get different tickets.
    public func callNext(desk: ServiceDesk, officer: String, actor: AuditActor, now: Date) async throws -> QueueTicket? {
        let today = VietnamTime.localDate(of: now)
        for _ in 0..<8 {
            let waiting = try await db.sql.select().columns(Self.ticketColumns).from("queue_tickets").where("unit_id", .equal, desk.unitID.rawValue)
                .where("day", .equal, today.iso).where("status", .equal, QueueTicket.Status.waiting.rawValue).orderBy("number").limit(2000).all()
                .map(Self.ticket)
            guard let next = QueueOrder.next(for: desk, among: waiting.map(\.0), at: now),
                  let version = waiting.first(where: { $0.0.id == next.id })?.version else { return nil }
            let called = try next.applying(.call(desk: desk.id, officer: officer), at: now)
            let won = try await db.writeTransaction { tx in
                guard try await Self.store(called, version: version, on: tx) else { return false }
                try await AuditLog.append(on: tx, actor: actor, action: "queue.call", entityType: "ticket", entityID: called.id.description,
                                          after: ["number": called.label, "desk": String(desk.number)], now: now)
                return true
            }
            if won { return called }
        }
        throw DomainError(.conflict, "Nhiều quầy đang gọi cùng lúc; thử lại.", english: "Several desks are calling at once; try again.")
    }

    /// Recall, skip, transfer or finish the ticket the desk is serving.
    public func act(_ id: QueueTicket.ID, _ action: QueueTicket.Action, actor: AuditActor, now: Date) async throws -> QueueTicket {
        try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns(Self.ticketColumns).from("queue_tickets").where("id", .equal, id.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy số thứ tự.", english: "No such ticket.")
            }
            let (ticket, version) = try Self.ticket(row)
            let after = try ticket.applying(action, at: now)
            guard try await Self.store(after, version: version, on: tx) else {
                throw DomainError(.stale, "Số thứ tự vừa được thay đổi ở nơi khác; tải lại trang.", english: "The ticket changed meanwhile; reload.")
            }
            let name: String
            switch action {
            case .call: name = "call"
            case .recall: name = "recall"
            case .skip: name = "skip"
            case .transfer: name = "transfer"
            case .finish: name = "finish"
            }
            try await AuditLog.append(on: tx, actor: actor, action: "queue.\(name)", entityType: "ticket", entityID: id.description,
                                      before: ["status": ticket.status.rawValue], after: ["status": after.status.rawValue], now: now)
            return after
        }
    }

    // MARK: Board

    /// What the display board shows: the latest calls (newest first) and how many wait per field.
    public struct Board: Sendable, Equatable {
        public var calls: [QueueTicket]
        public var waiting: [String: Int]
    }

    public func board(_ unit: OrgUnit.ID, now: Date, calls limit: Int = 8) async throws -> Board {
        let today = VietnamTime.localDate(of: now)
        let calls = try await db.sql.select().columns(Self.ticketColumns).from("queue_tickets").where("unit_id", .equal, unit.rawValue)
            .where("day", .equal, today.iso).where("status", .equal, QueueTicket.Status.called.rawValue)
            .orderBy("called_at", .descending).orderBy("number", .descending).limit(limit).all().map { try Self.ticket($0).0 }
        var waiting: [String: Int] = [:]
        for row in try await db.sql.select().column("field").column(SQLRaw("COUNT(*)"), as: "n").from("queue_tickets")
            .where("unit_id", .equal, unit.rawValue).where("day", .equal, today.iso).where("status", .equal, QueueTicket.Status.waiting.rawValue)
            .groupBy("field").all() {
            waiting[try row.decode(column: "field", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return Board(calls: calls, waiting: waiting)
    }

    /// How many tickets of the same centre and day wait before this one (for the citizen's phone).
    public func position(of ticket: QueueTicket) async throws -> Int {
        let row = try await db.sql.select().column(SQLRaw("COUNT(*)"), as: "n").from("queue_tickets")
            .where("unit_id", .equal, ticket.unitID.rawValue).where("day", .equal, ticket.day.iso)
            .where("status", .equal, QueueTicket.Status.waiting.rawValue).where("field", .equal, ticket.field)
            .where("number", .lessThan, ticket.number).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: Counter ratings

    /// The citizen's rating of a served ticket, once. A ticket linked to a dossier adds to the
    /// Decision 766 satisfaction counters of that dossier on the rating day.
    public func rate(_ id: QueueTicket.ID, level: CounterRatingLevel, reason rawReason: String?, now: Date) async throws {
        let reason = try CounterRatingLevel.validatedReason(rawReason)
        try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns(Self.ticketColumns).from("queue_tickets").where("id", .equal, id.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy số thứ tự.", english: "No such ticket.")
            }
            let ticket = try Self.ticket(row).0
            let rated = try await tx.sql.select().column("ticket_id").from("counter_ratings").where("ticket_id", .equal, id.rawValue).first()
            try ticket.checkRatable(rated: rated != nil)
            let inserted = try await tx.sql.insert(into: "counter_ratings")
                .columns("ticket_id", "unit_id", "desk_id", "officer", "field", "dossier_id", "level", "reason", "day", "rated_at")
                .values(SQLBind(id.rawValue), SQLBind(ticket.unitID.rawValue), SQLBind(ticket.deskID?.rawValue), SQLBind(ticket.officer),
                        SQLBind(ticket.field), SQLBind(ticket.dossierID?.rawValue), SQLBind(level.rawValue), SQLBind(reason),
                        SQLBind(VietnamTime.localDate(of: now).iso), SQLBind(now))
                .ignoringConflicts(with: ["ticket_id"]).returning("ticket_id").all()
            guard !inserted.isEmpty else { throw QueueTicket.alreadyRated }  // rated meanwhile (the unique ticket id decides)
            if let dossierID = ticket.dossierID, let dossier = try await DossierModel.find(dossierID.rawValue, on: tx)?.toDomain() {
                try await ServiceCounterStore.add([.ratings: 1, .negativeRatings: level.isNegative ? 1 : 0], for: dossier, at: now, on: tx)
            }
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "counter rating", requestID: nil), action: "queue.rate",
                                      entityType: "ticket", entityID: id.description, after: ["level": level.rawValue], now: now)
        }
    }

    public func rating(of ticket: QueueTicket.ID) async throws -> CounterRatingLevel? {
        try await db.sql.select().column("level").from("counter_ratings").where("ticket_id", .equal, ticket.rawValue).first()
            .flatMap { CounterRatingLevel(rawValue: try $0.decode(column: "level", as: String.self)) }
    }

    /// The latest served ticket of a desk not yet rated (what the touch page beside the desk asks about).
    public func awaitingRating(desk: ServiceDesk.ID, now: Date) async throws -> QueueTicket? {
        let today = VietnamTime.localDate(of: now)
        let rows = try await db.sql.select().columns(Self.ticketColumns.map { SQLColumn($0, table: "t") as any SQLExpression }).from(SQLAlias(SQLIdentifier("queue_tickets"), as: SQLIdentifier("t")))
            .join(SQLAlias(SQLIdentifier("counter_ratings"), as: SQLIdentifier("r")), method: SQLJoinMethod.left,
                  on: SQLColumn("ticket_id", table: "r"), .equal, SQLColumn("id", table: "t"))
            .where(SQLColumn("desk_id", table: "t"), .equal, SQLBind(desk.rawValue)).where(SQLColumn("day", table: "t"), .equal, SQLBind(today.iso))
            .where(SQLColumn("status", table: "t"), .equal, SQLBind(QueueTicket.Status.served.rawValue))
            .where(SQLColumn("ticket_id", table: "r"), .is, SQLLiteral.null)
            .orderBy(SQLOrderBy(expression: SQLColumn("finished_at", table: "t"), direction: SQLDirection.descending)).limit(1).all()
        return try rows.first.map { try Self.ticket($0).0 }
    }

    /// Counter ratings of the centre over the days, by level, per desk (named by `deskName`) / officer / field key.
    public struct RatingTally: Sendable, Equatable {
        public var key: String
        public var counts: [CounterRatingLevel: Int]
        public var total: Int { counts.values.reduce(0, +) }
        /// Share of "very satisfied" and "satisfied", in %.
        public var satisfiedPercent: Double? {
            total == 0 ? nil : (Double(total - counts[.notSatisfied, default: 0]) / Double(total) * 1000).rounded() / 10
        }
    }

    /// Counter ratings given at the centres of `units` over the days, by level (the satisfaction page shows them beside SIPAS).
    public func ratingTotals(units: [OrgUnit.ID], from: LocalDate, through: LocalDate) async throws -> RatingTally {
        var counts: [CounterRatingLevel: Int] = [:]
        guard !units.isEmpty else { return RatingTally(key: "", counts: counts) }
        for row in try await db.sql.select().column("level").column(SQLRaw("COUNT(*)"), as: "n").from("counter_ratings")
            .where("unit_id", .in, units.map(\.rawValue)).where("day", .greaterThanOrEqual, from.iso).where("day", .lessThanOrEqual, through.iso)
            .groupBy("level").all() {
            guard let level = CounterRatingLevel(rawValue: try row.decode(column: "level", as: String.self)) else { continue }
            counts[level, default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return RatingTally(key: "", counts: counts)
    }

    public func ratings(_ unit: OrgUnit.ID, from: LocalDate, through: LocalDate, by column: String,
                        deskName: (ServiceDesk.ID?) -> String) async throws -> [RatingTally] {
        precondition(["desk_id", "officer", "field"].contains(column))
        var tallies: [String: [CounterRatingLevel: Int]] = [:]
        for row in try await db.sql.select().column(SQLColumn(column)).column("level").column(SQLRaw("COUNT(*)"), as: "n").from("counter_ratings")
            .where("unit_id", .equal, unit.rawValue).where("day", .greaterThanOrEqual, from.iso).where("day", .lessThanOrEqual, through.iso)
            .groupBy(column).groupBy("level").all() {
            let key: String
            if column == "desk_id" {
                key = deskName(try row.decode(column: column, as: UUID?.self).map(ServiceDesk.ID.init))
            } else {
                key = try row.decode(column: column, as: String?.self) ?? "—"
            }
            guard let level = CounterRatingLevel(rawValue: try row.decode(column: "level", as: String.self)) else { continue }
            tallies[key, default: [:]][level, default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return tallies.keys.sorted().map { RatingTally(key: $0, counts: tallies[$0]!) }
    }
}
