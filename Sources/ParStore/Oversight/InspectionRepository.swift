import FluentKit
import Foundation
import ParCore
import SQLKit

/// Inspections, their findings and conclusions. Every read that lists or finds an inspection
/// takes the caller's shielded units (`InspectionVisibility`) and leaves out unannounced
/// visits that have not started — in the query itself, so lists, counts, searches and
/// exports all agree.
public struct InspectionRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    static let columns = ["id", "unit_id", "kind", "place", "starts_at", "purpose", "team", "conclusion", "concluded_at"]

    static func inspection(_ row: any SQLRow) throws -> Inspection {
        Inspection(id: Inspection.ID(try row.decode(column: "id", as: UUID.self)), unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)),
                   kind: Inspection.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .announced,
                   place: Inspection.Place(rawValue: try row.decode(column: "place", as: String.self)) ?? .headquarters,
                   startsAt: try row.decode(column: "starts_at", as: Date.self), purpose: try row.decode(column: "purpose", as: String.self),
                   team: try StoredJSON.decode([String].self, from: try row.decode(column: "team", as: String.self)),
                   conclusion: try row.decode(column: "conclusion", as: String?.self),
                   concludedAt: try row.decode(column: "concluded_at", as: Date?.self))
    }

    /// Leaves out what the caller must not see yet.
    static func visible(_ query: SQLSelectBuilder, shielded: Set<OrgUnit.ID>, now: Date) -> SQLSelectBuilder {
        guard !shielded.isEmpty else { return query }
        return query.where { group in
            group.where("kind", .notEqual, Inspection.Kind.unannounced.rawValue)
                .orWhere("starts_at", .lessThanOrEqual, now)
                .orWhere("unit_id", .notIn, shielded.map(\.rawValue))
        }
    }

    public func create(_ draft: Inspection, actor: AuditActor, now: Date) async throws -> Inspection {
        let inspection = try draft.normalised()
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "inspections").columns(Self.columns + ["created_by", "created_at"])
                .values(SQLBind(inspection.id.rawValue), SQLBind(inspection.unitID.rawValue), SQLBind(inspection.kind.rawValue),
                        SQLBind(inspection.place.rawValue), SQLBind(inspection.startsAt), SQLBind(inspection.purpose),
                        SQLBind(try StoredJSON.encode(inspection.team)), SQLBind(nil as String?), SQLBind(nil as Date?),
                        SQLBind(actor.name), SQLBind(now))
                .run()
            // The audit row names the inspection, not the unit: the unit's own audit trail must not give it away.
            try await AuditLog.append(on: tx, actor: actor, action: "inspection.create", entityType: "inspection", entityID: inspection.id.description,
                                      after: ["kind": inspection.kind.rawValue, "startsAt": ISO8601DateFormatter().string(from: inspection.startsAt)], now: now)
        }
        return inspection
    }

    public func find(_ id: Inspection.ID, shielded: Set<OrgUnit.ID>, now: Date) async throws -> Inspection? {
        try await Self.visible(db.sql.select().columns(Self.columns).from("inspections").where("id", .equal, id.rawValue), shielded: shielded, now: now)
            .first().map(Self.inspection)
    }

    /// Inspections of the units given (nil: all), newest first.
    public func list(units: [OrgUnit.ID]?, year: Int?, shielded: Set<OrgUnit.ID>, now: Date, limit: Int = 500) async throws -> [Inspection] {
        var query = try db.sql.select().columns(Self.columns).from("inspections")
        if let units {
            guard !units.isEmpty else { return [] }
            query = query.where("unit_id", .in, units.map(\.rawValue))
        }
        if let year {
            query = query.where("starts_at", .greaterThanOrEqual, VietnamTime.instant(LocalDate(year: year, month: 1, day: 1)!, .midnight))
                .where("starts_at", .lessThan, VietnamTime.instant(LocalDate(year: year + 1, month: 1, day: 1)!, .midnight))
        }
        return try await Self.visible(query, shielded: shielded, now: now).orderBy("starts_at", .descending).limit(limit).all().map(Self.inspection)
    }

    public func findings(of id: Inspection.ID) async throws -> [InspectionFinding] {
        try await db.sql.select().columns("id", "inspection_id", "category", "text", "cause").from("inspection_findings")
            .where("inspection_id", .equal, id.rawValue).orderBy("created_at").all().map(Self.finding)
    }

    static func finding(_ row: any SQLRow) throws -> InspectionFinding {
        InspectionFinding(id: InspectionFinding.ID(try row.decode(column: "id", as: UUID.self)),
                          inspectionID: Inspection.ID(try row.decode(column: "inspection_id", as: UUID.self)),
                          category: InspectionFinding.Category(rawValue: try row.decode(column: "category", as: String.self)) ?? .achievement,
                          text: try row.decode(column: "text", as: String.self), cause: try row.decode(column: "cause", as: String?.self))
    }

    public func addFinding(to id: Inspection.ID, category: InspectionFinding.Category, text raw: String, cause rawCause: String?,
                           actor: AuditActor, now: Date) async throws -> InspectionFinding {
        let finding = try InspectionFinding.drafted(in: id, category: category, text: raw, cause: rawCause)
        try await db.writeTransaction { tx in
            guard try await tx.sql.select().column("id").from("inspections").where("id", .equal, id.rawValue).first() != nil else {
                throw DomainError(.notFound, "Không tìm thấy cuộc kiểm tra.", english: "No such inspection.")
            }
            try await tx.sql.insert(into: "inspection_findings").columns("id", "inspection_id", "category", "text", "cause", "created_at")
                .values(SQLBind(finding.id.rawValue), SQLBind(id.rawValue), SQLBind(category.rawValue), SQLBind(finding.text), SQLBind(finding.cause),
                        SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "inspection.add_finding", entityType: "inspection", entityID: id.description,
                                      after: ["category": category.rawValue], now: now)
        }
        return finding
    }

    /// Records the conclusion and puts each follow-up in the inspected unit's plan for the
    /// follow-up's year (created if missing), all in one transaction. A conclusion is final.
    public func conclude(_ id: Inspection.ID, conclusion raw: String, followUps: [FollowUp], actor: AuditActor, now: Date) async throws -> [PlanTask] {
        let conclusion = try Inspection.conclusion(raw, followUps: followUps)
        let today = VietnamTime.localDate(of: now)
        return try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns(Self.columns).from("inspections").where("id", .equal, id.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy cuộc kiểm tra.", english: "No such inspection.")
            }
            let inspection = try Self.inspection(row)
            try inspection.checkConcludable(now: now)
            try await tx.sql.update("inspections").set("conclusion", to: conclusion).set("concluded_at", to: now)
                .where("id", .equal, id.rawValue).run()
            var tasks: [PlanTask] = []
            for followUp in followUps {
                let plan = try await PlanRepository.ensure(unit: inspection.unitID, year: followUp.deadline.year, actor: actor, now: now, on: tx)
                tasks.append(try await PlanRepository.insert(
                    PlanTask(id: .random(), planID: plan.id, field: followUp.field, title: followUp.title, ownerDivision: "",
                             deadline: followUp.deadline, expectedOutput: "Khắc phục theo kết luận kiểm tra", source: .inspection, inspectionID: id),
                    unit: inspection.unitID, today: today, actor: actor, now: now, on: tx))
            }
            try await AuditLog.append(on: tx, actor: actor, action: "inspection.conclude", entityType: "inspection", entityID: id.description,
                                      after: ["followUps": String(followUps.count)], now: now)
            return tasks
        }
    }

    /// Initiatives and models worth replicating, from concluded inspections, newest first.
    public func initiatives(limit: Int = 200) async throws -> [(InspectionFinding, Inspection)] {
        let rows = try await db.sql.select()
            .columns(["id", "inspection_id", "category", "text", "cause"].map { SQLColumn($0, table: "f") })
            .columns(Self.columns.filter { $0 != "id" }.map { SQLColumn($0, table: "i") })
            .from(SQLAlias(SQLIdentifier("inspection_findings"), as: SQLIdentifier("f")))
            .join(SQLAlias(SQLIdentifier("inspections"), as: SQLIdentifier("i")), on: SQLColumn("inspection_id", table: "f"), .equal, SQLColumn("id", table: "i"))
            .where(SQLColumn("category", table: "f"), .equal, SQLBind(InspectionFinding.Category.initiative.rawValue))
            .where(SQLColumn("concluded_at", table: "i"), .isNot, SQLLiteral.null)
            .orderBy(SQLOrderBy(expression: SQLColumn("concluded_at", table: "i"), direction: SQLDirection.descending)).limit(limit).all()
        return try rows.map { row in
            let finding = try Self.finding(row)
            let inspection = Inspection(id: finding.inspectionID, unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)),
                                        kind: Inspection.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .announced,
                                        place: Inspection.Place(rawValue: try row.decode(column: "place", as: String.self)) ?? .headquarters,
                                        startsAt: try row.decode(column: "starts_at", as: Date.self), purpose: try row.decode(column: "purpose", as: String.self),
                                        team: [], conclusion: nil, concludedAt: try row.decode(column: "concluded_at", as: Date?.self))
            return (finding, inspection)
        }
    }

    /// Findings per category for concluded inspections of the units in a year (the PAR index reads them).
    public func findingCounts(units: [OrgUnit.ID], year: Int) async throws -> [InspectionFinding.Category: Int] {
        guard !units.isEmpty else { return [:] }
        let rows = try await db.sql.select().column(SQLColumn("category", table: "f")).column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n")
            .from(SQLAlias(SQLIdentifier("inspection_findings"), as: SQLIdentifier("f")))
            .join(SQLAlias(SQLIdentifier("inspections"), as: SQLIdentifier("i")), on: SQLColumn("inspection_id", table: "f"), .equal, SQLColumn("id", table: "i"))
            .where(SQLColumn("unit_id", table: "i"), .in, SQLBind.group(units.map(\.rawValue)))
            .where(SQLColumn("concluded_at", table: "i"), .isNot, SQLLiteral.null)
            .where(SQLColumn("starts_at", table: "i"), .greaterThanOrEqual, SQLBind(VietnamTime.instant(LocalDate(year: year, month: 1, day: 1)!, .midnight)))
            .where(SQLColumn("starts_at", table: "i"), .lessThan, SQLBind(VietnamTime.instant(LocalDate(year: year + 1, month: 1, day: 1)!, .midnight)))
            .groupBy(SQLColumn("category", table: "f")).all()
        var counts: [InspectionFinding.Category: Int] = [:]
        for row in rows {
            if let category = InspectionFinding.Category(rawValue: try row.decode(column: "category", as: String.self)) {
                counts[category] = Int(try row.decode(column: "n", as: Int64.self))
            }
        }
        return counts
    }
}
