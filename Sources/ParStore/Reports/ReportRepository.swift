import FluentKit
import Foundation
import ParCore
import SQLKit

/// PAR report drafts and finalised reports. Each change checks the version it was made
/// against; a finalised report never changes again.
public struct ReportRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    static func load(_ row: any SQLRow) throws -> ParReport {
        var report = try StoredJSON.decode(ParReport.self, from: try row.decode(column: "data", as: String.self))
        report.version = try row.decode(column: "version", as: Int.self)
        return report
    }

    public func create(unit: OrgUnit.ID, period: ReportPeriod, title raw: String, actor: AuditActor, now: Date) async throws -> ParReport {
        let report = try ParReport.draft(unit: unit, period: period, title: raw), title = report.title
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "par_reports").columns("id", "unit_id", "from_day", "through_day", "data", "version", "created_at")
                .values(SQLBind(report.id.rawValue), SQLBind(unit.rawValue), SQLBind(period.from.iso), SQLBind(period.through.iso),
                        SQLBind(try StoredJSON.encode(report)), SQLBind(1), SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "report.create", entityType: "par_report", entityID: report.id.description,
                                      after: ["title": title, "from": period.from.iso, "to": period.through.iso], now: now)
        }
        return report
    }

    public func find(_ id: ParReport.ID) async throws -> ParReport? {
        try await db.sql.select().columns("data", "version").from("par_reports").where("id", .equal, id.rawValue).first().map(Self.load)
    }

    public func list(units: [OrgUnit.ID], limit: Int = 100) async throws -> [ParReport] {
        guard !units.isEmpty else { return [] }
        return try await db.sql.select().columns("data", "version").from("par_reports").where("unit_id", .in, units.map(\.rawValue))
            .orderBy("created_at", .descending).limit(limit).all().map(Self.load)
    }

    /// Applies a change to a draft at `expectedVersion` (stale → 412; finalised → 409).
    func change(_ id: ParReport.ID, expectedVersion: Int?, action: String, actor: AuditActor, now: Date,
                _ body: @escaping @Sendable (inout ParReport) throws -> Void) async throws -> ParReport {
        try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns("data", "version").from("par_reports").where("id", .equal, id.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy báo cáo.", english: "No such report.")
            }
            let before = try Self.load(row)
            try before.checkChangeable()
            if let expectedVersion, expectedVersion != before.version {
                throw DomainError(.stale, "Báo cáo vừa được người khác sửa; hãy tải lại.", english: "The report was just changed by someone else; reload it.")
            }
            var after = before
            try body(&after)
            after.version = before.version + 1
            let updated = try await tx.sql.update("par_reports").set("data", to: try StoredJSON.encode(after)).set("version", to: after.version)
                .where("id", .equal, id.rawValue).where("version", .equal, before.version).returning("id").all()
            guard !updated.isEmpty else {
                throw DomainError(.stale, "Báo cáo vừa được người khác sửa; hãy tải lại.", english: "The report was just changed by someone else; reload it.")
            }
            try await AuditLog.append(on: tx, actor: actor, action: "report.\(action)", entityType: "par_report", entityID: id.description,
                                      after: ["version": String(after.version)], now: now)
            return after
        }
    }

    /// Replaces the narrative (field → part → text, each at most 20,000 characters).
    public func write(_ id: ParReport.ID, expectedVersion: Int?, narrative raw: [String: [String: String]], actor: AuditActor, now: Date) async throws -> ParReport {
        let stored = try ParReport.narrative(raw)
        return try await change(id, expectedVersion: expectedVersion, action: "write", actor: actor, now: now) { $0.narrative = stored }
    }

    /// Freezes the figures given (computed now) into the report; it never changes again.
    public func finalise(_ id: ParReport.ID, expectedVersion: Int?, figures: [ReportFigure], actor: AuditActor, now: Date) async throws -> ParReport {
        try await change(id, expectedVersion: expectedVersion, action: "finalise", actor: actor, now: now) { report in
            report.figures = figures
            report.finalisedAt = now
        }
    }
}
