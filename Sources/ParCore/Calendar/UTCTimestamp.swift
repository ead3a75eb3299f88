import Foundation

/// An instant as ISO 8601 in UTC to the second (`2026-12-07T04:05:06Z`): what `ISO8601DateFormatter`
/// writes with its default options, the form of every date in the JSON API. Like it, the instant is first
/// rounded to the millisecond (halves up), then the fraction dropped (`…:53.9995` is written `…:54Z`).
/// Written here digit by digit, as the formatter goes through ICU under a lock, a measurable share of
/// an intake's answer (docs/performance.md).
public enum UTCTimestamp {
    /// The text, or nil outside years 1583–9999 (the caller then uses a formatter: before 1583 ICU counts in
    /// the Julian calendar).
    public static func iso8601(_ instant: Date) -> String? {
        let seconds = ((instant.timeIntervalSince1970 * 1000 + 0.5).rounded(.down) / 1000).rounded(.down)
        guard seconds.isFinite, abs(seconds) < 400_000_000_000 else { return nil }
        let days = (seconds / 86_400).rounded(.down)
        let time = Int(seconds - days * 86_400)
        guard let date = LocalDate(julianDay: Int(days) + 2_440_588), date.year >= 1583 else { return nil }
        return date.iso8601(at: time, offset: "Z")
    }
}
