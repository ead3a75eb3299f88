import Foundation

/// The tabs of the counter's queue, each a question an officer asks during the day.
public enum DossierQueueView: String, CaseIterable, Sendable {
    /// Every open dossier at the officer's units, earliest due first.
    case open
    /// Open, not paused, and due within the next two working days — not those already overdue.
    case dueSoon = "due_soon"
    /// Overdue now as the index counts it: past the appointment, or asked for a supplement twice.
    case overdue
    /// Processed: the result waits to be handed back.
    case toReturn = "to_return"
    /// Supplements received today: processing resumes.
    case supplemented

    /// How far ahead "due soon" looks (DOMAIN.md: officers are warned two working days ahead).
    public static let dueSoonWorkingDays = 2

    /// The end of "due soon" at `now`: the close of office hours `dueSoonWorkingDays` working days on
    /// (nil when the calendar cannot say, e.g. a year without its holidays). The queue's tab and the
    /// reminders (`Reminders.nearHorizon`) both read it.
    public static func dueSoonEnd(now: Date, calendar: WorkingCalendar) -> Date? {
        try? calendar.deadline(from: now, workingDays: dueSoonWorkingDays).due
    }

    /// The states a view lists.
    public var states: [DossierState] {
        switch self {
        case .open, .overdue, .supplemented: DossierState.allCases.filter { !$0.isClosed }
        case .dueSoon: DossierState.allCases.filter { !$0.isClosed && $0 != .supplementRequested }
        case .toReturn: [.processed]
        }
    }
}

extension Principal {
    /// The units where the principal works dossiers (receives or processes them): the counter's own
    /// units, whose queue it sees first.
    public var deskUnits: Set<OrgUnit.ID> {
        scopeRoots(for: .receiveDossiers).union(scopeRoots(for: .processDossiers))
    }
}
