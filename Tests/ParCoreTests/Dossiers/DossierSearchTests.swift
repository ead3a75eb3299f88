import Foundation
import ParCore
import Testing

@Suite("The counter's search box")
struct DossierSearchTests {
    @Test("what a typed text can be: a code without its dots, a name without diacritics, an ID number, a phone", arguments: [
        ("000.00.03.H26-261027-0004", "0000003H26-261027-0004" as String?, nil as String?, nil as String?, nil as String?),
        ("0000003h26-261027", "0000003H26-261027", nil, nil, nil),
        ("Lý Thị Mai", nil, "ly thi mai", nil, nil),
        ("ĐỨC", nil, "duc", nil, nil),
        ("001 090 012 345", "001090012345", nil, "001090012345", nil),
        ("012345678", "012345678", nil, "012345678", nil),
        ("0912.345.678", "0912345678", nil, nil, "0912345678"),
        ("+84 912 345 678", "+84912345678", nil, nil, "0912345678"),
        ("84912345678", "84912345678", nil, nil, "0912345678"),
    ])
    func read(typed: String, code: String?, name: String?, id: String?, phone: String?) throws {
        let search = try #require(DossierSearch(typed))
        #expect(search.codeKey == code)
        #expect(search.nameKey == name)
        #expect(search.idNumber == id)
        #expect(search.phone == phone)
    }

    @Test("too short or too long is no search")
    func nothing() {
        #expect(DossierSearch("") == nil)
        #expect(DossierSearch("  a ") == nil)
        #expect(DossierSearch("ab") == nil)
        #expect(DossierSearch(String(repeating: "a", count: 101)) == nil)
    }

    @Test("ID numbers and phones as the intake stores them")
    func keys() {
        #expect(DossierSearch.idNumberKey("001090012345") == "001090012345")
        #expect(DossierSearch.idNumberKey("00109001234") == nil, "11 digits is neither a CMND nor a CCCD")
        #expect(DossierSearch.idNumberKey("A01090012345") == nil)
        #expect(DossierSearch.idNumberKey(nil) == nil)
        #expect(DossierSearch.phoneKey("(024) 3825 1234") == nil, "brackets are not read")
        #expect(DossierSearch.phoneKey("024 3825 1234") == nil, "11 digits after 0 is not a mobile or a landline of 10")
        #expect(DossierSearch.phoneKey("0243 825 123") == "0243825123")
        #expect(DossierSearch.phoneKey("912345678") == nil)
    }
}
