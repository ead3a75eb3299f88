import FluentKit
import Foundation
import ParCore
import SQLKit

/// The roll-ups along the unit tree. Counters (`index_totals`): one row per unit, grain (day, month,
/// year) and period, with a column per metric; one multi-row UPSERT per event adds to the receiving
/// unit and every ancestor, so a subtree's year is one row and a ranking of N children reads N rows,
/// whatever the number of dossiers. Received dossiers are also counted per channel
/// (`received_online`, …). The open gauge (`open_rollups`): a row per unit and due day.
public enum IndexRollups {
    static let table = "index_totals"

    /// The metric columns of `index_totals`, in the order the sums are read back: every counter and
    /// received by channel. A new `ServiceMetric` needs a migration that adds its column
    /// (`IndexRepositoryTests.totalsColumns` fails until it has one).
    public static let metrics: [String] = (ServiceMetric.allCases.map(\.rawValue) + DossierChannel.allCases.map { "received_\($0.rawValue)" }).sorted()
    static let known = Set(metrics)

    /// The unit and its ancestors, from the materialised path; read once per write transaction
    /// (`LineageMemo`: an intake's open gauge, step and counters all roll up along it).
    static func lineage(_ unit: OrgUnit.ID, on tx: any Database) async throws -> [UUID] {
        if let known = LineageMemo.current?.lineage(of: unit) { return known }
        guard let row = try await tx.sql.select().column("path").from("units").where("id", .equal, unit.rawValue).first() else {
            return [unit.rawValue]
        }
        let lineage = UnitModel.lineage(ofPath: try row.decode(column: "path", as: String.self))
        LineageMemo.current?.remember(lineage, of: unit)
        return lineage
    }

    /// Tells this write transaction a unit's lineage (root first) already known (the intake reads its unit first).
    static func remember(lineage: [UUID], of unit: OrgUnit.ID) {
        LineageMemo.current?.remember(lineage, of: unit)
    }

    /// The roll-up cells an event adds: (grain, period, metric, n) for one unit.
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

    /// Adds cells (unit, grain, period, metric, n) to `index_totals`: one multi-row UPSERT that sets only
    /// the metrics some cell names.
    static func upsert(_ cells: [(UUID, String, String, String, Int64)], on tx: any Database) async throws {
        let rows: [(key: [WriteBatch.Value], sums: [String: Int64])] = cells.filter { known.contains($0.3) }.map { unit, grain, period, metric, n in
            ([unit, grain, period], [metric: n])
        }
        try await WriteBatch.add(into: table, keys: ["unit_id", "grain", "period"], rows: rows, on: tx)
    }

    /// Every metric summed over the selected rows as one JSON array (in `metrics` order): a row of the
    /// answer is one value to decode, not thirty.
    static func sumsColumn(_ db: any SQLDatabase) -> SQLAlias {
        SQLAlias(jsonArray(metrics.map { SQLFunction("SUM", args: SQLIdentifier($0)) }, db), as: SQLIdentifier("sums"))
    }

    /// `[a, b, …]` as text, built by the database (SQLite `json_array`, PostgreSQL `json_build_array`).
    static func jsonArray(_ values: [any SQLExpression], _ db: any SQLDatabase) -> any SQLExpression {
        let postgres = db.dialect.name.contains("postgres")
        return SQLFunction("CAST", args: SQLAlias(SQLFunction(postgres ? "json_build_array" : "json_array", args: values), as: SQLRaw("TEXT")))
    }

    /// The sums of a row read with `sumsColumn`, in `metrics` order.
    static func values(of row: any SQLRow) throws -> [Int64] {
        let values = try PackedRows.integers(try row.decode(column: "sums", as: String.self))
        guard values.count == metrics.count else { throw PackedRows.Malformed.text("\(values.count) sums") }
        return values
    }

