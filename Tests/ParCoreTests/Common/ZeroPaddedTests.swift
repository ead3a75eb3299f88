import Foundation
import Testing
import ParCore

@Suite("Zero-padded numbers")
struct ZeroPaddedTests {
    @Test("zeroPadded writes what %0Nd writes", arguments: [0, 1, 7, 9, 10, 99, 100, 999, 1_000, 2026, 9_999, 10_000, 123_456, -5, -42])
    func likeFormat(number: Int) {
        for width in [2, 4, 6] {
            #expect(number.zeroPadded(width) == String(format: "%0\(width)d", number))
        }
    }

    @Test("dates, times and codes read as before", arguments: [
        (LocalDate(iso: "2026-01-05")!.iso, "2026-01-05"), (LocalDate(iso: "2028-02-29")!.shown, "29/02/2028"),
        (DossierCode.make(unitCode: "H26", day: LocalDate(iso: "2027-12-31")!, sequence: 12_345), "H26-271231-12345"),
    ])
    func shown(written: String, expected: String) {
        #expect(written == expected)
    }
}
