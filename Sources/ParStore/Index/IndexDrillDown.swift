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
                 .feedbackReceived, .feedbackOverdue, .feedbackUnsatisfactory:
                return nil
            case .openOnTime, .openLate, .openPaused, .openPausedLate:
                // The gauge row each open dossier sits in, read as the gauge reads it (`OpenCounterStore.openSums`).
                let key = SQLColumn("gauge_key", table: "d"), paused = [ServiceCounters.pausedOnTime, ServiceCounters.pausedLate]
                var q = sql.select().from(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")))
                    .where(SQLColumn("receiving_unit_id", table: "d"), .in, SQLBind.group(units))
                switch fact {
                case .openPaused: q = q.where(key, .equal, SQLBind(ServiceCounters.pausedOnTime))
                case .openPausedLate: q = q.where(key, .equal, SQLBind(ServiceCounters.pausedLate))
                case .openLate: q = q.where(key, .lessThan, SQLBind(today.iso))
                default: q = q.where(key, .greaterThanOrEqual, SQLBind(today.iso)).where(key, .notIn, SQLBind.group(paused))
                }
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
                 .feedbackReceived, .feedbackOverdue, .feedbackUnsatisfactory:
            return nil
        case .openOnTime, .openLate, .openPaused, .openPausedLate:
            // The dossiers open now are listed; those open at the end of a past period are counted
            // from the gauge's history, which names no dossier.
            if through < today { return nil }
        default: break
        }
        guard let (counting, _) = make(), let (listing, atColumn) = make() else { return nil }
        let total = try await counting.column(SQLRaw("COUNT(*)"), as: "n").first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await listing.column(SQLColumn("data", table: "d")).column(SQLColumn("version", table: "d"))
            .column(SQLRaw(atColumn), as: "drill_at")
            .orderBy(SQLRaw(atColumn)).limit(limit).all()
        let what = fact.rawValue
        return (try rows.map { row in
            DrillRow(dossier: try DossierModel.decode(row), at: try row.decode(column: "drill_at", as: Date.self), what: what)
        }, total)
    }
}
