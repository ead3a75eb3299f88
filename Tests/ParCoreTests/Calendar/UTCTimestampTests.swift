import Foundation
import Testing
@testable import ParCore

@Suite("UTC timestamps as the API writes them")
struct UTCTimestampTests {
    @Test("the same text as ISO8601DateFormatter's defaults, the fraction dropped", arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (-0.5, "1969-12-31T23:59:59Z"), (1_796_601_906.999, "2026-12-07T00:05:06Z"), (1_796_601_906.9995, "2026-12-07T00:05:07Z"),
        (951_782_400, "2000-02-29T00:00:00Z"), (4_102_444_799.75, "2099-12-31T23:59:59Z"), (-12_212_553_600, "1583-01-01T00:00:00Z"),
    ])
    func table(_ seconds: Double, _ expected: String) {
        #expect(UTCTimestamp.iso8601(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("agrees with ISO8601DateFormatter on random instants from 1900 to 2100, near a second's end too")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let second = Double.random(in: -2_208_988_800...4_102_444_800, using: &generator).rounded(.down)
            for fraction in [0, 0.0004, 0.0005, 0.3, 0.9994, 0.9995, 0.9996, Double.random(in: 0..<1, using: &generator)] {
                let date = Date(timeIntervalSince1970: second + fraction)
                #expect(UTCTimestamp.iso8601(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
            }
        }
    }

    @Test("nothing for instants outside years 1583–9999")
    func outside() {
        #expect(UTCTimestamp.iso8601(Date(timeIntervalSince1970: -12_212_553_601)) == nil)
        #expect(UTCTimestamp.iso8601(.distantFuture.addingTimeInterval(1e12)) == nil)
        #expect(UTCTimestamp.iso8601(Date(timeIntervalSince1970: .infinity)) == nil)
    }
}
