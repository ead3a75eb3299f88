/// A recorded change of a procedure's processing time.
public struct ProcessingTimeChange: Hashable, Sendable, Codable {
    public var procedureID: Procedure.ID
    public var code: String
    public var name: String
    public var field: String
    public var unitID: OrgUnit.ID?
    public var before: ProcessingTime
    public var after: ProcessingTime
    public var effectiveFrom: LocalDate
    public var decision: String

    public init(procedureID: Procedure.ID, code: String, name: String, field: String, unitID: OrgUnit.ID?,
                before: ProcessingTime, after: ProcessingTime, effectiveFrom: LocalDate, decision: String) {
        self.procedureID = procedureID
        self.code = code
        self.name = name
        self.field = field
        self.unitID = unitID
        self.before = before
        self.after = after
        self.effectiveFrom = effectiveFrom
        self.decision = decision
    }

    public var isShortening: Bool { after.isShorter(than: before) }
}

/// The simplification tracker's figures for a period.
public struct SimplificationReport: Sendable, Codable, Equatable {
    /// Procedures shortened in the period (each procedure once, its latest shortening).
    public var shortened: [ProcessingTimeChange]
    /// Procedures in scope (the denominator).
    public var procedureCount: Int
    /// Shortened share in per cent, two decimals; `nil` with no procedures.
    public var percentShortened: Double?
    /// The plan's target in per cent (e.g. 20 for "+20% procedures shortened by 2025").
    public var targetPercent: Double?
    public var meetsTarget: Bool? {
        guard let percentShortened, let targetPercent else { return nil }
        return percentShortened >= targetPercent
    }
}

/// Simplification tracking (seed 004: "+20% procedures with shortened time by 2025").
public enum Simplification {
    /// Procedures whose time was shortened with effect inside `from...to`, against
    /// the procedures in scope. A time cut twice in the period counts once.
    public static func report(changes: [ProcessingTimeChange], procedureCount: Int, from: LocalDate, to: LocalDate,
                              targetPercent: Double?) -> SimplificationReport {
        var latest: [Procedure.ID: ProcessingTimeChange] = [:]
        for change in changes where change.isShortening && from <= change.effectiveFrom && change.effectiveFrom <= to {
            if let seen = latest[change.procedureID], seen.effectiveFrom > change.effectiveFrom { continue }
            latest[change.procedureID] = change
        }
        let shortened = latest.values.sorted {
            $0.field != $1.field ? VietnameseText.precedes($0.field, $1.field) : VietnameseText.precedes($0.name, $1.name)
        }
        let percent = procedureCount == 0 ? nil
            : (Double(shortened.count) / Double(procedureCount) * 10_000).rounded() / 100
        return SimplificationReport(shortened: shortened, procedureCount: procedureCount,
                                    percentShortened: percent, targetPercent: targetPercent)
    }
}

/// Ranking for catalogue search: exact name or code first, then names that start
/// with the query, then the rest; ties by name.
public enum CatalogueSearch {
    /// Words of a query or a text, as searched: accent-free, lower case, split on anything not a letter or digit.
    public static func terms(_ text: String) -> [String] {
        VietnameseText.searchKey(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// 0: the name or code is the query; 1: the name starts with it; 2: otherwise.
    public static func rank(query: String, name: String, code: String) -> Int {
        Ranker(query: query).rank(nameKey: key(name), codeKey: VietnameseText.searchKey(code))
    }

    /// The words of a text joined by single spaces: what names are compared by.
    public static func key(_ text: String) -> String { terms(text).joined(separator: " ") }

    /// Ranks many rows against one query, folding the query once.
    public struct Ranker: Sendable {
        let queryKey: String
        let queryCode: String

        public init(query: String) {
            queryKey = CatalogueSearch.key(query)
            queryCode = VietnameseText.searchKey(query)
        }

        /// `nameKey` is `CatalogueSearch.key(name)` and `codeKey` `VietnameseText.searchKey(code)`,
        /// both computed once per procedure, not per query.
        public func rank(nameKey: String, codeKey: String) -> Int {
            if nameKey == queryKey || codeKey == queryCode { return 0 }
            return nameKey.hasPrefix(queryKey) ? 1 : 2
        }
    }
}
