import FluentKit
import Foundation
import NIOConcurrencyHelpers
import ParCore
import SQLKit

/// The Decision 766 counters (`service_counters`), added to inside the transaction of
/// the dossier event that changes them. One UPSERT per metric: the same statement on
/// SQLite and PostgreSQL, safe when several instances add at once.
public enum ServiceCounterStore {
    static func add(_ deltas: [ServiceMetric: Int], for dossier: Dossier, at now: Date, on tx: any Database) async throws {
        try await IndexRollups.add(deltas, for: dossier, at: now, on: tx)
        let day = VietnamTime.localDate(of: now).iso
        for (metric, delta) in deltas.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where delta != 0 {
            try await tx.sql.raw("""
                INSERT INTO service_counters (unit_id, procedure_id, channel, day, metric, n)
                VALUES (\(bind: dossier.receivingUnitID.rawValue), \(bind: dossier.procedureID.rawValue), \(bind: dossier.channel.rawValue), \
                \(bind: day), \(bind: metric.rawValue), \(bind: Int64(delta)))
                ON CONFLICT (unit_id, procedure_id, channel, day, metric) DO UPDATE SET n = service_counters.n + \(bind: Int64(delta))
                """).run()
        }
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
        if let old, let before { try await add(-1, key: old, for: before, day: day, on: tx) }
        if let new { try await add(1, key: new, for: after, day: day, on: tx) }
    }

    static func add(_ delta: Int, key: String, for dossier: Dossier, day: String, on tx: any Database) async throws {
        try await IndexRollups.addOpen(delta, bucket: key, unit: dossier.receivingUnitID, procedure: dossier.procedureID, day: day, on: tx)
        try await tx.sql.raw("""
            INSERT INTO open_counters (unit_id, procedure_id, channel, due_day, n)
            VALUES (\(bind: dossier.receivingUnitID.rawValue), \(bind: dossier.procedureID.rawValue), \(bind: dossier.channel.rawValue), \
            \(bind: key), \(bind: Int64(delta)))
            ON CONFLICT (unit_id, procedure_id, channel, due_day) DO UPDATE SET n = open_counters.n + \(bind: Int64(delta))
            """).run()
    }

    /// Open dossiers of the units now; running ones due before `today` are late.
    public static func current(units: [OrgUnit.ID], today: LocalDate, procedure: Procedure.ID? = nil,
                               on db: any Database) async throws -> OpenSums {
        let sums = try await openSums("open_counters", dayColumn: "due_day", units: units.map(\.rawValue), lateBefore: today,
                                      procedure: procedure, on: db)
        return sums.values.reduce(OpenSums(), +)
    }

    /// Open dossiers of the units' subtrees at the end of the past day `day`: the gauge now (of the
    /// subtree, or of `scope`'s units for one procedure) less the moves made after that day. Running
    /// ones due on that day or before were late by its end.
    public static func atEnd(of day: LocalDate, roots: [OrgUnit.ID], procedure: (Procedure.ID, scope: [OrgUnit.ID])? = nil,
                             on db: any Database) async throws -> [UUID: OpenSums] {
        let lateBefore = day.adding(days: 1), ids = roots.map(\.rawValue)
        var now: [UUID: OpenSums]
        if let (procedure, scope) = procedure, let root = ids.first, ids.count == 1 {
            let sums = try await openSums("open_counters", dayColumn: "due_day", units: scope.map(\.rawValue), lateBefore: lateBefore,
                                          procedure: procedure, on: db)
            now = [root: sums.values.reduce(OpenSums(), +)]
        } else {
            now = try await openSums("open_rollups", dayColumn: "bucket", units: ids, lateBefore: lateBefore, on: db)
        }
        let later = try await openSums("open_moves", dayColumn: "bucket", units: ids, lateBefore: lateBefore,
                                       procedure: procedure?.0, after: day, on: db)
        for (unit, moved) in later { now[unit] = (now[unit] ?? OpenSums()) - moved }
        return now
    }

