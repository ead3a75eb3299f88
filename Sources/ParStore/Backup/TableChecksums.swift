import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// One table's fingerprint: its row count and a SHA-256 over its rows in primary-key order.
public struct TableChecksum: Sendable, Equatable, CustomStringConvertible {
    public let table: String
    public let rows: Int
    public let sha256: String

    public var description: String { "\(table) \(rows) \(sha256)" }
}

/// Fingerprints every table of a database, to prove that a restore brought back exactly
/// what the backup held. Each row is rendered as text by the database itself (SQLite's
/// `quote()` of each column, PostgreSQL's row-to-text cast), so the fingerprint is stable
/// for one database and one dialect; SQLite and PostgreSQL need not agree.
public enum TableChecksums {
    /// Every base table in name order (SQLite's own `sqlite_*` tables left out).
    public static func compute(on db: any Database) async throws -> [TableChecksum] {
        let sql = try db.sql
        var result: [TableChecksum] = []
        for table in try await tables(sql, SQLDialectKind(db)) {
            let rows = try await sql.raw(try rowQuery(table, sql, SQLDialectKind(db))).all()
            var hash = SHA256()
            for row in rows {
                hash.update(data: Data(try row.decode(column: "r", as: String.self).utf8))
                hash.update(data: Data([0x0A]))
            }
            result.append(TableChecksum(table: table, rows: rows.count,
                                        sha256: Hex.string(hash.finalize())))
        }
        return result
    }

    static func tables(_ sql: any SQLDatabase, _ dialect: SQLDialectKind) async throws -> [String] {
        let query: SQLQueryString = switch dialect {
        case .sqlite:
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        case .postgres:
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
        return try await sql.raw(query).all().map { try $0.decode(column: "t", as: String.self) }
    }

    /// `SELECT <row as text> AS r FROM table ORDER BY <primary key, else every column>`.
    static func rowQuery(_ table: String, _ sql: any SQLDatabase, _ dialect: SQLDialectKind) async throws -> SQLQueryString {
        let name = quoted(table)
        switch dialect {
        case .sqlite:
            let columns = try await sql.raw("SELECT name, pk FROM pragma_table_info(\(bind: table)) ORDER BY cid").all()
                .map { (name: try $0.decode(column: "name", as: String.self), pk: try $0.decode(column: "pk", as: Int.self)) }
            let text = columns.map { "quote(\(quoted($0.name)))" }.joined(separator: " || '|' || ")
            let key = columns.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map { quoted($0.name) }
            let order = (key.isEmpty ? columns.map { quoted($0.name) } : key).joined(separator: ", ")
            return "SELECT \(unsafeRaw: text.isEmpty ? "''" : text) AS r FROM \(unsafeRaw: name) ORDER BY \(unsafeRaw: order.isEmpty ? "1" : order)"
        case .postgres:
            let key = try await sql.raw("""
                SELECT a.attname::text AS name FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = \(bind: name)::regclass AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """).all().map { quoted(try $0.decode(column: "name", as: String.self)) }
            let order = key.isEmpty ? "t::text" : key.map { "t.\($0)" }.joined(separator: ", ")
            return "SELECT t::text AS r FROM \(unsafeRaw: name) AS t ORDER BY \(unsafeRaw: order)"
        }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
