import Foundation

/// The tests' one clock.
///
/// It starts at `PARHUB_TEST_NOW` (an ISO 8601 instant such as `2026-12-05T03:00:00Z`), or at
/// `defaultStart` when that is unset, and runs forward at real speed from the moment it is
/// first read, so that events made one after another in a test stay in order. Only this type
/// reads `PARHUB_TEST_NOW`: the server never does. `scripts/test` runs the suite at hard
/// moments (a Saturday, the last working afternoon before Tết, New Year's Eve, 29 February)
/// by setting it.
public enum TestClock {
    /// Wednesday 25 November 2026, 10:00 in Hà Nội: an ordinary working morning.
    public static let defaultStart = Date(timeIntervalSince1970: 1_795_575_600)

    private struct Origin: Sendable {
        let start: Date
        let instant: ContinuousClock.Instant
    }

    private static let origin: Origin = {
        let instant = ContinuousClock.now
        guard let text = ProcessInfo.processInfo.environment["PARHUB_TEST_NOW"], !text.isEmpty else {
            return Origin(start: defaultStart, instant: instant)
        }
        guard let start = parse(text) else {
            fatalError("PARHUB_TEST_NOW is not an ISO 8601 instant: \(text)")
        }
        return Origin(start: start, instant: instant)
    }()

    /// The instant the clock started at.
    public static var start: Date { origin.start }

    /// The test clock's current instant: its start plus the time elapsed since it was first read.
    @Sendable public static func now() -> Date {
        let elapsed = ContinuousClock.now - origin.instant
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return origin.start.addingTimeInterval(seconds)
    }

    /// Parses `2026-12-05T03:00:00Z`, `2026-12-05T10:00:00+07:00`, with or without fractional seconds.
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}

/// The test clock's current instant (`TestClock.now()`).
@Sendable public func testNow() -> Date { TestClock.now() }
