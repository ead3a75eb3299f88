import Foundation
import Testing
@testable import ParCore

@Suite("Registry rules")
struct RegistryRulesTests {
    static func unit(_ key: String = "u1", name: String = "Phường Ba Đình", from: String? = nil, to: String? = nil) -> OrgUnit {
        OrgUnit(id: .random(), key: key, code: key, kind: .commune, name: name, parentID: nil,
                validFrom: from.flatMap(LocalDate.init(iso:)), validTo: to.flatMap(LocalDate.init(iso:)))
    }

    @Test("a unit with a name, a code and ordered dates is valid; broken ones are refused with the field named",
          arguments: [
            (unit(), nil as String?),
            (unit(name: "   "), "name"),
            (unit(String(repeating: "x", count: 65)), "key"),
            (unit(from: "2025-07-01", to: "2025-06-30"), "validTo"),
            (unit(from: "2025-07-01", to: "2025-07-01"), nil),
          ])
    func unitValidation(unit: OrgUnit, failingField: String?) {
        do {
            _ = try unit.validated()
            #expect(failingField == nil)
        } catch {
            #expect(error.field == failingField)
        }
    }

    @Test("a unit moves under any unit but itself and its own subtree", arguments: [
        ([0, 1], false), ([0, 1, 2], true), ([0, 2, 3], true), ([3], false), ([], false),
    ])
    func move(_ lineage: [Int], refused: Bool) {
        let units = (0..<4).map { _ in OrgUnit.ID.random() }, moving = units[2]
        let outcome = Result { () throws(DomainError) in try OrgUnit.checkMove(of: moving, underLineage: lineage.map { units[$0] }) }
        #expect((try? outcome.get()) == nil ? refused : !refused)
        if case .failure(let error) = outcome { #expect(error.field == "parentId") }
    }

    @Test("validity is inclusive at both ends")
    func validity() throws {
        let unit = Self.unit(from: "2008-08-01", to: "2025-06-30")
        #expect(unit.isValid(on: LocalDate(iso: "2025-06-30")!))
        #expect(!unit.isValid(on: LocalDate(iso: "2025-07-01")!))
        #expect(unit.isValid(on: LocalDate(iso: "2008-08-01")!))
        #expect(!unit.isValid(on: LocalDate(iso: "2008-07-31")!))
    }

    static let a = OrgUnit.ID.random(), b = OrgUnit.ID.random(), c = OrgUnit.ID.random()

    @Test("each kind of reorganisation has its shape", arguments: [
        (Reorganisation.Kind.merger, [a, b], [c], true),
        (.merger, [a], [c], false),
        (.merger, [a, b], [a], true),
        (.split, [a], [b, c], true),
        (.split, [a, b], [c], false),
        (.rename, [a], [b], true),
        (.establishment, [], [c], true),
        (.establishment, [a], [c], false),
        (.dissolution, [a], [], true),
        (.transfer, [a], [a], false),
    ])
    func reorganisationShapes(kind: Reorganisation.Kind, before: [OrgUnit.ID], after: [OrgUnit.ID], valid: Bool) {
        let event = Reorganisation(id: .random(), kind: kind, effectiveDate: LocalDate(iso: "2025-07-01")!,
                                   decision: "1656/NQ-UBTVQH15",
                                   predecessors: before.map { .init(unitID: $0, whole: true) }, successors: after)
        #expect((try? event.validated()) != nil ? valid : !valid)
    }

    @Test("quotas must be whole, non-negative and leaders cannot exceed the total", arguments: [
        (StaffQuota.Posts(civilServants: 100, publicEmployees: 20, contracts: 5, leaders: 10), true),
        (StaffQuota.Posts(civilServants: -1, publicEmployees: 0, contracts: 0, leaders: 0), false),
        (StaffQuota.Posts(civilServants: 3, publicEmployees: 0, contracts: 0, leaders: 4), false),
    ])
    func quotas(posts: StaffQuota.Posts, valid: Bool) {
        let quota = StaffQuota(unitID: .random(), year: 2025, quota: posts, actual: .zero)
        #expect((try? quota.validated()) != nil ? valid : !valid)
    }
}

@Suite("Restructuring report")
struct RestructuringTests {
    // Province P; district D with wards W1, W2, W3 until 30 June 2025; department S throughout.
    // From 1 July 2025: ward N1 = W1 + W2 + part of W3, ward N2 = rest of W3; D is abolished.
    let p = OrgUnit.ID.random(), d = OrgUnit.ID.random(), s = OrgUnit.ID.random()
    let w1 = OrgUnit.ID.random(), w2 = OrgUnit.ID.random(), w3 = OrgUnit.ID.random()
    let n1 = OrgUnit.ID.random(), n2 = OrgUnit.ID.random()
    let before = LocalDate(iso: "2025-06-30")!, after = LocalDate(iso: "2025-07-01")!

