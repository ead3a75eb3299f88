import Foundation

/// A Word document (OOXML, WordprocessingML) of headings, paragraphs and tables, written
/// straight into a ZIP — no office suite at run time.
struct DocxWriter {
    enum Block {
        case heading(String, level: Int)
        case paragraph(String)
        case table([[String]])
    }

    var blocks: [Block] = []

    mutating func heading(_ text: String, level: Int = 1) { blocks.append(.heading(text, level: level)) }
    mutating func paragraph(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { blocks.append(.paragraph(String(line))) }
    }
    mutating func table(_ rows: [[String]]) { blocks.append(.table(rows)) }

    static func run(_ text: String, bold: Bool = false, size: Int? = nil) -> String {
        var props = ""
        if bold { props += "<w:b/>" }
        if let size { props += "<w:sz w:val=\"\(size)\"/>" }
        return "<w:r>\(props.isEmpty ? "" : "<w:rPr>\(props)</w:rPr>")<w:t xml:space=\"preserve\">\(XLSXWriter.escape(text))</w:t></w:r>"
    }

    func documentXML() -> String {
        var body = ""
        for block in blocks {
            switch block {
            case .heading(let text, let level):
                body += "<w:p>\(Self.run(text, bold: true, size: level == 1 ? 32 : 26))</w:p>"
            case .paragraph(let text):
                body += "<w:p>\(Self.run(text))</w:p>"
            case .table(let rows):
                body += "<w:tbl><w:tblPr><w:tblBorders>"
                    + ["top", "left", "bottom", "right", "insideH", "insideV"].map { "<w:\($0) w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>" }.joined()
                    + "</w:tblBorders></w:tblPr>"
                for (i, row) in rows.enumerated() {
                    body += "<w:tr>" + row.map { "<w:tc><w:p>\(Self.run($0, bold: i == 0))</w:p></w:tc>" }.joined() + "</w:tr>"
                }
                body += "</w:tbl><w:p/>"
            }
        }
        return #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#
            + body + #"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    }

    func data() -> Data {
        var zip = ZipArchive()
        zip.add("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#)
        zip.add("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#)
        zip.add("word/document.xml", documentXML())
        return zip.finish()
    }
}
