import Foundation
import Testing
@testable import ParCore

@Suite("Working calendar: holidays, compensation and swaps")
struct WorkingCalendarTests {
    /// A run of consecutive days off announced for civil servants, with the working days around it.
    struct Break: Sendable, CustomTestStringConvertible {
        let label: String
        let first: String
        let last: String
        /// Where the announced break was read.
        let source: String
        /// Whether the year needs the administrator's data (swaps) rather than the rules alone.
        var usesYearData = false
        var testDescription: String { label }
    }

    // Each break is the officially announced one; the rules alone (or with the year's swap data)
    // must make exactly these days non-working, and the days just before and after working days.
    @Test("Announced holiday breaks 2020–2026 are reproduced", arguments: [
        Break(label: "Tết 2020", first: "2020-01-23", last: "2020-01-29", source: "Sở Công Thương Đắk Lắk, 07/01/2020"),
        Break(label: "Tết 2021", first: "2021-02-10", last: "2021-02-16", source: "SGGP, 09/12/2020"),
        Break(label: "30/4–1/5 2021", first: "2021-04-30", last: "2021-05-03", source: "SGGP, 09/12/2020"),
        Break(label: "National Day 2021", first: "2021-09-02", last: "2021-09-05", source: "SGGP, 09/12/2020"),
        Break(label: "New Year 2022", first: "2022-01-01", last: "2022-01-03", source: "python-holidays VN tests (observed 2022-01-03)"),
        Break(label: "Tết 2022", first: "2022-01-29", last: "2022-02-06", source: "Công văn 245/VPCP (5 Tết days + 2 weekends)"),
        Break(label: "Hùng Kings 2022", first: "2022-04-09", last: "2022-04-11", source: "SGGP, Calendar of public holidays in April, May"),
        Break(label: "30/4–1/5 2022", first: "2022-04-30", last: "2022-05-03", source: "SGGP, Calendar of public holidays in April, May"),
        Break(label: "National Day 2022", first: "2022-09-01", last: "2022-09-04", source: "VietnamPlus, 04/08/2022"),
        Break(label: "Tết 2023", first: "2023-01-20", last: "2023-01-26", source: "Pháp luật & Đời sống (Tết Quý Mão)"),
        Break(label: "Hùng Kings + 30/4–1/5 2023", first: "2023-04-29", last: "2023-05-03", source: "VietnamPlus, 30/01/2023"),
        Break(label: "National Day 2023", first: "2023-09-01", last: "2023-09-04", source: "python-holidays VN tests (1 Sep, 4 Sep observed)"),
        Break(label: "Tết 2024", first: "2024-02-08", last: "2024-02-14", source: "python-holidays VN tests (observed 8 and 14 Feb)"),
        Break(label: "30/4–1/5 2024 with swap", first: "2024-04-27", last: "2024-05-01",
              source: "Công văn 2450/VPCP-KGVX, 12/04/2024", usesYearData: true),
        Break(label: "National Day 2024", first: "2024-08-31", last: "2024-09-03", source: "btv.org.vn"),
        Break(label: "Tết 2025", first: "2025-01-25", last: "2025-02-02", source: "SGGP, 27/11/2024 (Công văn 8726/VPCP-KGVX)"),
        Break(label: "Tết 2025 with the official 27–31 Jan span", first: "2025-01-25", last: "2025-02-02",
              source: "SGGP, 27/11/2024", usesYearData: true),
        Break(label: "Hùng Kings 2025", first: "2025-04-05", last: "2025-04-07", source: "baochinhphu.vn"),
        Break(label: "30/4–1/5 2025 with swap", first: "2025-04-30", last: "2025-05-04",
              source: "Thông báo 6150/TB-BLĐTBXH (VietnamPlus, baochinhphu.vn)", usesYearData: true),
        Break(label: "National Day 2025", first: "2025-08-30", last: "2025-09-02", source: "SGGP, 04/12/2024"),
        Break(label: "Tết 2026", first: "2026-02-14", last: "2026-02-22", source: "Công an TP.HCM"),
        Break(label: "Hùng Kings 2026", first: "2026-04-25", last: "2026-04-27", source: "VnExpress International"),
        Break(label: "30/4–1/5 2026", first: "2026-04-30", last: "2026-05-03", source: "VnExpress International"),
    ])
    func announcedBreaks(_ b: Break) throws {
        let calendar = b.usesYearData ? VN.officialCalendar : WorkingCalendar.standard
        for date in VN.days(b.first, through: b.last) {
            #expect(try !calendar.isWorkingDay(date), "\(date) should be off")
        }
        #expect(try calendar.isWorkingDay(VN.day(b.first).adding(days: -1)), "the day before \(b.first) is a working day")
        #expect(try calendar.isWorkingDay(VN.day(b.last).adding(days: 1)), "the day after \(b.last) is a working day")
    }

