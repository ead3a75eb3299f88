import Foundation

/// How a unit counts deadlines: its office hours, an optional daily receipt cut-off,
/// and whether a period ending on a non-working day is extended.
///
/// Legal sources: Civil Code 2015, art. 147 (the day of the event does not count) and
/// art. 148 (a period in days ends with its last day, extended to the next working day
/// when that day is a weekend or holiday; ParHub ends every period counted in days at the
/// close of office hours of that day, see `deadline(from:calendarDays:rules:)`); the
/// procedure's own text gives the amount and whether it counts working days (ngày làm việc).
public struct DeadlineRules: Hashable, Sendable, Codable {
    /// The unit's office hours.
    public var officeHours: OfficeHours
    /// Receipts at or after this local time count as received on the next working day;
    /// `nil` (the default) means no cut-off.
    public var receiptCutoff: TimeOfDay?
    /// Whether a calendar-day or month period whose last day is not a working day ends on
    /// the next working day instead (Civil Code 2015, art. 148). Default `true`.
    public var extendsPastNonWorkingLastDay: Bool
    /// Whether day 0 is the event's own date even when it is a day off. Dossiers received on a
    /// day off count from the next working day (one-stop rules, the default `false`); citizens'
    /// feedback counts from the day it was sent, weekend or not (Decision 766, indicator 5.2).
    public var countsFromDayOff: Bool

    /// Rules with the given values.
    public init(officeHours: OfficeHours = .standard, receiptCutoff: TimeOfDay? = nil,
                extendsPastNonWorkingLastDay: Bool = true, countsFromDayOff: Bool = false) {
        self.officeHours = officeHours
        self.receiptCutoff = receiptCutoff
        self.extendsPastNonWorkingLastDay = extendsPastNonWorkingLastDay
        self.countsFromDayOff = countsFromDayOff
    }

    /// Standard office hours, no cut-off, Civil Code extension on.
    public static let standard = DeadlineRules()

    private enum CodingKeys: String, CodingKey { case officeHours, receiptCutoff, extendsPastNonWorkingLastDay, countsFromDayOff }

    /// Decodes a unit's rules; a missing key keeps its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(officeHours: try c.decodeIfPresent(OfficeHours.self, forKey: .officeHours) ?? .standard,
                  receiptCutoff: try c.decodeIfPresent(TimeOfDay.self, forKey: .receiptCutoff),
                  extendsPastNonWorkingLastDay: try c.decodeIfPresent(Bool.self, forKey: .extendsPastNonWorkingLastDay) ?? true,
                  countsFromDayOff: try c.decodeIfPresent(Bool.self, forKey: .countsFromDayOff) ?? false)
    }
}