    /// The sums of a row read with `sumsColumn`, by metric (zeros left out).
    static func sums(of row: any SQLRow) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for (metric, n) in zip(metrics, try values(of: row)) where n != 0 { result[metric] = n }
        return result
    }

    /// Sums of a unit's subtree over a period, by metric, from the fewest roll-up rows.
    public static func totals(unit: OrgUnit.ID, period: ReportPeriod, on db: any Database) async throws -> [String: Int64] {
        let row = try await db.sql.select().column(sumsColumn(db.sql)).from(table).where("unit_id", .equal, unit.rawValue)
            .where { covering(period, $0) }.first()
        return try row.map(sums(of:)) ?? [:]
    }

    /// Sums of each unit's subtree over a period (a ranking), in `metrics` order: one row per unit,
    /// sent packed (`PackedRows`).
    public static func totals(units: UnitSelection, period: ReportPeriod, on db: any Database) async throws -> [UUID: [Int64]] {
        guard !units.isEmpty else { return [:] }
        // A whole year or a whole month is one row per unit: read as it is, without grouping and summing
        // (half the time of a ranking's sums at ten million dossiers).
        let grains = period.grains
        let oneRow = grains.years.count + grains.months.count == 1 && grains.days.isEmpty
        var inner = try db.sql.select().column("unit_id")
        for (index, metric) in metrics.enumerated() {
            inner = inner.column(PackedRows.value(index, oneRow ? SQLIdentifier(metric) : SQLFunction("SUM", args: SQLIdentifier(metric))))
        }
        inner = inner.from(table).where(PackedRows.among("unit_id", units, on: try db.sql)).where { covering(period, $0) }
        return try await PackedRows.read(oneRow ? inner : inner.groupBy("unit_id"), width: metrics.count, on: try db.sql)
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

    /// Every stored cell (unit, grain, period, metric) with its n, zeros left out (the rebuild's comparison).
    static func cells(on db: any Database) async throws -> [(UUID, String, String, String, Int64)] {
        var cells: [(UUID, String, String, String, Int64)] = []
        for row in try await db.sql.select().columns("unit_id", "grain", "period").column(sumsColumn(db.sql)).from(table)
            .groupBy("unit_id").groupBy("grain").groupBy("period").all() {
            let unit = try row.decode(column: "unit_id", as: UUID.self)
            let grain = try row.decode(column: "grain", as: String.self), period = try row.decode(column: "period", as: String.self)
            for (metric, n) in try sums(of: row) { cells.append((unit, grain, period, metric, n)) }
        }
        return cells
    }

    /// Moves a dossier of `unit` into (`delta` 1) or out of (-1) the gauge row `bucket`, on `day`: the
    /// subtree gauge of the unit and each ancestor, and the history of those moves by procedure.
    /// `entersOrLeaves`: the dossier enters or leaves the gauge (not a move between its rows), so the
    /// subtrees' totals (`open_totals`) change too.
    static func addOpen(_ delta: Int, bucket: String, unit: OrgUnit.ID, procedure: Procedure.ID, day: String, entersOrLeaves: Bool,
                        on tx: any Database) async throws {
        let units = try await lineage(unit, on: tx)
        try await WriteBatch.add(into: "open_rollups", keys: ["unit_id", "bucket"],
                                 rows: units.map { ([$0, bucket], ["n": Int64(delta)]) }, on: tx)
        if entersOrLeaves {
            try await WriteBatch.add(into: openTotals, keys: ["unit_id"], rows: units.map { ([$0], ["n": Int64(delta)]) }, on: tx)
        }
        try await WriteBatch.add(into: "open_moves", keys: ["unit_id", "procedure_id", "day", "bucket"],
                                 rows: units.map { ([$0, procedure.rawValue, day, bucket], ["n": Int64(delta)]) }, on: tx)
    }

    /// A unit subtree's open dossiers now.
    public static func open(unit: OrgUnit.ID, today: LocalDate, on db: any Database) async throws -> OpenSums {
        try await open(units: .ids([unit.rawValue]), today: today, on: db)[unit.rawValue] ?? OpenSums()
    }

    /// Each unit subtree's open dossiers in all (`open_totals`).
    static let openTotals = "open_totals"

    /// Each unit subtree's open dossiers now (a ranking's children): one row per unit. Only the gauge rows
    /// of late days and the paused rows are summed; on time is the rest of the subtree's total
    /// (`open_totals`), so the rows of future due days (most of the gauge) are not read.
    public static func open(units: UnitSelection, today: LocalDate, on db: any Database) async throws -> [UUID: OpenSums] {
        guard !units.isEmpty else { return [:] }
        async let sums = OpenCounterStore.openSums("open_rollups", dayColumn: "bucket", units: units, lateBefore: today,
                                                   skippingFrom: today, on: db)
        let query = try db.sql.select().column("unit_id").column(PackedRows.value(0, SQLColumn("n"))).from(openTotals)
            .where(PackedRows.among("unit_id", units, on: try db.sql))
        var result = try await sums
        for (unit, n) in try await PackedRows.read(query, width: 1, on: try db.sql) {
            let counted = result[unit] ?? OpenSums()
            result[unit] = OpenSums(onTime: Int(n[0]) - counted.late - counted.paused - counted.pausedLate, late: counted.late,
                                    paused: counted.paused, pausedLate: counted.pausedLate)
        }
        return result
    }
}
