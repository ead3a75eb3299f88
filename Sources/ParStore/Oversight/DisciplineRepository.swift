import FluentKit
import Foundation
import ParCore
import SQLKit

/// Attendance counted per unit over a period.
public struct AttendanceCount: Sendable, Equatable {
    public var unitID: OrgUnit.ID
    public var counts: [Meeting.Attendance: Int]
    public var breaches: Int { counts.filter { $0.key.isBreach }.reduce(0) { $0 + $1.value } }
}

/// Leaders' commitments, meetings with attendance, and the figures units report themselves
/// (documents exchanged electronically per month, ISO 9001 status).
public struct DisciplineRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: Commitments

    public func commitments(unit: OrgUnit.ID, year: Int) async throws -> [Commitment] {
        try await db.sql.select().columns("id", "leader", "text", "metric", "target").from("commitments")
            .where("unit_id", .equal, unit.rawValue).where("year", .equal, year).all().map { row in
                Commitment(id: Commitment.ID(try row.decode(column: "id", as: UUID.self)), unitID: unit, year: year,
                           leader: try row.decode(column: "leader", as: String.self), text: try row.decode(column: "text", as: String.self),
                           metric: try row.decode(column: "metric", as: String.self), target: try row.decode(column: "target", as: Double.self))
            }
    }

    /// Records a commitment; `metrics` are the ids a commitment may name (the 766 indicators,
    /// the satisfaction index, the plan's completion).
    public func addCommitment(_ draft: Commitment, metrics: Set<String>, actor: AuditActor, now: Date) async throws -> Commitment {
        let commitment = try draft.normalised(metrics: metrics)
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "commitments").columns("id", "unit_id", "year", "leader", "text", "metric", "target")
                .values(SQLBind(commitment.id.rawValue), SQLBind(commitment.unitID.rawValue), SQLBind(commitment.year), SQLBind(commitment.leader),
                        SQLBind(commitment.text), SQLBind(commitment.metric), SQLBind(commitment.target)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "commitment.add", entityType: "unit", entityID: commitment.unitID.description,
                                      after: ["metric": commitment.metric, "target": String(commitment.target)], now: now)
        }
        return commitment
    }

    // MARK: Meetings

    public func addMeeting(_ draft: Meeting, actor: AuditActor, now: Date) async throws -> Meeting {
        let stored = try draft.normalised()
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "meetings").columns("id", "organiser_id", "title", "at", "data")
                .values(SQLBind(stored.id.rawValue), SQLBind(stored.organiserID.rawValue), SQLBind(stored.title), SQLBind(stored.at),
                        SQLBind(try StoredJSON.encode(stored))).run()
            for attendee in stored.attendees {
                try await tx.sql.insert(into: "meeting_attendance").columns("meeting_id", "unit_id", "person", "attendance", "reason", "at")
                    .values(SQLBind(stored.id.rawValue), SQLBind(attendee.unitID.rawValue), SQLBind(attendee.person), SQLBind(nil as String?),
                            SQLBind(nil as String?), SQLBind(stored.at)).run()
            }
            try await AuditLog.append(on: tx, actor: actor, action: "meeting.add", entityType: "meeting", entityID: stored.id.description,
                                      after: ["attendees": String(stored.attendees.count)], now: now)
        }
        return stored
    }

    public func meeting(_ id: Meeting.ID) async throws -> Meeting? {
        guard let row = try await db.sql.select().column("data").from("meetings").where("id", .equal, id.rawValue).first() else { return nil }
        var meeting = try StoredJSON.decode(Meeting.self, from: try row.decode(column: "data", as: String.self))
        let marks = try await db.sql.select().columns("unit_id", "person", "attendance", "reason").from("meeting_attendance")
            .where("meeting_id", .equal, id.rawValue).all()
        meeting.attendees = try marks.map { row in
            Meeting.Attendee(unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)), person: try row.decode(column: "person", as: String.self),
                             attendance: try row.decode(column: "attendance", as: String?.self).flatMap(Meeting.Attendance.init(rawValue:)),
                             reason: try row.decode(column: "reason", as: String?.self))
        }
        return meeting
    }

    public func meetings(organisers: [OrgUnit.ID], limit: Int = 100) async throws -> [Meeting] {
        guard !organisers.isEmpty else { return [] }
        return try await db.sql.select().column("data").from("meetings").where("organiser_id", .in, organisers.map(\.rawValue))
            .orderBy("at", .descending).limit(limit).all().map { try StoredJSON.decode(Meeting.self, from: try $0.decode(column: "data", as: String.self)) }
    }

    /// Records attendance for one attendee (audited); an absence with reason needs the reason.
    public func mark(_ meeting: Meeting.ID, person: String, unit: OrgUnit.ID, attendance: Meeting.Attendance, reason raw: String?,
                     actor: AuditActor, now: Date) async throws {
        let reason = try attendance.reason(raw)
        try await db.writeTransaction { tx in
            let updated = try await tx.sql.update("meeting_attendance").set("attendance", to: attendance.rawValue).set("reason", to: reason)
                .where("meeting_id", .equal, meeting.rawValue).where("person", .equal, person).where("unit_id", .equal, unit.rawValue)
                .returning("person").all()
            guard !updated.isEmpty else {
                throw DomainError(.notFound, "Người này không có trong danh sách dự họp.", english: "This person is not on the attendance list.")
            }
            try await AuditLog.append(on: tx, actor: actor, action: "meeting.mark", entityType: "meeting", entityID: meeting.description,
                                      after: ["person": person, "attendance": attendance.rawValue], now: now)
        }
    }

    /// Attendance per unit for meetings held `from` … `through`, the units given only.
    public func attendance(units: [OrgUnit.ID], from: LocalDate, through: LocalDate) async throws -> [AttendanceCount] {
        guard !units.isEmpty else { return [] }
        let rows = try await db.sql.select().column("unit_id").column("attendance").column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n")
            .from("meeting_attendance").where("unit_id", .in, units.map(\.rawValue)).where("attendance", .isNot, SQLLiteral.null)
            .where("at", .greaterThanOrEqual, VietnamTime.instant(from, .midnight)).where("at", .lessThan, VietnamTime.instant(through, .endOfDay))
            .groupBy("unit_id").groupBy("attendance").all()
        var byUnit: [UUID: [Meeting.Attendance: Int]] = [:]
        for row in rows {
            guard let attendance = Meeting.Attendance(rawValue: try row.decode(column: "attendance", as: String.self)) else { continue }
            byUnit[try row.decode(column: "unit_id", as: UUID.self), default: [:]][attendance] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return byUnit.map { AttendanceCount(unitID: OrgUnit.ID($0.key), counts: $0.value) }
            .sorted { ($0.breaches, $1.unitID.description) > ($1.breaches, $0.unitID.description) }
    }

    // MARK: Tracked indicators

    public func setValue(_ indicator: TrackedIndicator, unit: OrgUnit.ID, month: String, value: Double, actor: AuditActor, now: Date) async throws {
        try TrackedIndicator.check(month: month, value: value)
        try await db.writeTransaction { tx in
            try await tx.sql.raw("""
                INSERT INTO tracked_values (unit_id, indicator, month, value) VALUES (\(bind: unit.rawValue), \(bind: indicator.rawValue), \(bind: month), \(bind: value))
                ON CONFLICT (unit_id, indicator, month) DO UPDATE SET value = \(bind: value)
                """).run()
            try await AuditLog.append(on: tx, actor: actor, action: "tracked.set", entityType: "unit", entityID: unit.description,
                                      after: ["indicator": indicator.rawValue, "month": month, "value": String(value)], now: now)
        }
    }

    /// Month → value for a unit and year.
    public func values(_ indicator: TrackedIndicator, unit: OrgUnit.ID, year: Int) async throws -> [String: Double] {
        var values: [String: Double] = [:]
        for row in try await db.sql.select().columns("month", "value").from("tracked_values").where("unit_id", .equal, unit.rawValue)
            .where("indicator", .equal, indicator.rawValue).where("month", .like, "\(year)-%").all() {
            values[try row.decode(column: "month", as: String.self)] = try row.decode(column: "value", as: Double.self)
        }
        return values
    }

    public func setIso(_ status: IsoStatus, actor: AuditActor, now: Date) async throws {
        let certificate = try status.normalised().certificate
        try await db.writeTransaction { tx in
            try await tx.sql.delete(from: "iso_status").where("unit_id", .equal, status.unitID.rawValue).run()
            try await tx.sql.insert(into: "iso_status").columns("unit_id", "certificate", "last_review", "next_review")
                .values(SQLBind(status.unitID.rawValue), SQLBind(certificate), SQLBind(status.lastReview?.iso), SQLBind(status.nextReview?.iso)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "iso.set", entityType: "unit", entityID: status.unitID.description,
                                      after: ["certificate": certificate], now: now)
        }
    }

    public func iso(units: [OrgUnit.ID]) async throws -> [OrgUnit.ID: IsoStatus] {
        guard !units.isEmpty else { return [:] }
        var result: [OrgUnit.ID: IsoStatus] = [:]
        for row in try await db.sql.select().columns("unit_id", "certificate", "last_review", "next_review").from("iso_status")
            .where("unit_id", .in, units.map(\.rawValue)).all() {
            let unit = OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self))
            result[unit] = IsoStatus(unitID: unit, certificate: try row.decode(column: "certificate", as: String.self),
                                     lastReview: try row.decode(column: "last_review", as: String?.self).flatMap(LocalDate.init(iso:)),
                                     nextReview: try row.decode(column: "next_review", as: String?.self).flatMap(LocalDate.init(iso:)))
        }
        return result
    }
}
