import Foundation

/// Sample surveys (SIPAS): how many citizens to ask, and which, reproducibly.
public enum SampleDesign {
    /// Slovin's formula used by SIPAS: n = N / (1 + N·e²), rounded up, never more than N.
    public static func size(population: Int, margin e: Double) -> Int {
        guard population > 0 else { return 0 }
        let n = Double(population) / (1 + Double(population) * e * e)
        // A hair below the next integer guards against 80.000000001 becoming 81.
        return min(population, max(1, Int((n - 1e-9).rounded(.up))))
    }

    /// Draws `count` items from `population` (in the order given) with a partial
    /// Fisher–Yates shuffle driven by SplitMix64 seeded with `seed`: the same population,
    /// count and seed always give the same sample, on every platform and Swift version.
    public static func draw<T>(_ population: [T], count: Int, seed: UInt64) -> [T] {
        var items = population
        var generator = SplitMix64(seed: seed)
        let count = max(0, min(count, items.count))
        for i in 0..<count {
            let j = i + Int(generator.next(below: UInt64(items.count - i)))
            items.swapAt(i, j)
        }
        return Array(items.prefix(count))
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator whose output is
/// fixed by its seed — the standard library's generators make no such promise.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in 0..<bound, by rejection (no modulo bias).
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = next()
            if value < limit { return value % bound }
        }
    }
}
