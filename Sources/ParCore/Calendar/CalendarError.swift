import Foundation

/// Why a calendar or deadline computation refused its input.
///
/// Every throwing function of the calendar uses typed throws (`throws(CalendarError)`),
/// so callers can switch over the cases exhaustively. `reason` (English) and
/// `vietnameseReason` are written for the person who supplied the input.
///
/// Legal context: periods are computed by the Civil Code 2015 (Bộ luật Dân sự
/// 91/2015/QH13), arts. 144–148; holidays by the Labour Code 2019 (Bộ luật Lao
/// động 45/2019/QH14), arts. 111–112.
public enum CalendarError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A period length (days, hours, months) was negative.
    case negativeAmount(what: String, value: Double)
    /// A period length was NaN or infinite.
    case nonFiniteAmount(what: String)
    /// The year is outside the range the lunar calendar (and so the holiday rules) cover.
    case yearOutOfRange(year: Int, supported: ClosedRange<Int>)
    /// No such Gregorian date (for example 31 February).
    case invalidDate(year: Int, month: Int, day: Int)
    /// No such lunar date (for example a leap month the year does not have, or day 30 of a 29-day month).
    case invalidLunarDate(year: Int, month: Int, day: Int, isLeapMonth: Bool)
    /// No such time of day.
    case invalidTime(hour: Int, minute: Int)
    /// Office hours that cannot be used (empty, unordered or overlapping sessions).
    case invalidOfficeHours(String)
    /// Holiday rules that cannot be used (for example every weekday declared a weekend).
    case invalidRules(String)
    /// An administrator's per-year data that contradicts itself or the rules.
    case invalidYearCalendar(year: Int, String)

    /// What was wrong, in English.
    public var reason: String {
        switch self {
        case let .negativeAmount(what, value):
            return "The \(what) must not be negative (got \(Self.format(value)))."
        case let .nonFiniteAmount(what):
            return "The \(what) must be a finite number."
        case let .yearOutOfRange(year, supported):
            return "Year \(year) is outside the supported range \(supported.lowerBound)–\(supported.upperBound)."
        case let .invalidDate(year, month, day):
            return "\(year)-\(month)-\(day) is not a valid date."
        case let .invalidLunarDate(year, month, day, leap):
            return "Lunar date \(day)/\(month)\(leap ? " (leap month)" : "")/\(year) does not exist."
        case let .invalidTime(hour, minute):
            return "\(hour):\(minute) is not a valid time of day."
        case let .invalidOfficeHours(detail):
            return "Invalid office hours: \(detail)"
        case let .invalidRules(detail):
            return "Invalid holiday rules: \(detail)"
        case let .invalidYearCalendar(year, detail):
            return "Invalid calendar data for \(year): \(detail)"
        }
    }

    /// What was wrong, in Vietnamese.
    public var vietnameseReason: String {
        switch self {
        case let .negativeAmount(what, value):
            return "Giá trị \(what) không được âm (nhận được \(Self.format(value)))."
        case let .nonFiniteAmount(what):
            return "Giá trị \(what) phải là một số hữu hạn."
        case let .yearOutOfRange(year, supported):
            return "Năm \(year) nằm ngoài phạm vi hỗ trợ \(supported.lowerBound)–\(supported.upperBound)."
        case let .invalidDate(year, month, day):
            return "Ngày \(day)/\(month)/\(year) không tồn tại."
        case let .invalidLunarDate(year, month, day, leap):
            return "Ngày âm lịch \(day)/\(month)\(leap ? " nhuận" : "")/\(year) không tồn tại."
        case let .invalidTime(hour, minute):
            return "Giờ \(hour):\(minute) không hợp lệ."
        case let .invalidOfficeHours(detail):
            return "Giờ làm việc không hợp lệ: \(detail)"
        case let .invalidRules(detail):
            return "Quy tắc ngày nghỉ không hợp lệ: \(detail)"
        case let .invalidYearCalendar(year, detail):
            return "Lịch nghỉ năm \(year) không hợp lệ: \(detail)"
        }
    }

    /// The English reason.
    public var description: String { reason }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension DomainError {
    /// A calendar rule violation as an invalid-input domain error.
    public init(_ error: CalendarError, field: String? = nil) {
        self.init(.invalid, error.vietnameseReason, english: error.reason, field: field)
    }
}
