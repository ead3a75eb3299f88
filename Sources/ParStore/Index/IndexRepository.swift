import FluentKit
import Foundation
import ParCore
import SQLKit

/// A unit subtree as the index reads it: every unit's id, and whether it holds communes
/// (commune-level procedures then count in its catalogue).
public struct IndexScope: Sendable, Equatable {
    public var root: OrgUnit.ID
    public var units: [OrgUnit.ID]
    public var includesCommunes: Bool

    public init(root: OrgUnit.ID, units: [OrgUnit.ID], includesCommunes: Bool) {
        self.root = root
        self.units = units
        self.includesCommunes = includesCommunes
    }
}

/// The Decision 766 service index read from the counters: facts for a unit subtree and a
/// period, the indicator set in force, plan targets, and the dossiers behind any number.
public struct IndexRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// The subtree under `root` (all of it, including units that no longer exist: their
    /// dossiers stay in the figures of the unit that absorbed them in the tree).
    public func scope(_ root: OrgUnit.ID) async throws -> IndexScope {
        let rows = try await db.sql.select().column("id").column("kind").from("units")
            .where("path", .like, "%/" + root.rawValue.uuidString.lowercased() + "/%").all()
        var units: [OrgUnit.ID] = []
        var communes = false
        for row in rows {
            units.append(OrgUnit.ID(try row.decode(column: "id", as: UUID.self)))
            if try row.decode(column: "kind", as: String.self) == UnitKind.commune.rawValue { communes = true }
        }
        return IndexScope(root: root, units: units, includesCommunes: communes)
    }

    /// The facts of a scope over the days `from` … `through` (Việt Nam days). Open dossiers are
    /// measured at the period's end: now when the period reaches `today`, else as they stood at the
    /// end of its last day (Decision 766, indicator 2.1).
    public func facts(_ scope: IndexScope, from: LocalDate, through: LocalDate, today: LocalDate,
                      procedure: Procedure.ID? = nil) async throws -> [IndexFact: Double] {
        var facts: [IndexFact: Double] = [:]
        if procedure == nil {
            // The whole subtree: the roll-ups of its root, never the counters of each unit.
            facts = Self.facts(try await IndexRollups.totals(unit: scope.root, period: try ReportPeriod(from: from, through: through), on: db))
        }
        let totals = procedure == nil ? [:]
            : try await ServiceCounterStore.totals(units: scope.units, from: from, through: through, procedure: procedure, on: db)
        for (channel, metrics) in totals {
            for (metric, n) in metrics {
                if let fact = IndexFact(rawValue: metric.rawValue) { facts[fact, default: 0] += Double(n) }
            }
            let received = Double(metrics[.received] ?? 0)
            switch channel {
            case .online: facts[.receivedOnline, default: 0] += received
            case .counter: facts[.receivedCounter, default: 0] += received
            case .post: facts[.receivedPost, default: 0] += received
            }
        }
        let open: OpenSums
        if through >= today {
            open = procedure == nil
                ? try await IndexRollups.open(unit: scope.root, today: today, on: db)
                : try await OpenCounterStore.current(units: scope.units, today: today, procedure: procedure, on: db)
        } else {
            open = try await OpenCounterStore.atEnd(of: through, roots: [scope.root], procedure: procedure.map { ($0, scope.units) },
                                                    on: db)[scope.root.rawValue] ?? OpenSums()
        }
        for (fact, n) in Self.openFacts(open) { facts[fact] = n }
        for (fact, n) in try await catalogueFacts(scope, procedure: procedure) { facts[fact] = n }
        if procedure == nil {
            for (_, counts) in try await feedbackFacts(units: scope.units.map(\.rawValue), from: from, through: through, today: today) {
                for (fact, n) in counts { facts[fact, default: 0] += n }
            }
        }
        return facts
    }

    /// The fact of each roll-up metric, in `IndexRollups.metrics` order.
    static let metricFacts = IndexRollups.metrics.map(IndexFact.init(rawValue:))

    /// The facts of roll-up sums (metric → n).
    static func facts(_ totals: [String: Int64]) -> [IndexFact: Double] {
        var facts: [IndexFact: Double] = [:]
        for (metric, n) in totals {
            if let fact = IndexFact(rawValue: metric) { facts[fact, default: 0] += Double(n) }
        }
        return facts
    }

    /// The facts of the open gauge.
    static func openFacts(_ open: OpenSums) -> [(IndexFact, Double)] {
        [(.openOnTime, Double(open.onTime)), (.openLate, Double(open.late)), (.openPaused, Double(open.paused)),
         (.openPausedLate, Double(open.pausedLate))]
    }

    /// Feedback (PAKN) about the units, received `from` … `through`, per unit (`units` nil: every unit
    /// that has feedback): received; overdue — handled after a limit, plus, when the period reaches
    /// today, waiting past one now (Decision 766, 5.2); unsatisfactory — overdue, or rated 1 or 2 of 5
    /// by the sender (5.3), each feedback once.
    func feedbackFacts(units: [UUID]?, from: LocalDate, through: LocalDate, today: LocalDate) async throws -> [UUID: [IndexFact: Double]] {
        if let units, units.isEmpty { return [:] }
        let now = VietnamTime.instant(today, .midnight)
        let waiting = SQLQueryString("(state IN ('received', 'assigned') AND answer_by < \(bind: now)) OR (state = 'answered' AND publish_by < \(bind: now))")
        func sum(_ condition: SQLQueryString, as name: String) -> SQLAlias {
            SQLAlias(SQLQueryString("CAST(SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END) AS BIGINT)"), as: SQLIdentifier(name))
        }
        let measuredNow = through >= today
        let late: SQLQueryString = measuredNow ? "handled_late OR \(waiting)" : "handled_late"
        var query = try db.sql.select().column("unit_id").column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "received")
            .column(sum(late, as: "overdue"))
            .column(sum("\(late) OR (rating IS NOT NULL AND rating <= 2)", as: "unsatisfactory"))
            .from("feedback").where("unit_id", .isNot, SQLLiteral.null)
        if let units { query = query.where("unit_id", .in, units) }
        let rows = try await query
            .where("received_at", .greaterThanOrEqual, VietnamTime.instant(from, .midnight))
            .where("received_at", .lessThan, VietnamTime.instant(through, .endOfDay))
            .groupBy("unit_id").all()
        var result: [UUID: [IndexFact: Double]] = [:]
        for row in rows {
            func value(_ column: String) throws -> Double { Double(try row.decode(column: column, as: Int64?.self) ?? 0) }
            result[try row.decode(column: "unit_id", as: UUID.self)] = [
                .feedbackReceived: try value("received"), .feedbackOverdue: try value("overdue"), .feedbackUnsatisfactory: try value("unsatisfactory"),
            ]
        }
        return result
    }

    /// Procedures the scope implements: its own, and every commune-level one if it holds communes.
    func catalogueFacts(_ scope: IndexScope, procedure: Procedure.ID?) async throws -> [IndexFact: Double] {
        var query = Self.catalogueSums(try db.sql.select()).from("procedures")
        let units = scope.units.map(\.rawValue), communes = scope.includesCommunes
        query = query.where { group in
            var group = group.where("unit_id", .in, units)
            if communes { group = group.orWhere(SQLColumn("unit_id"), .is, SQLLiteral.null) }
            return group
        }
        if let procedure { query = query.where("id", .equal, procedure.rawValue) }
        guard let row = try await query.first() else { return [:] }
        return Dictionary(uniqueKeysWithValues: Self.catalogueFacts(in: row))
    }

    /// The four catalogue counts of the procedures selected: all, online, fully online, complete.
    static func catalogueSums(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
        select.column(SQLRaw("COUNT(*)"), as: "total")
            .column(SQLRaw("SUM(CASE WHEN online_level <> 'none' THEN 1 ELSE 0 END)"), as: "online")
            .column(SQLRaw("SUM(CASE WHEN online_level = 'full' THEN 1 ELSE 0 END)"), as: "full_online")
            .column(SQLRaw("SUM(CASE WHEN is_complete THEN 1 ELSE 0 END)"), as: "complete")
    }

    /// The facts `catalogueSums` selected, read from one row.
    static func catalogueFacts(in row: any SQLRow) -> [(IndexFact, Double)] {
        func value(_ column: String) -> Double { Double((try? row.decode(column: column, as: Int64?.self)).flatMap { $0 } ?? 0) }
        return [(.procedures, value("total")), (.proceduresOnline, value("online")), (.proceduresFullOnline, value("full_online")),
                (.proceduresComplete, value("complete"))]
    }

    // MARK: Indicator sets and targets

    /// The set in force: the active stored version, or Decision 766 (2022) as shipped.
    public func activeSet() async throws -> IndicatorSet {
        guard let row = try await db.sql.select().column("data").from("indicator_sets").where("active", .equal, true)
            .orderBy("created_at", .descending).first() else { return .decision766v2022 }
        return try StoredJSON.decode(IndicatorSet.self, from: try row.decode(column: "data", as: String.self))
    }

    /// Stores a new version of the set and makes it the one in force (audited). A version
    /// name is used once: sets are replaced, never edited.
    public func publish(_ set: IndicatorSet, actor: AuditActor, now: Date) async throws {
        try set.validate()
        try await db.writeTransaction { tx in
            let existing = try await tx.sql.select().column("version").from("indicator_sets").where("version", .equal, set.version).first()
            guard existing == nil else {
                throw DomainError(.conflict, "Phiên bản \(set.version) đã có; hãy đặt phiên bản mới.", english: "Version \(set.version) exists; name a new version.", field: "version")
            }
            try await tx.sql.update("indicator_sets").set("active", to: false).run()
            try await tx.sql.insert(into: "indicator_sets").columns("version", "name", "data", "active", "created_at")
                .values(SQLBind(set.version), SQLBind(set.name), SQLBind(try StoredJSON.encode(set)), SQLBind(true), SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "index.publish_set", entityType: "indicator_set", entityID: set.version,
                                      after: ["indicators": String(set.indicators.count)], now: now)
        }
    }

    public func targets(unit: OrgUnit.ID, year: Int) async throws -> [PlanTarget] {
        try await db.sql.select().columns("indicator_id", "target").from("plan_targets")
            .where("unit_id", .equal, unit.rawValue).where("year", .equal, year).orderBy("indicator_id").all().map { row in
                PlanTarget(unitID: unit, year: year, indicatorID: try row.decode(column: "indicator_id", as: String.self),
                           target: try row.decode(column: "target", as: Double.self))
            }
    }

    /// Sets (or with nil removes) a unit's target for a year (audited).
    public func setTarget(unit: OrgUnit.ID, year: Int, indicatorID: String, target: Double?, actor: AuditActor, now: Date) async throws {
        try PlanTarget.check(target, year: year, indicatorID: indicatorID, in: try await activeSet())
        try await db.writeTransaction { tx in
            try await tx.sql.delete(from: "plan_targets").where("unit_id", .equal, unit.rawValue).where("year", .equal, year)
                .where("indicator_id", .equal, indicatorID).run()
            if let target {
                try await tx.sql.insert(into: "plan_targets").columns("id", "unit_id", "year", "indicator_id", "target")
                    .values(SQLBind(UUID()), SQLBind(unit.rawValue), SQLBind(year), SQLBind(indicatorID), SQLBind(target)).run()
            }
            try await AuditLog.append(on: tx, actor: actor, action: "index.set_target", entityType: "unit", entityID: unit.description,
                                      after: ["year": String(year), "indicator": indicatorID, "target": target.map { String($0) } ?? "—"], now: now)
        }
    }
}

