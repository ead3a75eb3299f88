import FluentKit
import Foundation
import ParCore
import SQLKit

/// The incremental export of dossier status changes for the National Public Service Portal.
///
/// Events are read in (time, dossier, sequence) order after the caller's cursor. Only events
/// older than `settle` seconds are exported: a transaction that stamped its event earlier but
/// commits later (another instance) then still lands behind the cursor instead of being
/// skipped. The same cursor always yields the same records; the next cursor resumes after
/// the last record returned.
public struct PortalExportRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func records(after cursor: PortalCursor, limit: Int, settledBefore: Date) async throws -> (records: [PortalRecord], next: PortalCursor) {
        let limit = max(1, min(limit, 1000))
        // The SQL window starts a millisecond before the cursor (instants round-trip through
        // each database's own precision); the exact cut is made on the cursor's microseconds.
        var windowStart = Date(timeIntervalSince1970: Double(cursor.micros) / 1_000_000 - 0.001)
        var result: [PortalRecord] = []
        var last = cursor
        while result.count < limit {
            let batch = limit * 2 + 50
            let rows = try await db.sql.select()
                .column(SQLColumn("dossier_id", table: "e")).column(SQLColumn("seq", table: "e")).column(SQLColumn("name", table: "e"))
                .column(SQLColumn("at", table: "e")).column(SQLColumn("to_state", table: "e"))
                .column(SQLColumn("code", table: "d"), as: "dossier_code").column(SQLColumn("channel", table: "d"))
                .column(SQLColumn("received_at", table: "d")).column(SQLColumn("due_at", table: "d"))
                .column(SQLColumn("code", table: "p"), as: "procedure_code").column(SQLColumn("code", table: "u"), as: "unit_code")
                .from(SQLAlias(SQLIdentifier("dossier_events"), as: SQLIdentifier("e")))
                .join(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")), on: SQLColumn("dossier_id", table: "e"), .equal, SQLColumn("id", table: "d"))
                .join(SQLAlias(SQLIdentifier("procedures"), as: SQLIdentifier("p")), on: SQLColumn("procedure_id", table: "d"), .equal, SQLColumn("id", table: "p"))
                .join(SQLAlias(SQLIdentifier("units"), as: SQLIdentifier("u")), on: SQLColumn("receiving_unit_id", table: "d"), .equal, SQLColumn("id", table: "u"))
                .where(SQLColumn("at", table: "e"), .greaterThanOrEqual, SQLBind(windowStart))
                .where(SQLColumn("at", table: "e"), .lessThan, SQLBind(settledBefore))
                .orderBy(SQLColumn("at", table: "e")).orderBy(SQLColumn("dossier_id", table: "e")).orderBy(SQLColumn("seq", table: "e"))
                .limit(batch).all()
            var candidates: [(PortalCursor, PortalRecord)] = []
            for row in rows {
                let at = try row.decode(column: "at", as: Date.self)
                let dossierID = try row.decode(column: "dossier_id", as: UUID.self)
                let seq = try row.decode(column: "seq", as: Int.self)
                let position = PortalCursor(at: at, dossierID: dossierID, seq: seq)
                guard position > last, let state = DossierState(rawValue: try row.decode(column: "to_state", as: String.self)),
                      let channel = DossierChannel(rawValue: try row.decode(column: "channel", as: String.self)) else { continue }
                candidates.append((position, PortalRecord(
                    cursor: position.token, dossierCode: try row.decode(column: "dossier_code", as: String.self),
                    procedureCode: try row.decode(column: "procedure_code", as: String.self), unitCode: try row.decode(column: "unit_code", as: String.self),
                    channelCode: channel.nationalCode, statusCode: state.nationalStatus, event: try row.decode(column: "name", as: String.self),
                    eventSeq: seq, at: at, receivedAt: try row.decode(column: "received_at", as: Date.self), dueAt: try row.decode(column: "due_at", as: Date.self))))
            }
            // The database orders UUIDs as bytes, the cursor as lower-case text: the same order, made sure of here.
            candidates.sort { $0.0 < $1.0 }
            for (position, record) in candidates.prefix(limit - result.count) {
                result.append(record)
                last = position
            }
            guard rows.count == batch, let lastRow = rows.last else { break }
            // A full batch: move the window on (past this batch's first instant) and read again.
            let lastAt = try lastRow.decode(column: "at", as: Date.self)
            if lastAt.timeIntervalSince(windowStart) <= 0.002 { break }   // more than a batch within one millisecond: stop here, resume next call
            windowStart = lastAt.addingTimeInterval(-0.001)
        }
        return (result, last)
    }
}
