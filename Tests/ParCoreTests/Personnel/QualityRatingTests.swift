import Foundation
import Testing
@testable import ParCore

@Suite("Civil servants' yearly quality ratings")
struct QualityRatingTests {
    static let unit = OrgUnit.ID.random()

    static func person(_ kind: Person.Kind, started: Int = 2020) -> Person {
        Person(id: .random(), unitID: unit, fullName: "Nguyễn Văn A", kind: kind, position: "Chuyên viên hộ tịch",
               startedOn: LocalDate(year: started, month: 3, day: 1)!)
    }

    /// The field a refusal names; nil when nothing was refused.
    static func refusedField(_ body: () throws(DomainError) -> Void) -> String? {
        do { try body(); return nil } catch { return error.field ?? "none" }
    }

    @Test("a civil servant's level follows the points and the cases that rule out completion (Decree 335/2025)", arguments: [
        (100.0, nil, QualityLevel.excellent), (90, nil, .excellent), (89.5, nil, .good), (70, nil, .good), (69.5, nil, .completed),
        (50, nil, .completed), (49.5, nil, .notCompleted), (0, nil, .notCompleted),
        (95, Disqualification.discipline, .notCompleted), (75, .conduct, .notCompleted), (60, .leadership, .notCompleted),
    ] as [(Double, Disqualification?, QualityLevel)])
    func civilServantLevels(score: Double, disqualification: Disqualification?, level: QualityLevel) throws {
        #expect(QualityLevel.civilServant(score: score, disqualification: disqualification) == level)
        let rating = try QualityRating.entered(for: Self.person(.civilServant), year: 2026, score: score, disqualification: disqualification, level: nil)
        #expect(rating.level == level && rating.state == .entered && rating.score == score)
    }

