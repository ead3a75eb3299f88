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
        let decided = try opened.decided(.reprimand, on: Self.day(discovered), number: "12/QĐ-STP", person: Self.civil, today: Self.day(discovered))
        #expect(decided.state == .decided && !decided.isOverdue(today: Self.day(due).adding(days: 10)))
    }

    @Test("the forms of discipline by kind, post and the day of the decision (Decree 172/2025 from 1 July 2025)", arguments: [
        (Person.Kind.civilServant, false, "2025-07-01", [DisciplinaryCase.Form.reprimand, .warning, .forcedResignation]),
        (.civilServant, true, "2026-03-02", [.reprimand, .warning, .dismissal, .forcedResignation]),
        (.civilServant, false, "2025-06-30", [.reprimand, .warning, .salaryDemotion, .forcedResignation]),
        (.civilServant, true, "2025-06-30", [.reprimand, .warning, .demotion, .dismissal, .forcedResignation]),
        (.publicEmployee, false, "2024-05-01", [.reprimand, .warning, .forcedResignation]),
        (.publicEmployee, true, "2026-03-02", [.reprimand, .warning, .dismissal, .forcedResignation]),
        (.contract, true, "2026-03-02", []),
    ])
    func allowedForms(kind: Person.Kind, leader: Bool, on day: String, forms: [DisciplinaryCase.Form]) {
        #expect(DisciplinaryCase.Form.allowed(for: kind, leader: leader, on: Self.day(day)) == forms)
    }

    @Test("a decision takes only an allowed form; the page offers the older forms marked for decisions before Decree 172")
    func decidedForms() throws {
        var leader = Self.civil
        leader.leadershipPost = "Trưởng phòng"
        let discovered = Self.day("2025-06-10")
        let opened = try DisciplinaryCase.opened(against: Self.civil, discoveredOn: discovered, complex: false, summary: "Vi phạm", today: discovered)
        let after = Self.day("2025-07-15")
        for (form, person, day) in [(DisciplinaryCase.Form.salaryDemotion, Self.civil, after), (.dismissal, Self.civil, after), (.demotion, leader, after),
                                    (.demotion, Self.civil, Self.day("2025-06-20"))] {
            #expect(QualityRatingTests.refusedField { () throws(DomainError) in
                _ = try opened.decided(form, on: day, number: "1/QĐ", person: person, today: after)
            } == "form", "\(form) \(day)")
        }
        #expect(try opened.decided(.salaryDemotion, on: Self.day("2025-06-20"), number: "1/QĐ", person: Self.civil, today: after).form == .salaryDemotion)
        #expect(try opened.decided(.dismissal, on: after, number: "1/QĐ", person: leader, today: after).form == .dismissal)
        #expect(DisciplinaryCase.Form.offered(for: leader, today: after).map { "\($0.form.rawValue)\($0.earlierOnly ? "*" : "")" }
                == ["reprimand", "warning", "dismissal", "forced_resignation", "demotion*"])
    }

    @Test("contract staff have no case; a case is dropped once")
    func forms() throws {
        let employee = QualityRatingTests.person(.publicEmployee)
        let today = Self.day("2026-06-01")
        let opened = try DisciplinaryCase.opened(against: employee, discoveredOn: today, complex: false, summary: "Vi phạm", today: today)
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try opened.decided(.salaryDemotion, on: today, number: "1/QĐ", person: employee, today: today)
        } == "form")
        #expect(try opened.decided(.warning, on: today, number: "1/QĐ", person: employee, today: today).form == .warning)
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
        let decided = try opened.decided(.reprimand, on: Self.day("2026-01-05"), number: "3/QĐ", person: Self.civil, today: Self.day("2026-01-05"))
        let in2026 = try QualityRating.entered(for: Self.civil, year: 2026, score: 96, disqualification: nil, level: nil, cases: [decided])
        #expect(in2026.level == .notCompleted && in2026.disqualification == .discipline)
        let in2025 = try QualityRating.entered(for: Self.civil, year: 2025, score: 96, disqualification: nil, level: nil, cases: [decided])
        #expect(in2025.level == .excellent)
        // Still open at rating time: no decision yet, nothing is ruled out.
        #expect(try QualityRating.entered(for: Self.civil, year: 2026, score: 96, disqualification: nil, level: nil, cases: [opened]).level == .excellent)
    }

    /// The department of twelve: 11 rated (10 civil servants, 1 public employee), 8 good or better; one of the 12 disciplined;
    /// of the 11 who must train, 7 attended 40 hours or more in the year.
    @Test("the PAR index figures of the department of twelve")
    func figures() {
        let civil = RatingStatistics(kind: .civilServant, year: 2026, levels: [.excellent, .excellent, .good, .good, .good, .good, .good, .completed,
                                                                                .completed, .notCompleted], unrated: 0)
        let employees = RatingStatistics(kind: .publicEmployee, year: 2026, levels: [.good], unrated: 0)
        let counts = PersonnelCounts(statistics: [civil, employees], people: 12, disciplined: 1, mustTrain: 11, trained: 7)
        #expect(PersonnelMetric.goodOrBetter.rate(counts) == 8.0 / 11.0)
        #expect(PersonnelMetric.withoutDiscipline.rate(counts) == 11.0 / 12.0)
        #expect(PersonnelMetric.trained.rate(counts) == 7.0 / 11.0)
        let none = PersonnelCounts(statistics: [], people: 0, disciplined: 0, mustTrain: 0, trained: 0)
        #expect(PersonnelMetric.allCases.allSatisfy { $0.rate(none) == nil })
    }

    @Test("training: hours of the courses that ended in the year, against the 40 required", arguments: [
        ([("2026-03-02", "2026-03-06", 40)], true), ([("2026-03-02", "2026-03-04", 24), ("2026-10-01", "2026-10-02", 16)], true),
        ([("2026-03-02", "2026-03-04", 24), ("2025-12-29", "2026-01-02", 16)], true), ([("2025-12-22", "2025-12-26", 40)], false),
        ([("2026-05-04", "2026-05-06", 39)], false),
    ] as [([(String, String, Int)], Bool)])
    func training(courses: [(String, String, Int)], met: Bool) throws {
        let records = try courses.map {
            try TrainingRecord.recorded(for: Self.civil, course: "Bồi dưỡng kiến thức quản lý nhà nước", startedOn: Self.day($0.0),
                                        endedOn: Self.day($0.1), hours: $0.2, certificate: nil, today: Self.day("2026-12-31"))
        }
        #expect(TrainingRequirement.isMet(records, year: 2026) == met)
    }

    @Test("a course is refused when it has not ended, ends before it starts, or has no hours", arguments: [
        ("2026-12-01", "2027-01-10", 40, "endedOn"), ("2026-03-05", "2026-03-01", 40, "endedOn"), ("2026-03-01", "2026-03-05", 0, "hours"),
    ])
    func trainingRefused(start: String, end: String, hours: Int, field: String) {
        #expect(QualityRatingTests.refusedField { () throws(DomainError) in
            _ = try TrainingRecord.recorded(for: Self.civil, course: "Khóa học", startedOn: Self.day(start), endedOn: Self.day(end), hours: hours,
                                            certificate: nil, today: Self.day("2026-12-31"))
        } == field)
    }
}
