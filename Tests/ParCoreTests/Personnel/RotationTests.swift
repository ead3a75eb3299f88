import Foundation
import Testing
@testable import ParCore

@Suite("Periodic rotation")
struct RotationTests {
    static func person(_ name: String, started: String, years: Int?) -> Person {
        Person(id: .random(), unitID: QualityRatingTests.unit, fullName: name, kind: .civilServant, position: "Kế toán",
               startedOn: LocalDate(iso: started)!, rotationYears: years)
    }

    @Test("the plan for a year names who completes their period by 31 December, earlier ones included; a later move restarts the period")
    func due() {
        let an = Self.person("Nguyễn Văn An", started: "2022-03-01", years: 3)      // due 2025-03-01: overdue in 2026
        let binh = Self.person("Trần Thị Bình", started: "2021-01-10", years: 3)    // moved 2024-06-15 → due 2027-06-15
        let cuong = Self.person("Lê Văn Cường", started: "2024-12-31", years: 2)    // due 2026-12-31: the last day counts
        let dung = Self.person("Phạm Dũng", started: "2010-01-01", years: nil)       // the position is not rotated
        let em = Self.person("Đỗ Em", started: "2024-02-29", years: 2)              // due 2026-02-28
        let since = [binh.id: LocalDate(iso: "2024-06-15")!, an.id: LocalDate(iso: "2020-01-01")!]  // a move before the start is ignored
        let plan = Rotation.due([an, binh, cuong, dung, em], since: since, year: 2026)
        #expect(plan.map(\.person.fullName) == ["Nguyễn Văn An", "Đỗ Em", "Lê Văn Cường"])
        #expect(plan.map(\.dueOn.iso) == ["2025-03-01", "2026-02-28", "2026-12-31"])
        #expect(plan[0].since.iso == "2022-03-01")
        #expect(Rotation.due([an, binh, cuong, dung, em], since: since, year: 2024).isEmpty)
        #expect(Rotation.due([binh], since: since, year: 2027).map(\.dueOn.iso) == ["2027-06-15"])
    }

    @Test("a rotation period is 2 to 5 years", arguments: [(1, false), (2, true), (5, true), (6, false)])
    func period(years: Int, valid: Bool) {
        #expect((QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try Self.person("Ngô Thị Hà", started: "2020-01-01", years: years).validated()
        } == nil) == valid)
    }
}

@Suite("People follow reorganisations")
struct StaffSuccessorTests {
    @Test("staff pass to the one successor a predecessor passed into wholly; a split, a part or the absorbing unit keep theirs")
    func successor() {
        let a = OrgUnit.ID.random(), b = OrgUnit.ID.random(), c = OrgUnit.ID.random(), d = OrgUnit.ID.random()
        let day = LocalDate(year: 2025, month: 7, day: 1)!
        let merger = Reorganisation(id: .random(), kind: .merger, effectiveDate: day, decision: "1656/NQ-UBTVQH15",
                                    predecessors: [.init(unitID: a, whole: true), .init(unitID: b, whole: true)], successors: [c])
        #expect(merger.staffSuccessor(of: a) == c && merger.staffSuccessor(of: b) == c && merger.staffSuccessor(of: d) == nil)
        let absorbing = Reorganisation(id: .random(), kind: .merger, effectiveDate: day, decision: "x",
                                       predecessors: [.init(unitID: a, whole: true), .init(unitID: c, whole: true)], successors: [c])
        #expect(absorbing.staffSuccessor(of: a) == c && absorbing.staffSuccessor(of: c) == nil)
        let split = Reorganisation(id: .random(), kind: .split, effectiveDate: day, decision: "x", predecessors: [.init(unitID: a, whole: true)],
                                   successors: [c, d])
        #expect(split.staffSuccessor(of: a) == nil)
        let part = Reorganisation(id: .random(), kind: .transfer, effectiveDate: day, decision: "x", predecessors: [.init(unitID: a, whole: false)],
                                  successors: [d])
        #expect(part.staffSuccessor(of: a) == nil)
    }
}

