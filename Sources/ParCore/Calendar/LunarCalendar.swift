import Foundation

/// A date in the Vietnamese lunisolar calendar (âm lịch).
///
/// `year` is the Gregorian year in which that lunar year's Tết (1st day of the
/// 1st month) falls, so the 12th month of lunar year 2024 (Giáp Thìn) runs into
/// January 2025. `isLeapMonth` marks the repeated month (tháng nhuận) of a
/// 13-month year.
public struct LunarDate: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The lunar year, named by the Gregorian year of its Tết.
    public let year: Int
    /// Lunar month, 1–12 (tháng Giêng = 1, tháng Chạp = 12).
    public let month: Int
    /// Day of the lunar month, 1–30.
    public let day: Int
    /// Whether the month is the repeated leap month (tháng nhuận).
    public let isLeapMonth: Bool

    /// A lunar date as written; `LunarCalendar.solarDate(for:)` checks that it exists.
    public init(year: Int, month: Int, day: Int, isLeapMonth: Bool = false) {
        self.year = year
        self.month = month
        self.day = day
        self.isLeapMonth = isLeapMonth
    }

    /// `d/m/yyyy`, with " nhuận" after the month of a leap month, as Vietnamese calendars print it.
    public var description: String {
        "\(day)/\(month)\(isLeapMonth ? " nhuận" : "")/\(year)"
    }
}

/// The Vietnamese lunisolar calendar, computed astronomically for UTC+7.
///
/// Legal source: the Labour Code 2019, art. 112(1)(b) and (e), fixes Tết and the
/// Hùng Kings' day (10th day of the 3rd lunar month) in this calendar. The Vietnamese
/// calendar has been computed for UTC+7 since 1968 (North Vietnam's decision of
/// 8 August 1967; the whole country since 1975), which is why some years differ from
/// the Chinese calendar (UTC+8): Tết 1985 was 21 January in Vietnam and 20 February in
/// China; Tết 2007 was 17 February against 18 February; Tết 2030 will be 2 February
/// against 3 February. Earlier years are computed for UTC+7 as well, so they can differ
/// from the calendars printed at the time (South Vietnam kept Tết 1968 on 30 January).
///
/// Rules (Hồ Ngọc Đức's formulation of the traditional ones):
/// 1. A month starts on the local day of a new moon.
/// 2. Month 11 is the month containing the December solstice.
/// 3. When 13 months lie between two months 11, the first of them (after month 11)
///    in which the Sun does not cross a multiple of 30° of longitude (a "major
///    term", trung khí) is a leap month and repeats the previous month's number.
///
/// Supports Gregorian years 1900–2100 (lunar years 1899–2100, since the first
/// weeks of 1900 belong to lunar year 1899). Pure and `Sendable`: every result is
/// computed from its arguments.
public struct LunarCalendar: Sendable, Hashable {
    /// The Vietnamese calendar (UTC+7).
    public static let vietnam = LunarCalendar(utcOffsetHours: 7)

    /// Gregorian years accepted by `lunarDate(for:)`.
    public static let supportedSolarYears = 1900...2100
    /// Lunar years accepted by `solarDate(for:)` and the year queries.
    public static let supportedLunarYears = 1899...2100

    /// Hours east of UTC of the meridian the calendar is computed for: 7 for Vietnam
    /// (8 reproduces the Chinese calendar, which the tests use as a cross-check).
    public let utcOffsetHours: Double

    /// A calendar for another meridian; Vietnamese dates need `LunarCalendar.vietnam`.
    public init(utcOffsetHours: Double) {
        self.utcOffsetHours = utcOffsetHours
    }

    /// Converts a Gregorian date to the Vietnamese lunar date (solar → lunar).
    public func lunarDate(for date: LocalDate) throws(CalendarError) -> LunarDate {
        try Self.check(solarYear: date.year)
        let day = date.julianDay
        // The run of months from month 11 of year y-1 to month 11 of year y holds
        // January … early December of y; later December days belong to the next run.
        let next = monthRun(endingIn: date.year + 1)
        let run = day >= next.starts[0] ? next : monthRun(endingIn: date.year)
        let index = run.index(containing: day)
        let label = run.labels[index]
        return LunarDate(year: label.lunarYear, month: label.month, day: day - run.starts[index] + 1,
                         isLeapMonth: label.isLeap)
    }

    /// Converts a Vietnamese lunar date to the Gregorian date (lunar → solar).
    /// Throws `invalidLunarDate` when the month is not leap that year or the day is past the month's end.
    public func solarDate(for lunar: LunarDate) throws(CalendarError) -> LocalDate {
        try Self.check(lunarYear: lunar.year)
        let invalid = CalendarError.invalidLunarDate(year: lunar.year, month: lunar.month, day: lunar.day,
                                                     isLeapMonth: lunar.isLeapMonth)
        guard (1...12).contains(lunar.month), (1...30).contains(lunar.day) else { throw invalid }
        // Months 11 and 12 (and a leap 11 or 12) open the run that ends in month 11 of the next year.
        let run = monthRun(endingIn: lunar.month >= 11 ? lunar.year + 1 : lunar.year)
        guard let index = run.labels.firstIndex(where: {
            $0.lunarYear == lunar.year && $0.month == lunar.month && $0.isLeap == lunar.isLeapMonth
        }) else { throw invalid }
        guard lunar.day <= run.starts[index + 1] - run.starts[index] else { throw invalid }
        return LocalDate(julianDay: run.starts[index] + lunar.day - 1)!
    }

    /// The first day of lunar year `lunarYear` (Tết Nguyên đán, mùng 1 tháng Giêng).
    public func newYear(of lunarYear: Int) throws(CalendarError) -> LocalDate {
        try solarDate(for: LunarDate(year: lunarYear, month: 1, day: 1))
    }

