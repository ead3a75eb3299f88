import Foundation
import Vapor

/// A table as a download: CSV (UTF-8 with a byte-order mark so spreadsheet programs read
/// Vietnamese, CRLF lines) or XLSX. Every report and list export goes through here.
enum TableExport {
    static func csv(_ rows: [[String]], name: String) -> Response {
        let text = rows.map { $0.map(CSVText.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Download.response(Data(("\u{FEFF}" + text).utf8), type: "text/csv; charset=utf-8", name: name)
    }

    /// With `numbers`, a cell below the header row and right of the first column becomes a
    /// number when it reads as one.
    static func xlsx(_ rows: [[String]], sheet: String, name: String, numbers: Bool = false) -> Response {
        let cells: [[XLSXWriter.Cell]] = rows.enumerated().map { r, line in
            line.enumerated().map { c, cell in
                numbers && r > 0 && c > 0 ? Double(cell).map(XLSXWriter.Cell.number) ?? .text(cell) : .text(cell)
            }
        }
        return Download.response(XLSXWriter(sheetName: sheet, rows: cells).data(),
                                     type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name: name)
    }
}
