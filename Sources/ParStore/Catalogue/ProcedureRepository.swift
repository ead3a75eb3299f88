import FluentKit
import Foundation
import ParCore
import SQLKit

/// One version of a procedure as it was published.
public struct ProcedureVersion: Sendable, Equatable {
    public var version: Int
    public var procedure: Procedure
    public var decision: String?
    public var effectiveFrom: LocalDate?
    public var changedAt: Date
    public var actorName: String
}

/// The procedure catalogue: search, versions, processing-time changes.
/// Every write is one transaction with its version row and audit row.
public struct ProcedureRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: Reads

    public func find(_ id: Procedure.ID) async throws -> Procedure? {
        try await ProcedureModel.find(id.rawValue, on: db)?.toDomain()
    }

    public func find(code: String) async throws -> Procedure? {
        try await ProcedureModel.query(on: db).filter(\.$code == code).first()?.toDomain()
    }

    /// What to search for.
    public struct Query: Sendable {
        public var text: String?
        public var field: String?
        public var unitID: OrgUnit.ID?
        public var level: Procedure.Level?
        public var offset: Int
        public var limit: Int

        public init(text: String? = nil, field: String? = nil, unitID: OrgUnit.ID? = nil,
                    level: Procedure.Level? = nil, offset: Int = 0, limit: Int = 50) {
            self.text = text
            self.field = field
            self.unitID = unitID
            self.level = level
            self.offset = offset
            self.limit = limit
        }
    }

    /// A page of results and the total number of matches.
    public struct Page: Sendable {
        public var items: [Procedure]
        public var total: Int
    }

    /// Searches name, code, field and agency ignoring case, tones and đ/d; every
    /// query word must start a word of the procedure. Exact and prefix matches
    /// of the name come first (`CatalogueSearch.rank`).
    public func search(_ query: Query) async throws -> Page {
        let index = try await CatalogueIndexCache.shared.index(on: db)
        let words = Array(CatalogueSearch.terms(query.text ?? "").prefix(8))
        let ranked = index.search(words: words, query: query.text ?? "", field: query.field,
                                  unitID: query.unitID?.rawValue, level: query.level?.rawValue)
        let ids = Array(ranked.dropFirst(query.offset).prefix(query.limit).map(\.id))
        guard !ids.isEmpty else { return Page(items: [], total: ranked.count) }
        let rows = try await db.sql.select().column("data").column("version").from("procedures")
            .where("id", .in, ids).all()
        var byID: [Procedure.ID: Procedure] = [:]
        for row in rows {
            var procedure = try ProcedureCoding.decode(try row.decode(column: "data", as: String.self))
            procedure.version = try row.decode(column: "version", as: Int.self)
            byID[procedure.id] = procedure
        }
        return Page(items: ids.compactMap { byID[Procedure.ID($0)] }, total: ranked.count)
    }

    /// Fields (lĩnh vực) with their procedure counts, in Vietnamese alphabetical order.
    public func fields() async throws -> [(field: String, count: Int)] {
        struct Row: Decodable { let field: String; let n: Int }
        return try await db.sql.select().column("field").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("procedures").groupBy("field").all(decoding: Row.self).map { ($0.field, $0.n) }
            .sorted { VietnameseText.precedes($0.field, $1.field) }
    }

    /// Implementing units with their procedure counts (`nil` = commune level, every commune), in Vietnamese
    /// alphabetical order.
    public func agencies() async throws -> [(unitID: OrgUnit.ID?, agency: String, count: Int)] {
        struct Row: Decodable { let unit_id: UUID?; let agency: String; let n: Int }
        return try await db.sql.select().column("unit_id").column(SQLFunction("MIN", args: SQLIdentifier("agency")), as: "agency")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("procedures").groupBy("unit_id").all(decoding: Row.self)
            .map { ($0.unit_id.map { OrgUnit.ID($0) }, $0.agency, $0.n) }
            .sorted { VietnameseText.precedes($0.agency, $1.agency) }
    }

    /// Every version, newest first.
    public func versions(of id: Procedure.ID) async throws -> [ProcedureVersion] {
        try await ProcedureVersionModel.query(on: db).filter(\.$procedureID == id.rawValue)
            .sort(\.$version, .descending).all().map {
                ProcedureVersion(version: $0.version, procedure: try ProcedureCoding.decode($0.data), decision: $0.decision,
                                 effectiveFrom: $0.effectiveFrom.flatMap(LocalDate.init(iso:)), changedAt: $0.changedAt,
                                 actorName: $0.actorName)
            }
    }

    /// Processing-time changes, optionally of one procedure, oldest first.
    public func changes(of id: Procedure.ID? = nil) async throws -> [ProcessingTimeChange] {
        let query = ProcessingTimeChangeModel.query(on: db)
        if let id { query.filter(\.$procedureID == id.rawValue) }
        let rows = try await query.all()
        let procedures = try await ProcedureModel.query(on: db).filter(\.$id ~~ Set(rows.map(\.procedureID))).all()
        let byID = Dictionary(procedures.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.compactMap { row in
            guard let p = byID[row.procedureID], let beforeUnit = ProcessingTime.Unit(rawValue: row.beforeUnit),
                  let afterUnit = ProcessingTime.Unit(rawValue: row.afterUnit),
                  let date = LocalDate(iso: row.effectiveFrom) else { return nil }
            return ProcessingTimeChange(procedureID: .init(row.procedureID), code: p.code, name: p.name, field: p.field,
                                        unitID: p.unitID.map { .init($0) },
                                        before: .init(amount: row.beforeAmount, unit: beforeUnit),
                                        after: .init(amount: row.afterAmount, unit: afterUnit),
                                        effectiveFrom: date, decision: row.decision)
        }.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The simplification tracker for a period, optionally one implementing unit and one field.
    public func simplification(from: LocalDate, to: LocalDate, unitID: OrgUnit.ID?, field: String?,
                               targetPercent: Double?) async throws -> SimplificationReport {
        var changes = try await changes()
        let count = ProcedureModel.query(on: db)
        if let unitID {
            changes = changes.filter { $0.unitID == unitID }
            count.filter(\.$unitID == unitID.rawValue)
        }
        if let field {
            changes = changes.filter { $0.field == field }
            count.filter(\.$field == field)
        }
        return Simplification.report(changes: changes, procedureCount: try await count.count(),
                                     from: from, to: to, targetPercent: targetPercent)
    }

    // MARK: Writes

    /// Why a version was made: the decision announcing it and its effective date.
    public struct Publication: Sendable {
        public var decision: String?
        public var effectiveFrom: LocalDate?
        public init(decision: String?, effectiveFrom: LocalDate?) {
            self.decision = decision.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
            self.effectiveFrom = effectiveFrom
        }
    }

    /// Publishes a new procedure (version 1).
    public func create(_ proposed: Procedure, publication: Publication, actor: AuditActor, now: Date) async throws -> Procedure {
        var procedure = try proposed.validated()
        procedure.version = 1
        let validated = procedure
        return try await db.writeTransaction { tx in
            try await Self.insert(validated, publication: publication, on: tx, actor: actor, now: now)
            return validated
        }
    }

    static func insert(_ procedure: Procedure, publication: Publication, on tx: any Database,
                       actor: AuditActor, now: Date) async throws {
        if try await ProcedureModel.query(on: tx).filter(\.$code == procedure.code).count() > 0 {
            throw DomainError(.conflict, "Mã thủ tục \(procedure.code) đã có.", english: "The code \(procedure.code) is already used.", field: "code")
        }
        try await checkUnit(procedure, on: tx)
        let model = ProcedureModel()
        try model.apply(procedure)
        try await model.create(on: tx)
        try await writeTerms(procedure, on: tx)
        try await writeVersion(procedure, publication: publication, on: tx, actor: actor, now: now)
        try await AuditLog.append(on: tx, actor: actor, action: "procedure.create", entityType: "procedure",
                                  entityID: procedure.id.description, after: procedure, now: now)
    }

    /// Publishes a new version if `expectedVersion` is current. A changed processing
    /// time is recorded (old → new, with the decision) for the simplification tracker.
    public func update(_ id: Procedure.ID, expectedVersion: Int?, publication: Publication, actor: AuditActor, now: Date,
                       change: @escaping @Sendable (inout Procedure) -> Void) async throws -> Procedure {
        try await db.writeTransaction { tx in
            guard let model = try await ProcedureModel.find(id.rawValue, on: tx) else {
                throw DomainError(.notFound, "Không tìm thấy thủ tục.", english: "Procedure not found.")
            }
            let before = try model.toDomain()
            if let expectedVersion, expectedVersion != before.version {
                throw DomainError(.stale, "Thủ tục đã được người khác sửa; hãy tải lại.", english: "The procedure was changed by someone else; reload it.")
            }
            var after = before
            change(&after)
            after.id = before.id
            after.version = before.version
            after = try after.validated()
            if after == before { return before }
            after.version = before.version + 1
            if after.code != before.code, try await ProcedureModel.query(on: tx).filter(\.$code == after.code).count() > 0 {
                throw DomainError(.conflict, "Mã thủ tục \(after.code) đã có.", english: "The code \(after.code) is already used.", field: "code")
            }
            try await Self.checkUnit(after, on: tx)
            try await Self.publish(after, replacing: before, model: model, publication: publication,
                                   action: "procedure.update", on: tx, actor: actor, now: now)
            return after
        }
    }

    /// Stores `after` (already validated, version bumped) over `before` inside the caller's
    /// transaction: the row, its search words, the version row, a processing-time change
    /// when the time moved, and the audit row.
    static func publish(_ after: Procedure, replacing before: Procedure, model: ProcedureModel, publication: Publication,
                        action: String, on tx: any Database, actor: AuditActor, now: Date) async throws {
        try model.apply(after)
        try await model.update(on: tx)
        try await ProcedureTermsTable.delete(after.id, on: tx)
        try await writeTerms(after, on: tx)
        try await writeVersion(after, publication: publication, on: tx, actor: actor, now: now)
        if after.processingTime != before.processingTime {
            try await recordChange(id: after.id, from: before.processingTime, to: after.processingTime,
                                   publication: publication, now: now, on: tx)
        }
        try await AuditLog.append(on: tx, actor: actor, action: action, entityType: "procedure",
                                  entityID: after.id.description, before: before, after: after, now: now)
    }

    static func recordChange(id: Procedure.ID, from: ProcessingTime, to: ProcessingTime,
                             publication: Publication, now: Date, on tx: any Database) async throws {
        let row = ProcessingTimeChangeModel()
        row.procedureID = id.rawValue
        row.beforeAmount = from.amount
        row.beforeUnit = from.unit.rawValue
        row.afterAmount = to.amount
        row.afterUnit = to.unit.rawValue
        row.effectiveFrom = (publication.effectiveFrom ?? VietnamTime.localDate(of: now)).iso
        row.decision = publication.decision ?? ""
        row.shortened = to.isShorter(than: from)
        try await row.create(on: tx)
    }

    static func checkUnit(_ procedure: Procedure, on tx: any Database) async throws {
        if let unit = procedure.unitID, try await UnitModel.find(unit.rawValue, on: tx) == nil {
            throw DomainError.invalid("Không tìm thấy cơ quan thực hiện.", english: "The implementing unit does not exist.", field: "unitId")
        }
    }

    /// Writes the procedure's search words and moves the catalogue version, so every
    /// instance's in-memory index (`CatalogueIndexCache`) rebuilds on its next search.
    static func writeTerms(_ procedure: Procedure, on tx: any Database) async throws {
        try await CatalogueIndexCache.bump(on: tx)
        var terms = Set(CatalogueSearch.terms(procedure.searchText))
        terms.insert(VietnameseText.searchKey(procedure.code))
        let sql = try tx.sql
        let insert = sql.insert(into: "procedure_terms").columns("procedure_id", "term")
        for term in terms.sorted() where !term.isEmpty {
            insert.values(SQLBind(procedure.id.rawValue), SQLBind(String(term.prefix(100))))
        }
        try await insert.run()
    }

    static func writeVersion(_ procedure: Procedure, publication: Publication, on tx: any Database,
                             actor: AuditActor, now: Date) async throws {
        let row = ProcedureVersionModel()
        row.procedureID = procedure.id.rawValue
        row.version = procedure.version
        row.data = try ProcedureCoding.encode(procedure)
        row.decision = publication.decision
        row.effectiveFrom = publication.effectiveFrom?.iso
        row.changedAt = now
        row.actorName = actor.name
        try await row.create(on: tx)
    }
}

enum ProcedureTermsTable {
    static func delete(_ id: Procedure.ID, on tx: any Database) async throws {
        try await tx.sql.delete(from: "procedure_terms").where("procedure_id", .equal, id.rawValue).run()
    }
}
