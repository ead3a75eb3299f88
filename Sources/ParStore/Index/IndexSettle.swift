import FluentKit
import Foundation
import ParCore
import SQLKit

/// Keeps the open gauge's reads short (issue 22); run each night by the `index-settle` job. Nothing
/// depends on it for being right, only for speed: every read gives the same numbers before and after.
/// - `fold`: a past due day is late for good, so `open_rollups` rows of past days move into the unit's
///   always-late row. The fold is recorded in `open_moves` (procedure `none`) like any move, so the gauge
///   as it stood at the end of an earlier day still reads right.
/// - `recordEnd`: each unit's gauge at the end of a past day (`open_ends`, the day in `open_end_days`),
///   so the end of a past period is one row per unit, however much has moved since.
public enum IndexSettle {
    /// The procedure of a fold's moves: none (the roll-ups have no procedure).
    static let noProcedure = IndexRebuild.none
    /// How many past days a run records when they are missing (a night the job did not run).
    public static let catchUpDays = 31

    public struct Report: Sendable, Equatable {
        /// Gauge rows moved into always-late rows.
        public var folded: Int
        /// Days whose end was recorded by this run.
        public var recorded: [LocalDate]
    }

    /// Records the end of each missing day of the last `catchUpDays` before `today`, then folds.
    public static func run(today: LocalDate, on db: any Database) async throws -> Report {
        let first = today.adding(days: -catchUpDays)
        let known = Set(try await db.sql.select().column("day").from("open_end_days").where("day", .greaterThanOrEqual, first.iso).all()
            .map { try $0.decode(column: "day", as: String.self) })
        var recorded: [LocalDate] = []
        for offset in stride(from: catchUpDays, through: 1, by: -1) {
            let day = today.adding(days: -offset)
            guard !known.contains(day.iso) else { continue }
            try await recordEnd(of: day, today: today, on: db)
            recorded.append(day)
        }
        return Report(folded: try await fold(today: today, on: db), recorded: recorded)
    }

    /// Moves every unit's gauge rows of days before `today` into its always-late row, a few units per
    /// transaction: what is deleted is what is added, so a move racing with the fold counts once either way.
    public static func fold(today: LocalDate, on db: any Database) async throws -> Int {
        let past = { (query: SQLSelectBuilder) in
            query.from("open_rollups").where("bucket", .greaterThan, ServiceCounters.alwaysLate).where("bucket", .lessThan, today.iso)
        }
        let units = try await past(db.sql.select().distinct().column("unit_id")).all().map { try $0.decode(column: "unit_id", as: UUID.self) }
        var folded = 0
        for start in stride(from: 0, to: units.count, by: 50) {
            let chunk = Array(units[start..<min(start + 50, units.count)])
            folded += try await db.writeTransaction { tx in
                let deleted = try await tx.sql.delete(from: "open_rollups").where("unit_id", .in, chunk)
                    .where("bucket", .greaterThan, ServiceCounters.alwaysLate).where("bucket", .lessThan, today.iso)
                    .returning("unit_id", "bucket", "n").all()
                var late: [UUID: Int64] = [:], moves: [(UUID, String, Int64)] = []
                for row in deleted {
                    let unit = try row.decode(column: "unit_id", as: UUID.self), n = try row.decode(column: "n", as: Int64.self)
                    late[unit, default: 0] += n
                    moves.append((unit, try row.decode(column: "bucket", as: String.self), -n))
                }
                moves += late.map { ($0.key, ServiceCounters.alwaysLate, $0.value) }
                if !late.isEmpty {
                    var insert = try tx.sql.insert(into: "open_rollups").columns("unit_id", "bucket", "n")
                    for (unit, n) in late { insert = insert.values(SQLBind(unit), SQLBind(ServiceCounters.alwaysLate), SQLBind(n)) }
                    try await insert.onConflict(with: ["unit_id", "bucket"]) {
                        $0.set(SQLColumn("n"), to: SQLBinaryExpression(SQLColumn("n", table: "open_rollups"), .add, SQLExcludedColumn("n")))
                    }.run()
                }
                for part in stride(from: 0, to: moves.count, by: 1_000) {
                    var insert = try tx.sql.insert(into: "open_moves").columns("unit_id", "procedure_id", "day", "bucket", "n")
                    for (unit, bucket, n) in moves[part..<min(part + 1_000, moves.count)] {
                        insert = insert.values(SQLBind(unit), SQLBind(noProcedure), SQLBind(today.iso), SQLBind(bucket), SQLBind(n))
                    }
                    try await insert.onConflict(with: ["unit_id", "procedure_id", "day", "bucket"]) {
                        $0.set(SQLColumn("n"), to: SQLBinaryExpression(SQLColumn("n", table: "open_moves"), .add, SQLExcludedColumn("n")))
                    }.run()
                }
                return deleted.count
            }
        }
        return folded
    }

