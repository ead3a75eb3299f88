import Foundation

/// One entry of a year's holiday list: a day off, or a weekend day worked in exchange.
///
/// Legal sources: Labour Code 2019, art. 112 (holidays) and art. 111(3)
/// (compensation); Prime Ministerial decisions for swaps (hoán đổi ngày làm việc).
public struct Holiday: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What kind of day this is.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A public holiday of art. 112 (ngày nghỉ lễ, tết), or a one-off holiday the Government declares.
        case holiday
        /// A day off compensating a holiday that fell on a weekly rest day (nghỉ bù, art. 111(3)).
        case compensatory
        /// A working day given off in exchange for a weekend day worked (nghỉ hoán đổi).
        case swapDayOff
        /// A Saturday or Sunday worked in exchange for a swapped day off (làm bù); a working day.
        case workedWeekendDay
    }

    /// The day, local (Vietnam) calendar date.
    public let date: LocalDate
    /// The name in Vietnamese, e.g. "Giỗ Tổ Hùng Vương".
    public let nameVi: String
    /// The name in English, e.g. "Hung Kings' Commemoration Day" (English writes
    /// Vietnamese proper names without their tone marks).
    public let nameEn: String
    /// Holiday, compensatory day, swapped day off or worked weekend day.
    public let kind: Kind

    /// A holiday entry.
    public init(date: LocalDate, nameVi: String, nameEn: String, kind: Kind) {
        self.date = date
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.kind = kind
    }

    /// Whether the entry is a day off (every kind but `workedWeekendDay`).
    public var isDayOff: Bool { kind != .workedWeekendDay }

    /// `YYYY-MM-DD kind: Vietnamese name / English name`.
    public var description: String { "\(date.iso) \(kind.rawValue): \(nameVi) / \(nameEn)" }
}
