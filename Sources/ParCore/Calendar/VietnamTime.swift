import Foundation

/// Vietnam's civil time: zone `Asia/Ho_Chi_Minh`, a fixed UTC+07:00 with no daylight saving.
///
/// The whole country has kept UTC+7 since 13 June 1975 (the South used UTC+8 before
/// then); the calendar code therefore converts with plain arithmetic instead of
/// `TimeZone`, which keeps it pure and identical on every platform. Dates before 1975
/// are still read at UTC+7, which is also the zone of the Vietnamese lunar calendar
/// (see `LunarCalendar`).
public enum VietnamTime {
    /// The IANA zone name.
    public static let zoneIdentifier = "Asia/Ho_Chi_Minh"
    /// Seconds east of UTC: 7 h.
    public static let utcOffsetSeconds = 7 * 3600

    /// The local calendar day of an instant.
    /// Whether an instant falls on a date the calendar can represent (check user-given
    /// instants with it before asking for their local date).
    public static func isRepresentable(_ instant: Date) -> Bool {
        let local = instant.timeIntervalSince1970 + Double(utcOffsetSeconds)
        guard local.isFinite, abs(local) < 1e13 else { return false }
        return LocalDate(julianDay: Int((local / 86_400).rounded(.down)) + 2_440_588) != nil
    }

    public static func localDate(of instant: Date) -> LocalDate {
        LocalDateTime(instant).date
    }

    /// The instant of a local date and time of day (`24:00` is midnight at the end of the day).
    public static func instant(_ date: LocalDate, _ time: TimeOfDay) -> Date {
        LocalDateTime(date: date, time: time).instant
    }
}
