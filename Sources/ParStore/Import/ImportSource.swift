import Foundation
import ParCore

/// An import file as it arrives: a JSON document, or a table whose first row names the columns —
/// CSV (UTF-8, a byte-order mark allowed) or the first sheet of an XLSX workbook. Text is NFC.
/// The unit, procedure and people imports all read their files through it, so each takes all three.
enum ImportSource {
    case json(Data)
    case table(ImportTable)

    static func read(_ data: Data) throws(DomainError) -> ImportSource {
        if XLSXReader.isWorkbook(data) { return .table(ImportTable(try XLSXReader.rows(data))) }
        let text = String(decoding: data, as: UTF8.self).precomposedStringWithCanonicalMapping
        let trimmed = text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" })
        if trimmed.first == "{" { return .json(Data(trimmed.utf8)) }
        return .table(ImportTable(CSV.rows(String(trimmed))))
    }

    /// Decodes a JSON import file, a decoding failure as a 422 naming what was wrong.
    static func decode<File: Decodable>(_ type: File.Type, from json: Data) throws(DomainError) -> File {
        do {
            return try JSONDecoder().decode(type, from: json)
        } catch let error as DomainError {
            throw error
        } catch {
            throw .invalid("Tệp JSON không đọc được: \(error)", english: "The JSON file could not be read: \(error)")
        }
    }
}

/// A table's header and its non-blank rows.
struct ImportTable {
    var header: [String]
    var rows: [[String]]

    init(_ lines: [[String]]) {
        header = lines.first?.map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        rows = lines.dropFirst().filter { !$0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    /// Refuses a table whose header lacks one of `columns`, naming them.
    func require(_ columns: [String], also: [String] = []) throws(DomainError) {
        guard Set(columns).isSubset(of: header) else {
            let named = columns.joined(separator: ",") + (also.isEmpty ? "" : " (+ " + also.joined(separator: ",") + ")")
            throw .invalid("Dòng tiêu đề (dòng đầu của CSV hoặc của trang tính XLSX) phải có các cột \(named).",
                           english: "The header row (the first line of the CSV or of the XLSX sheet) must have the columns \(named).")
        }
    }

    /// The trimmed cell of `row` under the column `name`, "" when absent.
    func cell(_ row: [String], _ name: String) -> String {
        guard let index = header.firstIndex(of: name), index < row.count else { return "" }
        return row[index].trimmingCharacters(in: .whitespaces)
    }

    /// As `cell`, nil when empty.
    func optional(_ row: [String], _ name: String) -> String? {
        let value = cell(row, name)
        return value.isEmpty ? nil : value
    }
}
