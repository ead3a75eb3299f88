import Foundation

/// The standing rules that make a day a public holiday or a weekly rest day, before
/// any per-year decision of the Government (those live in `YearCalendar`).
///
/// Legal sources:
/// - Labour Code 2019 (45/2019/QH14), art. 112(1): New Year's Day (1 Jan), Lunar New
///   Year (5 days), Victory Day (30 Apr), International Labour Day (1 May), National
///   Day (2 Sep and one adjacent day before or after), Hùng Kings' Commemoration
///   (10th day of the 3rd lunar month). Art. 112(3): the Prime Minister fixes the Tết
///   days and the National Day's second day every year.
/// - Labour Code 2019, art. 111(3): a holiday falling on a weekly rest day is
///   compensated on the next working day (nghỉ bù).
/// - Decision 188/1999/QĐ-TTg: state agencies work a 40-hour week, Monday to Friday.
///
/// The defaults reproduce the breaks announced for 2020–2026 (see the tests); swaps of a
/// working day against a Saturday are per-year data.
/// Rules before the Labour Code 2019 took effect (1 January 2021) are only modelled
/// for the National Day's single day (`nationalDaySecondDaySince`); other differences
/// of earlier years (4 Tết days before 2013, no Hùng Kings' day before 2007) need
/// `YearCalendar` data.
public struct HolidayRules: Sendable, Hashable, Codable {
    /// Weekly rest days (ngày nghỉ hằng tuần); Saturday and Sunday for state agencies.
    public var weeklyRestDays: Set<Weekday>
    /// The five Tết days around the lunar new year, unless a year overrides them.
    public var tetSpan: TetSpan
    /// How a Tết day that falls on a weekly rest day is compensated.
    public var tetCompensation: TetCompensation
    /// Which day joins 2 September, unless a year names it.
    public var nationalDayAdjacentDay: NationalDayAdjacentDay
    /// First year with the two-day National Day (Labour Code 2019, in force 1 January 2021).
    public var nationalDaySecondDaySince: Int
    /// Whether holidays falling on weekly rest days are compensated automatically (art. 111(3)).
    public var compensatesWeekendHolidays: Bool

    /// Rules with the given values; every default is the Labour Code 2019 one.
    public init(weeklyRestDays: Set<Weekday> = [.saturday, .sunday],
                tetSpan: TetSpan = .lastDayAndFirstFour,
                tetCompensation: TetCompensation = .saturdayBeforeOthersAfter,
                nationalDayAdjacentDay: NationalDayAdjacentDay = .longestBreak,
                nationalDaySecondDaySince: Int = 2021,
                compensatesWeekendHolidays: Bool = true) {
        self.weeklyRestDays = weeklyRestDays
        self.tetSpan = tetSpan
        self.tetCompensation = tetCompensation
        self.nationalDayAdjacentDay = nationalDayAdjacentDay
        self.nationalDaySecondDaySince = nationalDaySecondDaySince
        self.compensatesWeekendHolidays = compensatesWeekendHolidays
    }

    /// The Labour Code 2019 rules for state agencies working Monday to Friday.
    public static let labourCode2019 = HolidayRules()

    /// Throws `invalidRules` for rules that leave no working day or an impossible Tết span.
    public func validate() throws(CalendarError) {
        guard weeklyRestDays.count < 7 else { throw .invalidRules("at least one weekday must be a working day") }
        if let problem = tetSpan.problem { throw .invalidRules(problem) }
    }

    private enum CodingKeys: String, CodingKey {
        case weeklyRestDays, tetSpan, tetCompensation, nationalDayAdjacentDay, nationalDaySecondDaySince,
             compensatesWeekendHolidays
    }

