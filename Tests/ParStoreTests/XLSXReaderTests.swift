import Foundation
import ParCore
@testable import ParStore
import Testing

/// The workbooks in `Fixtures/` are written by `Fixtures/make-xlsx.py`: two by openpyxl, one part
/// by part as Excel writes shared strings.
@Suite("XLSX import files")
struct XLSXReaderTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)"))
    }

    @Test("a people workbook reads as the same rows as the CSV: dates typed as dates, rich text, NFC, blank rows and other sheets left out")
    func people() throws {
        let file = try PersonImportFile.parse(Self.fixture("people.xlsx"))
        #expect(file.people == [
            .init(unitKey: "00004", fullName: "Nguyễn Văn An", kind: "civil_servant", position: "Công chức tư pháp, hộ tịch",
                  rank: "Chuyên viên", leadershipPost: nil, startedOn: "2020-03-01", rotationYears: 3),
            .init(unitKey: "00004", fullName: "Lê Thị Bình", kind: "public_employee", position: "Viên chức văn hóa", startedOn: "2021-01-15"),
        ])
        #expect(file.people[0].fullName.unicodeScalars.count == "Nguyễn Văn An".precomposedStringWithCanonicalMapping.unicodeScalars.count)
    }

    @Test("shared strings, a prefixed namespace, unreferenced cells, cached formula text, errors, ISO and custom-format dates; the first sheet in workbook order")
    func sharedStrings() throws {
        #expect(try XLSXReader.rows(Self.fixture("shared-strings.xlsx")) == [
            ["code", "name", "0"],
            ["code1", "Sở Tư pháp", "2026-02-13"],
            ["2026-12-31"],
            ["", "A & B", "1.25", "", "#N/A"],
        ])
    }

    @Test("the 1904 date system, built-in format 14, a gap between columns, booleans and numbers")
    func dates1904() throws {
        #expect(try XLSXReader.rows(Self.fixture("dates-1904.xlsx")) == [
            ["code", "date", "", "amount"],
            ["X1", "2026-02-13", "", "1.5"],
            ["X2", "true", "", "75000"],
        ])
    }

    @Test("unit and procedure imports take a workbook too, and name the missing columns")
    func otherImports() throws {
        #expect(throws: DomainError.self) { try UnitImportFile.parse(Self.fixture("people.xlsx")) }
        let workbook = try Self.fixture("dates-1904.xlsx")
        do {
            _ = try ProcedureImportFile.parse(workbook)
            Issue.record("a workbook without the catalogue's columns was read")
        } catch {
            #expect(error.english.contains("code,name,field,level"))
        }
    }

    @Test("a broken, truncated or over-large workbook is a clear refusal, never a crash")
    func refusals() throws {
        let good = try Self.fixture("people.xlsx")
        for bad in [Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0]), good.prefix(good.count / 2), good.prefix(good.count - 30)] {
            do {
                _ = try PersonImportFile.parse(bad)
                Issue.record("a broken workbook was read")
            } catch {
                #expect(error.english.contains("XLSX"))
            }
        }
        // A cell far to the right is refused rather than widening every row.
        let far = Data(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="XFD1"><v>1</v></c></row></sheetData></worksheet>"#.utf8)
        #expect(throws: DomainError.self) { try XLSXReader.sheet(far, strings: [], styles: .init(), date1904: false) }
        let near = Data(#"<worksheet><sheetData><row r="1"><c r="CV1"><v>1</v></c></row></sheetData></worksheet>"#.utf8)
        #expect(try XLSXReader.sheet(near, strings: [], styles: .init(), date1904: false).first?.count == 100)
        // Its sheet and styles together inflate to about 4.5 kB.
        #expect(throws: DomainError.self) { try XLSXReader.rows(good, inflateLimit: 2_000) }
        #expect(try XLSXReader.rows(good, inflateLimit: 20_000).count == 4) // the header, two people and the blank row ImportTable drops
    }

    @Test("Excel date serials, with the 1900 leap-year bug", arguments: [
        (1.0, false, "1900-01-01"), (59, false, "1900-02-28"), (60, false, "1900-03-01"), (61, false, "1900-03-01"),
        (43_891, false, "2020-03-01"), (46_066.75, false, "2026-02-13"), (47_177, false, "2029-02-28"), (46_812, false, "2028-02-29"),
        (0, true, "1904-01-01"), (44_604, true, "2026-02-13"), (2_958_465, false, "9999-12-31"),
    ])
    func serials(serial: Double, date1904: Bool, iso: String) {
        #expect(XLSXReader.isoDate(serial: serial, date1904: date1904) == iso)
    }

    @Test("serials outside Excel's range stay numbers")
    func outOfRange() {
        #expect(XLSXReader.isoDate(serial: 0, date1904: false) == nil)
        #expect(XLSXReader.isoDate(serial: 2_958_466, date1904: false) == nil)
        #expect(XLSXReader.number("-3", asDate: true, date1904: false) == "-3")
    }

    @Test("which number formats are dates", arguments: [
        (14, nil, true), (22, nil, true), (0, nil, false), (20, nil, false), (49, nil, false),
        (164, "yyyy-mm-dd", true), (164, "\"ngày\" dd/mm/yyyy", true), (164, "[h]:mm", false), (164, "#,##0 \"đ\"", false),
        (164, "[$-42A]d mmmm yyyy", true), (164, "0\\d", false),
    ] as [(Int, String?, Bool)])
    func dateFormats(id: Int, code: String?, isDate: Bool) {
        #expect(XLSXReader.Styles.isDate(id: id, code: code) == isDate)
    }

    @Test("column letters", arguments: [("A1", 0), ("Z9", 25), ("AA10", 26), ("XFD1048576", 16_383)])
    func columns(reference: String, index: Int) {
        #expect(XLSXReader.columnIndex(reference) == index)
    }
}