    /// A gauge table's rows summed per unit into running on time, running late (due before
    /// `lateBefore`, or always late), paused on time and paused late, by the database: a unit has a
    /// row per due day, so there are many. `after`: only `open_moves` rows of later days.
    static func openSums(_ table: String, dayColumn: String, units: [UUID], lateBefore: LocalDate, procedure: Procedure.ID? = nil,
                         after: LocalDate? = nil, on db: any Database) async throws -> [UUID: OpenSums] {
        guard !units.isEmpty else { return [:] }
        let key = SQLIdentifier(dayColumn)
        var query = try db.sql.select().column("unit_id")
            .column(SQLQueryString("""
                CASE WHEN \(key) = \(bind: ServiceCounters.pausedOnTime) THEN 'paused' WHEN \(key) = \(bind: ServiceCounters.pausedLate) THEN 'paused_late' \
                WHEN \(key) < \(bind: lateBefore.iso) THEN 'late' ELSE 'on_time' END
                """), as: "kind")
            .column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "total")
            .from(table).where("unit_id", .in, units)
        if let procedure { query = query.where("procedure_id", .equal, procedure.rawValue) }
        if let after { query = query.where("day", .greaterThan, after.iso) }
        var result: [UUID: OpenSums] = [:]
        for row in try await query.groupBy(SQLRaw("1")).groupBy(SQLRaw("2")).all() {
            let unit = try row.decode(column: "unit_id", as: UUID.self), total = Int(try row.decode(column: "total", as: Int64.self))
            var sums = result[unit] ?? OpenSums()
            switch try row.decode(column: "kind", as: String.self) {
            case "paused": sums.paused += total
            case "paused_late": sums.pausedLate += total
            case "late": sums.late += total
            default: sums.onTime += total
            }
            result[unit] = sums
        }
        return result
    }
}

/// The roll-ups of the counters and the gauge along the unit tree (`index_rollups`,
/// `open_rollups`): one multi-row UPSERT per event adds to the receiving unit and every
/// ancestor, by day, month and year. Received dossiers are also counted per channel
/// (`received_online`, …), so no roll-up needs a channel column.
public enum IndexRollups {
    /// The unit and its ancestors, from the materialised path; read once per write transaction
    /// (`LineageMemo`: an intake's open gauge, step and counters all roll up along it).
    static func lineage(_ unit: OrgUnit.ID, on tx: any Database) async throws -> [UUID] {
        if let known = LineageMemo.current?.lineage(of: unit) { return known }
        guard let row = try await tx.sql.select().column("path").from("units").where("id", .equal, unit.rawValue).first() else {
            return [unit.rawValue]
        }
        let lineage = lineage(ofPath: try row.decode(column: "path", as: String.self))
        LineageMemo.current?.remember(lineage, of: unit)
        return lineage
    }