    /// Decodes rules edited by an administrator; a missing key keeps its Labour Code 2019 default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = HolidayRules.labourCode2019
        self.init(
            weeklyRestDays: try c.decodeIfPresent(Set<Weekday>.self, forKey: .weeklyRestDays) ?? defaults.weeklyRestDays,
            tetSpan: try c.decodeIfPresent(TetSpan.self, forKey: .tetSpan) ?? defaults.tetSpan,
            tetCompensation: try c.decodeIfPresent(TetCompensation.self, forKey: .tetCompensation) ?? defaults.tetCompensation,
            nationalDayAdjacentDay: try c.decodeIfPresent(NationalDayAdjacentDay.self, forKey: .nationalDayAdjacentDay)
                ?? defaults.nationalDayAdjacentDay,
            nationalDaySecondDaySince: try c.decodeIfPresent(Int.self, forKey: .nationalDaySecondDaySince)
                ?? defaults.nationalDaySecondDaySince,
            compensatesWeekendHolidays: try c.decodeIfPresent(Bool.self, forKey: .compensatesWeekendHolidays)
                ?? defaults.compensatesWeekendHolidays)
    }
}

/// Which days around the lunar new year are the Tết holiday (Labour Code 2019,
/// art. 112(1)(b): 5 days, placed each year by the Prime Minister under art. 112(3)).
///
/// The span counts `daysBeforeNewYear` days at the end of the old lunar year and
/// `daysFromNewYear` days starting with the 1st day of the 1st month (mùng 1 Tết).
public struct TetSpan: Sendable, Hashable, Codable {
    /// Days of the old year, ending on its last day (29 or 30 of the 12th month).
    public var daysBeforeNewYear: Int
    /// Days from mùng 1 Tết on.
    public var daysFromNewYear: Int

    /// A span of `daysBeforeNewYear` + `daysFromNewYear` days.
    public init(daysBeforeNewYear: Int, daysFromNewYear: Int) {
        self.daysBeforeNewYear = daysBeforeNewYear
        self.daysFromNewYear = daysFromNewYear
    }

    /// The last day of the old year and mùng 1–4: the usual choice.
    public static let lastDayAndFirstFour = TetSpan(daysBeforeNewYear: 1, daysFromNewYear: 4)
    /// The last two days of the old year and mùng 1–3 (chosen for 2025: 27–31 January 2025).
    public static let lastTwoDaysAndFirstThree = TetSpan(daysBeforeNewYear: 2, daysFromNewYear: 3)

    /// Number of Tết days.
    public var totalDays: Int { daysBeforeNewYear + daysFromNewYear }

    /// Why the span is unusable, or `nil`. Spans are kept within 10 days on either side,
    /// which keeps every Tết day inside the same Gregorian year (Tết falls 21 Jan–20 Feb).
    var problem: String? {
        guard (0...10).contains(daysBeforeNewYear), (0...10).contains(daysFromNewYear) else {
            return "Tết span sides must be 0–10 days (got \(daysBeforeNewYear) before, \(daysFromNewYear) from the new year)"
        }
        guard totalDays >= 1 else { return "Tết span must have at least one day" }
        return nil
    }
}

/// How a Tết day falling on a weekly rest day is compensated.
public enum TetCompensation: String, Sendable, Hashable, Codable {
    /// A Saturday is compensated on the working day before the Tết block, any other rest
    /// day on the working day after it: what the Prime Minister decided for 2020, 2021,
    /// 2023 and 2024 (for example Tết 2021: 10–16 February).
    case saturdayBeforeOthersAfter
    /// Every rest day is compensated on the next working day, the literal art. 111(3) rule.
    case nextWorkingDay
}

/// Which day joins 2 September as the second National Day holiday (Labour Code 2019,
/// art. 112(1)(đ): "ngày 02 tháng 9 dương lịch và 01 ngày liền kề trước hoặc sau").
public enum NationalDayAdjacentDay: String, Sendable, Hashable, Codable {
    /// Always 1 September.
    case dayBefore
    /// Always 3 September.
    case dayAfter
    /// The adjacent working day that joins the holiday to a weekend, else 1 September.
    /// Matches the Prime Minister's choices 2021–2025: 3 Sep 2021 (Fri), 1 Sep 2022 (Thu),
    /// 1 Sep 2023 (Fri), 3 Sep 2024 (Tue), 1 Sep 2025 (Mon).
    case longestBreak
}
