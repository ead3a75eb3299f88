import FluentKit
import Foundation
import ParCore
import SQLKit

/// Many rows of (unit, integers) sent as one answer row (issue 22). The SQLite driver hands each row of
/// an answer to the event loop on its own, a few microseconds apiece, so a ranking's hundreds of rows
/// cost more to receive than to compute; packed by the database into one JSON array
/// (`[["unit", 1, 2, …], …]`), they arrive as one value, read here byte by byte.
/// The units a packed read is about: a list of ids, or every child of one unit — a ranking's hundreds of
/// children as one bind (`IN (SELECT id FROM units WHERE parent_id = ?)`, through `units_parent_idx`)
/// instead of one bind each (1.6 ms for 839 children on SQLite).
public enum UnitSelection: Sendable {
    case ids([UUID])
    case children(of: UUID)

    var isEmpty: Bool {
        if case .ids(let ids) = self { return ids.isEmpty }
        return false
    }
}

enum PackedRows {
    /// The rows of `inner` — `unit_id` and the integer columns `v0` … `v(width-1)` — packed and read back.
    static func read(_ inner: SQLSelectBuilder, width: Int, on db: any SQLDatabase) async throws -> [UUID: [Int64]] {
        let packed: SQLQueryString
        if db.dialect.name.contains("postgres") {
            // PostgreSQL writes the same text by concatenation: its JSON functions took 10.8 ms for a ranking's
            // 839 rows of 30 sums, this 8.0 ms (null, the sum of no rows, written as 0).
            let sums = SQLList((0..<width).map { SQLFunction("COALESCE", args: SQLColumn("v\($0)"), SQLLiteral.numeric("0")) })
            packed = "'[' || COALESCE(string_agg('[\"' || unit_id || '\",' || concat_ws(',', \(sums)) || ']', ','), '') || ']'"
        } else {
            let values = [SQLColumn("unit_id")] + (0..<width).map { SQLColumn("v\($0)") }
            packed = "CAST(json_group_array(json_array(\(SQLList(values)))) AS TEXT)"
        }
        let row = try await db.raw("SELECT \(packed) AS packed FROM (\(inner.select)) AS p").first()
        guard let row else { return [:] }
        return try unpack(try row.decode(column: "packed", as: String.self), width: width)
    }

    /// `column` is one of `ids`: on PostgreSQL one array bound once (`= ANY($1)`), which it plans in a
    /// moment however long; on SQLite the list of binds (`IN (…)`), each the id's text as SQLite stores it,
    /// written by `Hex` (a UUID bound as itself goes through its `Encodable` form and `snprintf`: 2 ms for
    /// a ranking's 839 children).
    static func among(_ column: String, _ ids: [UUID], on db: any SQLDatabase) -> any SQLExpression {
        db.dialect.name.contains("postgres")
            ? SQLQueryString("\(ident: column) = ANY(\(bind: ids))")
            : SQLBinaryExpression(SQLColumn(column), .in, SQLBind.group(ids.map(Hex.uuidString)))
    }

    /// `column` is one of `units`.
    static func among(_ column: String, _ units: UnitSelection, on db: any SQLDatabase) -> any SQLExpression {
        switch units {
        case .ids(let ids): among(column, ids, on: db)
        case .children(let parent): SQLQueryString("\(ident: column) IN (SELECT id FROM units WHERE parent_id = \(bind: parent))")
        }
    }

    /// The selected value `expression` as `v<index>`, for `read`'s inner query.
    static func value(_ index: Int, _ expression: any SQLExpression) -> SQLAlias {
        SQLAlias(expression, as: SQLIdentifier("v\(index)"))
    }

    enum Malformed: Error { case text(String) }

    /// `[["unit", n, …], …]` (whitespace anywhere between tokens; null, the sum of no rows, is 0).
    static func unpack(_ text: String, width: Int) throws -> [UUID: [Int64]] {
        var scanner = Scanner(text)
        var result: [UUID: [Int64]] = [:]
        try scanner.expect("[")
        if !scanner.take("]") {
            repeat {
                try scanner.expect("[")
                let unit = try scanner.uuid()
                var values: [Int64] = []
                values.reserveCapacity(width)
                for _ in 0..<width {
                    try scanner.expect(",")
                    values.append(try scanner.integer())
                }
                try scanner.expect("]")
                result[unit] = values
            } while scanner.take(",")
            try scanner.expect("]")
        }
        try scanner.end()
        return result
    }

    /// `[n, …]`, one row's array of sums (null is 0).
    static func integers(_ text: String) throws -> [Int64] {
        var scanner = Scanner(text)
        var result: [Int64] = []
        try scanner.expect("[")
        if !scanner.take("]") {
            repeat { result.append(try scanner.integer()) } while scanner.take(",")
            try scanner.expect("]")
        }
        try scanner.end()
        return result
    }

    /// The tokens of the JSON the database writes for these arrays, byte by byte: a ranking reads
    /// thousands of them.
    struct Scanner {
        let text: String
        let bytes: [UInt8]
        var i = 0

        init(_ text: String) {
            self.text = text
            bytes = Array(text.utf8)
        }

        func fail() -> Malformed { Malformed.text(String(text.prefix(120))) }

        mutating func skip() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        /// Takes `ascii` if it comes next (after whitespace).
        mutating func take(_ ascii: Unicode.Scalar) -> Bool {
            skip()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ascii) else { return false }
            i += 1
            return true
        }

        mutating func expect(_ ascii: Unicode.Scalar) throws {
            guard take(ascii) else { throw fail() }
        }

        mutating func end() throws {
            skip()
            guard i == bytes.count else { throw fail() }
        }

        mutating func uuid() throws -> UUID {
            try expect("\"")
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += 1 }
            guard i < bytes.count, let unit = Hex.uuid(bytes[start..<i]) else { throw fail() }
            i += 1
            return unit
        }

        mutating func integer() throws -> Int64 {
            skip()
            if bytes[i...].starts(with: "null".utf8) {
                i += 4
                return 0
            }
            let negative = take("-")
            var value: Int64 = 0, digits = 0
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
                let (times, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow else { throw fail() }
                value = times + Int64(bytes[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw fail() }
            return negative ? -value : value
        }
    }
}
