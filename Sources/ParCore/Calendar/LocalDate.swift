import Foundation

/// A calendar day with no time and no zone, as written in decisions and
/// schedules ("ngày 01/7/2025").
///
/// Gregorian (dương lịch), which is the calendar periods are counted in
/// (Civil Code 2015, art. 145: "Thời hạn được tính theo dương lịch").
/// Day arithmetic goes through the Julian Day Number, so it is exact and
/// independent of any time zone or `Calendar` setting.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Gregorian year, 1–9999.
    public let year: Int
    /// Month, 1–12.
    public let month: Int
    /// Day of the month, 1–31.
    public let day: Int

    /// A valid Gregorian date; `nil` for impossible ones such as 31 February.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A valid Gregorian date, or `CalendarError.invalidDate` saying which one was impossible.
    public init(_ year: Int, _ month: Int, _ day: Int) throws(CalendarError) {
        guard let date = LocalDate(year: year, month: month, day: day) else {
            throw .invalidDate(year: year, month: month, day: day)
        }
        self = date
    }

    /// Parses `YYYY-MM-DD`; `nil` for anything else, including impossible dates.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date with the given Julian Day Number (the day count astronomers use;
    /// 2451545 is 2000-01-01). `nil` outside years 1–9999.
    public init?(julianDay: Int) {
        // Richards' algorithm (proleptic Gregorian), all in integer arithmetic.
        guard (1_721_426...5_373_484).contains(julianDay) else { return nil }
        let f = julianDay + 1401 + (((4 * julianDay + 274_277) / 146_097) * 3) / 4 - 38
        let e = 4 * f + 3
        let g = (e % 1461) / 4
        let h = 5 * g + 2
        let d = (h % 153) / 5 + 1
        let m = ((h / 153 + 2) % 12) + 1
        let y = e / 1461 - 4716 + (12 + 2 - m) / 12
        self.year = y
        self.month = m
        self.day = d
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        year.zeroPadded(4) + "-" + month.zeroPadded(2) + "-" + day.zeroPadded(2)
    }

    /// `YYYY-MM-DD`.
    public var description: String { iso }

    /// `yymmdd`, the day in the daily codes of dossiers (`…-261126-0001`) and feedback (`PA-261126-0001`).
    public var yymmdd: String {
        (year % 100).zeroPadded(2) + month.zeroPadded(2) + day.zeroPadded(2)
    }

    /// Chronological order.
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Whether `year` has a 29 February (Gregorian rule: every 4th year, except centuries not divisible by 400).
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` in `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The Julian Day Number of this date (proleptic Gregorian).
    public var julianDay: Int {
        // Fliegel & Van Flandern: shift the year to start in March so February's
        // variable length falls at the end.
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    /// The day of the week.
    public var weekday: Weekday {
        // JDN 0 was a Monday; `Weekday` counts Monday = 1 … Sunday = 7 (ISO 8601).
        Weekday(rawValue: julianDay % 7 + 1)!
    }

    /// This date moved by `days` (negative goes back). Traps if the result leaves years 1–9999,
    /// like integer overflow; calendar code checks its 1900–2100 range before getting there.
    public func adding(days: Int) -> LocalDate {
        guard let date = LocalDate(julianDay: julianDay + days) else {
            preconditionFailure("LocalDate out of range: \(self) + \(days) days")
        }
        return date
    }

    /// Days from this date to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int {
        other.julianDay - julianDay
    }

    /// This date moved by whole months; when the target month is shorter the result is
    /// clamped to its last day (31 Jan + 1 month = 28/29 Feb), as the Civil Code 2015,
    /// art. 148 ends a period counted in months. Traps outside years 1–9999.
    public func adding(months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let m = index - y * 12 + 1
        guard let date = LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y))) else {
            preconditionFailure("LocalDate out of range: \(self) + \(months) months")
        }
        return date
    }

    /// Decodes `"YYYY-MM-DD"`, refusing impossible dates.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected a date YYYY-MM-DD, got \(text)"))
        }
        self = date
    }

    /// Encodes as `"YYYY-MM-DD"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

/// A day of the week, numbered as ISO 8601 does (Monday = 1 … Sunday = 7).
///
/// Vietnamese names count from Sunday ("Chủ nhật", then "thứ Hai" = Monday …
/// "thứ Bảy" = Saturday); `vietnameseName` gives them. Saturday and Sunday are the
/// weekly rest days of state agencies (Decision 188/1999/QĐ-TTg, 40-hour week).
public enum Weekday: Int, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// "thứ Hai" … "thứ Bảy", "Chủ nhật".
    public var vietnameseName: String {
        switch self {
        case .monday: return "thứ Hai"
        case .tuesday: return "thứ Ba"
        case .wednesday: return "thứ Tư"
        case .thursday: return "thứ Năm"
        case .friday: return "thứ Sáu"
        case .saturday: return "thứ Bảy"
        case .sunday: return "Chủ nhật"
        }
    }

    /// Monday first, Sunday last.
    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}
