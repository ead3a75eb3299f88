import FluentKit
import Foundation
import ParCore
import SQLKit

/// The overdue roll-up (`open_steps`): running dossiers by the unit holding them, their state and their
/// gauge day, kept for the receiving unit and each of its ancestors (as `open_rollups`), moved in the
/// transaction of every event. The leader's dashboard reads "overdue now, by unit and by step" from the
/// root's rows before today, never from the dossiers.
///
/// A day in the past is late for good, so a move into or out of a past day goes to the always-late row
/// (`Overdue.bucket`), and the rows that time has made late are folded into it when the root is read
/// (`summary`): after the first read of a day a root has at most one late row per holder and state.
public enum OverdueRollups {
    static let table = "open_steps"

    static func move(from before: Dossier?, to after: Dossier, at now: Date, on tx: any Database) async throws {
        let today = VietnamTime.localDate(of: now)
        func row(_ dossier: Dossier?) -> Overdue.Key? {
            guard let dossier, var key = Overdue.key(dossier) else { return nil }
            key.bucket = Overdue.bucket(key.bucket, today: today)
            return key
        }
        let old = row(before), new = row(after)
        guard old != new else { return }
        try await add([(old, -1), (new, 1)].compactMap { key, n in key.map { ($0, n) } },
                      units: try await IndexRollups.lineage(after.receivingUnitID, on: tx), on: tx)
    }

    /// A row's holder and state with `bucket`; nil for a state this version does not know.
    static func rowKey(_ row: any SQLRow, bucket: String) throws -> Overdue.Key? {
        guard let state = DossierState(rawValue: try row.decode(column: "state", as: String.self)) else { return nil }
        return Overdue.Key(holder: OrgUnit.ID(try row.decode(column: "holder_unit_id", as: UUID.self)), state: state, bucket: bucket)
    }

    /// Adds `n` to each key's row of every unit in `units`: one multi-row UPSERT.
    static func add(_ deltas: [(Overdue.Key, Int)], units: [UUID], on tx: any Database) async throws {
        let rows: [(key: [WriteBatch.Value], sums: [String: Int64])] = units.flatMap { unit in
            deltas.map { key, n in ([unit, key.holder.rawValue, key.state.rawValue, key.bucket], ["n": Int64(n)]) }
        }
        try await WriteBatch.add(into: table, keys: ["unit_id", "holder_unit_id", "state", "bucket"], rows: rows, on: tx)
    }

    /// The dossiers running under `root` now, whatever their due day (`/metrics`).
    public static func openTotal(root: OrgUnit.ID, on db: any Database) async throws -> Int {
        let row = try await db.sql.select().column(SQLRaw("CAST(COALESCE(SUM(n), 0) AS BIGINT)"), as: "total").from(table)
            .where("unit_id", .equal, root.rawValue).first()
        return Int(try row?.decode(column: "total", as: Int64.self) ?? 0)
    }