    /// The leap month of lunar year `lunarYear` (for example 4 for 2020, 2 for 2023, 6 for 2025), or `nil`.
    public func leapMonth(inLunarYear lunarYear: Int) throws(CalendarError) -> Int? {
        try Self.check(lunarYear: lunarYear)
        // A leap month numbered 1…10 sits in the run ending in `lunarYear`; a leap 11 or 12 in the next one.
        for run in [monthRun(endingIn: lunarYear), monthRun(endingIn: lunarYear + 1)] {
            if let leap = run.labels.first(where: { $0.isLeap && $0.lunarYear == lunarYear }) { return leap.month }
        }
        return nil
    }

    /// The number of days (29 or 30) of a lunar month.
    public func daysInMonth(_ month: Int, ofLunarYear lunarYear: Int, isLeapMonth: Bool = false) throws(CalendarError) -> Int {
        let first = try solarDate(for: LunarDate(year: lunarYear, month: month, day: 1, isLeapMonth: isLeapMonth))
        let run = monthRun(endingIn: month >= 11 ? lunarYear + 1 : lunarYear)
        let index = run.index(containing: first.julianDay)
        return run.starts[index + 1] - run.starts[index]
    }

    // MARK: - Internals

    static func check(solarYear year: Int) throws(CalendarError) {
        guard supportedSolarYears.contains(year) else { throw .yearOutOfRange(year: year, supported: supportedSolarYears) }
    }

    static func check(lunarYear year: Int) throws(CalendarError) {
        guard supportedLunarYears.contains(year) else { throw .yearOutOfRange(year: year, supported: supportedLunarYears) }
    }

    /// The local day (Julian Day Number) on which new moon `k` falls.
    func newMoonDay(_ k: Int) -> Int {
        Int((LunarAstronomy.newMoon(k) + 0.5 + utcOffsetHours / 24).rounded(.down))
    }

    /// Which 30° sector (0 = from the March equinox … 11) the Sun is in at local midnight
    /// starting day `day`; a month "contains a major term" when the sector changes
    /// between its first day and the next month's first day.
    func sunSector(atStartOf day: Int) -> Int {
        let midnightUT = Double(day) - 0.5 - utcOffsetHours / 24
        return Int(LunarAstronomy.sunLongitude(midnightUT) / (Double.pi / 6))
    }

    /// The new moon number and local day starting month 11 of Gregorian year `year`.
    func month11(ofYear year: Int) -> (k: Int, day: Int) {
        let december31 = LocalDate(year: year, month: 12, day: 31)!.julianDay
        // Estimate the last new moon on or before 31 December, then correct the estimate.
        var k = Int((Double(december31) - LunarAstronomy.newMoonEpoch) / LunarAstronomy.synodicMonth)
        while newMoonDay(k + 1) <= december31 { k += 1 }
        while newMoonDay(k) > december31 { k -= 1 }
        // That month contains the solstice unless the Sun had already passed 270° (sector 9)
        // when it began; then the solstice fell in the month before.
        if sunSector(atStartOf: newMoonDay(k)) >= 9 { k -= 1 }
        return (k, newMoonDay(k))
    }

    /// The 12 or 13 months from month 11 of `year - 1` up to (not including) month 11 of `year`.
    /// Vietnamese runs of the supported range come from a table computed once.
    func monthRun(endingIn year: Int) -> MonthRun {
        if utcOffsetHours == 7, let run = Self.vietnameseRuns[year] { return run }
        return computeMonthRun(endingIn: year)
    }

    /// Every run the supported range needs (lunar years 1899–2100 end in runs 1899…2101),
    /// computed on first use; Swift initialises a static `let` once, thread-safely.
    private static let vietnameseRuns: [Int: MonthRun] = {
        let calendar = LunarCalendar(utcOffsetHours: 7)
        var runs: [Int: MonthRun] = [:]
        for year in supportedLunarYears.lowerBound...(supportedSolarYears.upperBound + 1) {
            runs[year] = calendar.computeMonthRun(endingIn: year)
        }
        return runs
    }()

    private func computeMonthRun(endingIn year: Int) -> MonthRun {
        let first = month11(ofYear: year - 1).k
        let last = month11(ofYear: year).k
        let starts = (first...last).map(newMoonDay)
        let count = last - first
        var leapIndex: Int?
        if count == 13 {
            // A 13-month run always has a month without a major term (13 months are longer than
            // the 12 sectors); the fallback only keeps the labels well-formed.
            leapIndex = (1..<count).first { sunSector(atStartOf: starts[$0]) == sunSector(atStartOf: starts[$0 + 1]) }
                ?? count - 1
        }
        var labels: [MonthRun.Label] = []
        var month = 11
        var lunarYear = year - 1
        for index in 0..<count {
            if index == leapIndex {
                labels.append(.init(lunarYear: lunarYear, month: month, isLeap: true))
                continue
            }
            if index > 0 {
                month = month % 12 + 1
                if month == 1 { lunarYear = year }
            }
            labels.append(.init(lunarYear: lunarYear, month: month, isLeap: false))
        }
        return MonthRun(starts: starts, labels: labels)
    }

    /// Consecutive lunar months: `starts[i]` is the first day (JDN) of month `labels[i]`,
    /// and `starts.last` the first day of the month after the run.
    struct MonthRun: Sendable {
        struct Label: Equatable, Sendable {
            let lunarYear: Int
            let month: Int
            let isLeap: Bool
        }

        let starts: [Int]
        let labels: [Label]

        func index(containing day: Int) -> Int {
            // The caller picked the run containing `day`, so a month is always found.
            (0..<labels.count).last { starts[$0] <= day } ?? 0
        }
    }
}
