import FluentKit
import Foundation
import ParCore
import SQLKit

/// A unit with where it sits in the tree.
public struct UnitRecord: Sendable, Equatable {
    public var unit: OrgUnit
    /// Ids from the unit itself up to the root.
    public var ancestry: [OrgUnit.ID]

    public init(unit: OrgUnit, ancestry: [OrgUnit.ID]) {
        self.unit = unit
        self.ancestry = ancestry
    }
}

/// Reads and writes the organisation registry. Every write is one transaction
/// with its audit row.
public struct UnitRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: Reads

    /// The unit with its ancestry, or `nil`.
    /// Read by SQL, without the model: every authorised request reads its unit.
    public func find(_ id: OrgUnit.ID) async throws -> UnitRecord? {
        guard let row = try await db.sql.raw("""
            SELECT \(unsafeRaw: Self.recordColumns) FROM units WHERE id = \(bind: id.rawValue)
            """).first() else { return nil }
        return try Self.record(row, id: id.rawValue)
    }

    /// The columns of `units` that `record(_:id:)` decodes, for a statement that reads a unit with other rows.
    static let recordColumns = "key, code, kind, name, parent_id, path, valid_from, valid_to, version"

    /// The unit and its ancestry from a row holding `recordColumns`.
    static func record(_ row: any SQLRow, id: UUID) throws -> UnitRecord {
        let unit = try UnitModel.domain(id: id, key: try row.decode(column: "key", as: String.self),
                                        code: try row.decode(column: "code", as: String.self), kind: try row.decode(column: "kind", as: String.self),
                                        name: try row.decode(column: "name", as: String.self),
                                        parentID: try row.decode(column: "parent_id", as: UUID?.self),
                                        validFrom: try row.decode(column: "valid_from", as: String?.self),
                                        validTo: try row.decode(column: "valid_to", as: String?.self),
                                        version: try row.decode(column: "version", as: Int.self))
        return UnitRecord(unit: unit, ancestry: UnitModel.ancestry(ofPath: try row.decode(column: "path", as: String.self)))
    }

    /// The unit with this import key, or `nil`.
    public func find(key: String) async throws -> UnitRecord? {
        guard let model = try await UnitModel.query(on: db).filter(\.$key == key).first() else { return nil }
        return UnitRecord(unit: try model.toDomain(), ancestry: model.ancestry)
    }

    /// Filters for listing units.
    public struct Filter: Sendable {
        /// Only units inside these subtrees (an empty set matches nothing).
        public var scopeRoots: Set<OrgUnit.ID>
        /// Accent-insensitive search in name and code.
        public var text: String?
        public var kind: UnitKind?
        public var parentID: OrgUnit.ID?
        /// Only units that exist on this date.
        public var validOn: LocalDate?
        /// Keyset cursor: units whose key sorts after this one.
        public var afterKey: String?
        public var limit: Int

        public init(scopeRoots: Set<OrgUnit.ID>, text: String? = nil, kind: UnitKind? = nil,
                    parentID: OrgUnit.ID? = nil, validOn: LocalDate? = nil, afterKey: String? = nil, limit: Int = 50) {
            self.scopeRoots = scopeRoots
            self.text = text
            self.kind = kind
            self.parentID = parentID
            self.validOn = validOn
            self.afterKey = afterKey
            self.limit = limit
        }
    }

    /// Units matching the filter, ordered by key; one more than `limit` tells the caller there is a next page.
    public func list(_ filter: Filter) async throws -> [UnitRecord] {
        guard !filter.scopeRoots.isEmpty else { return [] }
        let query = UnitModel.query(on: db)
        query.group(.or) { group in
            for root in filter.scopeRoots {
                let segment = "/" + UnitModel.pathSegment(root.rawValue)
                group.filter(\.$path ~~ segment)
            }
        }
        if let text = filter.text.map(VietnameseText.searchKey), !text.isEmpty {
            query.filter(\.$nameSearch ~~ text)
        }
        if let kind = filter.kind { query.filter(\.$kind == kind.rawValue) }
        if let parent = filter.parentID { query.filter(\.$parentID == parent.rawValue) }
        if let date = filter.validOn?.iso {
            query.group(.or) { $0.filter(\.$validFrom == nil).filter(\.$validFrom <= date) }
            query.group(.or) { $0.filter(\.$validTo == nil).filter(\.$validTo >= date) }
        }
        if let after = filter.afterKey { query.filter(\.$key > after) }
        let models = try await query.sort(\.$key).limit(filter.limit + 1).all()
        return try models.map { UnitRecord(unit: try $0.toDomain(), ancestry: $0.ancestry) }
    }

    /// Every unit in the subtrees of `roots` (the roots included).
    public func subtreeIDs(of roots: Set<OrgUnit.ID>) async throws -> [OrgUnit.ID] {
        guard !roots.isEmpty else { return [] }
        let query = UnitModel.query(on: db).field(\.$id)
        query.group(.or) { group in
            for root in roots { group.filter(\.$path ~~ ("/" + UnitModel.pathSegment(root.rawValue))) }
        }
        return try await query.all().compactMap { $0.id.map(OrgUnit.ID.init) }
    }

    /// Direct children, current ones first, then by kind, then by name in Vietnamese order (`VietnameseText.precedes`:
    /// the database's collation is not Vietnamese).
    public func children(of id: OrgUnit.ID) async throws -> [OrgUnit] {
        try await UnitModel.query(on: db).filter(\.$parentID == id.rawValue).all()
            .map { try $0.toDomain() }
            .sorted {
                let a = ($0.validTo == nil ? 0 : 1, $0.kind.rawValue), b = ($1.validTo == nil ? 0 : 1, $1.kind.rawValue)
                return a != b ? a < b : VietnameseText.precedes($0.name, $1.name)
            }
    }

    /// Every unit (the restructuring report and the import read the whole registry).
    public func all() async throws -> [OrgUnit] {
        try await UnitModel.query(on: db).all().map { try $0.toDomain() }
    }

    // MARK: Writes

    /// Registers a new unit. Fails if the key is taken or the parent does not exist.
    public func create(_ proposed: OrgUnit, actor: AuditActor, now: Date) async throws -> UnitRecord {
        let unit = try proposed.validated()
        return try await db.writeTransaction { tx in
            let model = try await Self.insert(unit, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "unit.create", entityType: "unit",
                                      entityID: unit.id.description, after: unit, now: now)
            return UnitRecord(unit: unit, ancestry: model.ancestry)
        }
    }

    static func insert(_ unit: OrgUnit, on tx: any Database) async throws -> UnitModel {
        if try await UnitModel.query(on: tx).filter(\.$key == unit.key).count() > 0 {
            throw DomainError(.conflict, "Mã khoá \(unit.key) đã tồn tại.", english: "The key \(unit.key) is already used.", field: "key")
        }
        var path = "/"
        if let parentID = unit.parentID {
            guard let parent = try await UnitModel.find(parentID.rawValue, on: tx) else {
                throw DomainError.invalid("Không tìm thấy đơn vị cấp trên.", english: "The parent unit does not exist.", field: "parentId")
            }
            path = parent.path
        }
        let model = UnitModel(unit, path: path + UnitModel.pathSegment(unit.id.rawValue))
        try await model.create(on: tx)
        return model
    }

    /// Applies `change` to the unit if its version is still `expectedVersion`.
    public func update(_ id: OrgUnit.ID, expectedVersion: Int?, actor: AuditActor, now: Date,
                       change: @escaping @Sendable (inout OrgUnit) -> Void) async throws -> UnitRecord {
        try await db.writeTransaction { tx in
            guard let model = try await UnitModel.find(id.rawValue, on: tx) else {
                throw DomainError(.notFound, "Không tìm thấy đơn vị.", english: "Unit not found.")
            }
            let before = try model.toDomain()
            if let expectedVersion, expectedVersion != before.version {
                throw DomainError(.stale, "Đơn vị đã được người khác sửa; hãy tải lại.", english: "The unit was changed by someone else; reload it.")
            }
            var after = before
            change(&after)
            after.id = before.id
            after = try after.validated()
            if after == before { return UnitRecord(unit: before, ancestry: model.ancestry) }
            after.version = before.version + 1
            if after.key != before.key,
               try await UnitModel.query(on: tx).filter(\.$key == after.key).count() > 0 {
                throw DomainError(.conflict, "Mã khoá \(after.key) đã tồn tại.", english: "The key \(after.key) is already used.", field: "key")
            }
            if after.parentID != before.parentID {
                try await Self.move(model, to: after.parentID, on: tx)
            }
            model.apply(after)
            try await model.update(on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "unit.update", entityType: "unit",
                                      entityID: id.description, before: before, after: after, now: now)
            return UnitRecord(unit: after, ancestry: model.ancestry)
        }
    }

    /// Re-parents a unit and rewrites the paths of its whole subtree.
    static func move(_ model: UnitModel, to parentID: OrgUnit.ID?, on tx: any Database) async throws {
        guard let id = model.id else { return }
        var newPath = "/" + UnitModel.pathSegment(id)
        if let parentID {
            guard let parent = try await UnitModel.find(parentID.rawValue, on: tx) else {
                throw DomainError.invalid("Không tìm thấy đơn vị cấp trên.", english: "The parent unit does not exist.", field: "parentId")
            }
            try OrgUnit.checkMove(of: OrgUnit.ID(id), underLineage: UnitModel.lineage(ofPath: parent.path).map(OrgUnit.ID.init))
            newPath = parent.path + UnitModel.pathSegment(id)
        }
        let oldPath = model.path
        let sql = try tx.sql
        try await sql.raw("""
            UPDATE units SET path = \(bind: newPath) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER))
            WHERE path LIKE \(bind: oldPath + "%") AND id <> \(bind: id)
            """).run()
        model.path = newPath
    }

    // MARK: Lineage

    /// One side of a unit's lineage: the other unit and the event that links them.
    public struct LineageEntry: Sendable, Equatable {
        public var unit: OrgUnit
        public var whole: Bool
        public var kind: Reorganisation.Kind
        public var effectiveDate: LocalDate
        public var decision: String
    }

    /// The units this unit was formed from, and those it passed into.
    public func lineage(of id: OrgUnit.ID) async throws -> (predecessors: [LineageEntry], successors: [LineageEntry]) {
        let asSuccessor = try await LineageModel.query(on: db).filter(\.$successorID == id.rawValue).all()
        let asPredecessor = try await LineageModel.query(on: db).filter(\.$predecessorID == id.rawValue).all()
        let eventIDs = Set((asSuccessor + asPredecessor).map(\.reorganisationID))
        let events = try await ReorganisationModel.query(on: db).filter(\.$id ~~ eventIDs).all()
        let eventByID = Dictionary(events.compactMap { e in e.id.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        let otherIDs = Set(asSuccessor.compactMap(\.predecessorID) + asPredecessor.compactMap(\.successorID))
        let units = try await UnitModel.query(on: db).filter(\.$id ~~ otherIDs).all()
        let unitByID = Dictionary(try units.map { ($0.id!, try $0.toDomain()) }, uniquingKeysWith: { a, _ in a })
        func entries(_ links: [LineageModel], other: KeyPath<LineageModel, UUID?>) -> [LineageEntry] {
            links.compactMap { link in
                guard let otherID = link[keyPath: other], let unit = unitByID[otherID],
                      let event = eventByID[link.reorganisationID],
                      let kind = Reorganisation.Kind(rawValue: event.kind),
                      let date = LocalDate(iso: event.effectiveDate) else { return nil }
                return LineageEntry(unit: unit, whole: link.whole, kind: kind, effectiveDate: date, decision: event.decision)
            }.sorted { $0.unit.code < $1.unit.code }
        }
        return (entries(asSuccessor, other: \.predecessorID), entries(asPredecessor, other: \.successorID))
    }

    /// Every lineage link (for the restructuring report).
    public func allLineage() async throws -> [LineageLink] {
        try await LineageModel.query(on: db).all().compactMap { link in
            guard let p = link.predecessorID, let s = link.successorID,
                  let date = LocalDate(iso: link.effectiveDate) else { return nil }
            return LineageLink(predecessor: .init(p), successor: .init(s), whole: link.whole, effectiveDate: date)
        }
    }

    /// Records a reorganisation and its links. Unit validity dates are set by
    /// the caller (the import, or an officer editing the units), not guessed here.
    public func reorganise(_ proposed: Reorganisation, actor: AuditActor, now: Date) async throws -> Reorganisation {
        let event = try proposed.validated()
        return try await db.writeTransaction { tx in
            try await Self.record(event, on: tx, actor: actor, now: now)
            return event
        }
    }

    /// Inserts a validated event (inside the caller's transaction). Returns `false` when the same event exists.
    @discardableResult
    static func record(_ event: Reorganisation, on tx: any Database, actor: AuditActor, now: Date) async throws -> Bool {
        let ids = Set(event.predecessors.map(\.unitID.rawValue) + event.successors.map(\.rawValue))
        let units = try await UnitModel.query(on: tx).filter(\.$id ~~ ids).all()
        guard units.count == ids.count else {
            throw DomainError.invalid("Có đơn vị không tồn tại trong danh sách.", english: "A listed unit does not exist.", field: "predecessors")
        }
        let keyByID = Dictionary(units.map { ($0.id!, $0.key) }, uniquingKeysWith: { a, _ in a })
        let naturalKey = [
            event.kind.rawValue, event.effectiveDate.iso, event.decision,
            event.predecessors.map { keyByID[$0.unitID.rawValue]! + ($0.whole ? "" : "~") }.sorted().joined(separator: ","),
            event.successors.map { keyByID[$0.rawValue]! }.sorted().joined(separator: ","),
        ].joined(separator: "|")
        if try await ReorganisationModel.query(on: tx).filter(\.$naturalKey == naturalKey).count() > 0 {
            return false
        }
        let model = ReorganisationModel()
        model.id = event.id.rawValue
        model.kind = event.kind.rawValue
        model.effectiveDate = event.effectiveDate.iso
        model.decision = event.decision
        model.naturalKey = naturalKey
        try await model.create(on: tx)
        var links: [LineageModel] = []
        func link(_ p: UUID?, _ s: UUID?, whole: Bool) {
            let l = LineageModel()
            l.reorganisationID = event.id.rawValue
            l.predecessorID = p
            l.successorID = s
            l.whole = whole
            l.effectiveDate = event.effectiveDate.iso
            links.append(l)
        }
        switch (event.predecessors.isEmpty, event.successors.isEmpty) {
        case (true, _): for s in event.successors { link(nil, s.rawValue, whole: true) }
        case (_, true): for p in event.predecessors { link(p.unitID.rawValue, nil, whole: p.whole) }
        default:
            for p in event.predecessors { for s in event.successors { link(p.unitID.rawValue, s.rawValue, whole: p.whole) } }
        }
        try await links.create(on: tx)
        try await AuditLog.append(on: tx, actor: actor, action: "reorganisation.create", entityType: "reorganisation",
                                  entityID: event.id.description, after: event, now: now)
        try await PersonnelRepository.follow(event, on: tx, actor: actor, now: now)
        return true
    }

    // MARK: Quotas

    /// Quotas of a unit, newest year first; the actual headcount of a year is counted from the
    /// unit's people records where it has them (`StaffQuota.counted`).
    public func quotas(of id: OrgUnit.ID) async throws -> [StaffQuota] {
        let personnel = PersonnelRepository(db: db)
        var quotas: [StaffQuota] = []
        for model in try await StaffQuotaModel.query(on: db).filter(\.$unitID == id.rawValue).sort(\.$year, .descending).all() {
            let quota = model.toDomain()
            quotas.append(quota.counted(try await personnel.headcounts(units: [id], year: quota.year)))
        }
        return quotas
    }

    /// Every quota row (for the restructuring report), counted from records where there are some.
    public func allQuotas(years: [Int]) async throws -> [StaffQuota] {
        let personnel = PersonnelRepository(db: db)
        var counted: [Int: [OrgUnit.ID: StaffQuota.Posts]] = [:]
        for year in Set(years) { counted[year] = try await personnel.headcounts(units: nil, year: year) }
        return try await StaffQuotaModel.query(on: db).filter(\.$year ~~ years).all().map { $0.toDomain().counted(counted[$0.year] ?? [:]) }
    }

    /// Creates or replaces the quota of a unit for a year. `expectedVersion` guards an update.
    public func setQuota(_ proposed: StaffQuota, expectedVersion: Int?, actor: AuditActor, now: Date) async throws -> StaffQuota {
        let validated = try proposed.validated()
        return try await db.writeTransaction { tx in
            var quota = validated
            guard try await UnitModel.find(quota.unitID.rawValue, on: tx) != nil else {
                throw DomainError(.notFound, "Không tìm thấy đơn vị.", english: "Unit not found.")
            }
            let existing = try await StaffQuotaModel.query(on: tx)
                .filter(\.$unitID == quota.unitID.rawValue).filter(\.$year == quota.year).first()
            if let expectedVersion, expectedVersion != (existing?.version ?? 0) {
                throw DomainError(.stale, "Biên chế đã được người khác sửa; hãy tải lại.", english: "The quota was changed by someone else; reload it.")
            }
            let before = existing?.toDomain()
            quota.version = (existing?.version ?? 0) + 1
            let model = existing ?? StaffQuotaModel()
            model.apply(quota)
            try await model.save(on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: before == nil ? "quota.create" : "quota.update",
                                      entityType: "unit", entityID: quota.unitID.description,
                                      before: before, after: quota, now: now)
            return quota
        }
    }

    /// The restructuring table for a subtree between two dates.
    public func restructuring(root: OrgUnit.ID, from: LocalDate, to: LocalDate) async throws -> RestructuringReport {
        try Restructuring.report(root: root, from: from, to: to, units: try await all(),
                                 lineage: try await allLineage(),
                                 quotas: try await allQuotas(years: [from.year, to.year]))
    }
}