    /// The running dossiers of `root`'s subtree overdue on `today`: by state, and the `holders` units holding
    /// the most (ties by unit id). Folds the rows that became late since the last read into the always-late
    /// row first, so the sums read at most one row per holder and state.
    public static func summary(root: OrgUnit.ID, today: LocalDate, holders: Int, on db: any Database) async throws -> Overdue.Summary {
        // The late rows through `open_steps_bucket_idx`: the bounded range keeps the root's rows of coming
        // days (most of them) out of the reads.
        let late = { (query: SQLSelectBuilder) in
            query.from(table).where("unit_id", .equal, root.rawValue)
                .where("bucket", .greaterThanOrEqual, ServiceCounters.alwaysLate).where("bucket", .lessThan, today.iso)
        }
        let unfolded = try await late(db.sql.select().column(SQLLiteral.numeric("1")))
            .where("bucket", .greaterThan, ServiceCounters.alwaysLate).limit(1).first()
        if unfolded != nil { try await fold(root: root, today: today, on: db) }
        var byState: [DossierState: Int] = [:]
        for row in try await late(db.sql.select().column("state").column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "total")).groupBy("state").all() {
            guard let state = DossierState(rawValue: try row.decode(column: "state", as: String.self)) else { continue }
            let n = Int(try row.decode(column: "total", as: Int64.self))
            if n != 0 { byState[state] = n }
        }
        var byHolder: [OrgUnit.ID: Int] = [:]
        if holders > 0 {
            let total = SQLRaw("CAST(SUM(n) AS BIGINT)")
            for row in try await late(db.sql.select().column("holder_unit_id").column(total, as: "total")).groupBy("holder_unit_id")
                .having(total, .greaterThan, SQLLiteral.numeric("0")).orderBy(SQLOrderBy(expression: total, direction: SQLDirection.descending)).orderBy("holder_unit_id").limit(holders).all() {
                byHolder[OrgUnit.ID(try row.decode(column: "holder_unit_id", as: UUID.self))] = Int(try row.decode(column: "total", as: Int64.self))
            }
        }
        return Overdue.Summary(total: byState.values.reduce(0, +), byState: byState, byHolder: byHolder)
    }

    /// Moves the root's rows of past days into its always-late rows, in one transaction: what is deleted
    /// is what is added, so a move racing with the fold is counted once either way.
    static func fold(root: OrgUnit.ID, today: LocalDate, on db: any Database) async throws {
        try await db.writeTransaction { tx in
            let deleted = try await tx.sql.delete(from: table).where("unit_id", .equal, root.rawValue)
                .where("bucket", .greaterThan, ServiceCounters.alwaysLate).where("bucket", .lessThan, today.iso)
                .returning("holder_unit_id", "state", "n").all()
            var sums: [Overdue.Key: Int] = [:]
            for row in deleted {
                guard let key = try rowKey(row, bucket: ServiceCounters.alwaysLate) else { continue }
                sums[key, default: 0] += Int(try row.decode(column: "n", as: Int64.self))
            }
            try await add(sums.filter { $0.value != 0 }.map { ($0.key, $0.value) }, units: [root.rawValue], on: tx)
        }
    }

    /// The rows the dossiers make now, for a migration or a rebuild: (unit, key) → n, keys as `move` keeps
    /// them on `today` (nil: every gauge day as it is, for a migration that does not know the app's clock).
    static func derived(on db: any Database, today: LocalDate?) async throws -> [UUID: [Overdue.Key: Int]] {
        var lineages: [UUID: [UUID]] = [:]
        for row in try await db.sql.select().columns("id", "path").from("units").all() {
            lineages[try row.decode(column: "id", as: UUID.self)] = UnitModel.lineage(ofPath: try row.decode(column: "path", as: String.self))
        }
        var result: [UUID: [Overdue.Key: Int]] = [:]
        let rows = try await db.sql.select().column("receiving_unit_id").column("holder_unit_id").column("state").column("gauge_key")
            .column(SQLRaw("COUNT(*)"), as: "n").from("dossiers").where("gauge_key", .isNot, SQLLiteral.null)
            .where("gauge_key", .notIn, [ServiceCounters.pausedOnTime, ServiceCounters.pausedLate])
            .groupBy("receiving_unit_id").groupBy("holder_unit_id").groupBy("state").groupBy("gauge_key").all()
        for row in rows {
            let day = try row.decode(column: "gauge_key", as: String.self)
            guard let key = try rowKey(row, bucket: today.map { Overdue.bucket(day, today: $0) } ?? day) else { continue }
            let receiving = try row.decode(column: "receiving_unit_id", as: UUID.self)
            let n = try row.decode(column: "n", as: Int.self)
            for unit in lineages[receiving] ?? [receiving] { result[unit, default: [:]][key, default: 0] += n }
        }
        return result
    }

    /// The roll-up as stored, with past days read as always late (as `summary` reads them).
    static func stored(on db: any Database, today: LocalDate) async throws -> [UUID: [Overdue.Key: Int]] {
        var result: [UUID: [Overdue.Key: Int]] = [:]
        for row in try await db.sql.select().columns("unit_id", "holder_unit_id", "state", "bucket", "n").from(table).all() {
            guard let key = try rowKey(row, bucket: Overdue.bucket(try row.decode(column: "bucket", as: String.self), today: today)) else { continue }
            result[try row.decode(column: "unit_id", as: UUID.self), default: [:]][key, default: 0] += Int(try row.decode(column: "n", as: Int64.self))
        }
        return result.mapValues { $0.filter { $0.value != 0 } }.filter { !$0.value.isEmpty }
    }

    /// Replaces the roll-up with `rows` (a rebuild or the migration that creates it).
    static func write(_ rows: [UUID: [Overdue.Key: Int]], on tx: any Database) async throws {
        try await tx.sql.delete(from: table).run()
        for (unit, keys) in rows {
            let deltas = keys.filter { $0.value != 0 }.map { ($0.key, $0.value) }
            for chunk in stride(from: 0, to: deltas.count, by: 200) {
                try await add(Array(deltas[chunk..<min(chunk + 200, deltas.count)]), units: [unit], on: tx)
            }
        }
    }
}
