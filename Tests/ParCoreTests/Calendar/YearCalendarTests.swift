import Testing
@testable import ParCore

@Suite("A year's calendar as entered")
struct YearCalendarTests {
    static func year(source: String?, dayName: String? = nil) -> YearCalendar {
        YearCalendar(year: 2026, source: source,
                     extraDaysOff: [DayOff(date: LocalDate(iso: "2026-01-02")!, kind: .swapDayOff, nameVi: dayName, swappedWith: LocalDate(iso: "2026-01-10")!)])
    }

    @Test("the source is cleaned and left out when empty; it holds up to 300 characters and each day's name up to 200", arguments: [
        (" Công văn  8726/VPCP-KGVX ", nil, "Công văn 8726/VPCP-KGVX", nil),
        ("   ", nil, nil, nil),
        (nil, String(repeating: "n", count: 200), nil, nil),
        (String(repeating: "s", count: 300), nil, String(repeating: "s", count: 300), nil),
        (String(repeating: "s", count: 301), nil, nil, "source"),
        (nil, String(repeating: "n", count: 201), nil, "extraDaysOff"),
    ] as [(String?, String?, String?, String?)])
    func normalised(_ row: (String?, String?, String?, String?)) {
        do {
            let stored = try Self.year(source: row.0, dayName: row.1).normalised()
            #expect(row.3 == nil && stored.source == row.2 && stored.extraDaysOff == Self.year(source: nil, dayName: row.1).extraDaysOff)
        } catch {
            #expect(error.field == row.3, "\(error)")
        }
    }
}