    /// Stores the gauge of every unit at the end of `day` (before `today`), as `OpenCounterStore.atEnd`
    /// computes it: the units with a gauge row now or a move since.
    public static func recordEnd(of day: LocalDate, today: LocalDate, on db: any Database) async throws {
        guard day < today else { return }
        var units = Set(try await db.sql.select().distinct().column("unit_id").from("open_rollups").all()
            .map { try $0.decode(column: "unit_id", as: UUID.self) })
        for row in try await db.sql.select().distinct().column("unit_id").from("open_moves").where("day", .greaterThan, day.iso).all() {
            units.insert(try row.decode(column: "unit_id", as: UUID.self))
        }
        let ids = units.sorted { $0.uuidString < $1.uuidString }
        var ends: [UUID: OpenSums] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)]).map(OrgUnit.ID.init)
            ends.merge(try await OpenCounterStore.computedEnd(of: day, roots: .ids(chunk.map(\.rawValue)), on: db)) { $1 }
        }
        let rows = ends.filter { $0.value != OpenSums() }
        try await db.writeTransaction { tx in
            let recorded = try await tx.sql.select().column("day").from("open_end_days").where("day", .equal, day.iso).first()
            guard recorded == nil else { return }
            for part in stride(from: 0, to: rows.count, by: 500) {
                var insert = try tx.sql.insert(into: "open_ends").columns("unit_id", "day", "on_time", "late", "paused", "paused_late")
                for (unit, sums) in rows.dropFirst(part).prefix(500) {
                    insert = insert.values(SQLBind(unit), SQLBind(day.iso), SQLBind(Int64(sums.onTime)), SQLBind(Int64(sums.late)),
                                           SQLBind(Int64(sums.paused)), SQLBind(Int64(sums.pausedLate)))
                }
                try await insert.run()
            }
            try await tx.sql.insert(into: "open_end_days").columns("day").values(SQLBind(day.iso)).run()
        }
    }

    /// The recorded gauge of `roots` at the end of `day` (a unit without a row had none open), or nil
    /// when that day's end was not recorded.
    static func ends(of day: LocalDate, roots: UnitSelection, on db: any Database) async throws -> [UUID: OpenSums]? {
        guard try await db.sql.select().column("day").from("open_end_days").where("day", .equal, day.iso).first() != nil else { return nil }
        var result: [UUID: OpenSums] = [:]
        guard !roots.isEmpty else { return result }
        var query = try db.sql.select().column("unit_id")
        for (index, column) in ["on_time", "late", "paused", "paused_late"].enumerated() { query = query.column(PackedRows.value(index, SQLIdentifier(column))) }
        query = query.from("open_ends").where("day", .equal, day.iso).where(PackedRows.among("unit_id", roots, on: try db.sql))
        for (unit, n) in try await PackedRows.read(query, width: 4, on: try db.sql) {
            result[unit] = OpenSums(onTime: Int(n[0]), late: Int(n[1]), paused: Int(n[2]), pausedLate: Int(n[3]))
        }
        return result
    }

    /// Forgets every recorded end (the rebuild rewrites the history they were read from).
    static func forgetEnds(on tx: any Database) async throws {
        try await tx.sql.delete(from: "open_ends").run()
        try await tx.sql.delete(from: "open_end_days").run()
    }
}