    static func lineage(ofPath path: String) -> [UUID] {
        path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }
    }

    /// Tells this write transaction a unit's path already read (the intake reads its unit first).
    static func remember(path: String, of unit: OrgUnit.ID) {
        LineageMemo.current?.remember(lineage(ofPath: path), of: unit)
    }

    /// The roll-up rows an event adds: (grain, period, metric, n) for one unit.
    public static func rows(_ deltas: [ServiceMetric: Int], channel: DossierChannel, day: LocalDate) -> [(String, String, String, Int64)] {
        var metrics: [(String, Int64)] = []
        for (metric, n) in deltas.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where n != 0 {
            metrics.append((metric.rawValue, Int64(n)))
            if metric == .received { metrics.append(("received_\(channel.rawValue)", Int64(n))) }
        }
        let grains = [("d", day.iso), ("m", String(day.iso.prefix(7))), ("y", String(day.iso.prefix(4)))]
        return grains.flatMap { grain in metrics.map { (grain.0, grain.1, $0.0, $0.1) } }
    }

    static func add(_ deltas: [ServiceMetric: Int], for dossier: Dossier, at now: Date, on tx: any Database) async throws {
        let rows = rows(deltas, channel: dossier.channel, day: VietnamTime.localDate(of: now))
        guard !rows.isEmpty else { return }
        let units = try await lineage(dossier.receivingUnitID, on: tx)
        try await upsert(units.flatMap { unit in rows.map { (unit, $0.0, $0.1, $0.2, $0.3) } }, on: tx)
    }

    static func upsert(_ rows: [(UUID, String, String, String, Int64)], on tx: any Database) async throws {
        guard !rows.isEmpty else { return }
        var insert = try tx.sql.insert(into: "index_rollups").columns("unit_id", "grain", "period", "metric", "n")
        for row in rows { insert = insert.values(SQLBind(row.0), SQLBind(row.1), SQLBind(row.2), SQLBind(row.3), SQLBind(row.4)) }
        try await insert.onConflict(with: ["unit_id", "grain", "period", "metric"]) {
            $0.set(SQLColumn("n"), to: SQLBinaryExpression(SQLColumn("n", table: "index_rollups"), .add, SQLExcludedColumn("n")))
        }.run()
    }

    /// Moves a dossier of `unit` into (`delta` 1) or out of (-1) the gauge row `bucket`, on `day`: the
    /// subtree gauge of the unit and each ancestor, and the history of those moves by procedure.
    static func addOpen(_ delta: Int, bucket: String, unit: OrgUnit.ID, procedure: Procedure.ID, day: String,
                        on tx: any Database) async throws {
        let units = try await lineage(unit, on: tx)
        var insert = try tx.sql.insert(into: "open_rollups").columns("unit_id", "bucket", "n")
        for unit in units { insert = insert.values(SQLBind(unit), SQLBind(bucket), SQLBind(Int64(delta))) }
        try await insert.onConflict(with: ["unit_id", "bucket"]) {
            $0.set(SQLColumn("n"), to: SQLBinaryExpression(SQLColumn("n", table: "open_rollups"), .add, SQLExcludedColumn("n")))
        }.run()
        var moves = try tx.sql.insert(into: "open_moves").columns("unit_id", "procedure_id", "day", "bucket", "n")
        for unit in units {
            moves = moves.values(SQLBind(unit), SQLBind(procedure.rawValue), SQLBind(day), SQLBind(bucket), SQLBind(Int64(delta)))
        }
        try await moves.onConflict(with: ["unit_id", "procedure_id", "day", "bucket"]) {
            $0.set(SQLColumn("n"), to: SQLBinaryExpression(SQLColumn("n", table: "open_moves"), .add, SQLExcludedColumn("n")))
        }.run()
    }

    /// Sums of a unit's subtree over a period, by metric, from the fewest roll-up rows.
    public static func totals(unit: OrgUnit.ID, period: ReportPeriod, on db: any Database) async throws -> [String: Int64] {
        var query = try db.sql.select().column("metric").column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "total")
            .from("index_rollups").where("unit_id", .equal, unit.rawValue)
        query = query.where { covering(period, $0) }
        var result: [String: Int64] = [:]
        for row in try await query.groupBy("metric").all() {
            result[try row.decode(column: "metric", as: String.self)] = try row.decode(column: "total", as: Int64.self)
        }
        return result
    }

    /// Roll-up rows covering `period`: whole years, whole months, then the edge days.
    static func covering(_ period: ReportPeriod, _ group: SQLPredicateGroupBuilder) -> SQLPredicateGroupBuilder {
        let grains = period.grains
        var group = group
        if !grains.years.isEmpty { group = group.orWhere { $0.where("grain", .equal, "y").where("period", .in, grains.years) } }
        if !grains.months.isEmpty { group = group.orWhere { $0.where("grain", .equal, "m").where("period", .in, grains.months) } }
        for range in grains.days {
            group = group.orWhere {
                $0.where("grain", .equal, "d").where("period", .greaterThanOrEqual, range.lowerBound.iso)
                    .where("period", .lessThanOrEqual, range.upperBound.iso)
            }
        }
        return group
    }

    /// A unit subtree's open dossiers now.
    public static func open(unit: OrgUnit.ID, today: LocalDate, on db: any Database) async throws -> OpenSums {
        try await OpenCounterStore.openSums("open_rollups", dayColumn: "bucket", units: [unit.rawValue], lateBefore: today, on: db)[unit.rawValue]
            ?? OpenSums()
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
