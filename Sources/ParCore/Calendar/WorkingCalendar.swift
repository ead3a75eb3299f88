import Foundation

/// Working days of Vietnamese state agencies: weekly rest days, public holidays and
/// the Government's yearly arrangements, in Vietnam's time zone (Asia/Ho_Chi_Minh, UTC+7).
///
/// Legal sources: Labour Code 2019, art. 111 (weekly rest, compensation) and art. 112
/// (public holidays, yearly decisions of the Prime Minister); Decision 188/1999/QĐ-TTg
/// (Monday–Friday week). Lunar holidays come from `LunarCalendar.vietnam`.
///
/// A value: the rules and per-year data are fixed at creation, every answer is computed
/// from them, nothing reads the clock. Covers Gregorian years 1900–2100.
public struct WorkingCalendar: Sendable {
    /// Years the calendar answers for (the range of the lunar calendar).
    public static let supportedYears = LunarCalendar.supportedSolarYears

    /// The Labour Code 2019 rules with no per-year data.
    public static let standard = WorkingCalendar(validRules: .labourCode2019)

    /// The standing rules.
    public let rules: HolidayRules
    /// The per-year data, by year.
    public let yearCalendars: [Int: YearCalendar]
    /// Schedules of the years with data, built (and so validated) once at creation.
    private let prepared: [Int: YearSchedule]

    /// A calendar from rules and per-year data. Throws `invalidRules` or
    /// `invalidYearCalendar` when the data contradicts itself (a year given twice, a
    /// swapped day outside its year, a "worked" day that is not a weekly rest day …).
    public init(rules: HolidayRules = .labourCode2019, years: [YearCalendar] = []) throws(CalendarError) {
        try rules.validate()
        var byYear: [Int: YearCalendar] = [:]
        for data in years {
            guard Self.supportedYears.contains(data.year) else {
                throw .yearOutOfRange(year: data.year, supported: Self.supportedYears)
            }
            guard byYear[data.year] == nil else { throw .invalidYearCalendar(year: data.year, "the year is given twice") }
            byYear[data.year] = data
        }
        self.rules = rules
        self.yearCalendars = byYear
        var prepared: [Int: YearSchedule] = [:]
        for (year, data) in byYear {
            prepared[year] = try YearSchedule(year: year, rules: rules, data: data)
        }
        self.prepared = prepared
    }

    private init(validRules rules: HolidayRules) {
        self.rules = rules
        self.yearCalendars = [:]
        self.prepared = [:]
    }

    /// Whether `date` is a working day: not a weekly rest day, holiday, compensatory or
    /// swapped day off, unless it is a weekend day worked in exchange.
    public func isWorkingDay(_ date: LocalDate) throws(CalendarError) -> Bool {
        try schedule(for: date.year).isWorkingDay(date)
    }

    /// Every holiday, compensatory day, swapped day off and worked weekend day of `year`, by date.
    /// Holidays that fall on a weekly rest day are listed too (their compensation follows them).
    /// Two holidays on one date are both listed and give one day off, since art. 112 grants no
    /// extra day for that (in 1900–2100 it happens once: Hùng Kings' day on 30 April 1947).
    public func holidays(in year: Int) throws(CalendarError) -> [Holiday] {
        try schedule(for: year).entries
    }

    /// The first working day after `date`.
    public func nextWorkingDay(after date: LocalDate) throws(CalendarError) -> LocalDate {
        var days = WorkingDays(self)
        return try days.next(after: date)
    }

    func schedule(for year: Int) throws(CalendarError) -> YearSchedule {
        if let ready = prepared[year] { return ready }
        guard Self.supportedYears.contains(year) else { throw .yearOutOfRange(year: year, supported: Self.supportedYears) }
        return try YearSchedule(year: year, rules: rules, data: nil)
    }
}

/// Working-day lookups that remember each year's schedule, for loops that walk many days.
struct WorkingDays {
    let calendar: WorkingCalendar
    private var schedules: [Int: YearSchedule] = [:]

    init(_ calendar: WorkingCalendar) { self.calendar = calendar }

    mutating func isWorkingDay(_ date: LocalDate) throws(CalendarError) -> Bool {
        if let schedule = schedules[date.year] { return schedule.isWorkingDay(date) }
        let schedule = try calendar.schedule(for: date.year)
        schedules[date.year] = schedule
        return schedule.isWorkingDay(date)
    }

    /// The first working day after `date`; throws `yearOutOfRange` when the search leaves 1900–2100.
    mutating func next(after date: LocalDate) throws(CalendarError) -> LocalDate {
        var day = date
        repeat {
            guard day.year <= WorkingCalendar.supportedYears.upperBound else {
                throw .yearOutOfRange(year: day.year + 1, supported: WorkingCalendar.supportedYears)
            }
            day = day.adding(days: 1)
        } while try !isWorkingDay(day)
        return day
    }
}