    @Test("what a rating refuses", arguments: [
        (Person.Kind.civilServant, 2026, nil, nil, "score"), (.civilServant, 2026, 100.5, nil, "score"), (.civilServant, 2026, -1, nil, "score"),
        (.civilServant, 2026, 80.3, nil, "score"), (.civilServant, 2026, .nan, nil, "score"),
        (.civilServant, 2026, 95, QualityLevel.good, "level"), (.civilServant, 2019, 95, nil, "year"), (.civilServant, 1999, 95, nil, "year"),
        (.publicEmployee, 2026, 80, .good, "score"), (.publicEmployee, 2026, nil, nil, "level"), (.contract, 2026, nil, .good, "kind"),
    ] as [(Person.Kind, Int, Double?, QualityLevel?, String)])
    func refused(kind: Person.Kind, year: Int, score: Double?, level: QualityLevel?, field: String) {
        #expect(Self.refusedField { () throws(DomainError) in _ = try QualityRating.entered(for: Self.person(kind), year: year, score: score, disqualification: nil, level: level) }
                == field)
    }

    @Test("a year still to come cannot be rated")
    func future() {
        let today = LocalDate(iso: "2026-12-31")!
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try QualityRating.entered(for: Self.person(.civilServant), year: 2027, score: 90, disqualification: nil, level: nil, today: today)
        } == "year")
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try QualityRating.entered(for: Self.person(.civilServant), year: 2026, score: 90, disqualification: nil, level: nil, today: today)
        } == nil)
    }

    @Test("a public employee's level is the unit's choice, and a disqualifying case allows only not completed")
    func publicEmployee() throws {
        let person = Self.person(.publicEmployee)
        #expect(try QualityRating.entered(for: person, year: 2026, score: nil, disqualification: nil, level: .excellent).level == .excellent)
        #expect(try QualityRating.entered(for: person, year: 2026, score: nil, disqualification: .discipline, level: .notCompleted).level == .notCompleted)
        #expect(throws: DomainError.self) {
            try QualityRating.entered(for: person, year: 2026, score: nil, disqualification: .discipline, level: .good)
        }
    }

    /// The hand-computed department of the issue: ten civil servants, one public employee, one contract worker.
    /// Civil servants: 95 and 90 excellent; 89.5, 85, 80, 75 and 70 good; 69.5 and 50 completed; 91 with a
    /// reprimand in the year not completed. By hand: rated 10; shares 20 %, 50 %, 20 %, 10 %; completed well
    /// or better 7 of 10 = 70 %; cap ⌊20 % × 5⌋ = 1, so 2 excellent exceed it.
    @Test("a department of twelve: counts, shares, the cap and the year-on-year change match the hand figures")
    func department() throws {
        let scores: [(Double, Disqualification?)] = [(95, nil), (90, nil), (89.5, nil), (85, nil), (80, nil), (75, nil), (70, nil),
                                                     (69.5, nil), (50, nil), (91, .discipline)]
        let levels = try scores.map { try QualityRating.entered(for: Self.person(.civilServant), year: 2026, score: $0.0, disqualification: $0.1, level: nil).level }
        let stats = RatingStatistics(kind: .civilServant, year: 2026, levels: levels, unrated: 0)
        #expect(stats.counts == [.excellent: 2, .good: 5, .completed: 2, .notCompleted: 1])
        #expect(stats.rated == 10 && stats.share(.excellent) == 0.2 && stats.share(.good) == 0.5 && stats.share(.notCompleted) == 0.1)
        #expect(stats.goodOrBetterShare == 0.7)
        #expect(stats.excellentCap == 1 && stats.exceedsCap)

        let employees = RatingStatistics(kind: .publicEmployee, year: 2026, levels: [.good], unrated: 0)
        #expect(employees.goodOrBetterShare == 1 && employees.excellentCap == 0 && !employees.exceedsCap)

        // Last year: 1 excellent, 5 good, 4 completed of 10 → this year's change in points of share.
        let last = RatingStatistics(kind: .civilServant, year: 2025, levels: [.excellent] + Array(repeating: .good, count: 5)
                                        + Array(repeating: .completed, count: 4), unrated: 0)
        let change = stats.change(since: last)
        #expect(abs(change[.excellent]! - 0.1) < 1e-12 && change[.good] == 0 && abs(change[.completed]! + 0.2) < 1e-12
                && abs(change[.notCompleted]! - 0.1) < 1e-12)
        #expect(!last.exceedsCap)
    }

    @Test("nobody rated: no shares, no change, a cap of zero")
    func empty() {
        let none = RatingStatistics(kind: .civilServant, year: 2026, levels: [], unrated: 3)
        #expect(none.rated == 0 && none.goodOrBetterShare == nil && none.share(.good) == nil && none.excellentCap == 0 && !none.exceedsCap)
        #expect(none.change(since: none).isEmpty)
    }

    @Test("a person's record is cleaned and checked", arguments: [
        ("", "Chuyên viên", 2020, "fullName"), ("Trần Thị B", " ", 2020, "position"), ("Trần Thị B", "Chuyên viên", 1949, "startedOn"),
        (String(repeating: "a", count: 201), "Chuyên viên", 2020, "fullName"),
    ])
    func personChecks(name: String, position: String, year: Int, field: String) {
        let person = Person(id: .random(), unitID: Self.unit, fullName: name, kind: .civilServant, position: position,
                            startedOn: LocalDate(year: year, month: 1, day: 1)!)
        #expect(Self.refusedField { () throws(DomainError) in _ = try person.validated() } == field)
    }

    @Test("names are stored in NFC without invisible characters; empty optional fields become none")
    func personCleaned() throws {
        let person = Person(id: .random(), unitID: Self.unit, fullName: "Nguye\u{0302}\u{0303}n\u{200B} Văn  A", kind: .civilServant,
                            position: "Chuyên viên", rank: " ", leadershipPost: "Phó Giám đốc", startedOn: LocalDate(year: 2020, month: 1, day: 1)!)
        let clean = try person.validated()
        #expect(clean.fullName == "Nguyễn Văn A" && clean.rank == nil && clean.leadershipPost == "Phó Giám đốc")
    }

    @Test("who reads a record: the person, and viewPersonnel on the unit or above; not a processing officer of the same unit")
    func access() {
        let province = OrgUnit.ID.random()
        var person = Self.person(.civilServant)
        let me = UserAccount.ID.random()
        person.userID = me
        func principal(_ id: UserAccount.ID, _ role: Role, on unit: OrgUnit.ID) -> Principal {
            Principal(userID: id, username: "u", displayName: "U", grants: [RoleGrant(id: .random(), role: role, unitID: unit)])
        }
        let ancestry = [Self.unit, province]
        #expect(PersonnelAccess.mayRead(person, principal: principal(me, .processingOfficer, on: Self.unit), ancestry: ancestry))
        #expect(!PersonnelAccess.mayRead(person, principal: principal(.random(), .processingOfficer, on: Self.unit), ancestry: ancestry))
        #expect(PersonnelAccess.mayRead(person, principal: principal(.random(), .personnelOfficer, on: Self.unit), ancestry: ancestry))
        #expect(PersonnelAccess.mayRead(person, principal: principal(.random(), .parOfficer, on: province), ancestry: ancestry))
        #expect(!PersonnelAccess.mayRead(person, principal: principal(.random(), .personnelOfficer, on: .random()), ancestry: ancestry))
        #expect(!PersonnelAccess.mayRead(person, principal: principal(.random(), .cityLeader, on: province), ancestry: ancestry))
    }
}
