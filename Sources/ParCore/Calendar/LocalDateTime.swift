import Foundation

/// An instant read on Vietnam's wall clock (UTC+7): the local date and the seconds
/// elapsed since local midnight, fractions kept so that converting back is exact.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The local calendar day.
    public let date: LocalDate
    /// Seconds since local midnight, in `0..<86400` (or exactly 86400 for `24:00`).
    public let secondsSinceMidnight: Double

    /// Reads `instant` at UTC+7 (`VietnamTime.utcOffsetSeconds`). Traps for instants outside
    /// years 1–9999; the deadline functions check their 1900–2100 range first.
    public init(_ instant: Date) {
        let local = instant.timeIntervalSince1970 + Double(VietnamTime.utcOffsetSeconds)
        let days = (local / 86_400).rounded(.down)
        // JDN 2440588 is 1970-01-01, the Unix epoch's day.
        self.date = LocalDate(julianDay: Int(days) + 2_440_588)!
        self.secondsSinceMidnight = local - days * 86_400
    }

    /// A local date at a wall-clock time.
    public init(date: LocalDate, time: TimeOfDay) {
        self.date = date
        self.secondsSinceMidnight = Double(time.secondsSinceMidnight)
    }

    /// The instant this wall-clock reading denotes.
    public var instant: Date {
        let days = Double(date.julianDay - 2_440_588)
        return Date(timeIntervalSince1970: days * 86_400 + secondsSinceMidnight - Double(VietnamTime.utcOffsetSeconds))
    }

    /// The time of day, truncated to the minute.
    public var time: TimeOfDay {
        let minutes = Int(secondsSinceMidnight) / 60
        return TimeOfDay(hour: minutes / 60, minute: minutes % 60)!
    }

    /// ISO 8601 with the +07:00 offset, to the second.
    public var description: String { date.iso8601(at: Int(secondsSinceMidnight), offset: "+07:00") }

    /// Chronological order.
    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.date, lhs.secondsSinceMidnight) < (rhs.date, rhs.secondsSinceMidnight)
    }
}

extension LocalDate {
    /// ISO 8601 date and time to the second, then `offset` as written (`Z`, `+07:00`): `2026-12-07T04:05:06Z`.
    /// Digit by digit, as Foundation's formatters go through ICU (docs/performance.md).
    public func iso8601(at secondsSinceMidnight: Int, offset: String) -> String {
        iso + "T" + (secondsSinceMidnight / 3600).zeroPadded(2) + ":" + (secondsSinceMidnight / 60 % 60).zeroPadded(2) + ":"
            + (secondsSinceMidnight % 60).zeroPadded(2) + offset
    }

    /// As tables and notices show a day: `06/11/2026`.
    public var shown: String { day.zeroPadded(2) + "/" + month.zeroPadded(2) + "/" + year.zeroPadded(4) }
}

extension LocalDateTime {
    /// As tables and notices show a time: `06/11/2026 17:00` (to the minute, never seconds).
    public var shown: String {
        date.shown + " " + time.description
    }

    /// As forms print it (Circular 01/2018/TT-VPCP, form 01: "... giờ ... phút, ngày ... tháng ... năm ..."):
    /// `17 giờ 00, ngày 06/11/2026`; in English `17:00, 06/11/2026`.
    public func formal(english: Bool) -> String {
        let (hour, minute) = (time.hour.zeroPadded(2), time.minute.zeroPadded(2))
        return english ? hour + ":" + minute + ", " + date.shown : hour + " giờ " + minute + ", ngày " + date.shown
    }
}
