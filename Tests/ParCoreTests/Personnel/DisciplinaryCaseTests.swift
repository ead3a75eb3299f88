import Foundation
import Testing
@testable import ParCore

@Suite("Disciplinary cases and the civil-service figures")
struct DisciplinaryCaseTests {
    static func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }
    static let civil = QualityRatingTests.person(.civilServant)

    @Test("the decision is due 90 days after discovery, 150 for a complex case; open after that day is overdue", arguments: [
        ("2026-01-10", false, "2026-04-10"), ("2026-01-10", true, "2026-06-09"), ("2025-12-31", false, "2026-03-31"), ("2028-02-29", false, "2028-05-29"),
    ])
    func deadline(discovered: String, complex: Bool, due: String) throws {
        let opened = try DisciplinaryCase.opened(against: Self.civil, discoveredOn: Self.day(discovered), complex: complex, summary: "Vi phạm",
                                                 today: Self.day(discovered))
        #expect(opened.deadline == Self.day(due))
        #expect(!opened.isOverdue(today: Self.day(due)) && opened.isOverdue(today: Self.day(due).adding(days: 1)))
        let decided = try opened.decided(.reprimand, on: Self.day(discovered), number: "12/QĐ-STP", kind: .civilServant, today: Self.day(discovered))
        #expect(decided.state == .decided && !decided.isOverdue(today: Self.day(due).adding(days: 10)))
    }

    @Test("forms by kind: a public employee has no salary or rank demotion; contract staff have no case")
    func forms() throws {
        let employee = QualityRatingTests.person(.publicEmployee)
        let today = Self.day("2026-06-01")
        let opened = try DisciplinaryCase.opened(against: employee, discoveredOn: today, complex: false, summary: "Vi phạm", today: today)
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try opened.decided(.salaryDemotion, on: today, number: "1/QĐ", kind: .publicEmployee, today: today)
        } == "form")
        #expect(try opened.decided(.warning, on: today, number: "1/QĐ", kind: .publicEmployee, today: today).form == .warning)
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try DisciplinaryCase.opened(against: QualityRatingTests.person(.contract), discoveredOn: today, complex: false, summary: "x", today: today)
        } == "kind")
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try DisciplinaryCase.opened(against: employee, discoveredOn: today.adding(days: 1), complex: false, summary: "x", today: today)
        } == "discoveredOn")
        let dropped = try opened.dropped(on: today, today: today)
        #expect(dropped.state == .dropped && !dropped.disqualifies(year: 2026))
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in _ = try dropped.dropped(on: today, today: today) } == "none")
    }

    @Test("a decision in the rated year makes the rating 'not completed' whatever the points; one of another year does not")
    func ratingFollowsDiscipline() throws {
        let opened = try DisciplinaryCase.opened(against: Self.civil, discoveredOn: Self.day("2025-11-20"), complex: false, summary: "Vi phạm",
                                                 today: Self.day("2026-01-05"))
        let decided = try opened.decided(.reprimand, on: Self.day("2026-01-05"), number: "3/QĐ", kind: .civilServant, today: Self.day("2026-01-05"))
        let in2026 = try QualityRating.entered(for: Self.civil, year: 2026, score: 96, disqualification: nil, level: nil, cases: [decided])
        #expect(in2026.level == .notCompleted && in2026.disqualification == .discipline)
        let in2025 = try QualityRating.entered(for: Self.civil, year: 2025, score: 96, disqualification: nil, level: nil, cases: [decided])
        #expect(in2025.level == .excellent)
        // Still open at rating time: no decision yet, nothing is ruled out.
        #expect(try QualityRating.entered(for: Self.civil, year: 2026, score: 96, disqualification: nil, level: nil, cases: [opened]).level == .excellent)
    }

    /// The department of twelve: 11 rated (10 civil servants, 1 public employee), 8 good or better; one of the 12 disciplined.
    @Test("the PAR index figures of the department of twelve")
    func figures() {
        let civil = RatingStatistics(kind: .civilServant, year: 2026, levels: [.excellent, .excellent, .good, .good, .good, .good, .good, .completed,
                                                                                .completed, .notCompleted], unrated: 0)
        let employees = RatingStatistics(kind: .publicEmployee, year: 2026, levels: [.good], unrated: 0)
        let good = PersonnelMetric.goodOrBetter.rate(statistics: [civil, employees], people: 12, disciplined: 1)
        #expect(good == 8.0 / 11.0)
        #expect(PersonnelMetric.withoutDiscipline.rate(statistics: [civil, employees], people: 12, disciplined: 1) == 11.0 / 12.0)
        #expect(PersonnelMetric.goodOrBetter.rate(statistics: [], people: 0, disciplined: 0) == nil)
        #expect(PersonnelMetric.withoutDiscipline.rate(statistics: [], people: 0, disciplined: 0) == nil)
    }
}
