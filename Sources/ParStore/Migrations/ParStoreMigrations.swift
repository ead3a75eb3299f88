import FluentKit

/// Every ParStore migration, in order. Append only: a released migration never changes.
public enum ParStoreMigrations {
    public static var all: [any Migration] {
        [
            CreateUnits(), CreateReorganisations(), CreateUnitLineage(), CreateStaffQuotas(),
            CreateUsers(), CreateRoleGrants(), CreateAPITokens(), CreateLoginAttempts(),
            CreateAuditLog(), CreateIdempotencyKeys(), CreateCalendarYears(), CreateProcedures(),
            CreateDossiers(), AddProcedureSearchIndex(), CreateCatalogueState(), CreateDossierWork(), CreateServiceIndex(),
            CreateSatisfaction(), CreateOversight(), CreateParIndex(), CreateAnnouncements(), CreateParReports(), CreateServiceCentre(),
            CreateOpenMoves(), UpdateFeedbackAddHandledLateAndRating(), UpdateDossiersAddSearchKeys(), CreateOpenSteps(),
            CreateRateLimits(), UpdateAuditLogAddClientAddress(), CreateLeasesAndOutboxClaims(), CreateJobs(), AddReminderContacts(), UpdateAuditLogForSealer(),
            CreateIndexTotals(), CreateOpenEnds(), CreatePersonnel(), AddOverdueIndexes(), CreateOpenTotals(),
        ]
    }
}
