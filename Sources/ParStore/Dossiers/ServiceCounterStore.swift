import FluentKit
import Foundation
import NIOConcurrencyHelpers
import ParCore
import SQLKit

/// The Decision 766 counters (`service_counters`), added to inside the transaction of
/// the dossier event that changes them. One multi-row UPSERT (`WriteBatch`): the same statement on
/// SQLite and PostgreSQL, safe when several instances add at once.
public enum ServiceCounterStore {
    static func add(_ deltas: [ServiceMetric: Int], for dossier: Dossier, at now: Date, on tx: any Database) async throws {
        try await IndexRollups.add(deltas, for: dossier, at: now, on: tx)
        let day = VietnamTime.localDate(of: now).iso
        let rows: [(key: [WriteBatch.Value], sums: [String: Int64])] = deltas.filter { $0.value != 0 }.map { metric, delta in
            ([dossier.receivingUnitID.rawValue, dossier.procedureID.rawValue, dossier.channel.rawValue, day, metric.rawValue], ["n": Int64(delta)])
        }
        try await WriteBatch.add(into: "service_counters", keys: ["unit_id", "procedure_id", "channel", "day", "metric"], rows: rows, on: tx)
    }

    /// Totals per metric and channel for the units and days given (inclusive), read from
    /// the counters only.
    /// The procedures the units received most dossiers of from `since` on, most first (ties by id): what
    /// the counter's intake offers before anything is typed.
    public static func mostReceived(units: [OrgUnit.ID], since: LocalDate, limit: Int, on db: any Database) async throws -> [Procedure.ID] {
        guard !units.isEmpty, limit > 0 else { return [] }
        let total = SQLRaw("SUM(n)")
        return try await db.sql.select().column("procedure_id").from("service_counters")
            .where("unit_id", .in, SQLBind.group(units.map(\.rawValue))).where("metric", .equal, ServiceMetric.received.rawValue)
            .where("day", .greaterThanOrEqual, since.iso).groupBy("procedure_id")
            .orderBy(SQLOrderBy(expression: total, direction: SQLDirection.descending)).orderBy("procedure_id").limit(limit).all()
            .map { Procedure.ID(try $0.decode(column: "procedure_id", as: UUID.self)) }
    }

    public static func totals(units: [OrgUnit.ID], from: LocalDate, through: LocalDate, procedure: Procedure.ID? = nil,
                              on db: any Database) async throws -> [DossierChannel: [ServiceMetric: Int]] {
        guard !units.isEmpty else { return [:] }
        var query = try db.sql.select()
            .column("channel").column("metric").column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "total")
            .from("service_counters")
            .where("unit_id", .in, units.map(\.rawValue))
            .where("day", .greaterThanOrEqual, from.iso).where("day", .lessThanOrEqual, through.iso)
        if let procedure { query = query.where("procedure_id", .equal, procedure.rawValue) }
        let rows = try await query.groupBy("channel").groupBy("metric").all()
        var result: [DossierChannel: [ServiceMetric: Int]] = [:]
        for row in rows {
            guard let channel = DossierChannel(rawValue: try row.decode(column: "channel", as: String.self)),
                  let metric = ServiceMetric(rawValue: try row.decode(column: "metric", as: String.self)) else { continue }
            result[channel, default: [:]][metric, default: 0] += Int(try row.decode(column: "total", as: Int64.self))
        }
        return result
    }
}

/// A gauge read the store does not answer: one procedure's gauge is read for one unit at a time
/// (a caller's mistake, not a rule).
enum GaugeReadError: Error { case oneRootPerProcedure }

/// Open dossiers counted by how Decision 766 measures them: running and not yet due, running
/// and overdue, waiting for a supplement requested in time, waiting for one requested late.
public struct OpenSums: Sendable, Equatable {
    public var onTime = 0, late = 0, paused = 0, pausedLate = 0

    public init(onTime: Int = 0, late: Int = 0, paused: Int = 0, pausedLate: Int = 0) {
        self.onTime = onTime
        self.late = late
        self.paused = paused
        self.pausedLate = pausedLate
    }

