import FluentKit
import Foundation
import ParCore
import SQLKit

/// A task with the unit whose plan holds it.
public struct UnitTask: Sendable, Equatable {
    public var task: PlanTask
    public var unitID: OrgUnit.ID
    public var year: Int
}

/// Yearly PAR plans and their tasks; overdue lists; the completion rate the PAR index and
/// commitments read. Every change is one transaction with its audit row.
public struct PlanRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func plan(unit: OrgUnit.ID, year: Int) async throws -> ParPlan? {
        try await Self.plan(unit: unit, year: year, on: db)
    }

    static func plan(unit: OrgUnit.ID, year: Int, on db: any Database) async throws -> ParPlan? {
        try await db.sql.select().columns("id", "title", "based_on").from("par_plans")
            .where("unit_id", .equal, unit.rawValue).where("year", .equal, year).first().map { row in
                ParPlan(id: ParPlan.ID(try row.decode(column: "id", as: UUID.self)), unitID: unit, year: year,
                        title: try row.decode(column: "title", as: String.self),
                        basedOn: try row.decode(column: "based_on", as: UUID?.self).map(ParPlan.ID.init))
            }
    }

    /// The unit's plan for the year, created (audited) when it has none.
    static func ensure(unit: OrgUnit.ID, year: Int, title: String? = nil, basedOn: ParPlan.ID? = nil, actor: AuditActor, now: Date,
                       on tx: any Database) async throws -> ParPlan {
        if let existing = try await plan(unit: unit, year: year, on: tx) { return existing }
        let plan = try ParPlan.new(unit: unit, year: year, title: title, basedOn: basedOn)
        try await tx.sql.insert(into: "par_plans").columns("id", "unit_id", "year", "title", "based_on", "created_at")
            .values(SQLBind(plan.id.rawValue), SQLBind(unit.rawValue), SQLBind(year), SQLBind(plan.title), SQLBind(basedOn?.rawValue), SQLBind(now)).run()
        try await AuditLog.append(on: tx, actor: actor, action: "plan.create", entityType: "unit", entityID: unit.description,
                                  after: ["year": String(year), "title": plan.title], now: now)
        return plan
    }

    static let taskColumns = ["id", "plan_id", "unit_id", "field", "title", "owner_division", "deadline", "expected_output", "progress", "status",
                              "evidence", "source", "inspection_id", "completed_on", "version"]

    static func task(_ row: any SQLRow) throws -> PlanTask {
        PlanTask(id: PlanTask.ID(try row.decode(column: "id", as: UUID.self)), planID: ParPlan.ID(try row.decode(column: "plan_id", as: UUID.self)),
                 field: PARField(rawValue: try row.decode(column: "field", as: String.self)) ?? .direction,
                 title: try row.decode(column: "title", as: String.self), ownerDivision: try row.decode(column: "owner_division", as: String.self),
                 deadline: LocalDate(iso: try row.decode(column: "deadline", as: String.self)) ?? LocalDate(year: 2000, month: 1, day: 1)!,
                 expectedOutput: try row.decode(column: "expected_output", as: String.self), progress: try row.decode(column: "progress", as: Int.self),
                 status: PlanTask.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .notStarted,
                 evidence: try row.decode(column: "evidence", as: String.self),
                 source: PlanTask.Source(rawValue: try row.decode(column: "source", as: String.self)) ?? .plan,
                 inspectionID: try row.decode(column: "inspection_id", as: UUID?.self).map(Inspection.ID.init),
                 completedOn: try row.decode(column: "completed_on", as: String?.self).flatMap(LocalDate.init(iso:)),
                 version: try row.decode(column: "version", as: Int.self))
    }

    public func tasks(of plan: ParPlan.ID) async throws -> [PlanTask] {
        try await db.sql.select().columns(Self.taskColumns).from("plan_tasks").where("plan_id", .equal, plan.rawValue)
            .orderBy("field").orderBy("deadline").all().map(Self.task)
    }

    /// Tasks (`t`) with their plan's year (`p`).
    func tasksWithYear() throws -> SQLSelectBuilder {
        try db.sql.select().columns(Self.taskColumns.map { SQLColumn($0, table: "t") }).column(SQLColumn("year", table: "p"))
            .from(SQLAlias(SQLIdentifier("plan_tasks"), as: SQLIdentifier("t")))
            .join(SQLAlias(SQLIdentifier("par_plans"), as: SQLIdentifier("p")), on: SQLColumn("plan_id", table: "t"), .equal, SQLColumn("id", table: "p"))
    }

    static func unitTask(_ row: any SQLRow) throws -> UnitTask {
        UnitTask(task: try task(row), unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)), year: try row.decode(column: "year", as: Int.self))
    }

    public func task(_ id: PlanTask.ID) async throws -> UnitTask? {
        try await tasksWithYear().where(SQLColumn("id", table: "t"), .equal, SQLBind(id.rawValue)).first().map(Self.unitTask)
    }

    /// Adds a task to the unit's plan for `year` (creating the plan if needed).
    public func addTask(_ draft: PlanTask, unit: OrgUnit.ID, year: Int, actor: AuditActor, now: Date) async throws -> PlanTask {
        let today = VietnamTime.localDate(of: now)
        return try await db.writeTransaction { tx in
            let plan = try await Self.ensure(unit: unit, year: year, actor: actor, now: now, on: tx)
            var task = draft
            task.planID = plan.id
            return try await Self.insert(task, unit: unit, today: today, actor: actor, now: now, on: tx)
        }
    }

    static func insert(_ draft: PlanTask, unit: OrgUnit.ID, today: LocalDate, actor: AuditActor, now: Date, on tx: any Database) async throws -> PlanTask {
        var task = try draft.normalised(today: today)
        task.version = 1
        try await tx.sql.insert(into: "plan_tasks").columns(taskColumns + ["updated_at"])
            .values(SQLBind(task.id.rawValue), SQLBind(task.planID.rawValue), SQLBind(unit.rawValue), SQLBind(task.field.rawValue), SQLBind(task.title),
                    SQLBind(task.ownerDivision), SQLBind(task.deadline.iso), SQLBind(task.expectedOutput), SQLBind(task.progress),
                    SQLBind(task.status.rawValue), SQLBind(task.evidence), SQLBind(task.source.rawValue), SQLBind(task.inspectionID?.rawValue),
                    SQLBind(task.completedOn?.iso), SQLBind(task.version), SQLBind(now))
            .run()
        try await AuditLog.append(on: tx, actor: actor, action: "plan.add_task", entityType: "plan_task", entityID: task.id.description,
                                  after: ["title": task.title, "deadline": task.deadline.iso, "unit": unit.description], now: now)
        return task
    }

    /// Replaces a task's editable fields if it is still at `expectedVersion` (stale → 412).
    public func updateTask(_ id: PlanTask.ID, expectedVersion: Int?, change: @escaping @Sendable (inout PlanTask) -> Void,
                           actor: AuditActor, now: Date) async throws -> PlanTask {
        let today = VietnamTime.localDate(of: now)
        return try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns(Self.taskColumns).from("plan_tasks").where("id", .equal, id.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy nhiệm vụ.", english: "No such task.")
            }
            let before = try Self.task(row)
            if let expectedVersion, expectedVersion != before.version {
                throw DomainError(.stale, "Nhiệm vụ vừa được người khác cập nhật; hãy tải lại.", english: "The task was just changed by someone else; reload it.")
            }
            var after = before
            change(&after)
            after.id = before.id
            after.planID = before.planID
            after.source = before.source
            after.inspectionID = before.inspectionID
            if after.status == .done, before.status == .done { after.completedOn = before.completedOn }
            after = try after.normalised(today: today)
            after.version = before.version + 1
            let updated = try await tx.sql.update("plan_tasks")
                .set("field", to: after.field.rawValue).set("title", to: after.title).set("owner_division", to: after.ownerDivision)
                .set("deadline", to: after.deadline.iso).set("expected_output", to: after.expectedOutput).set("progress", to: after.progress)
                .set("status", to: after.status.rawValue).set("evidence", to: after.evidence).set("completed_on", to: after.completedOn?.iso)
                .set("version", to: after.version).set("updated_at", to: now)
                .where("id", .equal, id.rawValue).where("version", .equal, before.version).returning("version").all()
            guard updated.count == 1 else {
                throw DomainError(.stale, "Nhiệm vụ vừa được người khác cập nhật; hãy tải lại.", english: "The task was just changed by someone else; reload it.")
            }
            try await AuditLog.append(on: tx, actor: actor, action: "plan.update_task", entityType: "plan_task", entityID: id.description,
                                      before: ["status": before.status.rawValue, "progress": String(before.progress), "deadline": before.deadline.iso],
                                      after: ["status": after.status.rawValue, "progress": String(after.progress), "deadline": after.deadline.iso], now: now)
            return after
        }
    }

    /// Copies `source`'s tasks into the unit's plan for the same year (created from it): same
    /// fields, titles, deadlines and expected outputs; nothing done yet.
    public func copy(from source: ParPlan.ID, to unit: OrgUnit.ID, actor: AuditActor, now: Date) async throws -> ParPlan {
        guard let row = try await db.sql.select().columns("year", "title").from("par_plans").where("id", .equal, source.rawValue).first() else {
            throw DomainError(.notFound, "Không tìm thấy kế hoạch mẫu.", english: "No such template plan.")
        }
        let year = try row.decode(column: "year", as: Int.self), title = try row.decode(column: "title", as: String.self)
        let templates = try await tasks(of: source)
        let today = VietnamTime.localDate(of: now)
        return try await db.writeTransaction { tx in
            guard try await Self.plan(unit: unit, year: year, on: tx) == nil else {
                throw DomainError(.conflict, "Đơn vị đã có kế hoạch năm \(year).", english: "The unit already has a plan for \(year).")
            }
            let plan = try await Self.ensure(unit: unit, year: year, title: title, basedOn: source, actor: actor, now: now, on: tx)
            for template in templates where template.status != .cancelled {
                _ = try await Self.insert(PlanTask(id: .random(), planID: plan.id, field: template.field, title: template.title,
                                                   deadline: template.deadline, expectedOutput: template.expectedOutput),
                                          unit: unit, today: today, actor: actor, now: now, on: tx)
            }
            return plan
        }
    }

    /// Tasks of the units given whose deadline has passed and that are not done, earliest first.
    public func overdue(units: [OrgUnit.ID], today: LocalDate, limit: Int = 500) async throws -> [UnitTask] {
        guard !units.isEmpty else { return [] }
        return try await tasksWithYear()
            .where(SQLColumn("unit_id", table: "t"), .in, SQLBind.group(units.map(\.rawValue)))
            .where(SQLColumn("status", table: "t"), .in, SQLBind.group([PlanTask.Status.notStarted.rawValue, PlanTask.Status.inProgress.rawValue]))
            .where(SQLColumn("deadline", table: "t"), .lessThan, SQLBind(today.iso))
            .orderBy(SQLColumn("deadline", table: "t")).limit(limit).all().map(Self.unitTask)
    }

    /// The completion of the units' plans for a year (the PAR index and commitments read it).
    public func completion(units: [OrgUnit.ID], year: Int, today: LocalDate) async throws -> PlanCompletion {
        guard !units.isEmpty else { return PlanCompletion([], today: today) }
        let rows = try await tasksWithYear()
            .where(SQLColumn("unit_id", table: "t"), .in, SQLBind.group(units.map(\.rawValue)))
            .where(SQLColumn("year", table: "p"), .equal, SQLBind(year)).all()
        return PlanCompletion(try rows.map(Self.task), today: today)
    }
}
