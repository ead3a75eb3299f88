import Foundation

/// The one place in ParHub that reads the wall clock.
///
/// Everything else is handed its "now": rules take it as a parameter, the web
/// layer reads `AppConfig.clock` (whose default is this), and tests replace that
/// clock with their own. A reviewer finds every wall-clock read by looking here.
public enum SystemClock {
    /// The current instant, from the operating system's real-time clock.
    @Sendable public static func now() -> Date {
        Date(timeIntervalSinceReferenceDate: Date.timeIntervalSinceReferenceDate)
    }
}