    static func + (a: OpenSums, b: OpenSums) -> OpenSums {
        OpenSums(onTime: a.onTime + b.onTime, late: a.late + b.late, paused: a.paused + b.paused, pausedLate: a.pausedLate + b.pausedLate)
    }

    static func - (a: OpenSums, b: OpenSums) -> OpenSums { a + OpenSums(onTime: -b.onTime, late: -b.late, paused: -b.paused, pausedLate: -b.pausedLate) }
}

/// The open-dossier gauge (`open_counters`): how many dossiers of a unit, procedure and
/// channel are open and due on each day (or paused). A dossier moves between rows when its
/// appointment or state changes, in the transaction of the event, so "in process on time /
/// late / paused" is read without touching the dossier table. Each move is also kept by day
/// (`open_moves`), so the gauge can be read as it stood at the end of any past day.
public enum OpenCounterStore {
    static func move(from before: Dossier?, to after: Dossier, at now: Date, on tx: any Database) async throws {
        try await OverdueRollups.move(from: before, to: after, at: now, on: tx)
        let old = before.flatMap(ServiceCounters.openKey), new = ServiceCounters.openKey(after)
        guard old != new else { return }
        let day = VietnamTime.localDate(of: now).iso
        // The subtrees' totals change only when the dossier enters or leaves the gauge (or the units it counts under).
        let sameUnit = before?.receivingUnitID == after.receivingUnitID
        if let old, let before { try await add(-1, key: old, for: before, day: day, entersOrLeaves: new == nil || !sameUnit, on: tx) }
        if let new { try await add(1, key: new, for: after, day: day, entersOrLeaves: old == nil || !sameUnit, on: tx) }
    }

    static func add(_ delta: Int, key: String, for dossier: Dossier, day: String, entersOrLeaves: Bool, on tx: any Database) async throws {
        try await IndexRollups.addOpen(delta, bucket: key, unit: dossier.receivingUnitID, procedure: dossier.procedureID, day: day,
                                       entersOrLeaves: entersOrLeaves, on: tx)
        try await WriteBatch.add(into: "open_counters", keys: ["unit_id", "procedure_id", "channel", "due_day"], rows: [
            ([dossier.receivingUnitID.rawValue, dossier.procedureID.rawValue, dossier.channel.rawValue, key], ["n": Int64(delta)]),
        ], on: tx)
    }

    /// Open dossiers of the units now; running ones due before `today` are late.
    public static func current(units: [OrgUnit.ID], today: LocalDate, procedure: Procedure.ID? = nil,
                               on db: any Database) async throws -> OpenSums {
        let sums = try await openSums("open_counters", dayColumn: "due_day", units: .ids(units.map(\.rawValue)), lateBefore: today,
                                      procedure: procedure, on: db)
        return sums.values.reduce(OpenSums(), +)
    }

    /// Open dossiers of the units' subtrees at the end of the past day `day`: the gauge now (of the
    /// subtree, or of `scope`'s units for one procedure) less the moves made after that day. Running
    /// ones due on that day or before were late by its end. A subtree's end recorded by the nightly
    /// `IndexSettle` is read as it was recorded: the same numbers, one row per unit. `parent`: every root is
    /// a child of it (a ranking), so the reads select them by one bind (the answer may name other children).
    public static func atEnd(of day: LocalDate, roots: [OrgUnit.ID], procedure: (Procedure.ID, scope: [OrgUnit.ID])? = nil,
                             childrenOf parent: OrgUnit.ID? = nil, on db: any Database) async throws -> [UUID: OpenSums] {
        let ids = roots.map(\.rawValue)
        guard let (procedure, scope) = procedure else {
            let units: UnitSelection = parent.map { .children(of: $0.rawValue) } ?? .ids(ids)
            if let recorded = try await IndexSettle.ends(of: day, roots: units, on: db) { return recorded }
            return try await computedEnd(of: day, roots: units, on: db)
        }
        guard let root = ids.first, ids.count == 1 else { throw GaugeReadError.oneRootPerProcedure }
        let lateBefore = day.adding(days: 1)
        let now = try await openSums("open_counters", dayColumn: "due_day", units: .ids(scope.map(\.rawValue)), lateBefore: lateBefore,
                                     procedure: procedure, on: db).values.reduce(OpenSums(), +)
        let later = try await openSums("open_moves", dayColumn: "bucket", units: .ids(ids), lateBefore: lateBefore, procedure: procedure,
                                       after: day, on: db)
        return [root: now - (later[root] ?? OpenSums())]
    }

