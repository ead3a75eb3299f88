import Foundation

/// Periodic rotation (định kỳ chuyển đổi vị trí công tác): people in positions that must be
/// rotated move after a fixed period — 2 to 5 years by sector (Law on Anti-Corruption 2018,
/// art. 25; Decree 59/2019/NĐ-CP art. 36, second-hand: the Government Inspectorate's answer to
/// voters, Báo Nghệ An). The period runs from the day the person took up the position: their
/// arrival or their latest move, whichever is later.
public enum Rotation {
    /// One person due for rotation.
    public struct Due: Hashable, Sendable {
        public var person: Person
        /// The day the person took up the position.
        public var since: LocalDate
        /// The day the period is complete.
        public var dueOn: LocalDate
    }

    /// The day the period of a person in position `since` completes; nil when the position need not be rotated.
    public static func dueOn(_ person: Person, since: LocalDate) -> LocalDate? {
        person.rotationYears.map { since.adding(months: 12 * $0) }
    }

    /// Who is due for rotation in the plan for `year`: everyone whose period completes by the end
    /// of the year (earlier ones are overdue and stay on the list until they move), earliest first.
    /// `since` gives each person's latest move; a person without one counts from their start.
    public static func due(_ people: [Person], since: [Person.ID: LocalDate], year: Int) -> [Due] {
        let end = LocalDate(year: year, month: 12, day: 31)!
        return people.compactMap { person -> Due? in
            let start = max(person.startedOn, since[person.id] ?? person.startedOn)
            guard let day = dueOn(person, since: start), day <= end else { return nil }
            return Due(person: person, since: start, dueOn: day)
        }.sorted { $0.dueOn != $1.dueOn ? $0.dueOn < $1.dueOn : VietnameseText.precedes($0.person.fullName, $1.person.fullName) }
    }
}
