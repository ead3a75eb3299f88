import Foundation

/// One entry of a dossier's timeline (the processing control sheet, form 05).
public struct DossierTimelineEntry: Sendable, Equatable {
    public var sequence: Int
    public var name: String
    public var at: Date
    public var actorName: String
    public var fromState: DossierState?
    public var toState: DossierState
    public var unitID: OrgUnit.ID?
    public var detail: String

    public init(sequence: Int, name: String, at: Date, actorName: String, fromState: DossierState?, toState: DossierState,
                unitID: OrgUnit.ID?, detail: String) {
        self.sequence = sequence
        self.name = name
        self.at = at
        self.actorName = actorName
        self.fromState = fromState
        self.toState = toState
        self.unitID = unitID
        self.detail = detail
    }
}

/// One processing step: the unit that held the dossier, from when, until when, and its own due date.
public struct DossierStep: Sendable, Equatable {
    public var sequence: Int
    public var unitID: OrgUnit.ID
    public var fromUnitID: OrgUnit.ID?
    public var electronic: Bool
    public var startedAt: Date
    public var dueAt: Date
    public var finishedAt: Date?
    public var actorName: String

    public init(sequence: Int, unitID: OrgUnit.ID, fromUnitID: OrgUnit.ID?, electronic: Bool, startedAt: Date, dueAt: Date,
                finishedAt: Date?, actorName: String) {
        self.sequence = sequence
        self.unitID = unitID
        self.fromUnitID = fromUnitID
        self.electronic = electronic
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.finishedAt = finishedAt
        self.actorName = actorName
    }
}

extension Procedure {
    /// The due date of processing step `sequence` (1-based) opened at `start`: an inter-agency procedure
    /// lists the working days of each unit's share, and a step is due at its share's end — never after the
    /// dossier's own appointment `dossierDue`. Steps beyond the list, or a share the calendar cannot
    /// place, are due with the dossier.
    public func stepDue(sequence: Int, from start: Date, dossierDue: Date, calendar: WorkingCalendar) -> Date {
        guard interAgencySteps.indices.contains(sequence - 1),
              let share = try? calendar.deadline(from: start, workingDays: interAgencySteps[sequence - 1].days).due else { return dossierDue }
        return min(dossierDue, share)
    }
}