    var units: [OrgUnit] {
        let end = LocalDate(iso: "2025-06-30"), start = LocalDate(iso: "2025-07-01")
        return [
            OrgUnit(id: p, key: "P", code: "01", kind: .province, name: "P", parentID: nil, validFrom: nil, validTo: nil),
            OrgUnit(id: s, key: "S", code: "S", kind: .department, name: "S", parentID: p, validFrom: nil, validTo: nil),
            OrgUnit(id: d, key: "D", code: "001", kind: .district, name: "D", parentID: p, validFrom: nil, validTo: end),
            OrgUnit(id: w1, key: "W1", code: "1", kind: .commune, name: "W1", parentID: d, validFrom: nil, validTo: end),
            OrgUnit(id: w2, key: "W2", code: "2", kind: .commune, name: "W2", parentID: d, validFrom: nil, validTo: end),
            OrgUnit(id: w3, key: "W3", code: "3", kind: .commune, name: "W3", parentID: d, validFrom: nil, validTo: end),
            OrgUnit(id: n1, key: "N1", code: "1", kind: .commune, name: "N1", parentID: p, validFrom: start, validTo: nil),
            OrgUnit(id: n2, key: "N2", code: "4", kind: .commune, name: "N2", parentID: p, validFrom: start, validTo: nil),
        ]
    }

    var lineage: [LineageLink] {
        [(w1, n1, true), (w2, n1, true), (w3, n1, false), (w3, n2, false)].map {
            LineageLink(predecessor: $0.0, successor: $0.1, whole: $0.2, effectiveDate: after)
        }
    }

    var quotas: [StaffQuota] {
        [StaffQuota(unitID: s, year: 2025, quota: .init(civilServants: 100, publicEmployees: 0, contracts: 0, leaders: 5), actual: .zero),
         StaffQuota(unitID: s, year: 2024, quota: .init(civilServants: 110, publicEmployees: 0, contracts: 0, leaders: 6), actual: .zero),
         StaffQuota(unitID: w1, year: 2024, quota: .init(civilServants: 20, publicEmployees: 0, contracts: 0, leaders: 2), actual: .zero)]
    }

    @Test("a province counts each unit once per date; merged wards are reorganised, not lost")
    func provinceTable() throws {
        let report = try Restructuring.report(root: p, from: before, to: after, units: units, lineage: lineage, quotas: quotas)
        let communes = try #require(report.kinds.first { $0.kind == .commune })
        #expect((communes.before, communes.after, communes.reorganised, communes.dissolved, communes.established) == (3, 2, 3, 0, 0))
        #expect(communes.percentChange == -33.3)
        let districts = try #require(report.kinds.first { $0.kind == .district })
        #expect((districts.before, districts.after, districts.dissolved) == (1, 0, 1))
        #expect(report.kinds.first { $0.kind == .department }.map { ($0.before, $0.after) } ?? (0, 0) == (1, 1))
    }

    @Test("a ward formed in 2025 is compared with the wards it was formed from")
    func newWardFollowsLineage() throws {
        let report = try Restructuring.report(root: n1, from: before, to: after, units: units, lineage: lineage, quotas: [])
        #expect(Set(report.scopeBefore) == [w1, w2, w3])
        #expect(report.scopeAfter == [n1])
    }

    @Test("quotas are summed over the subtree for each date's year, with the % change")
    func quotaChange() throws {
        let report = try Restructuring.report(root: p, from: LocalDate(iso: "2024-12-31")!, to: after,
                                              units: units, lineage: lineage, quotas: quotas)
        let civil = try #require(report.quotas.first { $0.name == "civilServants" })
        #expect((civil.before, civil.after) == (130, 100))
        #expect(civil.percentChange == -23.1)
    }

    @Test("a year with no quota recorded in the scope is no data, not zero staff")
    func missingQuotas() throws {
        let later = LocalDate(iso: "2031-01-01")!
        let report = try Restructuring.report(root: p, from: LocalDate(iso: "2024-12-31")!, to: later, units: units, lineage: lineage, quotas: quotas)
        let civil = try #require(report.quotas.first { $0.name == "civilServants" })
        #expect(civil.before == 130 && civil.after == nil && civil.change == nil && civil.percentChange == nil)
    }

    @Test("the dates must be in order and the unit must exist")
    func badInput() {
        #expect(throws: DomainError.self) {
            try Restructuring.report(root: p, from: after, to: before, units: units, lineage: [], quotas: [])
        }
        #expect(throws: DomainError.self) {
            try Restructuring.report(root: .random(), from: before, to: after, units: units, lineage: [], quotas: [])
        }
    }

    @Test("percent change is rounded to one decimal and n/a for a zero base", arguments: [
        (100, 90, -10.0 as Double?), (3, 2, -33.3), (0, 5, nil), (526, 126, -76.0), (65, 65, 0.0),
    ])
    func percent(before: Int, after: Int, expected: Double?) {
        #expect(Restructuring.percent(before: before, after: after) == expected)
    }
}