extension IndexRepository {
    /// Facts of many sibling subtrees at once (a ranking): three grouped queries over the
    /// roll-ups of the roots, the open gauge and the catalogue — not one query per unit — started
    /// together, as none depends on another: on PostgreSQL each takes its own pooled connection (SQLite's
    /// one connection per event loop takes them in turn).
    /// `parent`: every root is a child of it, so the roll-ups and gauges select them by one bind.
    public func facts(ofRoots roots: [(id: OrgUnit.ID, communes: Bool)], childrenOf parent: OrgUnit.ID? = nil, period: ReportPeriod,
                      today: LocalDate) async throws -> [OrgUnit.ID: IndexFacts] {
        guard !roots.isEmpty else { return [:] }
        let ids = roots.map(\.id.rawValue)
        let units: UnitSelection = parent.map { .children(of: $0.rawValue) } ?? .ids(ids)
        let db = db
        async let totals = IndexRollups.totals(units: units, period: period, on: db)
        async let open = period.through >= today
            ? IndexRollups.open(units: units, today: today, on: db)
            : OpenCounterStore.atEnd(of: period.through, roots: roots.map(\.id), childrenOf: parent, on: db)
        async let catalogue = catalogueAndFeedback(of: roots, period: period, today: today)
        // Each root's facts summed by position (`IndexFacts`): a ranking of 839 children hashed each of
        // its 30,000 facts two or three times in dictionaries. A fact that was given, even as 0, stays
        // given (as a root's own `facts` gives it); a root given nothing is left out.
        var position: [UUID: Int] = [:]
        position.reserveCapacity(roots.count)
        for (index, id) in ids.enumerated() { position[id] = index }
        var dense = [IndexFacts?](repeating: nil, count: ids.count)
        func row(_ unit: UUID) -> Int? {
            guard let index = position[unit] else { return nil }
            if dense[index] == nil { dense[index] = IndexFacts() }
            return index
        }
        func add(_ index: Int, _ fact: IndexFact, _ n: Double) { dense[index]!.add(n, to: fact) }
        for (unit, values) in try await totals {
            guard let index = row(unit) else { continue }
            for (fact, n) in zip(Self.metricFacts, values) where n != 0 {
                if let fact { add(index, fact, Double(n)) }
            }
        }
        for (unit, sums) in try await open {
            guard let index = row(unit) else { continue }
            for (fact, n) in Self.openFacts(sums) { add(index, fact, n) }
        }
        for (root, facts) in try await catalogue {
            guard let index = row(root.rawValue) else { continue }
            for (fact, n) in facts { add(index, fact, n) }
        }
        var result: [OrgUnit.ID: IndexFacts] = [:]
        result.reserveCapacity(roots.count)
        for (index, facts) in dense.enumerated() {
            if let facts { result[OrgUnit.ID(ids[index])] = facts }
        }
        return result
    }

