import Foundation

/// A time of day on the local wall clock, to the minute, from `00:00` to `24:00`.
///
/// `24:00` stands for the end of a day, the moment a period counted in days ends
/// (Civil Code 2015, art. 148: "vào lúc hai mươi tư giờ của ngày đó").
/// Encoded as `"HH:mm"`.
public struct TimeOfDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Hour, 0–24 (24 only as `24:00`).
    public let hour: Int
    /// Minute, 0–59.
    public let minute: Int

    /// A valid time of day; `nil` for anything past `24:00`.
    public init?(hour: Int, minute: Int = 0) {
        guard (0...23).contains(hour) && (0...59).contains(minute) || (hour == 24 && minute == 0) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// A valid time of day, or `CalendarError.invalidTime`.
    public init(_ hour: Int, _ minute: Int = 0) throws(CalendarError) {
        guard let time = TimeOfDay(hour: hour, minute: minute) else { throw .invalidTime(hour: hour, minute: minute) }
        self = time
    }

    /// Parses `"HH:mm"`.
    public init?(text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(hour: h, minute: m)
    }

    /// `00:00`.
    public static let midnight = TimeOfDay(hour: 0)!
    /// `24:00`, the end of the day.
    public static let endOfDay = TimeOfDay(hour: 24)!

    /// Seconds since the start of the day.
    public var secondsSinceMidnight: Int { (hour * 60 + minute) * 60 }

    /// `HH:mm`.
    public var description: String { hour.zeroPadded(2) + ":" + minute.zeroPadded(2) }

    /// Earlier times first.
    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
        lhs.secondsSinceMidnight < rhs.secondsSinceMidnight
    }

    /// Decodes `"HH:mm"`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = TimeOfDay(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected a time HH:mm, got \(text)"))
        }
        self = time
    }

    /// Encodes as `"HH:mm"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
