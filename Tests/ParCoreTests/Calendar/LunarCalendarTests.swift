import Foundation
import Testing
@testable import ParCore

@Suite("Vietnamese lunar calendar")
struct LunarCalendarTests {
    let lunar = LunarCalendar.vietnam

    // Vietnamese Tết dates. Every one is confirmed by the two independent computations of
    // `LunarReference`; 2010–2026 also by published sources (python-holidays' Vietnam tests,
    // the Government's holiday notices). 2030 is 2 February in Vietnam, a day before China
    // (scienceinfo.net: "in 2030 and 2053, Vietnam will eat Tet sooner than China").
    @Test("Tết falls on the published Vietnamese dates", arguments: [
        (1985, "1985-01-21"), (2000, "2000-02-05"), (2007, "2007-02-17"), (2010, "2010-02-14"),
        (2020, "2020-01-25"), (2021, "2021-02-12"), (2022, "2022-02-01"), (2023, "2023-01-22"),
        (2024, "2024-02-10"), (2025, "2025-01-29"), (2026, "2026-02-17"), (2027, "2027-02-06"),
        (2030, "2030-02-02"),
    ])
    func tet(_ year: Int, _ expected: String) throws {
        #expect(try lunar.newYear(of: year) == VN.day(expected))
        #expect(try lunar.lunarDate(for: VN.day(expected)) == LunarDate(year: year, month: 1, day: 1))
    }

    // UTC+7 versus UTC+8: the years where the Vietnamese and Chinese calendars part.
    @Test("Vietnam (UTC+7) and China (UTC+8) disagree on Tết in 1985, 2007 and 2030", arguments: [
        (1985, "1985-01-21", "1985-02-20"),
        (2007, "2007-02-17", "2007-02-18"),
        (2030, "2030-02-02", "2030-02-03"),
    ])
    func vietnamVersusChina(_ year: Int, _ vietnam: String, _ china: String) throws {
        #expect(try LunarCalendar.vietnam.newYear(of: year) == VN.day(vietnam))
        #expect(try LunarCalendar(utcOffsetHours: 8).newYear(of: year) == VN.day(china))
    }

    // 2007–2024 from python-holidays' Vietnam tests; 2025 from the Government portal
    // (baochinhphu.vn: 5–7 April 2025 break); 2026 from VnExpress (25–27 April 2026 break).
    @Test("The Hùng Kings' day (10/3 lunar) falls on the published dates", arguments: [
        ("2007-04-26"), ("2008-04-15"), ("2009-04-04"), ("2010-04-23"), ("2011-04-12"), ("2012-03-31"),
        ("2013-04-19"), ("2014-04-09"), ("2015-04-28"), ("2016-04-16"), ("2017-04-06"), ("2018-04-25"),
        ("2019-04-14"), ("2020-04-02"), ("2021-04-21"), ("2022-04-10"), ("2023-04-29"), ("2024-04-18"),
        ("2025-04-07"), ("2026-04-26"),
    ])
    func hungKings(_ expected: String) throws {
        let date = VN.day(expected)
        #expect(try lunar.solarDate(for: LunarDate(year: date.year, month: 3, day: 10)) == date)
    }