    /// Each root's catalogue facts (its own procedures by implementing unit, plus the commune-level ones
    /// for roots with communes) and the feedback about units under it, as pieces to add to a root (the
    /// commune-level procedures are one piece for each root with communes: hundreds, added by position).
    func catalogueAndFeedback(of roots: [(id: OrgUnit.ID, communes: Bool)], period: ReportPeriod,
                              today: LocalDate) async throws -> [(root: OrgUnit.ID, facts: [(IndexFact, Double)])] {
        let byUnit = try await Self.catalogueSums(try db.sql.select().column("unit_id")).from("procedures").groupBy("unit_id").all()
        let perUnit = try byUnit.map { row in (unit: try row.decode(column: "unit_id", as: UUID?.self), facts: Self.catalogueFacts(in: row)) }
        // Which implementing units, and which units named by feedback, lie under which root:
        // the paths of those units only.
        let feedback = try await feedbackFacts(units: nil, from: period.from, through: period.through, today: today)
        let owner = try await owners(of: perUnit.compactMap(\.unit) + Array(feedback.keys), roots: Set(roots.map(\.id.rawValue)))
        let communeRoots = roots.filter(\.communes).map(\.id)
        var pieces: [(root: OrgUnit.ID, facts: [(IndexFact, Double)])] = []
        for (unit, facts) in perUnit {
            for root in unit.map({ owner[$0].map { [$0] } ?? [] }) ?? communeRoots { pieces.append((root, facts)) }
        }
        for (unit, counts) in feedback {
            guard let root = owner[unit] else { continue }
            pieces.append((root, counts.map { ($0.key, $0.value) }))
        }
        return pieces
    }

