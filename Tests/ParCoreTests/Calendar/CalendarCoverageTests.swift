import Foundation
import Testing
@testable import ParCore

@Suite("Calendar coverage")
struct CalendarCoverageTests {
    @Test("the current and next year without a decision are reported", arguments: [
        ([2024, 2025, 2026], "2026-12-05", [2027]),
        ([2024, 2025], "2026-12-05", [2026, 2027]),
        ([2026, 2027], "2026-12-31", []),
        ([2026], "2027-01-01", [2027, 2028]),
        ([], "2028-02-29", [2028, 2029]),
    ])
    func missing(loaded: [Int], today: String, expected: [Int]) {
        #expect(CalendarCoverage.missingYears(loaded: Set(loaded), today: LocalDate(iso: today)!) == expected)
    }
}
