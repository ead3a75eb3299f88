import Foundation
import Testing
@testable import ParCore

@Suite("Deadlines")
struct DeadlineTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        /// Receipt, Vietnam wall clock "YYYY-MM-DD HH:mm".
        let receipt: String
        let amount: Int
        /// Due instant, Vietnam wall clock.
        let due: String
        /// Non-working days reported as skipped.
        let skipped: [String]
        var cutoff: TimeOfDay? = nil
        var usesYearData = false
        var testDescription: String { label }
    }

    @Test("Working-day deadlines end at 17:00 on the n-th working day after day 0", arguments: [
        Case(label: "plain week", receipt: "2025-03-03 10:00", amount: 5, due: "2025-03-10 17:00",
             skipped: ["2025-03-08", "2025-03-09"]),
        Case(label: "receipt late in the day still makes it day 0", receipt: "2025-03-03 16:59", amount: 1,
             due: "2025-03-04 17:00", skipped: []),
        Case(label: "across Tết 2025 (25 Jan–2 Feb off)", receipt: "2025-01-23 09:00", amount: 3, due: "2025-02-04 17:00",
             skipped: VN.days("2025-01-25", through: "2025-02-02").map(\.iso)),
        Case(label: "across Tết 2026 (14–22 Feb off)", receipt: "2026-02-13 16:00", amount: 1, due: "2026-02-23 17:00",
             skipped: VN.days("2026-02-14", through: "2026-02-22").map(\.iso)),
        Case(label: "across the year end with 1 January off", receipt: "2024-12-30 14:00", amount: 3,
             due: "2025-01-03 17:00", skipped: ["2025-01-01"]),
        Case(label: "31 December to 2 January", receipt: "2025-12-31 10:00", amount: 1, due: "2026-01-02 17:00",
             skipped: ["2026-01-01"]),
        Case(label: "a worked Saturday counts (26 Apr 2025)", receipt: "2025-04-25 10:00", amount: 1,
             due: "2025-04-26 17:00", skipped: [], usesYearData: true),
        Case(label: "swap block 30 Apr–4 May 2025", receipt: "2025-04-25 10:00", amount: 4, due: "2025-05-05 17:00",
             skipped: ["2025-04-27", "2025-04-30", "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04"],
             usesYearData: true),
        Case(label: "same dates without the swap data", receipt: "2025-04-25 10:00", amount: 4, due: "2025-05-05 17:00",
             skipped: ["2025-04-26", "2025-04-27", "2025-04-30", "2025-05-01", "2025-05-03", "2025-05-04"]),
        Case(label: "National Day 2025 (30 Aug–2 Sep off)", receipt: "2025-08-29 09:00", amount: 1,
             due: "2025-09-03 17:00", skipped: ["2025-08-30", "2025-08-31", "2025-09-01", "2025-09-02"]),
        Case(label: "Hùng Kings + 30/4 in leap-month year 2023", receipt: "2023-04-28 09:00", amount: 1,
             due: "2023-05-04 17:00", skipped: VN.days("2023-04-29", through: "2023-05-03").map(\.iso)),
        Case(label: "receipt on a Sunday starts from Monday", receipt: "2025-03-09 10:00", amount: 1,
             due: "2025-03-11 17:00", skipped: ["2025-03-09"]),
        Case(label: "receipt on a holiday starts from the next working day", receipt: "2025-09-02 10:00", amount: 2,
             due: "2025-09-05 17:00", skipped: ["2025-09-02"]),
        Case(label: "receipt after a 15:00 cut-off starts from the next day", receipt: "2025-03-03 15:30", amount: 2,
             due: "2025-03-06 17:00", skipped: [], cutoff: TimeOfDay(hour: 15)),
        Case(label: "receipt before the cut-off", receipt: "2025-03-03 14:59", amount: 2, due: "2025-03-05 17:00",
             skipped: [], cutoff: TimeOfDay(hour: 15)),
        Case(label: "cut-off on a Friday jumps the weekend", receipt: "2025-03-07 16:00", amount: 1,
             due: "2025-03-11 17:00", skipped: ["2025-03-08", "2025-03-09"], cutoff: TimeOfDay(hour: 15)),
        Case(label: "n = 0 is by the close of day 0", receipt: "2025-03-03 10:00", amount: 0, due: "2025-03-03 17:00", skipped: []),
        Case(label: "n = 0 after closing moves to the next close", receipt: "2025-03-07 18:00", amount: 0,
             due: "2025-03-10 17:00", skipped: ["2025-03-08", "2025-03-09"]),
    ])
    func workingDays(_ c: Case) throws {
        let calendar = c.usesYearData ? VN.officialCalendar : WorkingCalendar.standard
        let rules = DeadlineRules(receiptCutoff: c.cutoff)
        let result = try calendar.deadline(from: VN.at(c.receipt), workingDays: c.amount, rules: rules)
        #expect(LocalDateTime(result.due).description == LocalDateTime(VN.at(c.due)).description)
        #expect(result.dueDate == VietnamTime.localDate(of: VN.at(c.due)))
        #expect(result.skippedNonWorkingDays.map(\.iso) == c.skipped)
        if c.amount > 0 {
            #expect(try calendar.workingDays(between: VN.at(c.receipt), and: result.due, rules: rules) == c.amount)
        }
    }

    @Test("Elapsed working days are counted from day 0", arguments: [
        ("2025-03-03 10:00", "2025-03-03 16:00", 0),
        ("2025-03-03 10:00", "2025-03-04 08:00", 1),
        ("2025-03-03 10:00", "2025-03-10 12:00", 5),
        ("2025-01-23 09:00", "2025-02-03 09:00", 2),
        ("2025-03-10 10:00", "2025-03-03 10:00", 0),
        // 31 Dec, then January 2025's 23 weekdays less 1 Jan and 27–31 Jan (Tết).
        ("2024-12-30 08:00", "2025-01-31 17:00", 18),
    ])
    func elapsed(_ start: String, _ end: String, _ expected: Int) throws {
        #expect(try WorkingCalendar.standard.workingDays(between: VN.at(start), and: VN.at(end)) == expected)
    }

    @Test("Working-hour deadlines only run inside office hours", arguments: [
        Case(label: "ends exactly at the lunch break", receipt: "2025-03-03 10:00", amount: 2, due: "2025-03-03 12:00", skipped: []),
        Case(label: "crosses lunch", receipt: "2025-03-03 10:00", amount: 3, due: "2025-03-03 14:00", skipped: []),
        Case(label: "received during lunch", receipt: "2025-03-03 12:30", amount: 1, due: "2025-03-03 14:00", skipped: []),
        Case(label: "received before opening", receipt: "2025-03-03 07:00", amount: 4, due: "2025-03-03 12:00", skipped: []),
        Case(label: "a full day is 8 hours", receipt: "2025-03-03 08:00", amount: 8, due: "2025-03-03 17:00", skipped: []),
        Case(label: "crosses the night", receipt: "2025-03-03 16:00", amount: 2, due: "2025-03-04 09:00", skipped: []),
        Case(label: "received after closing", receipt: "2025-03-03 19:00", amount: 1, due: "2025-03-04 09:00", skipped: []),
        Case(label: "crosses the weekend", receipt: "2025-03-07 16:30", amount: 1, due: "2025-03-10 08:30",
             skipped: ["2025-03-08", "2025-03-09"]),
        Case(label: "received on a Saturday", receipt: "2025-03-08 10:00", amount: 1, due: "2025-03-10 09:00",
             skipped: ["2025-03-08", "2025-03-09"]),
        Case(label: "crosses Tết 2025", receipt: "2025-01-23 14:00", amount: 16, due: "2025-02-03 14:00",
             skipped: VN.days("2025-01-25", through: "2025-02-02").map(\.iso)),
        Case(label: "cut-off moves the start to the next opening", receipt: "2025-03-03 15:30", amount: 1,
             due: "2025-03-04 09:00", skipped: [], cutoff: TimeOfDay(hour: 15)),
        Case(label: "zero hours at lunch is the afternoon opening", receipt: "2025-03-03 12:10", amount: 0,
             due: "2025-03-03 13:00", skipped: []),
    ])
    func workingHours(_ c: Case) throws {
        let rules = DeadlineRules(receiptCutoff: c.cutoff)
        let result = try WorkingCalendar.standard.deadline(from: VN.at(c.receipt), workingHours: Double(c.amount), rules: rules)
        #expect(LocalDateTime(result.due).description == LocalDateTime(VN.at(c.due)).description)
        #expect(result.skippedNonWorkingDays.map(\.iso) == c.skipped)
    }

    @Test("Fractional working hours keep minutes and seconds across lunch")
    func fractionalHours() throws {
        let result = try WorkingCalendar.standard.deadline(from: VN.at("2025-03-03 11:45"), workingHours: 0.5)
        #expect(result.due == VN.at("2025-03-03 13:15"))
        let precise = VN.at("2025-03-03 09:00").addingTimeInterval(12.5)
        #expect(try WorkingCalendar.standard.deadline(from: precise, workingHours: 1).due == precise.addingTimeInterval(3600))
    }

    @Test("Office hours are configurable per unit")
    func customOfficeHours() throws {
        let hours = try OfficeHours(sessions: [
            .init(start: TimeOfDay(hour: 7, minute: 30)!, end: TimeOfDay(hour: 11, minute: 30)!),
            .init(start: TimeOfDay(hour: 13, minute: 30)!, end: TimeOfDay(hour: 17, minute: 30)!),
        ])
        let rules = DeadlineRules(officeHours: hours)
        let calendar = WorkingCalendar.standard
        #expect(try calendar.deadline(from: VN.at("2025-03-03 10:30"), workingHours: 2, rules: rules).due == VN.at("2025-03-03 14:30"))
        #expect(try calendar.deadline(from: VN.at("2025-03-03 10:30"), workingDays: 1, rules: rules).due == VN.at("2025-03-04 17:30"))
        #expect(hours.secondsPerDay == 8 * 3600)
        #expect(throws: CalendarError.self) {
            try OfficeHours(sessions: [.init(start: TimeOfDay(hour: 13)!, end: TimeOfDay(hour: 12)!)])
        }
        #expect(throws: CalendarError.self) {
            try OfficeHours(sessions: [.init(start: TimeOfDay(hour: 8)!, end: TimeOfDay(hour: 12)!),
                                       .init(start: TimeOfDay(hour: 11)!, end: TimeOfDay(hour: 17)!)])
        }
        #expect(throws: CalendarError.self) { try OfficeHours(sessions: []) }
        let json = #"{"sessions": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]}"#
        #expect(try JSONDecoder().decode(OfficeHours.self, from: Data(json.utf8)) == .standard)
        let overlapping = #"{"sessions": [{"start": "08:00", "end": "14:00"}, {"start": "13:00", "end": "17:00"}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OfficeHours.self, from: Data(overlapping.utf8)) }
    }

    struct DayCase: Sendable, CustomTestStringConvertible {
        let label: String
        let receipt: String
        let amount: Int
        /// The period's last day; the due instant is 17:00 (the close of office hours) of it.
        let lastDay: String
        let skipped: [String]
        var extend = true
        var usesYearData = false
        var testDescription: String { label }
    }

    @Test("Calendar-day deadlines end at the close of office hours, extended past a non-working last day", arguments: [
        DayCase(label: "10 days", receipt: "2025-03-03 10:00", amount: 10, lastDay: "2025-03-13", skipped: []),
        DayCase(label: "last day a Saturday moves to Monday", receipt: "2025-03-05 10:00", amount: 3, lastDay: "2025-03-10",
                skipped: ["2025-03-08", "2025-03-09"]),
        DayCase(label: "no extension when switched off", receipt: "2025-03-05 10:00", amount: 3, lastDay: "2025-03-08",
                skipped: [], extend: false),
        DayCase(label: "last day inside Tết 2025", receipt: "2025-01-23 10:00", amount: 5, lastDay: "2025-02-03",
                skipped: VN.days("2025-01-28", through: "2025-02-02").map(\.iso)),
        DayCase(label: "over the year end onto 1 January", receipt: "2025-12-22 10:00", amount: 10, lastDay: "2026-01-02",
                skipped: ["2026-01-01"]),
        DayCase(label: "receipt on a Saturday starts on Monday", receipt: "2025-03-08 10:00", amount: 1, lastDay: "2025-03-11",
                skipped: ["2025-03-08", "2025-03-09"]),
    ])
    func calendarDays(_ c: DayCase) throws {
        let rules = DeadlineRules(extendsPastNonWorkingLastDay: c.extend)
        let result = try WorkingCalendar.standard.deadline(from: VN.at(c.receipt), calendarDays: c.amount, rules: rules)
        #expect(result.dueDate == VN.day(c.lastDay))
        #expect(result.due == VietnamTime.instant(VN.day(c.lastDay), TimeOfDay(hour: 17)!))
        #expect(result.skippedNonWorkingDays.map(\.iso) == c.skipped)
    }

    @Test("Month deadlines clamp to the month's end and extend past non-working days", arguments: [
        DayCase(label: "31 Jan + 1 month = 28 Feb", receipt: "2023-01-31 10:00", amount: 1, lastDay: "2023-02-28", skipped: []),
        DayCase(label: "receipt on 31 Jan 2025 (Tết) starts on 3 Feb", receipt: "2025-01-31 10:00", amount: 1,
                lastDay: "2025-03-03", skipped: ["2025-01-31", "2025-02-01", "2025-02-02"]),
        DayCase(label: "31 Jan 2024 + 1 month = 29 Feb", receipt: "2024-01-31 10:00", amount: 1, lastDay: "2024-02-29", skipped: []),
        DayCase(label: "ends on 30 Apr 2025, extended to 2 May", receipt: "2025-03-31 10:00", amount: 1, lastDay: "2025-05-02",
                skipped: ["2025-04-30", "2025-05-01"]),
        DayCase(label: "same with the 2025 swap data, extended to 5 May", receipt: "2025-03-31 10:00", amount: 1,
                lastDay: "2025-05-05", skipped: ["2025-04-30", "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04"],
                usesYearData: true),
        DayCase(label: "over the year end onto a Sunday", receipt: "2024-12-16 10:00", amount: 2, lastDay: "2025-02-17",
                skipped: ["2025-02-16"]),
        DayCase(label: "12 months", receipt: "2025-06-30 10:00", amount: 12, lastDay: "2026-06-30", skipped: []),
    ])
    func months(_ c: DayCase) throws {
        let calendar = c.usesYearData ? VN.officialCalendar : WorkingCalendar.standard
        let result = try calendar.deadline(from: VN.at(c.receipt), months: c.amount)
        #expect(result.dueDate == VN.day(c.lastDay))
        #expect(result.due == VietnamTime.instant(VN.day(c.lastDay), TimeOfDay(hour: 17)!))
        #expect(result.skippedNonWorkingDays.map(\.iso) == c.skipped)
    }

    @Test("Bad amounts and out-of-range instants are refused with a reason")
    func errors() throws {
        let calendar = WorkingCalendar.standard
        let receipt = VN.at("2025-03-03 10:00")
        #expect(throws: CalendarError.negativeAmount(what: "number of working days", value: -1)) {
            try calendar.deadline(from: receipt, workingDays: -1)
        }
        #expect(throws: CalendarError.negativeAmount(what: "number of working hours", value: -0.5)) {
            try calendar.deadline(from: receipt, workingHours: -0.5)
        }
        #expect(throws: CalendarError.nonFiniteAmount(what: "number of working hours")) {
            try calendar.deadline(from: receipt, workingHours: .nan)
        }
        #expect(throws: CalendarError.negativeAmount(what: "number of calendar days", value: -3)) {
            try calendar.deadline(from: receipt, calendarDays: -3)
        }
        #expect(throws: CalendarError.negativeAmount(what: "number of months", value: -1)) {
            try calendar.deadline(from: receipt, months: -1)
        }
        #expect(throws: CalendarError.yearOutOfRange(year: 1899, supported: 1900...2100)) {
            try calendar.deadline(from: VN.at("1899-12-31 10:00"), workingDays: 1)
        }
        #expect(throws: CalendarError.yearOutOfRange(year: 2101, supported: 1900...2100)) {
            try calendar.deadline(from: VN.at("2100-12-29 10:00"), workingDays: 5)
        }
        #expect(throws: CalendarError.yearOutOfRange(year: 2101, supported: 1900...2100)) {
            try calendar.deadline(from: VN.at("2100-06-01 10:00"), months: 7)
        }
        #expect(throws: CalendarError.yearOutOfRange(year: 2101, supported: 1900...2100)) {
            try calendar.deadline(from: receipt, calendarDays: .max)
        }
        #expect(throws: CalendarError.self) { try calendar.deadline(from: .distantFuture, workingDays: 1) }
        let error = CalendarError.negativeAmount(what: "number of working days", value: -1)
        #expect(error.reason == "The number of working days must not be negative (got -1).")
    }

    @Test("The result encodes skipped days as workingDaysSkipped")
    func resultJSON() throws {
        let result = try WorkingCalendar.standard.deadline(from: VN.at("2025-03-07 10:00"), workingDays: 1)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(json == #"{"due":"2025-03-10T10:00:00Z","dueDate":"2025-03-10","startDate":"2025-03-07","workingDaysSkipped":["2025-03-08","2025-03-09"]}"#)
    }

    @Test("The effective receipt day is day 0")
    func effectiveReceiptDay() throws {
        let calendar = WorkingCalendar.standard
        #expect(try calendar.effectiveReceiptDay(of: VN.at("2025-03-03 10:00")) == VN.day("2025-03-03"))
        #expect(try calendar.effectiveReceiptDay(of: VN.at("2025-03-08 10:00")) == VN.day("2025-03-10"))
        #expect(try calendar.effectiveReceiptDay(of: VN.at("2025-03-03 16:00"), rules: DeadlineRules(receiptCutoff: TimeOfDay(hour: 16)))
            == VN.day("2025-03-04"))
    }
}
