import FluentKit
import Foundation
import NIOConcurrencyHelpers
import ParCore
import SQLKit

/// Rows appended and counters added to by a write transaction, written now or, while a `WriteBatch`
/// is bound (`WriteBatch.deferring`), at the end of the transaction as one multi-row statement per table.
/// Group commit binds one around the transaction of several intakes (`IntakeQueue`): their dossier,
/// timeline, audit and step rows become one `INSERT` per table, and their roll-ups one `UPSERT` per table
/// with the increments of the same row summed.
///
/// Only writes nothing in the transaction reads back may be deferred: appended rows (the transaction
/// does not read them) and additive counters (`n = n + delta`, read by no write). Statements that read
/// (the dossier code's counter, a reused file) run at once; `flush` first writes what is pending, so a
/// row that references a deferred one finds it.
public final class WriteBatch: Sendable {
    public typealias Value = any Encodable & Sendable

    /// The batch writes of the current task are collected in; nil: written at once.
    @TaskLocal static var current: WriteBatch?

    /// Rows of one table and column list.
    private struct Appended {
        var columns: [String]
        var rows: [[Value]] = []
    }

    /// Counter rows of one table: increments summed per key.
    private struct Counters {
        var keys: [String]
        var rows: [String: (key: [Value], sums: [String: Int64])] = [:]
    }

    private enum Pending {
        case appended(table: String, Appended)
        case counters(table: String, Counters)
    }

    private let pending = NIOLockedValueBox<[Pending]>([])

    init() {}

