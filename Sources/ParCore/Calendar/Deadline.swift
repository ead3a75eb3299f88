import Foundation

/// The answer to a deadline question: when the period ends, and which non-working
/// days it stepped over (so an API can show why the date is later than it looks).
///
/// Legal source: Civil Code 2015, arts. 147–148 (start and end of periods); the
/// conventions are detailed on each `WorkingCalendar.deadline` function.
public struct DeadlineResult: Hashable, Sendable, Codable {
    /// The instant the period ends; an act is on time at or before it.
    public let due: Date
    /// The local date of the period's last day.
    public let dueDate: LocalDate
    /// The effective receipt day ("day 0"): the receipt's local date, or the next working
    /// day when the receipt came on a non-working day or after the cut-off.
    public let startDate: LocalDate
    /// Non-working days that did not count, in date order. Encoded as `workingDaysSkipped`,
    /// the field name of the API answer.
    public let skippedNonWorkingDays: [LocalDate]

    /// A result; normally made by the `WorkingCalendar.deadline` functions.
    public init(due: Date, dueDate: LocalDate, startDate: LocalDate, skippedNonWorkingDays: [LocalDate]) {
        self.due = due
        self.dueDate = dueDate
        self.startDate = startDate
        self.skippedNonWorkingDays = skippedNonWorkingDays
    }

    private enum CodingKeys: String, CodingKey {
        case due, dueDate, startDate
        case skippedNonWorkingDays = "workingDaysSkipped"
    }
}

extension WorkingCalendar {
    /// The due instant of a period of `n` working days (ngày làm việc).
    ///
    /// Convention (ParHub's, following Civil Code 2015 art. 147: the day of the event
    /// does not count):
    /// - The receipt's local date (UTC+7) is **day 0** and never counts. If the receipt
    ///   falls on a non-working day, or at/after `rules.receiptCutoff`, day 0 is the next
    ///   working day instead.
    /// - Day 1 is the first working day after day 0; the period ends on **day n** at the
    ///   close of office hours (`rules.officeHours.closing`, 17:00 by default).
    /// - `n = 0` means "by the close of day 0"; if the receipt is already past that
    ///   close (possible without a cut-off), the next working day's close.
    /// - `skippedNonWorkingDays` lists every non-working day from the receipt's date to
    ///   the due date.
    ///
    /// Throws `negativeAmount` for `n < 0` and `yearOutOfRange` outside 1900–2100.
    public func deadline(from receipt: Date, workingDays n: Int,
                         rules: DeadlineRules = .standard) throws(CalendarError) -> DeadlineResult {
        guard n >= 0 else { throw .negativeAmount(what: "number of working days", value: Double(n)) }
        let received = try Self.localTime(of: receipt)
        var days = WorkingDays(self)
        let start = try startDay(of: received, rules: rules, days: &days)
        var last = start
        for _ in 0..<n { last = try days.next(after: last) }
        var due = LocalDateTime(date: last, time: rules.officeHours.closing).instant
        if due < receipt {
            last = try days.next(after: last)
            due = LocalDateTime(date: last, time: rules.officeHours.closing).instant
        }
        return DeadlineResult(due: due, dueDate: last, startDate: start,
                              skippedNonWorkingDays: try nonWorkingDays(from: received.date, through: last, days: &days))
    }

    /// How many working days have elapsed from `start` to `end`, counted as
    /// `deadline(from:workingDays:rules:)` counts them: the working days after the
    /// effective receipt day (day 0) up to and including `end`'s local date. So
    /// `workingDays(between: r, and: deadline(from: r, workingDays: n).due) == n` for `n ≥ 1`.
    /// Returns 0 when `end` is not after day 0. Throws `yearOutOfRange` outside 1900–2100.
    public func workingDays(between start: Date, and end: Date,
                            rules: DeadlineRules = .standard) throws(CalendarError) -> Int {
        let from = try Self.localTime(of: start)
        let to = try Self.localTime(of: end)
        var days = WorkingDays(self)
        var day = try startDay(of: from, rules: rules, days: &days)
        var count = 0
        while day < to.date {
            day = day.adding(days: 1)
            if try days.isWorkingDay(day) { count += 1 }
        }
        return count
    }

