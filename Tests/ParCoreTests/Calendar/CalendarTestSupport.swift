import Foundation
@testable import ParCore

/// Short constructors and official data for the calendar tests (namespaced so that other
/// test files of the module can use the same plain names).
enum VN {
    /// `LocalDate` from a literal `YYYY-MM-DD`; test data only, so a typo traps loudly.
    static func day(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { fatalError("bad test date \(iso)") }
        return date
    }

    /// The instant of a Vietnam wall-clock time, `"YYYY-MM-DD HH:mm"`.
    static func at(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let time = TimeOfDay(text: String(parts[1])) else { fatalError("bad test time \(text)") }
        return VietnamTime.instant(day(String(parts[0])), time)
    }

    /// Every date from `first` through `last`.
    static func days(_ first: String, through last: String) -> [LocalDate] {
        var result: [LocalDate] = []
        var current = day(first)
        while current <= day(last) {
            result.append(current)
            current = current.adding(days: 1)
        }
        return result
    }

    /// The official 2025 arrangements for civil servants, as an administrator would enter them:
    /// Tết on 27–31 January (Công văn 8726/VPCP-KGVX, 26 Nov 2024) and Friday 2 May off against
    /// Saturday 26 April worked (Thông báo 6150/TB-BLĐTBXH; VietnamPlus and baochinhphu.vn).
    static let official2025: YearCalendar = {
        var year = YearCalendar(year: 2025, source: "Công văn 8726/VPCP-KGVX; Thông báo 6150/TB-BLĐTBXH",
                                tetSpan: .lastTwoDaysAndFirstThree, nationalDayAdjacent: day("2025-09-01"))
        year.addSwap(dayOff: day("2025-05-02"), workedOn: day("2025-04-26"))
        return year
    }()

    /// The official 2024 swap: Monday 29 April off against Saturday 4 May worked (Công văn 2450/VPCP-KGVX).
    static let official2024: YearCalendar = {
        var year = YearCalendar(year: 2024, source: "Công văn 2450/VPCP-KGVX")
        year.addSwap(dayOff: day("2024-04-29"), workedOn: day("2024-05-04"))
        return year
    }()

    /// The standard rules plus the 2024 and 2025 official data.
    static let officialCalendar = try! WorkingCalendar(years: [official2024, official2025])

    /// A small deterministic generator (SplitMix64) for property-style loops: the same
    /// sample every run, so a failure reproduces.
    struct SeededRandom: RandomNumberGenerator {
        private var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