    @Test("Saturdays worked in exchange are working days")
    func workedSaturdays() throws {
        #expect(try VN.officialCalendar.isWorkingDay(VN.day("2025-04-26")))
        #expect(try VN.officialCalendar.isWorkingDay(VN.day("2024-05-04")))
        // Without the year's data they are ordinary Saturdays.
        #expect(try !WorkingCalendar.standard.isWorkingDay(VN.day("2025-04-26")))
        #expect(try WorkingCalendar.standard.isWorkingDay(VN.day("2025-05-02")))
    }

    @Test("The 2025 list names every holiday, swap and worked Saturday")
    func holidayList2025() throws {
        let list = try VN.officialCalendar.holidays(in: 2025)
        let summary = list.map { "\($0.date.iso) \($0.kind.rawValue)" }
        #expect(summary == [
            "2025-01-01 holiday",
            "2025-01-27 holiday", "2025-01-28 holiday", "2025-01-29 holiday", "2025-01-30 holiday", "2025-01-31 holiday",
            "2025-04-07 holiday",
            "2025-04-26 workedWeekendDay",
            "2025-04-30 holiday", "2025-05-01 holiday",
            "2025-05-02 swapDayOff",
            "2025-09-01 holiday", "2025-09-02 holiday",
        ])
        let tet = try #require(list.first { $0.date == VN.day("2025-01-29") })
        #expect(tet.nameVi == "Tết Nguyên đán (mùng 1 tháng Giêng)")
        #expect(tet.nameEn == "Lunar New Year (1st month, day 1)")
        #expect(list.first { $0.date == VN.day("2025-01-27") }?.nameVi == "Tết Nguyên đán (28 tháng Chạp)")
        #expect(list.first { $0.date == VN.day("2025-04-07") }?.nameEn == "Hung Kings' Commemoration Day")
        #expect(list.first { $0.date == VN.day("2025-05-02") }?.nameVi == "Nghỉ hoán đổi (làm bù ngày 26/4/2025)")
        #expect(list.first { $0.date == VN.day("2025-04-26") }?.nameEn == "Make-up working day for 2025-05-02")
        #expect(list.filter(\.isDayOff).count == 12)
    }

    @Test("A holiday on a weekend brings a compensatory day, named after it")
    func compensation() throws {
        let list = try WorkingCalendar.standard.holidays(in: 2023)
        let compensatory = list.filter { $0.kind == .compensatory }
        #expect(compensatory.map(\.date) == [VN.day("2023-01-02"), VN.day("2023-01-20"), VN.day("2023-01-26"),
                                             VN.day("2023-05-02"), VN.day("2023-05-03"), VN.day("2023-09-04")])
        #expect(compensatory[0].nameVi == "Nghỉ bù Tết Dương lịch")
        #expect(compensatory[3].nameEn == "Compensatory day off for Hung Kings' Commemoration Day")
    }

    @Test("Tết compensation can follow art. 111(3) literally: every rest day to the next working day")
    func literalTetCompensation() throws {
        let rules = HolidayRules(tetCompensation: .nextWorkingDay)
        let calendar = try WorkingCalendar(rules: rules)
        // Tết 2021: Saturday 13 and Sunday 14 Feb compensated on 16 and 17 Feb instead of 10 and 16 Feb.
        let compensatory = try calendar.holidays(in: 2021).filter { $0.kind == .compensatory }.map(\.date)
        #expect(compensatory == [VN.day("2021-02-16"), VN.day("2021-02-17"), VN.day("2021-05-03")])
    }

    @Test("Automatic compensation can be switched off for a year whose data lists the official days")
    func compensationOff() throws {
        let calendar = try WorkingCalendar(years: [YearCalendar(year: 2023, automaticCompensation: false)])
        #expect(try calendar.isWorkingDay(VN.day("2023-01-02")))
        #expect(try !WorkingCalendar.standard.isWorkingDay(VN.day("2023-01-02")))
    }

    @Test("The National Day's second day joins the weekend, or follows the year's decision", arguments: [
        // 2021–2025: the Prime Minister's choices; 2026–2029 show the rule on the other weekdays.
        (2021, "2021-09-03"), (2022, "2022-09-01"), (2023, "2023-09-01"), (2024, "2024-09-03"),
        (2025, "2025-09-01"), (2026, "2026-09-01"), (2027, "2027-09-03"), (2028, "2028-09-01"), (2029, "2029-09-03"),
    ])
    func nationalDayAdjacent(_ year: Int, _ expected: String) throws {
        let adjacent = try WorkingCalendar.standard.holidays(in: year).filter { $0.nameEn == "National Day (adjacent day)" }
        #expect(adjacent.map(\.date) == [VN.day(expected)])
    }

    @Test("A year's decision overrides the National Day's second day, and the policy can be fixed")
    func nationalDayOverride() throws {
        let decided = try WorkingCalendar(years: [YearCalendar(year: 2026, nationalDayAdjacent: VN.day("2026-09-03"))])
        #expect(try decided.isWorkingDay(VN.day("2026-09-01")))
        #expect(try !decided.isWorkingDay(VN.day("2026-09-03")))
        let after = try WorkingCalendar(rules: HolidayRules(nationalDayAdjacentDay: .dayAfter))
        #expect(try !after.isWorkingDay(VN.day("2025-09-03")))
        #expect(try after.isWorkingDay(VN.day("2025-09-01")))
    }

    @Test("Before 2021 the National Day is one day (Labour Code 2012)")
    func nationalDayBefore2021() throws {
        let list = try WorkingCalendar.standard.holidays(in: 2020).filter { $0.date.month == 9 }
        #expect(list.map(\.date) == [VN.day("2020-09-02")])
        #expect(try WorkingCalendar.standard.isWorkingDay(VN.day("2020-09-01")))
    }

    @Test("Hùng Kings' day in leap-month years uses the ordinary 3rd month", arguments: [
        // 2023 has a leap 2nd month, 2031 a leap 3rd month (its Hùng Kings' day is in the first 3rd month).
        (2023, "2023-04-29"), (2031, "2031-04-01"),
    ])
    func hungKingsInLeapYears(_ year: Int, _ expected: String) throws {
        let list = try WorkingCalendar.standard.holidays(in: year)
        #expect(list.first { $0.nameEn == "Hung Kings' Commemoration Day" }?.date == VN.day(expected))
    }

    @Test("Weekends are Saturday and Sunday; ordinary weekdays work")
    func ordinaryWeek() throws {
        let week = VN.days("2025-03-03", through: "2025-03-09")
        let working = try week.map { try WorkingCalendar.standard.isWorkingDay($0) }
        #expect(working == [true, true, true, true, true, false, false])
    }

    @Test("Per-year data is read from administrator JSON, missing lists default to empty")
    func yearCalendarJSON() throws {
        let json = """
        {"year": 2025, "source": "Thông báo 6150/TB-BLĐTBXH",
         "tetSpan": {"daysBeforeNewYear": 2, "daysFromNewYear": 3},
         "extraDaysOff": [{"date": "2025-05-02", "kind": "swapDayOff", "swappedWith": "2025-04-26"}],
         "workedDays": [{"date": "2025-04-26", "swappedFor": "2025-05-02"}]}
        """
        let data = try JSONDecoder().decode(YearCalendar.self, from: Data(json.utf8))
        #expect(data.tetSpan == .lastTwoDaysAndFirstThree)
        #expect(data.extraDaysOff == [DayOff(date: VN.day("2025-05-02"), kind: .swapDayOff, swappedWith: VN.day("2025-04-26"))])
        let minimal = try JSONDecoder().decode(YearCalendar.self, from: Data(#"{"year": 2026}"#.utf8))
        #expect(minimal == YearCalendar(year: 2026))
        let roundTrip = try JSONDecoder().decode(YearCalendar.self, from: JSONEncoder().encode(VN.official2025))
        #expect(roundTrip == VN.official2025)
        #expect(try JSONDecoder().decode(HolidayRules.self, from: Data("{}".utf8)) == .labourCode2019)
    }

    struct BadData: Sendable, CustomTestStringConvertible {
        let label: String
        let years: [YearCalendar]
        var rules = HolidayRules.labourCode2019
        var testDescription: String { label }
    }

    @Test("Contradictory data is refused when the calendar is built", arguments: [
        BadData(label: "year given twice", years: [YearCalendar(year: 2025), YearCalendar(year: 2025)]),
        BadData(label: "worked day on a weekday", years: [YearCalendar(year: 2025, workedDays: [WorkedDay(date: VN.day("2025-04-25"))])]),
        BadData(label: "day off outside its year",
                years: [YearCalendar(year: 2025, extraDaysOff: [DayOff(date: VN.day("2026-01-02"), kind: .compensatory)])]),
        BadData(label: "day off on a holiday",
                years: [YearCalendar(year: 2025, extraDaysOff: [DayOff(date: VN.day("2025-04-30"), kind: .swapDayOff)])]),
        BadData(label: "day off on a weekend",
                years: [YearCalendar(year: 2025, extraDaysOff: [DayOff(date: VN.day("2025-04-26"), kind: .swapDayOff)])]),
        BadData(label: "National Day's second day on 4 September",
                years: [YearCalendar(year: 2025, nationalDayAdjacent: VN.day("2025-09-04"))]),
        BadData(label: "empty Tết span", years: [YearCalendar(year: 2025, tetSpan: TetSpan(daysBeforeNewYear: 0, daysFromNewYear: 0))]),
        BadData(label: "year out of range", years: [YearCalendar(year: 2101)]),
        BadData(label: "no working weekday", years: [], rules: HolidayRules(weeklyRestDays: Set(Weekday.allCases))),
    ])
    func invalidData(_ bad: BadData) {
        #expect(throws: CalendarError.self) { try WorkingCalendar(rules: bad.rules, years: bad.years) }
    }

    @Test("Errors say what was wrong in English and Vietnamese")
    func errorReasons() {
        do {
            _ = try WorkingCalendar(years: [YearCalendar(year: 2025, workedDays: [WorkedDay(date: VN.day("2025-04-25"))])])
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidYearCalendar(year: 2025, "worked day 2025-04-25 is not a weekly rest day"))
            #expect(error.reason == "Invalid calendar data for 2025: worked day 2025-04-25 is not a weekly rest day")
            #expect(error.vietnameseReason.hasPrefix("Lịch nghỉ năm 2025 không hợp lệ"))
        }
    }

    @Test("Years outside 1900–2100 are refused")
    func outOfRange() {
        #expect(throws: CalendarError.yearOutOfRange(year: 2101, supported: 1900...2100)) {
            try WorkingCalendar.standard.isWorkingDay(VN.day("2101-01-03"))
        }
        #expect(throws: CalendarError.yearOutOfRange(year: 1899, supported: 1900...2100)) {
            try WorkingCalendar.standard.holidays(in: 1899)
        }
    }
}
