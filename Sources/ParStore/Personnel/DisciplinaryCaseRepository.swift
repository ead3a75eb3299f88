import FluentKit
import Foundation
import ParCore
import SQLKit

/// Disciplinary cases against people (issue 23). Loads and persists; opening, deciding and
/// dropping are ParCore's (`DisciplinaryCase`). Every change is audited.
public struct DisciplinaryCaseRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    static let columns = ["id", "person_id", "discovered_on", "complex", "summary", "state", "form", "decided_on", "decision_number", "version"]

    /// Stores a newly opened case, filed under the person's unit of the moment.
    public func add(_ record: DisciplinaryCase, unit: OrgUnit.ID, actor: AuditActor, now: Date) async throws {
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "disciplinary_cases").columns(Self.columns + ["unit_id", "updated_at"])
                .values(SQLBind(record.id.rawValue), SQLBind(record.personID.rawValue), SQLBind(record.discoveredOn.iso), SQLBind(record.complex),
                        SQLBind(record.summary), SQLBind(record.state.rawValue), SQLBind(record.form?.rawValue), SQLBind(record.decidedOn?.iso),
                        SQLBind(record.decisionNumber), SQLBind(record.version), SQLBind(unit.rawValue), SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "discipline_case.open", entityType: "person",
                                      entityID: record.personID.description, after: ["case": record.id.description], now: now)
        }
    }

    /// Replaces a case with `change(stored)` if it is still at `expectedVersion`.
    public func update(_ id: DisciplinaryCase.ID, expectedVersion: Int?,
                       change: @escaping @Sendable (DisciplinaryCase) throws -> DisciplinaryCase, actor: AuditActor, now: Date) async throws -> DisciplinaryCase {
        try await db.writeTransaction { tx in
            guard let before = try await Self.find(id, on: tx) else { throw Self.notFound }
            if let expectedVersion, expectedVersion != before.version { throw Self.stale }
            var after = try change(before)
            after.version = before.version + 1
            let updated = try await tx.sql.update("disciplinary_cases").set("state", to: after.state.rawValue).set("form", to: after.form?.rawValue)
                .set("decided_on", to: after.decidedOn?.iso).set("decision_number", to: after.decisionNumber).set("version", to: after.version)
                .set("updated_at", to: now).where("id", .equal, id.rawValue).where("version", .equal, before.version).returning("id").all()
            guard updated.count == 1 else { throw Self.stale }
            try await AuditLog.append(on: tx, actor: actor, action: "discipline_case.\(after.state.rawValue)", entityType: "person",
                                      entityID: after.personID.description,
                                      after: ["case": id.description, "form": after.form?.rawValue ?? ""], now: now)
            return after
        }
    }

    public func find(_ id: DisciplinaryCase.ID) async throws -> DisciplinaryCase? { try await Self.find(id, on: db) }

    /// A person's cases, newest first.
    public func cases(of person: Person.ID) async throws -> [DisciplinaryCase] {
        try await db.sql.select().columns(Self.columns).from("disciplinary_cases").where("person_id", .equal, person.rawValue)
            .orderBy("discovered_on", .descending).all().map(Self.record)
    }

    /// The cases filed under `units`: open ones, or also those closed in `year`.
    public func cases(units: [OrgUnit.ID], closedIn year: Int? = nil) async throws -> [DisciplinaryCase] {
        guard !units.isEmpty else { return [] }
        let query = try db.sql.select().columns(Self.columns).from("disciplinary_cases").where("unit_id", .in, units.map(\.rawValue))
        if let year {
            query.where { $0.where("state", .equal, DisciplinaryCase.State.open.rawValue).orWhere("decided_on", .like, "\(year)-%") }
        } else {
            query.where("state", .equal, DisciplinaryCase.State.open.rawValue)
        }
        return try await query.orderBy("discovered_on").all().map(Self.record)
    }

    static let notFound = DomainError(.notFound, "Không tìm thấy vụ việc kỷ luật.", english: "No such disciplinary case.")
    static let stale = DomainError(.stale, "Vụ việc vừa được người khác cập nhật; hãy tải lại.", english: "The case was just changed by someone else; reload it.")

    static func find(_ id: DisciplinaryCase.ID, on db: any Database) async throws -> DisciplinaryCase? {
        try await db.sql.select().columns(columns).from("disciplinary_cases").where("id", .equal, id.rawValue).first().map(record)
    }

    static func record(_ row: any SQLRow) throws -> DisciplinaryCase {
        guard let discovered = LocalDate(iso: try row.decode(column: "discovered_on", as: String.self)),
              let state = DisciplinaryCase.State(rawValue: try row.decode(column: "state", as: String.self)) else {
            throw DomainStoreError.corruptRow("disciplinary_cases")
        }
        return DisciplinaryCase(id: DisciplinaryCase.ID(try row.decode(column: "id", as: UUID.self)),
                                personID: Person.ID(try row.decode(column: "person_id", as: UUID.self)), discoveredOn: discovered,
                                complex: try row.decode(column: "complex", as: Bool.self), summary: try row.decode(column: "summary", as: String.self),
                                state: state, form: try row.decode(column: "form", as: String?.self).flatMap(DisciplinaryCase.Form.init(rawValue:)),
                                decidedOn: try row.decode(column: "decided_on", as: String?.self).flatMap(LocalDate.init(iso:)),
                                decisionNumber: try row.decode(column: "decision_number", as: String?.self),
                                version: try row.decode(column: "version", as: Int.self))
    }
}
