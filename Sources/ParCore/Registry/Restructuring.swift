/// One predecessor → successor link of a reorganisation.
public struct LineageLink: Hashable, Sendable, Codable {
    public var predecessor: OrgUnit.ID
    public var successor: OrgUnit.ID
    public var whole: Bool
    public var effectiveDate: LocalDate

    public init(predecessor: OrgUnit.ID, successor: OrgUnit.ID, whole: Bool, effectiveDate: LocalDate) {
        self.predecessor = predecessor
        self.successor = successor
        self.whole = whole
        self.effectiveDate = effectiveDate
    }
}

/// The restructuring table: units and quotas of a subtree on two dates.
public struct RestructuringReport: Sendable, Codable, Equatable {
    /// Counts of one kind of unit.
    public struct KindRow: Sendable, Codable, Equatable {
        public var kind: UnitKind
        public var before: Int
        public var after: Int
        /// Units counted `before` that passed into successors (merged, split, renamed):
        /// reorganised, not lost.
        public var reorganised: Int
        /// Units counted `before` that ended with no successor.
        public var dissolved: Int
        /// Units counted `after` that have no predecessor in the `before` scope.
        public var established: Int
        public var change: Int { after - before }
        /// Change in per cent of `before`, one decimal; `nil` when `before` is 0.
        public var percentChange: Double? { Restructuring.percent(before: before, after: after) }
    }

    /// Quotas summed over the subtree for the years of the two dates; `nil` when no unit of the scope
    /// has a quota recorded for that year ("no data", which is not zero staff).
    public struct QuotaRow: Sendable, Codable, Equatable {
        public var name: String
        public var before: Int?
        public var after: Int?
        public var change: Int? { before.flatMap { b in after.map { $0 - b } } }
        public var percentChange: Double? { before.flatMap { b in after.flatMap { Restructuring.percent(before: b, after: $0) } } }
    }

    public var rootID: OrgUnit.ID
    public var from: LocalDate
    public var to: LocalDate
    public var kinds: [KindRow]
    public var quotas: [QuotaRow]
    /// Units in scope on each date (for drill-down).
    public var scopeBefore: [OrgUnit.ID]
    public var scopeAfter: [OrgUnit.ID]
}

/// Restructuring statistics that follow lineage across reorganisations.
public enum Restructuring {
    /// Builds the table for the subtree of `root` on dates `from` and `to`.
    ///
    /// When the root itself did not exist on a date (a ward formed in 2025, say),
    /// the scope on that date is what it was formed from: lineage is followed
    /// backwards (or forwards) until units that existed on that date are reached.
    /// Each unit is counted once per date, so a merged unit is "reorganised", not lost twice.
    /// Source of the table's shape: the Hà Nội 2021 restructuring figures (seed 000).
    public static func report(root: OrgUnit.ID, from: LocalDate, to: LocalDate,
                              units: [OrgUnit], lineage: [LineageLink],
                              quotas: [StaffQuota]) throws(DomainError) -> RestructuringReport {
        guard from < to else {
            throw .invalid("Ngày đầu phải trước ngày cuối.", english: "The first date must be before the second.", field: "from")
        }
        let byID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        guard byID[root] != nil else {
            throw DomainError(.notFound, "Không tìm thấy đơn vị.", english: "Unit not found.", field: "unit")
        }
        var children: [OrgUnit.ID: [OrgUnit]] = [:]
        for unit in units { if let parent = unit.parentID { children[parent, default: []].append(unit) } }
        let forward = Dictionary(grouping: lineage, by: \.predecessor)
        let backward = Dictionary(grouping: lineage, by: \.successor)

        func scope(on date: LocalDate) -> [OrgUnit.ID] {
            var roots: [OrgUnit.ID] = []
            var seen: Set<OrgUnit.ID> = []
            var frontier = [root]
            while let id = frontier.popLast() {
                guard seen.insert(id).inserted, let unit = byID[id] else { continue }
                if unit.isValid(on: date) { roots.append(id); continue }
                if let start = unit.validFrom, date < start {
                    frontier += (backward[id] ?? []).map(\.predecessor)
                } else {
                    frontier += (forward[id] ?? []).map(\.successor)
                }
            }
            var result: [OrgUnit.ID] = []
            var visited: Set<OrgUnit.ID> = []
            var queue = roots
            while let id = queue.popLast() {
                guard visited.insert(id).inserted else { continue }
                result.append(id)
                queue += (children[id] ?? []).filter { $0.isValid(on: date) }.map(\.id)
            }
            return result
        }

        let before = scope(on: from), after = scope(on: to)
        let beforeSet = Set(before)
        var rows: [UnitKind: RestructuringReport.KindRow] = [:]
        func row(_ kind: UnitKind) -> RestructuringReport.KindRow {
            rows[kind] ?? .init(kind: kind, before: 0, after: 0, reorganised: 0, dissolved: 0, established: 0)
        }
        for id in before {
            guard let unit = byID[id] else { continue }
            var r = row(unit.kind)
            r.before += 1
            if let end = unit.validTo, end < to {
                let links = (forward[id] ?? []).filter { $0.effectiveDate <= to }
                if links.isEmpty { r.dissolved += 1 } else { r.reorganised += 1 }
            }
            rows[unit.kind] = r
        }
        for id in after {
            guard let unit = byID[id] else { continue }
            var r = row(unit.kind)
            r.after += 1
            let predecessorsInScope = (backward[id] ?? []).contains { beforeSet.contains($0.predecessor) }
            if !beforeSet.contains(id) && !predecessorsInScope { r.established += 1 }
            rows[unit.kind] = r
        }
        let kinds = UnitKind.allCases.compactMap { rows[$0] }

        /// The quotas of the scope's units for the year, summed; nil when none of them has one recorded.
        func quotaSum(_ scope: [OrgUnit.ID], year: Int) -> StaffQuota.Posts? {
            let ids = Set(scope)
            let recorded = quotas.filter { $0.year == year && ids.contains($0.unitID) }
            return recorded.isEmpty ? nil : recorded.map(\.quota).reduce(.zero, +)
        }
        let q1 = quotaSum(before, year: from.year), q2 = quotaSum(after, year: to.year)
        let quotaRows: [RestructuringReport.QuotaRow] = [
            .init(name: "civilServants", before: q1?.civilServants, after: q2?.civilServants),
            .init(name: "publicEmployees", before: q1?.publicEmployees, after: q2?.publicEmployees),
            .init(name: "contracts", before: q1?.contracts, after: q2?.contracts),
            .init(name: "leaders", before: q1?.leaders, after: q2?.leaders),
        ]
        return RestructuringReport(rootID: root, from: from, to: to, kinds: kinds, quotas: quotaRows,
                                   scopeBefore: before, scopeAfter: after)
    }

    /// `(after − before) / before × 100`, rounded to one decimal; `nil` when `before` is 0.
    public static func percent(before: Int, after: Int) -> Double? {
        guard before != 0 else { return nil }
        return (Double(after - before) / Double(before) * 1000).rounded() / 10
    }
}
