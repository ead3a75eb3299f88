import FluentKit
import Foundation
import ParCore
import SQLKit

/// One row behind a number: the dossier and the moment that made it count.
public struct DrillRow: Sendable, Equatable {
    public var dossier: Dossier
    public var at: Date
    public var what: String
}

extension IndexRepository {
    /// The rows that make `fact` for the scope and period — exactly as many as the counter
    /// holds (events carry the metrics they added; files and open dossiers are read as the
    /// gauges count them). Catalogue facts have no dossiers: nil.
    public func behind(_ fact: IndexFact, scope: IndexScope, from: LocalDate, through: LocalDate, today: LocalDate,
                       procedure: Procedure.ID? = nil, limit: Int = 500) async throws -> (rows: [DrillRow], total: Int)? {
        let start = VietnamTime.instant(from, .midnight), end = VietnamTime.instant(through, .endOfDay)
        let units = scope.units.map(\.rawValue)
        guard !units.isEmpty else { return ([], 0) }
        let sql = try db.sql
        /// A fresh query each time: one counts, one lists.
        func make() -> (SQLSelectBuilder, String)? {
            let query: SQLSelectBuilder
            let atColumn: String
            switch fact {
            case .procedures, .proceduresOnline, .proceduresFullOnline, .proceduresComplete, .payments, .paymentsOnline, .negativeRatings, .ratings,
                 .feedbackReceived, .feedbackOverdue:
                return nil
            case .openOnTime, .openLate, .openPaused:
                let startOfToday = VietnamTime.instant(today, .midnight)
                var q = sql.select().from(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")))
                    .where(SQLColumn("receiving_unit_id", table: "d"), .in, SQLBind.group(units))
                    .where(SQLColumn("state", table: "d"), .in, SQLBind.group(fact == .openPaused
                        ? [DossierState.supplementRequested.rawValue]
                        : [DossierState.submitted, .received, .inProcess, .awaitingPayment].map(\.rawValue)))
                if fact == .openOnTime { q = q.where(SQLColumn("due_at", table: "d"), .greaterThanOrEqual, SQLBind(startOfToday)) }
                if fact == .openLate { q = q.where(SQLColumn("due_at", table: "d"), .lessThan, SQLBind(startOfToday)) }
                query = q
                atColumn = "d.due_at"
            case .componentsDigitised, .componentsReused, .resultsDigitised:
                var q = sql.select().from(SQLAlias(SQLIdentifier("dossier_files"), as: SQLIdentifier("f")))
                    .join(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")), on: SQLColumn("dossier_id", table: "f"), .equal, SQLColumn("id", table: "d"))
                    .where(SQLColumn("receiving_unit_id", table: "d"), .in, SQLBind.group(units))
                    .where(SQLColumn("uploaded_at", table: "f"), .greaterThanOrEqual, SQLBind(start))
                    .where(SQLColumn("uploaded_at", table: "f"), .lessThan, SQLBind(end))
                switch fact {
                case .componentsReused: q = q.where(SQLColumn("reused_from", table: "f"), .isNot, SQLLiteral.null)
                default:
                    q = q.where(SQLColumn("reused_from", table: "f"), .is, SQLLiteral.null)
                        .where(SQLColumn("digitised", table: "f"), .equal, SQLBind(true))
                        .where(SQLColumn("kind", table: "f"), .equal, SQLBind(fact == .resultsDigitised ? "result" : "component"))
                }
                query = q
                atColumn = "f.uploaded_at"
            default:
                let metric: ServiceMetric = fact.metric ?? .received
                var q = sql.select().from(SQLAlias(SQLIdentifier("dossier_events"), as: SQLIdentifier("e")))
                    .join(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")), on: SQLColumn("dossier_id", table: "e"), .equal, SQLColumn("id", table: "d"))
                    .where(SQLColumn("receiving_unit_id", table: "d"), .in, SQLBind.group(units))
                    .where(SQLColumn("at", table: "e"), .greaterThanOrEqual, SQLBind(start))
                    .where(SQLColumn("at", table: "e"), .lessThan, SQLBind(end))
                    .where(SQLColumn("metrics", table: "e"), .like, SQLBind("%,\(metric.rawValue),%"))
                let channel: DossierChannel? = switch fact {
                case .receivedOnline: .online
                case .receivedCounter: .counter
                case .receivedPost: .post
                default: nil
                }
                if let channel { q = q.where(SQLColumn("channel", table: "d"), .equal, SQLBind(channel.rawValue)) }
                query = q
                atColumn = "e.at"
            }
            if let procedure { _ = query.where(SQLColumn("procedure_id", table: "d"), .equal, SQLBind(procedure.rawValue)) }
            return (query, atColumn)
        }
        switch fact {
        case .procedures, .proceduresOnline, .proceduresFullOnline, .proceduresComplete, .payments, .paymentsOnline, .negativeRatings, .ratings,
                 .feedbackReceived, .feedbackOverdue:
            return nil
        case .openOnTime, .openLate, .openPaused:
            // Open dossiers are measured now, so only a period that reaches today has them.
            if through < today { return ([], 0) }
        default: break
        }
        guard let (counting, _) = make(), let (listing, atColumn) = make() else { return nil }
        let total = try await counting.column(SQLRaw("COUNT(*)"), as: "n").first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await listing.column(SQLColumn("data", table: "d")).column(SQLColumn("version", table: "d"))
            .column(SQLRaw(atColumn), as: "drill_at")
            .orderBy(SQLRaw(atColumn)).limit(limit).all()
        let what = fact.rawValue
        return (try rows.map { row in
            var dossier = try StoredJSON.decode(Dossier.self, from: try row.decode(column: "data", as: String.self))
            dossier.version = try row.decode(column: "version", as: Int.self)
            return DrillRow(dossier: dossier, at: try row.decode(column: "drill_at", as: Date.self), what: what)
        }, total)
    }
}
