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
    public static func totals(units: [OrgUnit.ID], from: LocalDate, through: LocalDate,
                              on db: any Database) async throws -> [DossierChannel: [ServiceMetric: Int]] {
        guard !units.isEmpty else { return [:] }
        let rows = try await db.sql.select()
            .column("channel").column("metric").column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "total")
            .from("service_counters")
            .where("unit_id", .in, units.map(\.rawValue))
            .where("day", .greaterThanOrEqual, from.iso).where("day", .lessThanOrEqual, through.iso)
            .groupBy("channel").groupBy("metric")
            .all()
        var result: [DossierChannel: [ServiceMetric: Int]] = [:]
        for row in rows {
            guard let channel = DossierChannel(rawValue: try row.decode(column: "channel", as: String.self)),
                  let metric = ServiceMetric(rawValue: try row.decode(column: "metric", as: String.self)) else { continue }
            result[channel, default: [:]][metric, default: 0] += Int(try row.decode(column: "total", as: Int64.self))
        }
        return result
    }
}
