import FluentKit
import Foundation
import SQLKit

/// Many rows of (unit, integers) sent as one answer row (issue 22). The SQLite driver hands each row of
/// an answer to the event loop on its own, a few microseconds apiece, so a ranking's hundreds of rows
/// cost more to receive than to compute; packed by the database into one JSON array
/// (`[["unit", 1, 2, …], …]`), they arrive as one value, read here byte by byte.
enum PackedRows {
    /// The rows of `inner` — `unit_id` and the integer columns `v0` … `v(width-1)` — packed and read back.
    static func read(_ inner: SQLSelectBuilder, width: Int, on db: any SQLDatabase) async throws -> [UUID: [Int64]] {
        let values = [SQLColumn("unit_id")] + (0..<width).map { SQLColumn("v\($0)") }
        let packed: SQLQueryString = db.dialect.name.contains("postgres")
            ? "CAST(COALESCE(json_agg(json_build_array(\(SQLList(values)))), '[]'::json) AS TEXT)"
            : "CAST(json_group_array(json_array(\(SQLList(values)))) AS TEXT)"
        let row = try await db.raw("SELECT \(packed) AS packed FROM (\(inner.select)) AS p").first()
        guard let row else { return [:] }
        return try unpack(try row.decode(column: "packed", as: String.self), width: width)
    }

    /// `column` is one of `ids`: on PostgreSQL one array bound once (`= ANY($1)`), which it plans in a
    /// moment however long; on SQLite the list of binds (`IN (…)`).
    static func among(_ column: String, _ ids: [UUID], on db: any SQLDatabase) -> any SQLExpression {
        db.dialect.name.contains("postgres")
            ? SQLQueryString("\(ident: column) = ANY(\(bind: ids))")
            : SQLBinaryExpression(SQLColumn(column), .in, SQLBind.group(ids))
    }

    /// The selected value `expression` as `v<index>`, for `read`'s inner query.
    static func value(_ index: Int, _ expression: any SQLExpression) -> SQLAlias {
        SQLAlias(expression, as: SQLIdentifier("v\(index)"))
    }

    enum Malformed: Error { case text(String) }

    /// `[["unit", n, …], …]` (whitespace anywhere between tokens; null, the sum of no rows, is 0).
    static func unpack(_ text: String, width: Int) throws -> [UUID: [Int64]] {
        let bytes = Array(text.utf8)
        var i = 0, result: [UUID: [Int64]] = [:]
        func fail() -> Malformed { Malformed.text(String(text.prefix(120))) }
        func skip() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        func expect(_ ascii: Unicode.Scalar) throws {
            skip()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ascii) else { throw fail() }
            i += 1
        }
        func peek(_ ascii: Unicode.Scalar) -> Bool { skip(); return i < bytes.count && bytes[i] == UInt8(ascii: ascii) }
        func integer() throws -> Int64 {
            skip()
            if bytes[i...].starts(with: "null".utf8) { i += 4; return 0 }
            let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
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
        try expect("[")
        if peek("]") { i += 1 } else {
            repeat {
                try expect("[")
                try expect("\"")
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += 1 }
                guard i < bytes.count, let unit = UUID(uuidString: String(decoding: bytes[start..<i], as: UTF8.self)) else { throw fail() }
                i += 1
                var values: [Int64] = []
                values.reserveCapacity(width)
                for _ in 0..<width {
                    try expect(",")
                    values.append(try integer())
                }
                try expect("]")
                result[unit] = values
            } while peek(",") && { i += 1; return true }()
            try expect("]")
        }
        skip()
        guard i == bytes.count else { throw fail() }
        return result
    }
}