    /// The root (among `roots`) each unit lies under, from the units' materialised paths.
    func owners(of units: [UUID], roots: Set<UUID>) async throws -> [UUID: OrgUnit.ID] {
        guard !units.isEmpty else { return [:] }
        var owner: [UUID: OrgUnit.ID] = [:]
        for row in try await db.sql.select().columns("id", "path").from("units").where(PackedRows.among("id", Array(Set(units)), on: try db.sql)).all() {
            let lineage = UnitModel.lineage(ofPath: try row.decode(column: "path", as: String.self))
            if let root = lineage.first(where: roots.contains) { owner[try row.decode(column: "id", as: UUID.self)] = OrgUnit.ID(root) }
        }
        return owner
    }
}

extension IndexRepository {
    /// The procedures with the most dossiers finished late in the period, worst first (a leader's
    /// "where to look" list), from the per-procedure counters of the scope.
    public func worstProcedures(_ scope: IndexScope, from: LocalDate, through: LocalDate, limit: Int = 5) async throws -> [(procedure: Procedure.ID, late: Int, finished: Int)] {
        guard !scope.units.isEmpty else { return [] }
        let rows = try await db.sql.select().column("procedure_id")
            .column(SQLRaw("CAST(SUM(CASE WHEN metric = 'finished_late' THEN n ELSE 0 END) AS BIGINT)"), as: "late")
            .column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "finished")
            .from("service_counters").where("unit_id", .in, scope.units.map(\.rawValue))
            .where("metric", .in, ["finished_early", "finished_on_time", "finished_late"])
            .where("day", .greaterThanOrEqual, from.iso).where("day", .lessThanOrEqual, through.iso)
            .groupBy("procedure_id").all()
        var items: [(procedure: Procedure.ID, late: Int, finished: Int)] = []
        for row in rows {
            let late = Int(try row.decode(column: "late", as: Int64.self))
            guard late > 0 else { continue }
            items.append((Procedure.ID(try row.decode(column: "procedure_id", as: UUID.self)), late,
                          Int(try row.decode(column: "finished", as: Int64.self))))
        }
        items.sort { a, b in a.late != b.late ? a.late > b.late : a.finished < b.finished }
        return Array(items.prefix(limit))
    }
}
