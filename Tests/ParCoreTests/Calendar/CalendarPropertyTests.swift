import Foundation
import Testing
@testable import ParCore

/// Properties checked over the whole 1900–2100 range (or a fixed pseudo-random sample of it).
@Suite("Calendar properties over 1900–2100")
struct CalendarPropertyTests {
    let lunar = LunarCalendar.vietnam

    @Test("Every day 1900–2100 converts solar → lunar → solar unchanged, and lunar days run on without gaps")
    func lunarRoundTripEveryDay() throws {
        var date = VN.day("1900-01-01")
        var previous = try lunar.lunarDate(for: date)
        #expect(try lunar.solarDate(for: previous) == date)
        var monthLength = previous.day
        while date < VN.day("2100-12-31") {
            date = date.adding(days: 1)
            let current = try lunar.lunarDate(for: date)
            if current.day == 1 {
                // A month ended: it had 29 or 30 days, and the next month follows in order.
                #expect(monthLength == 29 || monthLength == 30, "month before \(date)")
                if current.isLeapMonth {
                    #expect(current.month == previous.month && !previous.isLeapMonth, "leap month at \(date)")
                } else {
                    #expect(current.month == previous.month % 12 + 1, "month order at \(date)")
                    #expect(current.year == previous.year + (current.month == 1 ? 1 : 0), "lunar year at \(date)")
                }
                monthLength = 1
            } else {
                #expect(current.day == previous.day + 1 && current.month == previous.month
                        && current.isLeapMonth == previous.isLeapMonth, "day order at \(date)")
                monthLength += 1
            }
            // The inverse conversion, on every fifth day to keep the run short.
            if date.julianDay % 5 == 0 || current.day == 1 {
                #expect(try lunar.solarDate(for: current) == date, "round trip \(date)")
            }
            previous = current
        }
    }

    @Test("Every lunar year 1900–2100 has 12 or 13 months, 353–385 days, and Tết between 21 Jan and 20 Feb")
    func lunarYearShape() throws {
        for year in 1900...2099 {
            let tet = try lunar.newYear(of: year)
            let next = try lunar.newYear(of: year + 1)
            let length = tet.days(to: next)
            let leap = try lunar.leapMonth(inLunarYear: year)
            if leap == nil {
                #expect((353...355).contains(length), "lunar year \(year) has \(length) days")
            } else {
                #expect((383...385).contains(length), "leap lunar year \(year) has \(length) days")
            }
            #expect(tet >= VN.day("\(year)-01-21") && tet <= VN.day("\(year)-02-20"), "Tết \(year) on \(tet)")
        }
    }

    @Test("Every year 1900–2100 has its statutory holidays, and isWorkingDay agrees with the list")
    func holidaysEveryYear() throws {
        let calendar = WorkingCalendar.standard
        for year in WorkingCalendar.supportedYears {
            let list = try calendar.holidays(in: year)
            let statutory = list.filter { $0.kind == .holiday }
            #expect(statutory.count == (year >= 2021 ? 11 : 10), "statutory days in \(year)")
            #expect(statutory.filter { $0.nameEn.hasPrefix("Lunar New Year") }.count == 5)
            // Every weekday listed as a day off is non-working; every other weekday is working.
            // (The year's schedule is what `isWorkingDay` consults; fetched once to keep the loop fast.)
            let schedule = try calendar.schedule(for: year)
            let offWeekdays = Set(list.filter(\.isDayOff).map(\.date).filter { $0.weekday < .saturday })
            var date = VN.day("\(year)-01-01")
            while date.year == year {
                let expectedWorking = date.weekday < .saturday && !offWeekdays.contains(date)
                #expect(schedule.isWorkingDay(date) == expectedWorking, "\(date)")
                date = date.adding(days: 1)
            }
            // Compensation keeps the number of days off: one per statutory day on a weekend.
            let onWeekend = statutory.filter { $0.date.weekday >= .saturday }.count
            #expect(list.filter { $0.kind == .compensatory }.count == onWeekend, "compensation in \(year)")
        }
    }

    @Test("Working-day deadlines land on a working day at 17:00, and counting back gives n")
    func workingDayDeadlines() throws {
        var random = VN.SeededRandom(seed: 2025)
        let calendars = [WorkingCalendar.standard, VN.officialCalendar]
        let first = VN.day("1900-01-01").julianDay
        let last = VN.day("2099-12-31").julianDay
        for sample in 0..<1_000 {
            let calendar = calendars[sample % 2]
            var days = WorkingDays(calendar) // caches each year's schedule for the checks below
            let receiptDay = LocalDate(julianDay: Int.random(in: first...last, using: &random))!
            let minute = Int.random(in: 0..<1440, using: &random)
            let receipt = VietnamTime.instant(receiptDay, TimeOfDay(hour: minute / 60, minute: minute % 60)!)
            let n = Int.random(in: 0...45, using: &random)
            let cutoff: TimeOfDay? = sample % 3 == 0 ? TimeOfDay(hour: 15) : nil
            let rules = DeadlineRules(receiptCutoff: cutoff)
            let result = try calendar.deadline(from: receipt, workingDays: n, rules: rules)
            let label = "\(receiptDay) \(minute) + \(n)"
            #expect(try days.isWorkingDay(result.dueDate), "\(label)")
            #expect(LocalDateTime(result.due).time == TimeOfDay(hour: 17), "\(label)")
            #expect(result.due >= receipt, "\(label)")
            if n >= 1 {
                #expect(try calendar.workingDays(between: receipt, and: result.due, rules: rules) == n, "\(label)")
            }
            for skipped in result.skippedNonWorkingDays {
                #expect(try !days.isWorkingDay(skipped), "\(label): \(skipped)")
                #expect(skipped >= receiptDay && skipped <= result.dueDate, "\(label): \(skipped)")
            }
            // Working days + skipped days fill the receipt-to-due range exactly.
            let span = receiptDay.days(to: result.dueDate) + 1
            var workingInSpan = 0
            for offset in 0..<span where try days.isWorkingDay(receiptDay.adding(days: offset)) { workingInSpan += 1 }
            #expect(workingInSpan + result.skippedNonWorkingDays.count == span, "\(label)")
        }
    }

    @Test("Working-hour deadlines end inside office hours after exactly the requested office time")
    func workingHourDeadlines() throws {
        var random = VN.SeededRandom(seed: 1945)
        let calendar = WorkingCalendar.standard
        let hours = OfficeHours.standard
        let first = VN.day("1900-01-01").julianDay
        let last = VN.day("2099-12-31").julianDay
        for _ in 0..<1_000 {
            let receiptDay = LocalDate(julianDay: Int.random(in: first...last, using: &random))!
            let receipt = VietnamTime.instant(receiptDay, .midnight).addingTimeInterval(Double(Int.random(in: 0..<86_400, using: &random)))
            let amount = Double(Int.random(in: 0...160, using: &random)) / 4 // 0–40 h in quarter hours
            let result = try calendar.deadline(from: receipt, workingHours: amount)
            let label = "\(LocalDateTime(receipt)) + \(amount) h"
            var days = WorkingDays(calendar)
            #expect(try days.isWorkingDay(result.dueDate), "\(label)")
            let dueTime = LocalDateTime(result.due)
            #expect(dueTime.date == result.dueDate, "\(label)")
            #expect(hours.sessions.contains { session in
                dueTime.secondsSinceMidnight >= Double(session.start.secondsSinceMidnight)
                    && dueTime.secondsSinceMidnight <= Double(session.end.secondsSinceMidnight)
            }, "\(label) ends outside office hours at \(dueTime)")
            // Independently add up the office time between receipt and due, day by day.
            var office = 0.0
            var date = LocalDateTime(receipt).date
            while date <= result.dueDate {
                if try days.isWorkingDay(date) {
                    for session in hours.sessions {
                        let start = max(VietnamTime.instant(date, session.start), receipt)
                        let end = min(VietnamTime.instant(date, session.end), result.due)
                        office += max(0, end.timeIntervalSince(start))
                    }
                }
                date = date.adding(days: 1)
            }
            #expect(abs(office - amount * 3600) < 0.001, "\(label): \(office) s of office time")
        }
    }

    @Test("Calendar-day and month deadlines end at the close of office hours of a working day on or after the nominal last day")
    func dayAndMonthDeadlines() throws {
        var random = VN.SeededRandom(seed: 1975)
        let calendar = WorkingCalendar.standard
        let first = VN.day("1900-01-01").julianDay
        let last = VN.day("2099-06-30").julianDay
        for _ in 0..<1_000 {
            let receiptDay = LocalDate(julianDay: Int.random(in: first...last, using: &random))!
            let receipt = VietnamTime.instant(receiptDay, TimeOfDay(hour: 10)!)
            let start = try calendar.effectiveReceiptDay(of: receipt)
            let n = Int.random(in: 0...60, using: &random)
            let byDays = try calendar.deadline(from: receipt, calendarDays: n)
            #expect(try calendar.isWorkingDay(byDays.dueDate))
            #expect(byDays.dueDate >= start.adding(days: n))
            #expect(byDays.due == VietnamTime.instant(byDays.dueDate, TimeOfDay(hour: 17)!))
            let m = n % 6
            let byMonths = try calendar.deadline(from: receipt, months: m)
            let nominal = start.adding(months: m)
            #expect(try calendar.isWorkingDay(byMonths.dueDate))
            #expect(byMonths.dueDate >= nominal && byMonths.dueDate.days(to: nominal) > -12, "\(receiptDay) + \(m) months")
        }
    }
}