    /// The due instant of a period of `hours` working hours (giờ làm việc), counted only
    /// inside `rules.officeHours` on working days: lunch breaks, nights, weekends and
    /// holidays do not run the clock.
    ///
    /// The clock starts at the receipt if it is inside a session of a working day before
    /// the cut-off, at the next session start of the same day if it is before or between
    /// sessions, and otherwise at the opening of the next working day. The period ends the
    /// moment the hours are used up, so 4 hours from 08:00 end at 12:00 (not 13:00).
    /// `hours = 0` gives the first office instant at or after the receipt.
    ///
    /// Throws `negativeAmount`, `nonFiniteAmount` or `yearOutOfRange`.
    public func deadline(from receipt: Date, workingHours hours: Double,
                         rules: DeadlineRules = .standard) throws(CalendarError) -> DeadlineResult {
        guard hours.isFinite else { throw .nonFiniteAmount(what: "number of working hours") }
        guard hours >= 0 else { throw .negativeAmount(what: "number of working hours", value: hours) }
        let received = try Self.localTime(of: receipt)
        var days = WorkingDays(self)
        let start = try startDay(of: received, rules: rules, days: &days)
        var day = start
        var cursor = start == received.date ? receipt : LocalDateTime(date: start, time: rules.officeHours.opening).instant
        var remaining = hours * 3600
        while true {
            for session in rules.officeHours.sessions {
                let sessionStart = LocalDateTime(date: day, time: session.start).instant
                let sessionEnd = LocalDateTime(date: day, time: session.end).instant
                let from = max(sessionStart, cursor)
                guard from < sessionEnd else { continue }
                let available = sessionEnd.timeIntervalSince(from)
                if remaining <= available {
                    let due = from.addingTimeInterval(remaining)
                    return DeadlineResult(due: due, dueDate: day, startDate: start,
                                          skippedNonWorkingDays: try nonWorkingDays(from: received.date, through: day,
                                                                                    days: &days))
                }
                remaining -= available
            }
            day = try days.next(after: day)
            cursor = LocalDateTime(date: day, time: rules.officeHours.opening).instant
        }
    }

    /// The due instant of a period of `n` calendar days (ngày), Civil Code 2015 style:
    /// day 0 is the effective receipt day (as in `deadline(from:workingDays:rules:)`),
    /// the period's last day is day 0 + `n`. When the last day is not a working day and
    /// `rules.extendsPastNonWorkingLastDay` is set (art. 148(5)), the last day is the next
    /// working day.
    ///
    /// The period ends at the **close of office hours** of its last day (17:00 with the
    /// standard hours), like a working-day period: the appointment is a time the result is
    /// handed over at the counter, which art. 148(6)'s 24:00 could never be (an appointment
    /// printed "00:00" of the next day reads as the start of the wrong day). Every period
    /// counted in days therefore ends at the same time of day (docs/rules.md).
    ///
    /// `skippedNonWorkingDays` lists the non-working days that moved day 0 or the end,
    /// not the weekends inside the period, which count as calendar days.
    public func deadline(from receipt: Date, calendarDays n: Int,
                         rules: DeadlineRules = .standard) throws(CalendarError) -> DeadlineResult {
        guard n >= 0 else { throw .negativeAmount(what: "number of calendar days", value: Double(n)) }
        // 1900–2100 spans fewer than 74 000 days: anything longer cannot end in range.
        guard n <= 74_000 else {
            throw .yearOutOfRange(year: WorkingCalendar.supportedYears.upperBound + 1, supported: WorkingCalendar.supportedYears)
        }
        return try dayPeriod(from: receipt, rules: rules) { $0.adding(days: n) }
    }

