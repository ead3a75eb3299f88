import Foundation
import Testing
@testable import ParCore

@Suite("Local dates and Vietnam time")
struct LocalDateTests {
    struct JulianCase: Sendable, CustomTestStringConvertible {
        let date: String
        let julianDay: Int
        let weekday: Weekday
        var testDescription: String { date }
    }

    // Julian Day Numbers from Meeus, Astronomical Algorithms, ch. 7 (JD 2451545 = 2000-01-01 noon,
    // 2415021 = 1900-01-01 noon); weekdays of well-known days (30 April 1975 was a Wednesday).
    @Test("Julian Day Numbers and weekdays are exact", arguments: [
        JulianCase(date: "2000-01-01", julianDay: 2_451_545, weekday: .saturday),
        JulianCase(date: "1900-01-01", julianDay: 2_415_021, weekday: .monday),
        JulianCase(date: "1970-01-01", julianDay: 2_440_588, weekday: .thursday),
        JulianCase(date: "1975-04-30", julianDay: 2_442_533, weekday: .wednesday),
        JulianCase(date: "2025-01-29", julianDay: 2_460_705, weekday: .wednesday),
        JulianCase(date: "2100-12-31", julianDay: 2_488_434, weekday: .friday),
    ])
    func julianDays(_ c: JulianCase) {
        let date = VN.day(c.date)
        #expect(date.julianDay == c.julianDay)
        #expect(LocalDate(julianDay: c.julianDay) == date)
        #expect(date.weekday == c.weekday)
    }

    @Test("Impossible dates are refused with a typed error", arguments: [
        (2025, 2, 29), (2100, 2, 29), (1900, 2, 29), (2025, 4, 31), (2025, 13, 1), (2025, 0, 10), (2025, 1, 0),
    ])
    func invalidDates(_ y: Int, _ m: Int, _ d: Int) {
        #expect(LocalDate(year: y, month: m, day: d) == nil)
        #expect(throws: CalendarError.invalidDate(year: y, month: m, day: d)) { try LocalDate(y, m, d) }
    }

    @Test("Leap days exist in leap years only")
    func leapDays() throws {
        #expect(try LocalDate(2000, 2, 29).iso == "2000-02-29")
        #expect(try LocalDate(2024, 2, 29).iso == "2024-02-29")
        #expect(LocalDate(iso: "2023-02-29") == nil)
    }

    @Test("yymmdd: the day in the daily codes, two digits each, the century dropped", arguments: [
        ("2026-11-26", "261126"), ("2000-01-01", "000101"), ("2099-12-31", "991231"), ("2024-02-29", "240229"), ("2105-07-04", "050704"),
    ])
    func yymmdd(_ iso: String, _ expected: String) throws {
        #expect(try #require(LocalDate(iso: iso)).yymmdd == expected)
    }

    @Test("Month arithmetic clamps to the end of a shorter month", arguments: [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2025-08-31", 1, "2025-09-30"),
        ("2025-01-15", 12, "2026-01-15"),
        ("2025-05-31", -17, "2023-12-31"),
    ])
    func addingMonths(_ start: String, _ months: Int, _ expected: String) {
        #expect(VN.day(start).adding(months: months) == VN.day(expected))
    }

    @Test("Day arithmetic crosses month and year ends")
    func addingDays() {
        #expect(VN.day("2024-12-31").adding(days: 1) == VN.day("2025-01-01"))
        #expect(VN.day("2024-02-28").adding(days: 1) == VN.day("2024-02-29"))
        #expect(VN.day("2025-03-01").adding(days: -1) == VN.day("2025-02-28"))
        #expect(VN.day("2025-01-01").days(to: VN.day("2026-01-01")) == 365)
        #expect(VN.day("2024-01-01").days(to: VN.day("2025-01-01")) == 366)
    }

    @Test("Dates encode as ISO strings and compare chronologically")
    func codableAndOrder() throws {
        let data = try JSONEncoder().encode([VN.day("2025-01-29")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2025-01-29"]"#)
        #expect(try JSONDecoder().decode([LocalDate].self, from: data) == [VN.day("2025-01-29")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data(#"["2025-02-30"]"#.utf8)) }
        #expect(VN.day("2024-12-31") < VN.day("2025-01-01"))
        #expect(VN.day("2025-02-01") > VN.day("2025-01-31"))
    }

    struct InstantCase: Sendable, CustomTestStringConvertible {
        let utc: String
        let local: String
        var testDescription: String { utc }
    }

    @Test("Instants are read on the UTC+7 wall clock", arguments: [
        InstantCase(utc: "2025-01-01T00:00:00Z", local: "2025-01-01T07:00:00+07:00"),
        InstantCase(utc: "2024-12-31T17:00:00Z", local: "2025-01-01T00:00:00+07:00"),
        InstantCase(utc: "2024-12-31T16:59:59Z", local: "2024-12-31T23:59:59+07:00"),
        InstantCase(utc: "1969-12-31T20:30:00Z", local: "1970-01-01T03:30:00+07:00"),
        InstantCase(utc: "2100-12-31T16:59:59Z", local: "2100-12-31T23:59:59+07:00"),
    ])
    func instantToLocal(_ c: InstantCase) throws {
        let instant = try #require(ISO8601DateFormatter().date(from: c.utc))
        let local = LocalDateTime(instant)
        #expect(local.description == c.local)
        #expect(local.instant == instant)
    }

    @Test("Local wall-clock times convert to instants and back, fractions kept")
    func localToInstant() throws {
        let instant = VN.at("2025-03-03 08:00")
        #expect(instant == ISO8601DateFormatter().date(from: "2025-03-03T01:00:00Z"))
        let precise = instant.addingTimeInterval(0.25)
        #expect(LocalDateTime(precise).instant == precise)
        #expect(LocalDateTime(precise).time == TimeOfDay(hour: 8))
        // 24:00 is the first instant of the next day.
        #expect(VietnamTime.instant(VN.day("2025-03-03"), .endOfDay) == VN.at("2025-03-04 00:00"))
        #expect(VietnamTime.localDate(of: VN.at("2025-03-03 23:59")) == VN.day("2025-03-03"))
    }

    @Test("Times of day parse as HH:mm and refuse impossible values")
    func localTimes() throws {
        #expect(TimeOfDay(text: "17:00") == TimeOfDay(hour: 17))
        #expect(TimeOfDay(text: "24:00") == .endOfDay)
        #expect(TimeOfDay(text: "24:01") == nil)
        #expect(TimeOfDay(text: "7:00") == nil)
        #expect(throws: CalendarError.invalidTime(hour: 12, minute: 60)) { try TimeOfDay(12, 60) }
        #expect(try JSONEncoder().encode([TimeOfDay(13, 30)]) == Data(#"["13:30"]"#.utf8))
    }
}
