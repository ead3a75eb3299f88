import Foundation
/// Thời hạn giải quyết — the legal processing time and the unit it is counted in.
public struct ProcessingTime: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Unit: String, CaseIterable, Codable, Sendable {
        case workingDays, workingHours, calendarDays, months

        public var vietnamese: String {
            switch self {
            case .workingDays: "ngày làm việc"
            case .workingHours: "giờ làm việc"
            case .calendarDays: "ngày"
            case .months: "tháng"
            }
        }

        public var english: String {
            switch self {
            case .workingDays: "working days"
            case .workingHours: "working hours"
            case .calendarDays: "calendar days"
            case .months: "months"
            }
        }
    }

    public var amount: Double
    public var unit: Unit

    public init(amount: Double, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    func validate() throws(DomainError) {
        guard amount.isFinite, amount >= 0, amount <= 3650 else {
            throw .invalid("Thời hạn giải quyết phải là số không âm.", english: "The processing time must be a non-negative number.", field: "processingTime")
        }
        if unit != .workingHours, amount.rounded() != amount {
            throw .invalid("Thời hạn theo ngày hoặc tháng phải là số nguyên.", english: "Day and month times must be whole numbers.", field: "processingTime")
        }
    }

    /// The time in working days, to compare times kept in different units:
    /// 8 working hours a day, 5 working days in 7, 22 working days a month.
    public var approximateWorkingDays: Double {
        switch unit {
        case .workingDays: amount
        case .workingHours: amount / 8
        case .calendarDays: amount * 5 / 7
        case .months: amount * 22
        }
    }

    /// Whether this time is shorter than `other`.
    public func isShorter(than other: ProcessingTime) -> Bool {
        unit == other.unit ? amount < other.amount : approximateWorkingDays < other.approximateWorkingDays
    }

    /// "3 ngày làm việc".
    public var description: String {
        let number = amount.rounded() == amount ? String(Int(amount)) : String(amount)
        return "\(number) \(unit.vietnamese)"
    }
}

extension ProcessingTime {
    /// When a period of this length starting at `start` ends, on `calendar` (`WorkingCalendar.deadline`).
    public func due(from start: Date, calendar: WorkingCalendar, rules: DeadlineRules = .standard) throws(CalendarError) -> Date {
        switch unit {
        case .workingDays: try calendar.deadline(from: start, workingDays: Int(amount), rules: rules).due
        case .workingHours: try calendar.deadline(from: start, workingHours: amount, rules: rules).due
        case .calendarDays: try calendar.deadline(from: start, calendarDays: Int(amount), rules: rules).due
        case .months: try calendar.deadline(from: start, months: Int(amount), rules: rules).due
        }
    }
}
