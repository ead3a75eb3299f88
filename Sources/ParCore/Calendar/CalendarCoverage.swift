import Foundation

/// Which years lack the Government's decision on days off and swapped working days.
///
/// Each year the Government decides the Tết span, the day joining 2 September and the
/// Saturdays worked in exchange for days off (e.g. Official Letter 12729/VPCP-KGVX for New
/// Year 2026). Without that year's decision the calendar falls back on the Labour Code's
/// standing rules, and every deadline across a swapped day is a day off; so administrators
/// are warned while the current or the next year has none loaded.
public enum CalendarCoverage {
    /// The current and next year (in Việt Nam, at `today`) that have no decision among `loaded`.
    public static func missingYears(loaded: Set<Int>, today: LocalDate) -> [Int] {
        [today.year, today.year + 1].filter { !loaded.contains($0) }
    }
}