@Suite("Headcount from the people records")
struct HeadcountTests {
    @Test("each person counts at the unit of their latest move by the day, by kind; leaders also as leaders; not yet arrived, not counted")
    func posts() {
        let a = OrgUnit.ID.random(), b = OrgUnit.ID.random()
        func person(_ kind: Person.Kind, post: String? = nil) -> Person {
            Person(id: .random(), unitID: b, fullName: "X", kind: kind, position: "Chuyên viên", leadershipPost: post,
                   startedOn: LocalDate(year: 2020, month: 1, day: 1)!)
        }
        let leader = person(.civilServant, post: "Trưởng phòng"), employee = person(.publicEmployee), driver = person(.contract),
            mover = person(.civilServant), late = person(.civilServant)
        func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }
        let moves: [Person.ID: [PersonMove]] = [
            leader.id: [.init(fromUnitID: nil, toUnitID: a, on: day("2020-01-01"), kind: .joined)],
            employee.id: [.init(fromUnitID: nil, toUnitID: a, on: day("2021-05-01"), kind: .joined)],
            driver.id: [.init(fromUnitID: nil, toUnitID: b, on: day("2019-01-01"), kind: .joined)],
            mover.id: [.init(fromUnitID: nil, toUnitID: a, on: day("2020-01-01"), kind: .joined),
                       .init(fromUnitID: a, toUnitID: b, on: day("2025-12-31"), kind: .transfer)],
            late.id: [.init(fromUnitID: nil, toUnitID: a, on: day("2026-01-01"), kind: .joined)],
        ]
        let end2025 = Headcount.posts(people: [leader, employee, driver, mover, late], moves: moves, on: day("2025-12-31"))
        #expect(end2025[a] == StaffQuota.Posts(civilServants: 1, publicEmployees: 1, contracts: 0, leaders: 1))
        #expect(end2025[b] == StaffQuota.Posts(civilServants: 1, publicEmployees: 0, contracts: 1, leaders: 0))
        let end2024 = Headcount.posts(people: [leader, employee, driver, mover, late], moves: moves, on: day("2024-12-31"))
        #expect(end2024[a] == StaffQuota.Posts(civilServants: 2, publicEmployees: 1, contracts: 0, leaders: 1))
    }
}

@Suite("A unit's approved job positions")
struct JobPositionTests {
    @Test("a list is cleaned, sorted in Vietnamese order and refuses repeats, bad hours and bad periods")
    func list() throws {
        let list = try JobPosition.validatedList([.init(name: " Kế toán ", trainingHours: 40, rotationYears: 3), .init(name: "Chuyên viên hộ tịch"),
                                                  .init(name: "Đầu mối CCHC", trainingHours: 24)])
        #expect(list.map(\.name) == ["Chuyên viên hộ tịch", "Đầu mối CCHC", "Kế toán"])
        for bad in [[JobPosition(name: "A"), JobPosition(name: "a")], [JobPosition(name: "A", trainingHours: 401)],
                    [JobPosition(name: "A", rotationYears: 6)], [JobPosition(name: " ")]] {
            #expect(QualityRatingTests.refusedField { () throws(DomainError) in _ = try JobPosition.validatedList(bad) } == "positions")
        }
    }

    @Test("with a list, a position must be on it (any case) and a rotating one gives its period; without one, anything goes")
    func placed() throws {
        let list = [JobPosition(name: "Kế toán", trainingHours: 40, rotationYears: 3), JobPosition(name: "Văn thư")]
        var person = QualityRatingTests.person(.civilServant)
        person.position = "kế toán"
        let placed = try JobPosition.placed(person, list: list)
        #expect(placed.position == "Kế toán" && placed.rotationYears == 3)
        person.rotationYears = 2
        #expect(try JobPosition.placed(person, list: list).rotationYears == 2)
        person.position = "Lái xe"
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in _ = try JobPosition.placed(person, list: list) } == "position")
        #expect(try JobPosition.placed(person, list: []).position == "Lái xe")
    }

    @Test("a position's hours replace the default 40")
    func hours() throws {
        let today = LocalDate(iso: "2026-12-31")!
        let course = try TrainingRecord.recorded(for: QualityRatingTests.person(.civilServant), course: "Bồi dưỡng", startedOn: today, endedOn: today,
                                                 hours: 24, certificate: nil, today: today)
        #expect(!TrainingRequirement.isMet([course], year: 2026) && TrainingRequirement.isMet([course], year: 2026, required: 24))
    }
}
