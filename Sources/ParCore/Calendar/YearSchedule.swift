import Foundation

/// One year's days off and worked days, derived from the rules and the year's data.
struct YearSchedule: Sendable {
    let year: Int
    let weeklyRestDays: Set<Weekday>
    /// Sorted by date.
    let entries: [Holiday]
    private let daysOff: Set<Int>
    private let workedDays: Set<Int>

    func isWorkingDay(_ date: LocalDate) -> Bool {
        let day = date.julianDay
        if workedDays.contains(day) { return true }
        if daysOff.contains(day) { return false }
        return !weeklyRestDays.contains(date.weekday)
    }

    init(year: Int, rules: HolidayRules, data: YearCalendar?) throws(CalendarError) {
        self.year = year
        self.weeklyRestDays = rules.weeklyRestDays
        let rest = rules.weeklyRestDays
        func isRest(_ date: LocalDate) -> Bool { rest.contains(date.weekday) }
        func date(_ month: Int, _ day: Int) -> LocalDate { LocalDate(year: year, month: month, day: day)! }
        func invalid(_ reason: String) -> CalendarError { .invalidYearCalendar(year: year, reason) }

        // 1. The statutory holidays of art. 112(1).
        var statutory: [(holiday: Holiday, isTet: Bool)] = []
        func add(_ day: LocalDate, _ vi: String, _ en: String, tet: Bool = false) {
            statutory.append((Holiday(date: day, nameVi: vi, nameEn: en, kind: .holiday), tet))
        }
        add(date(1, 1), "Tết Dương lịch", "New Year's Day")

        let lunar = LunarCalendar.vietnam
        let span = data?.tetSpan ?? rules.tetSpan
        if let problem = span.problem { throw invalid(problem) }
        let newYear = try lunar.newYear(of: year)
        for offset in -span.daysBeforeNewYear..<span.daysFromNewYear {
            let day = newYear.adding(days: offset)
            let l = try lunar.lunarDate(for: day)
            if offset < 0 {
                add(day, "Tết Nguyên đán (\(l.day) tháng Chạp)", "Lunar New Year (12th month, day \(l.day))", tet: true)
            } else {
                let vi = l.day <= 10 ? "mùng \(l.day)" : "ngày \(l.day)"
                add(day, "Tết Nguyên đán (\(vi) tháng Giêng)", "Lunar New Year (1st month, day \(l.day))", tet: true)
            }
        }

        let hungKings = try lunar.solarDate(for: LunarDate(year: year, month: 3, day: 10))
        add(hungKings, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hung Kings' Commemoration Day")
        add(date(4, 30), "Ngày Chiến thắng", "Victory Day (Reunification Day)")
        add(date(5, 1), "Ngày Quốc tế Lao động", "International Labour Day")
        add(date(9, 2), "Quốc khánh", "National Day")
        if year >= rules.nationalDaySecondDaySince {
            let adjacent: LocalDate
            if let chosen = data?.nationalDayAdjacent {
                guard chosen == date(9, 1) || chosen == date(9, 3) else {
                    throw invalid("the National Day's second day must be 1 or 3 September, not \(chosen)")
                }
                adjacent = chosen
            } else {
                adjacent = Self.nationalDayAdjacent(date(9, 2), policy: rules.nationalDayAdjacentDay, isRest: isRest)
            }
            add(adjacent, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)")
        }
        statutory.sort { $0.holiday.date < $1.holiday.date }

        var taken = Set(statutory.map { $0.holiday.date.julianDay })
        var entries = statutory.map(\.holiday)

        // 2. The year's extra days off, checked against the rules.
        for extra in data?.extraDaysOff ?? [] {
            guard extra.date.year == year else { throw invalid("day off \(extra.date) is not in \(year)") }
            guard extra.kind != .workedWeekendDay else { throw invalid("day off \(extra.date) cannot be of kind workedWeekendDay") }
            guard !isRest(extra.date) else { throw invalid("day off \(extra.date) is already a weekly rest day") }
            guard taken.insert(extra.date.julianDay).inserted else {
                throw invalid("day off \(extra.date) is already a holiday or listed twice")
            }
            entries.append(Holiday(date: extra.date,
                                   nameVi: extra.nameVi ?? Self.defaultNameVi(extra),
                                   nameEn: extra.nameEn ?? Self.defaultNameEn(extra),
                                   kind: extra.kind))
        }

        // 3. Compensation (art. 111(3)) for holidays on weekly rest days, in date order so that
        // two clashing holidays take consecutive free days.
        if data?.automaticCompensation ?? rules.compensatesWeekendHolidays {
            for (holiday, isTet) in statutory where isRest(holiday.date) {
                let backwards = isTet && rules.tetCompensation == .saturdayBeforeOthersAfter
                    && holiday.date.weekday == .saturday
                var day = holiday.date
                repeat { day = day.adding(days: backwards ? -1 : 1) } while isRest(day) || taken.contains(day.julianDay)
                taken.insert(day.julianDay)
                entries.append(Holiday(date: day, nameVi: "Nghỉ bù \(holiday.nameVi)",
                                       nameEn: "Compensatory day off for \(holiday.nameEn)", kind: .compensatory))
            }
        }

        // 4. Weekly rest days worked in exchange.
        var worked = Set<Int>()
        for day in data?.workedDays ?? [] {
            guard day.date.year == year else { throw invalid("worked day \(day.date) is not in \(year)") }
            guard isRest(day.date) else { throw invalid("worked day \(day.date) is not a weekly rest day") }
            guard !taken.contains(day.date.julianDay) else { throw invalid("worked day \(day.date) is also a day off") }
            guard worked.insert(day.date.julianDay).inserted else { throw invalid("worked day \(day.date) is listed twice") }
            let forVi = day.swappedFor.map { " cho ngày \($0.day)/\($0.month)/\($0.year)" } ?? ""
            let forEn = day.swappedFor.map { " for \($0.iso)" } ?? ""
            entries.append(Holiday(date: day.date, nameVi: day.nameVi ?? "Làm bù\(forVi)",
                                   nameEn: day.nameEn ?? "Make-up working day\(forEn)", kind: .workedWeekendDay))
        }

        let kindOrder: [Holiday.Kind: Int] = [.holiday: 0, .compensatory: 1, .swapDayOff: 2, .workedWeekendDay: 3]
        self.entries = entries.sorted { ($0.date, kindOrder[$0.kind]!) < ($1.date, kindOrder[$1.kind]!) }
        self.daysOff = taken
        self.workedDays = worked
    }

    /// The day joining 2 September under `policy`.
    static func nationalDayAdjacent(_ nationalDay: LocalDate, policy: NationalDayAdjacentDay,
                                    isRest: (LocalDate) -> Bool) -> LocalDate {
        let before = nationalDay.adding(days: -1)
        let after = nationalDay.adding(days: 1)
        switch policy {
        case .dayBefore: return before
        case .dayAfter: return after
        case .longestBreak:
            // Prefer a working day (a rest day would only need compensating), and among two
            // working days the one that touches a weekend, so the break is one block.
            switch (isRest(before), isRest(after)) {
            case (false, true): return before
            case (true, false): return after
            default:
                let afterJoins = isRest(nationalDay.adding(days: 2))
                let beforeJoins = isRest(nationalDay.adding(days: -2))
                return afterJoins && !beforeJoins ? after : before
            }
        }
    }

    private static func defaultNameVi(_ day: DayOff) -> String {
        switch day.kind {
        case .holiday: return "Ngày nghỉ đặc biệt"
        case .compensatory: return "Nghỉ bù"
        case .swapDayOff, .workedWeekendDay:
            return "Nghỉ hoán đổi" + (day.swappedWith.map { " (làm bù ngày \($0.day)/\($0.month)/\($0.year))" } ?? "")
        }
    }

    private static func defaultNameEn(_ day: DayOff) -> String {
        switch day.kind {
        case .holiday: return "Special day off"
        case .compensatory: return "Compensatory day off"
        case .swapDayOff, .workedWeekendDay:
            return "Swapped day off" + (day.swappedWith.map { " (worked on \($0.iso))" } ?? "")
        }
    }
}