    /// The due instant of a period of `n` months (tháng): the last day is the same day
    /// of the month `n` months after day 0, or that month's last day when it is shorter
    /// (31 January + 1 month = 28/29 February; Civil Code 2015, art. 148); otherwise as
    /// `deadline(from:calendarDays:rules:)` (close of office hours, extension past non-working days).
    public func deadline(from receipt: Date, months n: Int,
                         rules: DeadlineRules = .standard) throws(CalendarError) -> DeadlineResult {
        guard n >= 0 else { throw .negativeAmount(what: "number of months", value: Double(n)) }
        guard n <= 2_412 else {
            throw .yearOutOfRange(year: WorkingCalendar.supportedYears.upperBound + 1, supported: WorkingCalendar.supportedYears)
        }
        return try dayPeriod(from: receipt, rules: rules) { $0.adding(months: n) }
    }

    /// The effective receipt day ("day 0") of a receipt under `rules`.
    public func effectiveReceiptDay(of receipt: Date, rules: DeadlineRules = .standard) throws(CalendarError) -> LocalDate {
        var days = WorkingDays(self)
        return try startDay(of: try Self.localTime(of: receipt), rules: rules, days: &days)
    }

    // MARK: - Internals

    private func dayPeriod(from receipt: Date, rules: DeadlineRules,
                           lastDay: (LocalDate) -> LocalDate) throws(CalendarError) -> DeadlineResult {
        let received = try Self.localTime(of: receipt)
        var days = WorkingDays(self)
        let start = try startDay(of: received, rules: rules, days: &days)
        var skipped = try nonWorkingDays(from: received.date, through: start, days: &days)
        var last = lastDay(start)
        guard WorkingCalendar.supportedYears.contains(last.year) else {
            throw .yearOutOfRange(year: last.year, supported: WorkingCalendar.supportedYears)
        }
        if rules.extendsPastNonWorkingLastDay {
            while try !days.isWorkingDay(last) {
                skipped.append(last)
                last = last.adding(days: 1) // a year past 2100 makes isWorkingDay throw
            }
        }
        return DeadlineResult(due: LocalDateTime(date: last, time: rules.officeHours.closing).instant, dueDate: last,
                              startDate: start, skippedNonWorkingDays: skipped)
    }

    /// Day 0: the receipt's date, unless it is not a working day or the receipt is at or after the cut-off.
    private func startDay(of received: LocalDateTime, rules: DeadlineRules,
                          days: inout WorkingDays) throws(CalendarError) -> LocalDate {
        let afterCutoff = rules.receiptCutoff.map { received.secondsSinceMidnight >= Double($0.secondsSinceMidnight) } ?? false
        let counts = rules.countsFromDayOff ? true : try days.isWorkingDay(received.date)
        if counts, !afterCutoff { return received.date }
        return try days.next(after: received.date)
    }

    private func nonWorkingDays(from first: LocalDate, through last: LocalDate,
                                days: inout WorkingDays) throws(CalendarError) -> [LocalDate] {
        var result: [LocalDate] = []
        var day = first
        while day <= last {
            if try !days.isWorkingDay(day) { result.append(day) }
            day = day.adding(days: 1)
        }
        return result
    }

    /// Reads an instant at UTC+7, refusing instants outside 1900–2100 before any date arithmetic.
    static func localTime(of instant: Date) throws(CalendarError) -> LocalDateTime {
        let localSeconds = instant.timeIntervalSince1970 + Double(VietnamTime.utcOffsetSeconds)
        guard localSeconds.isFinite else { throw .nonFiniteAmount(what: "instant") }
        let julianDay = (localSeconds / 86_400).rounded(.down) + 2_440_588
        let first = Double(LocalDate(year: supportedYears.lowerBound, month: 1, day: 1)!.julianDay)
        let last = Double(LocalDate(year: supportedYears.upperBound, month: 12, day: 31)!.julianDay)
        guard julianDay >= first, julianDay <= last else {
            // The exact year where a `LocalDate` can hold it, else an estimate far out of range.
            let exact = julianDay.magnitude < 1e7 ? LocalDate(julianDay: Int(julianDay))?.year : nil
            let year = exact ?? Int((1970 + (localSeconds / 86_400) / 365.2425).rounded(.down).clamped(to: -1e9...1e9))
            throw .yearOutOfRange(year: year, supported: supportedYears)
        }
        return LocalDateTime(instant)
    }
}

private extension Double {
    func clamped(to range: ClosedRange<Double>) -> Double { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
