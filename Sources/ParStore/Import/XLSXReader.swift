import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ParCore
import ZIPFoundation

/// Reads the first worksheet of an Office Open XML workbook (.xlsx, as Excel, LibreOffice or
/// Google Sheets save it) into rows of text, so an import takes a spreadsheet wherever it takes CSV.
///
/// Read: shared and inline strings (rich-text runs joined, phonetic runs left out), numbers,
/// booleans (`true`/`false`), cached results of formulas, and dates — a number in a date format
/// becomes `yyyy-MM-dd` (the 1900 and 1904 date systems). Formatting, formulas themselves and every
/// sheet but the first are ignored. Rows with no cell are left out, as blank CSV lines are.
/// A workbook whose parts would inflate beyond `inflateLimit` is refused, not expanded; so is a
/// sheet wider than `maxColumns` or longer than `maxRows`.
enum XLSXReader {
    /// Every ZIP archive, and so every workbook, starts with a local file header.
    static func isWorkbook(_ data: Data) -> Bool { data.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// The most bytes inflated from one workbook's parts together.
    static let inflateLimit = 64 << 20
    /// Beyond these a sheet is refused: no import has more than a few dozen columns, and a cell
    /// placed far to the right would otherwise make every row that wide in memory.
    static let maxColumns = 100
    static let maxRows = 100_000

    static func rows(_ data: Data, inflateLimit: Int = inflateLimit) throws(DomainError) -> [[String]] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw unreadable }
        var budget = inflateLimit
        func part(_ path: String) throws(DomainError) -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize <= UInt64(budget) else { throw tooLarge }
            var bytes = Data()
            do {
                _ = try archive.extract(entry) { chunk in
                    bytes.append(chunk)
                    if bytes.count > budget { throw Overflow() }
                }
            } catch is Overflow {
                throw tooLarge
            } catch {
                throw unreadable
            }
            budget -= bytes.count
            return bytes
        }

        let workbookPath = try relationships(part("_rels/.rels"), base: "")
            .first { $0.type.hasSuffix("/officeDocument") }?.target ?? "xl/workbook.xml"
        guard let workbookXML = try part(workbookPath) else { throw unreadable }
        let workbook = try Workbook(workbookXML)
        let folder = workbookPath.split(separator: "/").dropLast().joined(separator: "/")
        let name = workbookPath.split(separator: "/").last.map(String.init) ?? "workbook.xml"
        let links = try relationships(part((folder.isEmpty ? "" : folder + "/") + "_rels/\(name).rels"), base: folder)
        func linked(_ suffix: String, id: String? = nil) -> String? {
            links.first { $0.type.hasSuffix(suffix) && (id == nil || $0.id == id) }?.target
        }
        guard let sheetPath = linked("/worksheet", id: workbook.firstSheetID) ?? linked("/worksheet"),
              let sheetXML = try part(sheetPath) else {
            throw .invalid("Tệp XLSX không có trang tính nào.", english: "The XLSX file has no worksheet.")
        }
        let strings = try linked("/sharedStrings").flatMap { path throws(DomainError) in try part(path) }.map(sharedStrings) ?? []
        let styles = try linked("/styles").flatMap { path throws(DomainError) in try part(path) }.map(Styles.init) ?? Styles()
        return try sheet(sheetXML, strings: strings, styles: styles, date1904: workbook.date1904)
    }

    // MARK: - Parts

    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    /// A relationships part: its targets as paths inside the archive.
    static func relationships(_ xml: Data?, base: String) throws(DomainError) -> [Relationship] {
        guard let xml else { return [] }
        var found: [Relationship] = []
        try walk(xml) { element, attributes in
            guard element == "Relationship", let id = attributes["Id"], let type = attributes["Type"], let target = attributes["Target"],
                  attributes["TargetMode"] != "External" else { return }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : (base.isEmpty ? target : base + "/" + target)
            found.append(.init(id: id, type: type, target: path))
        }
        return found
    }

    struct Workbook {
        var date1904 = false
        var firstSheetID: String?

        init(_ xml: Data) throws(DomainError) {
            var workbook = Workbook()
            try walk(xml) { element, attributes in
                switch element {
                case "workbookPr": workbook.date1904 = ["1", "true"].contains(attributes["date1904"] ?? "")
                case "sheet" where workbook.firstSheetID == nil:
                    // The relationship id is `r:id`; a parser that resolves namespaces may name it `id`.
                    workbook.firstSheetID = attributes["r:id"] ?? attributes.first { $0.key.hasSuffix(":id") || $0.key == "id" }?.value
                default: break
                }
            }
            self = workbook
        }

        private init() {}
    }

    /// The shared strings, each the text of its runs.
    static func sharedStrings(_ xml: Data) throws(DomainError) -> [String] {
        var strings: [String] = []
        var current = "", inPhonetic = false, inText = false
        try walk(xml, start: { element, _ in
            switch element {
            case "si": current = ""
            case "rPh": inPhonetic = true
            case "t": inText = !inPhonetic
            default: break
            }
        }, text: { if inText { current += $0 } }, end: { element in
            switch element {
            case "si": strings.append(current)
            case "rPh": inPhonetic = false
            case "t": inText = false
            default: break
            }
        })
        return strings
    }

    /// Which cell formats show a date.
    struct Styles {
        /// Per cell format (the `s` of a cell), whether its number format shows a date.
        var dateFormats: [Bool] = []

        init() {}

        init(_ xml: Data) throws(DomainError) {
            var codes: [Int: String] = [:], formats: [Int] = [], inCellFormats = false
            try walk(xml, start: { element, attributes in
                switch element {
                case "numFmt":
                    if let id = attributes["numFmtId"].flatMap(Int.init) { codes[id] = attributes["formatCode"] ?? "" }
                case "cellXfs": inCellFormats = true
                case "xf" where inCellFormats: formats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
                default: break
                }
            }, end: { if $0 == "cellXfs" { inCellFormats = false } })
            dateFormats = formats.map { Self.isDate(id: $0, code: codes[$0]) }
        }

        /// Built-in date formats (ECMA-376 §18.8.30: 14–17 and 22, and the East Asian 27–36 and
        /// 50–58), or a custom code that shows a year or a day once literals, colours and
        /// escapes are removed. Time-only formats are not dates.
        static func isDate(id: Int, code: String?) -> Bool {
            if let code {
                var shown = "", quoted = false, bracket = false, escaped = false
                for char in code {
                    if escaped { escaped = false; continue }
                    switch char {
                    case "\\" where !quoted: escaped = true
                    case "\"": quoted.toggle()
                    case "[" where !quoted: bracket = true
                    case "]" where !quoted: bracket = false
                    default: if !quoted && !bracket { shown.append(char) }
                    }
                }
                return shown.lowercased().contains { $0 == "y" || $0 == "d" }
            }
            return [14, 15, 16, 17, 22].contains(id) || (27...36).contains(id) || (50...58).contains(id)
        }
    }

    /// The worksheet's rows, cells placed by their references, text in NFC.
    static func sheet(_ xml: Data, strings: [String], styles: Styles, date1904: Bool) throws(DomainError) -> [[String]] {
        var rows: [(Int, [Int: String])] = []
        var row: [Int: String] = [:], rowIndex = 0, column = -1
        var type = "", style = 0, value = "", inline = "", inValue = false, inInline = false
        var bad: DomainError?
        try walk(xml, start: { element, attributes in
            switch element {
            case "row":
                rowIndex = attributes["r"].flatMap(Int.init) ?? rowIndex + 1
                row = [:]
                column = -1
            case "c":
                column = attributes["r"].flatMap(columnIndex) ?? column + 1
                if column >= maxColumns && bad == nil {
                    bad = .invalid("Trang tính có ô ở cột thứ \(column + 1); tối đa \(maxColumns) cột.",
                                   english: "The sheet has a cell in column \(column + 1); at most \(maxColumns) columns are read.")
                }
                type = attributes["t"] ?? "n"
                style = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
                inline = ""
            case "v": inValue = true
            case "is": inInline = true
            default: break
            }
        }, text: { text in
            if inValue { value += text } else if inInline { inline += text }
        }, end: { element in
            switch element {
            case "v": inValue = false
            case "is": inInline = false
            case "c":
                switch type {
                case "s":
                    guard let index = Int(value), strings.indices.contains(index) else {
                        bad = .invalid("Tệp XLSX hỏng: ô tham chiếu chuỗi không có.", english: "Broken XLSX file: a cell names a missing shared string.")
                        return
                    }
                    row[column] = strings[index]
                case "inlineStr": row[column] = inline
                case "b": row[column] = value == "1" ? "true" : "false"
                case "d": row[column] = String(value.prefix { $0 != "T" })
                case "str", "e": row[column] = value
                default:
                    let isDate = styles.dateFormats.indices.contains(style) && styles.dateFormats[style]
                    row[column] = number(value, asDate: isDate, date1904: date1904)
                }
            case "row":
                guard bad == nil, !row.isEmpty else { return }
                rows.append((rowIndex, row))
                if rows.count > maxRows {
                    bad = .invalid("Trang tính có hơn \(maxRows) dòng.", english: "The sheet has more than \(maxRows) rows.")
                }
            default: break
            }
        })
        if let bad { throw bad }
        return rows.sorted { $0.0 < $1.0 }.map { _, cells in
            let width = (cells.keys.max() ?? -1) + 1
            return (0..<width).map { (cells[$0] ?? "").precomposedStringWithCanonicalMapping }
        }
    }

    /// "B7" → 1; nil when the reference has no column letters.
    static func columnIndex(_ reference: String) -> Int? {
        let letters = reference.prefix { $0.isASCII && $0.isLetter }.uppercased()
        guard !letters.isEmpty, letters.count <= 3 else { return nil }
        return letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
    }

    /// A stored number as text: a whole number without a decimal point, a date as `yyyy-MM-dd`.
    static func number(_ text: String, asDate: Bool, date1904: Bool) -> String {
        guard let value = Double(text), value.isFinite else { return text }
        if asDate, let date = isoDate(serial: value, date1904: date1904) { return date }
        return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : text
    }

    /// Excel's date serial as a calendar date. In the 1900 system day 1 is 1900-01-01 and day 60
    /// is the 29 February 1900 that never was (kept for Lotus 1-2-3), so from day 61 on a serial
    /// counts from 1899-12-30; in the 1904 system day 0 is 1904-01-01.
    static func isoDate(serial: Double, date1904: Bool) -> String? {
        guard serial >= (date1904 ? 0 : 1), serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        if !date1904 && days <= 60 { days += 1 } // day 60 itself has no real date: it reads as 1 March
        let epoch = date1904 ? LocalDate(year: 1904, month: 1, day: 1)! : LocalDate(year: 1899, month: 12, day: 30)!
        return LocalDate(julianDay: epoch.julianDay + days)?.iso
    }

    // MARK: - XML

    private final class Walker: NSObject, XMLParserDelegate {
        let start: (String, [String: String]) -> Void
        let text: (String) -> Void
        let end: (String) -> Void

        init(start: @escaping (String, [String: String]) -> Void, text: @escaping (String) -> Void, end: @escaping (String) -> Void) {
            self.start = start
            self.text = text
            self.end = end
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            start(Self.local(elementName), attributes)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            end(Self.local(elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text(string) }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { text(String(decoding: block, as: UTF8.self)) }

        /// `x:row` → `row`: some writers prefix the SpreadsheetML namespace.
        static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }
    }

    /// Parses one XML part (no external entities, no DTD loading), calling back per element.
    static func walk(_ xml: Data, start: @escaping (String, [String: String]) -> Void, text: @escaping (String) -> Void = { _ in },
                     end: @escaping (String) -> Void = { _ in }) throws(DomainError) {
        let walker = Walker(start: start, text: text, end: end)
        let parser = XMLParser(data: xml)
        parser.shouldResolveExternalEntities = false
        parser.delegate = walker
        guard parser.parse() else { throw unreadable }
    }

    private struct Overflow: Error {}

    static let unreadable = DomainError.invalid("Tệp XLSX không đọc được (không phải bảng tính Excel hợp lệ).",
                                                english: "The XLSX file could not be read (not a valid Excel workbook).")
    static let tooLarge = DomainError.invalid("Tệp XLSX quá lớn khi giải nén (tối đa 64 MB).",
                                              english: "The XLSX file is too large once unpacked (64 MB at most).")
}
