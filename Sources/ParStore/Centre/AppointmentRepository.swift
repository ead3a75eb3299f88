import FluentKit
import Foundation
import ParCore
import SQLKit

/// Citizens' bookings at a service centre. A slot's capacity is kept by one counter row per
/// (centre, field, day, slot), raised only while below capacity in a single UPDATE, so two
/// instances booking the last place at once cannot both get it.
public struct AppointmentRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Each slot of the day with the places already booked for `field`.
    public func availability(unit: OrgUnit.ID, field: String, day: LocalDate, settings: CentreSettings) async throws -> [(AppointmentSlot, booked: Int)] {
        var booked: [String: Int] = [:]
        for row in try await db.sql.select().columns("slot", "booked").from("appointment_bookings").where("unit_id", .equal, unit.rawValue)
            .where("field", .equal, field).where("day", .equal, day.iso).all() {
            booked[try row.decode(column: "slot", as: String.self)] = try row.decode(column: "booked", as: Int.self)
        }
        return settings.slots(on: day).map { ($0, booked[$0.key] ?? 0) }
    }

    /// Books a place: refused when the slot is not bookable (past, not a working day, too far)
    /// or full. Returns the booking and the secret that cancels it.
    public func book(unit: OrgUnit.ID, field rawField: String, slot: AppointmentSlot, name rawName: String?,
                     contact: (email: String?, phone: String?) = (nil, nil), settings: CentreSettings,
                     calendar: WorkingCalendar, now: Date) async throws -> (Appointment, secret: String) {
        let (field, name) = try settings.checkBooking(field: rawField, name: rawName, slot: slot, at: now,
                                                      isWorkingDay: { (try? calendar.isWorkingDay($0)) ?? false })
        let secret = DossierRepository.newSecret()
        return try await db.writeTransaction { tx in
            try await tx.sql.raw("""
                INSERT INTO appointment_bookings (unit_id, field, day, slot, booked)
                VALUES (\(bind: unit.rawValue), \(bind: field), \(bind: slot.day.iso), \(bind: slot.key), 0)
                ON CONFLICT (unit_id, field, day, slot) DO NOTHING
                """).run()
            let place = try await tx.sql.select().column("booked").from("appointment_bookings")
                .where("unit_id", .equal, unit.rawValue).where("field", .equal, field).where("day", .equal, slot.day.iso)
                .where("slot", .equal, slot.key).first()
            try settings.checkPlace(booked: try place?.decode(column: "booked", as: Int.self) ?? 0)
            // Guarded as well: two bookings of the last place at once (PostgreSQL) leave one refused.
            let taken = try await tx.sql.update("appointment_bookings").set(SQLIdentifier("booked"), to: SQLRaw("booked + 1"))
                .where("unit_id", .equal, unit.rawValue).where("field", .equal, field).where("day", .equal, slot.day.iso)
                .where("slot", .equal, slot.key).where("booked", .lessThan, settings.capacityPerSlot).returning("booked").all()
            guard !taken.isEmpty else { throw CentreSettings.slotFull }
            let appointment = Appointment(id: UUID(), code: try await Self.newCode(on: tx), unitID: unit, field: field, slot: slot,
                                          name: name, status: .booked, email: contact.email, phone: contact.phone)
            try await tx.sql.insert(into: "appointments")
                .columns("id", "code", "secret_hash", "unit_id", "field", "day", "slot", "minutes", "name", "status", "ticket_id", "created_at",
                         "email", "phone")
                .values(SQLBind(appointment.id), SQLBind(appointment.code), SQLBind(DossierRepository.hash(secret)), SQLBind(unit.rawValue),
                        SQLBind(field), SQLBind(slot.day.iso), SQLBind(slot.key), SQLBind(slot.minutes), SQLBind(appointment.name),
                        SQLBind(appointment.status.rawValue), SQLBind(nil as UUID?), SQLBind(now), SQLBind(contact.email), SQLBind(contact.phone))
                .run()
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "citizen (booking)", requestID: nil), action: "appointment.book",
                                      entityType: "appointment", entityID: appointment.id.uuidString,
                                      after: ["code": appointment.code, "day": slot.day.iso, "slot": slot.key], now: now)
            return (appointment, secret)
        }
    }

    /// `LH` and eight characters without look-alikes (`DossierRepository.newSecret`), unused so far.
    static func newCode(on tx: any Database) async throws -> String {
        for _ in 0..<10 {
            let code = "LH" + DossierRepository.newSecret()
            if try await tx.sql.select().column("id").from("appointments").where("code", .equal, code).first() == nil { return code }
        }
        throw DomainStoreError.corruptRow("appointments")
    }

    static func load(_ row: any SQLRow) throws -> Appointment {
        let day = LocalDate(iso: try row.decode(column: "day", as: String.self)) ?? LocalDate(year: 2000, month: 1, day: 1)!
        return Appointment(id: try row.decode(column: "id", as: UUID.self), code: try row.decode(column: "code", as: String.self),
                           unitID: .init(try row.decode(column: "unit_id", as: UUID.self)), field: try row.decode(column: "field", as: String.self),
                           slot: AppointmentSlot(day: day, start: TimeOfDay(text: try row.decode(column: "slot", as: String.self)) ?? .midnight,
                                                 minutes: try row.decode(column: "minutes", as: Int.self)),
                           name: try row.decode(column: "name", as: String?.self),
                           status: Appointment.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .booked,
                           ticketID: try row.decode(column: "ticket_id", as: UUID?.self).map(QueueTicket.ID.init),
                           email: try row.decode(column: "email", as: String?.self), phone: try row.decode(column: "phone", as: String?.self))
    }

    static let columns = ["id", "code", "secret_hash", "unit_id", "field", "day", "slot", "minutes", "name", "status", "ticket_id", "email", "phone"]

    /// Bookings of `day` (every centre) still booked that left a contact for the reminder.
    public func reachable(day: LocalDate) async throws -> [Appointment] {
        try await db.sql.select().columns(Self.columns).from("appointments").where("day", .equal, day.iso)
            .where("status", .equal, Appointment.Status.booked.rawValue)
            .where { $0.where("email", .isNot, SQLLiteral.null).orWhere("phone", .isNot, SQLLiteral.null) }
            .orderBy("slot").orderBy("code").all().map(Self.load)
    }

    /// Erases the reminder contacts of bookings whose day is before `day` (they served their one
    /// purpose: Decree 13/2023's principle of keeping personal data no longer than needed); returns how many.
    public func eraseContacts(before day: LocalDate) async throws -> Int {
        try await db.writeTransaction { tx in
            try await tx.sql.update("appointments").set("email", to: SQLLiteral.null).set("phone", to: SQLLiteral.null)
                .where("day", .lessThan, day.iso)
                .where { $0.where("email", .isNot, SQLLiteral.null).orWhere("phone", .isNot, SQLLiteral.null) }
                .returning("id").all().count
        }
    }

    /// The booking if `secret` is the one shown when it was made.
    public func lookup(code rawCode: String, secret: String) async throws -> Appointment? {
        let code = VietnameseText.clean(rawCode).uppercased()
        guard code.count <= 20, secret.count <= 40,
              let row = try await db.sql.select().columns(Self.columns).from("appointments").where("code", .equal, code).first(),
              DossierRepository.constantTimeEqual(try row.decode(column: "secret_hash", as: String.self), DossierRepository.hash(secret)) else { return nil }
        return try Self.load(row)
    }

    /// The centre's bookings of a day, in slot order.
    public func appointments(unit: OrgUnit.ID, day: LocalDate) async throws -> [Appointment] {
        try await db.sql.select().columns(Self.columns).from("appointments").where("unit_id", .equal, unit.rawValue).where("day", .equal, day.iso)
            .orderBy("slot").orderBy("code").all().map(Self.load)
    }

    /// Cancels a booking (code and secret) and frees its place.
    public func cancel(code: String, secret: String, now: Date) async throws -> Appointment {
        guard let found = try await lookup(code: code, secret: secret) else {
            throw DomainError(.notFound, "Không tìm thấy lịch hẹn với mã và mã bí mật này.", english: "No appointment has this code and secret.")
        }
        let cancelled = try found.cancelled()
        return try await db.writeTransaction { tx in
            // Guarded by the status read: a booking used or cancelled meanwhile stays as it is.
            let changed = try await tx.sql.update("appointments").set("status", to: cancelled.status.rawValue)
                .where("id", .equal, found.id).where("status", .equal, found.status.rawValue).returning("id").all()
            guard !changed.isEmpty else { throw Appointment.notBooked }
            try await tx.sql.update("appointment_bookings").set(SQLIdentifier("booked"), to: SQLRaw("booked - 1"))
                .where("unit_id", .equal, found.unitID.rawValue).where("field", .equal, found.field).where("day", .equal, found.slot.day.iso)
                .where("slot", .equal, found.slot.key).where("booked", .greaterThan, 0).run()
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "citizen (booking)", requestID: nil), action: "appointment.cancel",
                                      entityType: "appointment", entityID: found.id.uuidString, after: ["code": found.code], now: now)
            return cancelled
        }
    }
}
