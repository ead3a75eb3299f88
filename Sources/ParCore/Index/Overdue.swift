import Foundation

/// The overdue dossiers of a subtree as a leader reads them: how many wait at which unit, at which
/// step (the dossier's state), and how late each one is.
public enum Overdue {
    /// The overdue dossiers of a subtree now: how many, at which step, and the units holding the most.
    public struct Summary: Sendable, Equatable {
        public var total: Int
        public var byState: [DossierState: Int]
        /// The units holding the most (as many as were asked for), with their counts.
        public var byHolder: [OrgUnit.ID: Int]
        public init(total: Int, byState: [DossierState: Int], byHolder: [OrgUnit.ID: Int]) {
            self.total = total
            self.byState = byState
            self.byHolder = byHolder
        }
    }

    /// Where a running dossier sits in the overdue roll-up (`open_steps`): the unit holding it, its state and
    /// its open-gauge day (`ServiceCounters.openKey`). nil when its clock does not run towards lateness: closed,
    /// processed, or paused for a supplement (the pause is measured apart, Decision 766 indicator 2.1).
    public struct Key: Sendable, Hashable {
        public var holder: OrgUnit.ID
        public var state: DossierState
        public var bucket: String
        public init(holder: OrgUnit.ID, state: DossierState, bucket: String) {
            self.holder = holder
            self.state = state
            self.bucket = bucket
        }
    }

    public static func key(_ dossier: Dossier) -> Key? {
        guard let bucket = ServiceCounters.openKey(dossier),
              bucket != ServiceCounters.pausedOnTime, bucket != ServiceCounters.pausedLate else { return nil }
        return Key(holder: dossier.holderUnitID, state: dossier.state, bucket: bucket)
    }

    /// A gauge day as the roll-up keeps it on `today`: a day already past is late for good, so it joins
    /// the always-late row (`ServiceCounters.alwaysLate`). The roll-up's sums stay right whichever of the
    /// two rows a late dossier is counted in or taken from, since both are before today.
    public static func bucket(_ bucket: String, today: LocalDate) -> String {
        bucket < today.iso ? ServiceCounters.alwaysLate : bucket
    }

    /// The holders most first; ties in `order`'s order (a name order, so that the list reads the same every time).
    public static func byHolder(_ summary: Summary, order: (OrgUnit.ID, OrgUnit.ID) -> Bool) -> [(holder: OrgUnit.ID, count: Int)] {
        summary.byHolder.map { (holder: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : order($0.holder, $1.holder) }
    }

    /// The steps in the order a dossier goes through them; steps with none left out.
    public static func byState(_ summary: Summary) -> [(state: DossierState, count: Int)] {
        DossierState.allCases.compactMap { state in summary.byState[state].flatMap { $0 > 0 ? (state: state, count: $0) : nil } }
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
