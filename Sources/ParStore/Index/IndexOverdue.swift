import FluentKit
import Foundation
import ParCore
import SQLKit

extension IndexRepository {
    /// The overdue open dossiers of a scope now, by step and the `holders` units holding the most, from the
    /// root's overdue roll-up (`OverdueRollups`): as many as the open gauge counts late.
    public func overdueSummary(_ scope: IndexScope, today: LocalDate, holders: Int) async throws -> Overdue.Summary {
        try await OverdueRollups.summary(root: scope.root, today: today, holders: holders, on: db)
    }
}

extension IndexRepository {
    /// The scope's longest overdue dossiers now, earliest appointment first (then those overdue for a
    /// second supplement request, whose appointment may not have come). The root's open gauge
    /// (`open_rollups`, a row per due day) names the earliest late days that hold `limit` dossiers; only
    /// those days' dossiers are read, through `dossiers_gauge_key_idx`, whatever the number overdue.
    public func longestOverdue(_ scope: IndexScope, today: LocalDate, limit: Int) async throws -> [Dossier] {
        let units = scope.units.map(\.rawValue)
        guard !units.isEmpty, limit > 0 else { return [] }
        var days: [String] = []
        var covered = 0
        // The units' own gauge rows (`open_counters`), which keep every due day: the subtree's roll-up
        // (`open_rollups`) has its past days folded into the always-late row each night (`IndexSettle`).
        // A day with a positive sum holds a dossier, so `limit` days are enough; read in due-day order
        // through `open_counters_due_idx` for a wide scope (the province stops after its first late
        // days), through the unit index for a narrow one.
        let total = SQLRaw("CAST(SUM(n) AS BIGINT)")
        let rows = try await db.sql.select().column("due_day").column(total, as: "n").from("open_counters")
            .where(PackedRows.among("unit_id", units, on: try db.sql)).where("due_day", .greaterThan, ServiceCounters.alwaysLate)
            .where("due_day", .lessThan, today.iso).groupBy("due_day").having(total, .greaterThan, SQLLiteral.numeric("0"))
            .orderBy("due_day").limit(limit).all()
        for row in rows where covered < limit {
            days.append(try row.decode(column: "due_day", as: String.self))
            covered += Int(try row.decode(column: "n", as: Int64.self))
        }
        func read(_ keys: [String], _ n: Int) async throws -> [Dossier] {
            guard !keys.isEmpty, n > 0 else { return [] }
            return try await db.sql.select().column("data").column("version").from("dossiers")
                .where(PackedRows.among("receiving_unit_id", units, on: try db.sql)).where("gauge_key", .in, SQLBind.group(keys))
                .orderBy("due_at").orderBy("code").limit(n).all().map(DossierModel.decode)
        }
        let dated = try await read(days, limit)
        return dated + (try await read([ServiceCounters.alwaysLate], limit - dated.count))
    }
}
