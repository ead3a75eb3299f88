import Foundation

/// The overdue dossiers of a subtree as a leader reads them: how many wait at which unit, at which
/// step (the dossier's state), and how late each one is.
public enum Overdue {
    /// Overdue open dossiers that wait at one unit in one state.
    public struct Count: Sendable, Hashable {
        public var holder: OrgUnit.ID
        public var state: DossierState
        public var count: Int
        public init(holder: OrgUnit.ID, state: DossierState, count: Int) {
            self.holder = holder
            self.state = state
            self.count = count
        }
    }

    /// The counts summed by the unit that holds the dossiers, most first; ties in `order`'s order
    /// (a name order, so that the list reads the same every time).
    public static func byHolder(_ counts: [Count], order: (OrgUnit.ID, OrgUnit.ID) -> Bool) -> [(holder: OrgUnit.ID, count: Int)] {
        let sums = Dictionary(counts.map { ($0.holder, $0.count) }, uniquingKeysWith: +)
        return sums.map { (holder: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : order($0.holder, $1.holder) }
    }

    /// The counts summed by step, in the order a dossier goes through them; steps with none left out.
    public static func byState(_ counts: [Count]) -> [(state: DossierState, count: Int)] {
        let sums = Dictionary(counts.map { ($0.state, $0.count) }, uniquingKeysWith: +)
        return DossierState.allCases.compactMap { state in sums[state].map { (state: state, count: $0) } }
    }

    /// Working days late at `now`: the working days after the appointment's day, up to and including
    /// today. A dossier due today whose appointment has passed is 0 days late; a dossier overdue
    /// because a second supplement was requested, before its appointment, is 0 too. A calendar that
    /// cannot say (a year out of range) counts calendar days.
    public static func workingDaysLate(due: Date, now: Date, calendar: WorkingCalendar) -> Int {
        let dueDay = VietnamTime.localDate(of: due), today = VietnamTime.localDate(of: now)
        guard dueDay < today else { return 0 }
        var day = dueDay, late = 0
        while day < today {
            day = day.adding(days: 1)
            guard let working = try? calendar.isWorkingDay(day) else { return dueDay.days(to: today) }
            if working { late += 1 }
        }
        return late
    }
}
