import FluentKit
import Foundation
import ParCore
import SQLKit

extension IndexRepository {
    /// The overdue open dossiers of a scope now, counted by the unit holding them and their state:
    /// the rows of the open gauge older than today (`gauge_key`, the same rows `behind(.openLate)`
    /// lists), read through `dossiers_gauge_key_idx` — only the overdue dossiers are touched.
    public func overdueCounts(_ scope: IndexScope, today: LocalDate) async throws -> [Overdue.Count] {
        let units = scope.units.map(\.rawValue)
        guard !units.isEmpty else { return [] }
        let rows = try await db.sql.select()
            .column("holder_unit_id").column("state").column(SQLRaw("COUNT(*)"), as: "n")
            .from("dossiers")
            .where("receiving_unit_id", .in, SQLBind.group(units))
            .where("gauge_key", .lessThan, SQLBind(today.iso))
            .groupBy("holder_unit_id").groupBy("state")
            .all()
        return try rows.compactMap { row in
            guard let state = DossierState(rawValue: try row.decode(column: "state", as: String.self)) else { return nil }
            return Overdue.Count(holder: OrgUnit.ID(try row.decode(column: "holder_unit_id", as: UUID.self)), state: state,
                                 count: try row.decode(column: "n", as: Int.self))
        }
    }
}
