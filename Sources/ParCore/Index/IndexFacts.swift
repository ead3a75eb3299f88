/// A unit's facts by position (`IndexFact.ordinal`), with which of them were given: what a ranking hands
/// from the store to the scoring for hundreds of units, without a dictionary per unit (a ranking of 839
/// children filled, hashed and read back about 30,000 facts). A fact given as 0 is given; one never given
/// reads nil, as a dictionary's absent key does.
public struct IndexFacts: Sendable, Equatable {
    /// Each fact's value, 0 when not given.
    private(set) var values: [Double]
    private var given: [Bool]

    public init() {
        values = [Double](repeating: 0, count: IndexFact.caseCount)
        given = [Bool](repeating: false, count: IndexFact.caseCount)
    }

    public init(_ facts: [IndexFact: Double]) {
        self.init()
        for (fact, value) in facts { self[fact] = value }
    }

    public subscript(fact: IndexFact) -> Double? {
        get { given[fact.ordinal] ? values[fact.ordinal] : nil }
        set {
            values[fact.ordinal] = newValue ?? 0
            given[fact.ordinal] = newValue != nil
        }
    }

    /// Adds `n` to `fact` (given from now on).
    public mutating func add(_ n: Double, to fact: IndexFact) {
        values[fact.ordinal] += n
        given[fact.ordinal] = true
    }

    /// The given facts as a dictionary.
    public var dictionary: [IndexFact: Double] {
        var result: [IndexFact: Double] = [:]
        for fact in IndexFact.allCases where given[fact.ordinal] { result[fact] = values[fact.ordinal] }
        return result
    }
}