    @Test("Every Tết and Hùng Kings' day 1900–2100 matches the independent reference table")
    func referenceTable() throws {
        #expect(LunarReference.tetAndHungKings.count == 201)
        for (index, row) in LunarReference.tetAndHungKings.enumerated() {
            let year = 1900 + index
            #expect(try lunar.newYear(of: year) == VN.day(row.tet), "Tết \(year)")
            #expect(try lunar.solarDate(for: LunarDate(year: year, month: 3, day: 10)) == VN.day("\(year)-\(row.hungKings)"),
                    "Hùng Kings \(year)")
        }
    }

    @Test("Every leap month 1899–2100 matches the ephemeris")
    func leapMonthsTable() throws {
        for year in LunarCalendar.supportedLunarYears {
            #expect(try lunar.leapMonth(inLunarYear: year) == LunarReference.leapMonths[year], "lunar year \(year)")
        }
    }

    struct LeapCase: Sendable, CustomTestStringConvertible {
        let year: Int
        let month: Int
        let firstDay: String
        let days: Int
        var testDescription: String { "leap \(month)/\(year)" }
    }

    // Leap months of recent years (start and length from the ephemeris; the months are those of
    // Vietnamese calendars: 2020 leap 4th, 2023 leap 2nd, 2025 leap 6th, 2033 leap 11th).
    @Test("Leap months start where the ephemeris puts them", arguments: [
        LeapCase(year: 2020, month: 4, firstDay: "2020-05-23", days: 29),
        LeapCase(year: 2023, month: 2, firstDay: "2023-03-22", days: 29),
        LeapCase(year: 2025, month: 6, firstDay: "2025-07-25", days: 29),
        LeapCase(year: 2033, month: 11, firstDay: "2033-12-22", days: 29),
    ])
    func leapMonths(_ c: LeapCase) throws {
        #expect(try lunar.leapMonth(inLunarYear: c.year) == c.month)
        let first = try lunar.solarDate(for: LunarDate(year: c.year, month: c.month, day: 1, isLeapMonth: true))
        #expect(first == VN.day(c.firstDay))
        #expect(try lunar.daysInMonth(c.month, ofLunarYear: c.year, isLeapMonth: true) == c.days)
        // The day before is the last day of the ordinary month of the same number.
        let before = try lunar.lunarDate(for: first.adding(days: -1))
        #expect(before.month == c.month && !before.isLeapMonth)
        #expect(try lunar.lunarDate(for: first) == LunarDate(year: c.year, month: c.month, day: 1, isLeapMonth: true))
    }

    @Test("Years without a leap month report none", arguments: [2021, 2022, 2024, 2026, 2027])
    func noLeapMonth(_ year: Int) throws {
        #expect(try lunar.leapMonth(inLunarYear: year) == nil)
    }

    // Lunar dates printed in the Government's holiday notices.
    @Test("Solar days convert to the lunar dates printed in official notices", arguments: [
        ("2020-01-23", LunarDate(year: 2019, month: 12, day: 29)), // Sở Công Thương Đắk Lắk, Tết 2020 notice
        ("2020-01-29", LunarDate(year: 2020, month: 1, day: 5)),
        ("2021-02-10", LunarDate(year: 2020, month: 12, day: 29)), // SGGP, Tết 2021 break
        ("2021-02-16", LunarDate(year: 2021, month: 1, day: 5)),
        ("2025-01-25", LunarDate(year: 2024, month: 12, day: 26)), // SGGP, Tết 2025 break
        ("2025-01-27", LunarDate(year: 2024, month: 12, day: 28)),
        ("2025-02-02", LunarDate(year: 2025, month: 1, day: 5)),
        ("2026-02-14", LunarDate(year: 2025, month: 12, day: 27)), // Công an TP.HCM, Tết 2026 break
        ("2026-02-22", LunarDate(year: 2026, month: 1, day: 6)),
    ])
    func officialLunarDates(_ solar: String, _ expected: LunarDate) throws {
        #expect(try lunar.lunarDate(for: VN.day(solar)) == expected)
        #expect(try lunar.solarDate(for: expected) == VN.day(solar))
    }

    @Test("Lunar dates that do not exist are refused", arguments: [
        LunarDate(year: 2024, month: 5, day: 1, isLeapMonth: true), // 2024 has no leap month
        LunarDate(year: 2025, month: 5, day: 1, isLeapMonth: true), // 2025's leap month is the 6th
        LunarDate(year: 2024, month: 12, day: 30), // the 12th month of 2024 has 29 days
        LunarDate(year: 2025, month: 13, day: 1),
        LunarDate(year: 2025, month: 1, day: 0),
    ])
    func invalidLunarDates(_ date: LunarDate) {
        #expect(throws: CalendarError.invalidLunarDate(year: date.year, month: date.month, day: date.day,
                                                      isLeapMonth: date.isLeapMonth)) {
            try lunar.solarDate(for: date)
        }
    }

    @Test("Years outside 1900–2100 are refused")
    func outOfRange() {
        #expect(throws: CalendarError.yearOutOfRange(year: 1899, supported: 1900...2100)) {
            try lunar.lunarDate(for: VN.day("1899-12-31"))
        }
        #expect(throws: CalendarError.yearOutOfRange(year: 2101, supported: 1900...2100)) {
            try lunar.lunarDate(for: VN.day("2101-01-01"))
        }
        #expect(throws: CalendarError.yearOutOfRange(year: 2101, supported: 1899...2100)) {
            try lunar.newYear(of: 2101)
        }
    }

    @Test("The range edges convert: 1900-01-01 is 1/12/1899 and 2100-12-31 is 1/12/2100")
    func rangeEdges() throws {
        let first = try lunar.lunarDate(for: VN.day("1900-01-01"))
        #expect(first == LunarDate(year: 1899, month: 12, day: 1))
        #expect(try lunar.solarDate(for: first) == VN.day("1900-01-01"))
        let last = try lunar.lunarDate(for: VN.day("2100-12-31"))
        #expect(last == LunarDate(year: 2100, month: 12, day: 1))
        #expect(try lunar.solarDate(for: last) == VN.day("2100-12-31"))
    }
}