    /// Runs `body` with writes deferred to this batch; the caller flushes it (in the same transaction).
    func deferring<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        try await Self.$current.withValue(self) { try await body() }
    }

    /// Appends rows to `table`: now, or in the current batch.
    static func append(into table: String, columns: [String], rows: [[Value]], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        if let current {
            current.pending.withLockedValue { pending in
                if let index = pending.firstIndex(where: { if case .appended(table, let known) = $0 { known.columns == columns } else { false } }),
                   case .appended(_, var appended) = pending[index] {
                    appended.rows += rows
                    pending[index] = .appended(table: table, appended)
                } else {
                    pending.append(.appended(table: table, Appended(columns: columns, rows: rows)))
                }
            }
            return
        }
        try await write(.appended(table: table, Appended(columns: columns, rows: rows)), on: db.sql)
    }

    /// Adds each row's `sums` (column → increment) to the row of `table` whose `keys` columns hold `key`,
    /// inserting it if missing: now, or in the current batch. Rows of the same key are summed first.
    static func add(into table: String, keys: [String], rows: [(key: [Value], sums: [String: Int64])], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        func merged(into counters: inout Counters) {
            for row in rows {
                // Ids through `Hex` (a UUID's own description goes through `snprintf`: a share of every intake).
                let id = row.key.map { ($0 as? UUID).map(Hex.uuidString) ?? "\($0)" }.joined(separator: "\u{1F}")
                if var known = counters.rows[id] {
                    for (column, n) in row.sums { known.sums[column, default: 0] += n }
                    counters.rows[id] = known
                } else {
                    counters.rows[id] = row
                }
            }
        }
        if let current {
            current.pending.withLockedValue { pending in
                if let index = pending.firstIndex(where: { if case .counters(table, _) = $0 { true } else { false } }),
                   case .counters(_, var counters) = pending[index], counters.keys == keys {
                    merged(into: &counters)
                    pending[index] = .counters(table: table, counters)
                } else {
                    var counters = Counters(keys: keys)
                    merged(into: &counters)
                    pending.append(.counters(table: table, counters))
                }
            }
            return
        }
        var counters = Counters(keys: keys)
        merged(into: &counters)
        try await write(.counters(table: table, counters), on: db.sql)
    }

    /// Writes what is pending, each table's rows when the table was first deferred to: rows that reference
    /// another table's must be deferred after that table's first (as an intake writes its dossier first).
    /// On PostgreSQL the statements are sent as one (data-modifying `WITH`: one round trip for a batch of
    /// intakes; its foreign keys are checked at the end of that statement); on SQLite one by one.
    func flush(on db: any Database) async throws {
        let writes = pending.withLockedValue { pending in
            defer { pending = [] }
            return pending
        }
        let sql = try db.sql, statements = writes.flatMap(Self.statements)
        guard SQLDialectKind(db) == .postgres else {
            for statement in statements { try await sql.raw(statement.query).run() }
            return
        }
        var group: [SQLQueryString] = [], binds = 0
        for statement in statements {
            if binds + statement.binds > Self.maxCombinedBinds, !group.isEmpty {
                try await sql.raw(Self.combined(group)).run()
                (group, binds) = ([], 0)
            }
            group.append(statement.query)
            binds += statement.binds
        }
        if !group.isEmpty { try await sql.raw(Self.combined(group)).run() }
    }

    /// Binds per statement at most: far below SQLite's and PostgreSQL's limits.
    static let maxBinds = 8_000
    /// Binds per combined PostgreSQL statement at most (its limit is 65,535).
    static let maxCombinedBinds = 40_000

    /// `WITH w0 AS (first), w1 AS (second) … last`: PostgreSQL runs every part once, in one statement.
    private static func combined(_ parts: [SQLQueryString]) -> SQLQueryString {
        guard parts.count > 1, let last = parts.last else { return parts[0] }
        var query = SQLQueryString("WITH ")
        for (index, part) in parts.dropLast().enumerated() {
            query.appendLiteral(index == 0 ? "w0 AS (" : ", w\(index) AS (")
            query.appendInterpolation(part)
            query.appendLiteral(")")
        }
        query.appendLiteral(" ")
        query.appendInterpolation(last)
        return query
    }

    private static func write(_ write: Pending, on sql: any SQLDatabase) async throws {
        for statement in statements(write) { try await sql.raw(statement.query).run() }
    }

    /// The statements of one pending write, with their numbers of binds.
    private static func statements(_ write: Pending) -> [(query: SQLQueryString, binds: Int)] {
        switch write {
        case .appended(let table, let appended):
            let size = max(1, maxBinds / max(1, appended.columns.count))
            return stride(from: 0, to: appended.rows.count, by: size).map { start in
                let rows = appended.rows[start..<min(start + size, appended.rows.count)]
                return (insert(into: table, columns: appended.columns, rows: rows), rows.count * appended.columns.count)
            }
        case .counters(let table, let counters):
            // Sorted by key: transactions of several instances lock the shared rows in one order.
            let rows = counters.rows.sorted { $0.key < $1.key }.map(\.value)
            let sums = Array(Set(rows.flatMap(\.sums.keys))).sorted()
            guard !sums.isEmpty else { return [] }
            let width = counters.keys.count + sums.count, size = max(1, maxBinds / width)
            return stride(from: 0, to: rows.count, by: size).map { start in
                let chunk = rows[start..<min(start + size, rows.count)]
                var query = insert(into: table, columns: counters.keys + sums,
                                   rows: chunk.map { row in row.key + sums.map { Int64(row.sums[$0] ?? 0) as Value } })
                query.appendLiteral(" ON CONFLICT (\(counters.keys.joined(separator: ", "))) DO UPDATE SET ")
                query.appendLiteral(sums.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", "))
                return (query, chunk.count * width)
            }
        }
    }

    /// `INSERT INTO table (columns) VALUES (…), (…)` as text with binds (names are the store's own).
    private static func insert(into table: String, columns: [String], rows: some Collection<[Value]>) -> SQLQueryString {
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        var query = SQLQueryString(head)
        for (index, row) in rows.enumerated() {
            query.appendLiteral(index == 0 ? "(" : ", (")
            query.appendInterpolation(binds: row)
            query.appendLiteral(")")
        }
        return query
    }
}
