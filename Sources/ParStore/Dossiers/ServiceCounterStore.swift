import FluentKit
import Foundation
import ParCore
import SQLKit

/// The Decision 766 counters (`service_counters`), added to inside the transaction of
/// the dossier event that changes them. One UPSERT per metric: the same statement on
/// SQLite and PostgreSQL, safe when several instances add at once.
public enum ServiceCounterStore {
    static func add(_ deltas: [ServiceMetric: Int], for dossier: Dossier, at now: Date, on tx: any Database) async throws {
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

/// The open-dossier gauge (`open_counters`): how many dossiers of a unit, procedure and
/// channel are open and due on each day (or paused). A dossier moves between rows when its
/// appointment or state changes, in the transaction of the event, so "in process on time /
/// late / paused" is read without touching the dossier table.
public enum OpenCounterStore {
    static func move(from before: Dossier?, to after: Dossier, on tx: any Database) async throws {
        let old = before.flatMap(ServiceCounters.openKey), new = ServiceCounters.openKey(after)
        guard old != new else { return }
        if let old, let before { try await add(-1, key: old, for: before, on: tx) }
        if let new { try await add(1, key: new, for: after, on: tx) }
    }

    static func add(_ delta: Int, key: String, for dossier: Dossier, on tx: any Database) async throws {
        try await tx.sql.raw("""
            INSERT INTO open_counters (unit_id, procedure_id, channel, due_day, n)
            VALUES (\(bind: dossier.receivingUnitID.rawValue), \(bind: dossier.procedureID.rawValue), \(bind: dossier.channel.rawValue), \
            \(bind: key), \(bind: Int64(delta)))
            ON CONFLICT (unit_id, procedure_id, channel, due_day) DO UPDATE SET n = open_counters.n + \(bind: Int64(delta))
            """).run()
    }

    /// Open dossiers of the units now: on time (due today or later), late, paused.
    public static func current(units: [OrgUnit.ID], today: LocalDate, procedure: Procedure.ID? = nil,
                               on db: any Database) async throws -> (onTime: Int, late: Int, paused: Int) {
        guard !units.isEmpty else { return (0, 0, 0) }
        var query = try db.sql.select()
            .column(SQLQueryString("CASE WHEN due_day = 'paused' THEN 'paused' WHEN due_day < \(bind: today.iso) THEN 'late' ELSE 'on_time' END"), as: "bucket")
            .column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "total")
            .from("open_counters").where("unit_id", .in, units.map(\.rawValue))
        if let procedure { query = query.where("procedure_id", .equal, procedure.rawValue) }
        let rows = try await query.groupBy(SQLRaw("1")).all()
        var result = (onTime: 0, late: 0, paused: 0)
        for row in rows {
            let total = Int(try row.decode(column: "total", as: Int64.self))
            switch try row.decode(column: "bucket", as: String.self) {
            case "paused": result.paused += total
            case "late": result.late += total
            default: result.onTime += total
            }
        }
        return result
    }
}
