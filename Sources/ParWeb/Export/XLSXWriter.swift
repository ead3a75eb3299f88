import Foundation

/// Writes a one-sheet Excel workbook (Office Open XML, .xlsx) without an office
/// suite: the SpreadsheetML parts in a ZIP archive (stored, not compressed).
/// Strings are inline, numbers are numbers, the first row is bold and frozen.
struct XLSXWriter {
    enum Cell {
        case text(String)
        case number(Double)
    }

    var sheetName: String
    var rows: [[Cell]]

    func data() -> Data {
        var zip = ZipArchive()
        zip.add("[Content_Types].xml", Self.contentTypes)
        zip.add("_rels/.rels", Self.rootRels)
        zip.add("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets><sheet name="\(Self.escape(String(sheetName.prefix(31))))" sheetId="1" r:id="rId1"/></sheets></workbook>
            """)
        zip.add("xl/_rels/workbook.xml.rels", Self.workbookRels)
        zip.add("xl/styles.xml", Self.styles)
        zip.add("xl/worksheets/sheet1.xml", sheetXML())
        return zip.finish()
    }

    func sheetXML() -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            </sheetView></sheetViews><sheetData>
            """
        for (r, row) in rows.enumerated() {
            xml += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = Self.column(c) + String(r + 1)
                let style = r == 0 ? " s=\"1\"" : ""
                switch cell {
                case .text(let text):
                    xml += "<c r=\"\(ref)\" t=\"inlineStr\"\(style)><is><t xml:space=\"preserve\">\(Self.escape(text))</t></is></c>"
                case .number(let value) where value.isFinite:
                    xml += "<c r=\"\(ref)\"\(style)><v>\(value.rounded() == value ? String(Int64(value)) : String(value))</v></c>"
                case .number:
                    xml += "<c r=\"\(ref)\"\(style)/>"
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    /// A, B, …, Z, AA, AB, …
    static func column(_ index: Int) -> String {
        var n = index + 1, name = ""
        while n > 0 {
            let rem = (n - 1) % 26
            name = String(UnicodeScalar(65 + rem)!) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// XML text: escaped, with characters XML 1.0 forbids removed.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """
    static let rootRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """
    static let workbookRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        </styleSheet>
        """
}

/// A ZIP archive with stored (uncompressed) entries and UTF-8 names (APPNOTE 6.3).
struct ZipArchive {
    private var body = Data()
    private var central = Data()
    private var count: UInt16 = 0

    mutating func add(_ name: String, _ text: String) {
        add(name, Data(text.utf8))
    }

    mutating func add(_ name: String, _ content: Data) {
        let nameBytes = Data(name.utf8)
        let crc = CRC32.checksum(content)
        let offset = UInt32(body.count)
        // 1980-01-01 00:00, a fixed time keeps archives reproducible.
        let (time, date): (UInt16, UInt16) = (0, 0x21)
        var local = Data()
        local.append(le32: 0x0403_4B50); local.append(le16: 20); local.append(le16: 0x0800); local.append(le16: 0)
        local.append(le16: time); local.append(le16: date); local.append(le32: crc)
        local.append(le32: UInt32(content.count)); local.append(le32: UInt32(content.count))
        local.append(le16: UInt16(nameBytes.count)); local.append(le16: 0)
        body.append(local); body.append(nameBytes); body.append(content)

        central.append(le32: 0x0201_4B50); central.append(le16: 20); central.append(le16: 20); central.append(le16: 0x0800)
        central.append(le16: 0); central.append(le16: time); central.append(le16: date); central.append(le32: crc)
        central.append(le32: UInt32(content.count)); central.append(le32: UInt32(content.count))
        central.append(le16: UInt16(nameBytes.count)); central.append(le16: 0); central.append(le16: 0)
        central.append(le16: 0); central.append(le16: 0); central.append(le32: 0); central.append(le32: offset)
        central.append(nameBytes)
        count += 1
    }

    func finish() -> Data {
        var out = body
        out.append(central)
        out.append(le32: 0x0605_4B50); out.append(le16: 0); out.append(le16: 0)
        out.append(le16: count); out.append(le16: count)
        out.append(le32: UInt32(central.count)); out.append(le32: UInt32(body.count)); out.append(le16: 0)
        return out
    }
}

/// CRC-32 (IEEE 802.3), as ZIP requires.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