    /// The subtrees' gauge at the end of `day` from the gauge now and the moves since.
    static func computedEnd(of day: LocalDate, roots: UnitSelection, on db: any Database) async throws -> [UUID: OpenSums] {
        let lateBefore = day.adding(days: 1)
        var now = try await openSums("open_rollups", dayColumn: "bucket", units: roots, lateBefore: lateBefore, on: db)
        let later = try await openSums("open_moves", dayColumn: "bucket", units: roots, lateBefore: lateBefore, after: day, on: db)
        for (unit, moved) in later { now[unit] = (now[unit] ?? OpenSums()) - moved }
        return now
    }

    /// A gauge table's rows summed per unit into running on time, running late (due before
    /// `lateBefore`, or always late), paused on time and paused late, by the database: one row per unit,
    /// however many due days it has, sent packed (`PackedRows`). `after`: only `open_moves` rows of later days.
    /// `skippingFrom`: the rows of due days from then on are not read (their on time sums to 0; the caller
    /// knows the total).
    static func openSums(_ table: String, dayColumn: String, units: UnitSelection, lateBefore: LocalDate, procedure: Procedure.ID? = nil,
                         after: LocalDate? = nil, skippingFrom: LocalDate? = nil, on db: any Database) async throws -> [UUID: OpenSums] {
        guard !units.isEmpty else { return [:] }
        // All rows, then late (a due day before `lateBefore`, or always late), paused and paused late: the
        // paused rows' keys sort after every day (`ServiceCountersTests`), so one comparison tells a late row,
        // and on time is the rest (three tests a row instead of eight: a ranking sums thousands of rows).
        let key = SQLIdentifier(dayColumn)
        let sums: [SQLQueryString] = [
            "SUM(n)", "SUM(CASE WHEN \(key) < \(bind: lateBefore.iso) THEN n ELSE 0 END)",
            "SUM(CASE WHEN \(key) = \(bind: ServiceCounters.pausedOnTime) THEN n ELSE 0 END)",
            "SUM(CASE WHEN \(key) = \(bind: ServiceCounters.pausedLate) THEN n ELSE 0 END)",
        ]
        var query = try db.sql.select().column("unit_id")
        for (index, sum) in sums.enumerated() { query = query.column(PackedRows.value(index, sum)) }
        query = query.from(table).where(PackedRows.among("unit_id", units, on: try db.sql))
        if let procedure { query = query.where("procedure_id", .equal, procedure.rawValue) }
        if let after { query = query.where("day", .greaterThan, after.iso) }
        if let skippingFrom {
            query = query.where { $0.where(key, .lessThan, SQLBind(skippingFrom.iso)).orWhere(key, .greaterThanOrEqual, SQLBind(ServiceCounters.pausedOnTime)) }
        }
        var result: [UUID: OpenSums] = [:]
        for (unit, n) in try await PackedRows.read(query.groupBy("unit_id"), width: 4, on: try db.sql) {
            result[unit] = OpenSums(onTime: Int(n[0] - n[1] - n[2] - n[3]), late: Int(n[1]), paused: Int(n[2]), pausedLate: Int(n[3]))
        }
        return result
    }
}

/// The lineages read in one write transaction (`Database.writeTransaction` binds one): a
/// transaction sees one registry, so a unit's path is read once however many roll-ups use it.
final class LineageMemo: Sendable {
    @TaskLocal static var current: LineageMemo?
    private let paths = NIOLockedValueBox<[OrgUnit.ID: [UUID]]>([:])

    func lineage(of unit: OrgUnit.ID) -> [UUID]? { paths.withLockedValue { $0[unit] } }
    func remember(_ lineage: [UUID], of unit: OrgUnit.ID) { paths.withLockedValue { $0[unit] = lineage } }
}
