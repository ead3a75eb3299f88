import ParCore
import ParStore
import Vapor

/// `/`: for a visitor, the citizen's start page (search first, then the three tasks and the published
/// results; staff sign in from there); for a signed-in officer, their units and what they may do there, each task a
/// link to the page where it is done (`page(_:unit:)`).
struct HomePage {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.home.pattern, use: show)
    }

    struct GrantRow: Encodable {
        let role: String
        let unitName: String
        let unitLink: String
        let permissions: [Task]
    }

    /// What a grant lets its holder do, with the page where it is done (none for the API-only export).
    struct Task: Encodable {
        let label: String
        let link: String?
    }

    /// A year without the Government's decision on days off, for those who enter it.
    struct MissingYear: Encodable {
        let year: Int
        let link: String
    }

    struct Context: Encodable {
        /// For a leader who may see the service index: its four figures and the overdue dossiers first.
        let dashboard: LeaderDashboard?
        let grants: [GrantRow]
        let missingYears: [MissingYear]
        /// The staff member's own personnel record, when one is linked to the account.
        let myRecord: String?
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        guard let principal = request.principal else {
            struct Start: Encodable {}
            return try await Page.render("start", title: Messages.text("start.title", Language.of(request)), context: Start(), request: request)
        }
        let en = Language.of(request) == .en
        var rows: [GrantRow] = []
        for grant in principal.grants {
            let unit = try await stores.units.find(grant.unitID)?.unit
            rows.append(GrantRow(role: grant.role.name(en: en),
                                 unitName: unit?.name ?? "—", unitLink: Paths.unit.link(grant.unitID),
                                 permissions: grant.role.permissions
                                     .map { Task(label: Self.label($0, en: en), link: Self.page($0, unit: grant.unitID)) }
                                     .sorted { VietnameseText.precedes($0.label, $1.label) }))
        }
        var missing: [MissingYear] = []
        if principal.mayAnywhere(.editCalendar) {
            missing = try await CalendarCoverageCheck.missingYears(request.db, now: request.now)
                .map { MissingYear(year: $0, link: Paths.calendarEdit.link($0)) }
        }
        var dashboard: LeaderDashboard?
        if principal.mayAnywhere(.viewIndex) {
            let top = try await stores.access(request).topUnit(for: .viewIndex)
            let year = try ReportPeriod(String(VietnamTime.localDate(of: request.now).year))
            dashboard = try await LeaderDashboard.build(try await stores.indexService.unitIndex(top, period: year, request: request),
                                                        record: top, stores: stores, request: request)
        }
        return try await Page.render("home", title: Messages.text("ui.home", Language.of(request)),
                                     context: Context(dashboard: dashboard, grants: rows, missingYears: missing,
                                                      myRecord: try await stores.personnel.person(user: principal.userID)
                                                          .map { _ in Paths.myPersonRecord.rawValue }),
                                     request: request)
    }

    /// The page where `permission`'s work starts for a grant on `unit`: the unit's own audit trail, or a page that
    /// picks the holder's units itself.
    static func page(_ permission: Permission, unit: OrgUnit.ID) -> String? {
        let path: Paths
        switch permission {
        case .viewAudit: return Paths.auditTrail("unit", unit)
        case .exportPortal: return nil
        case .viewRegistry, .editRegistry, .viewQuotas, .editQuotas, .importUnits: path = .units
        case .viewRestructuring: path = .restructuring
        case .manageUsers: path = .users
        case .editCatalogue: path = .procedures
        case .editCalendar: path = .calendarToday
        case .viewDossiers, .processDossiers: path = .dossiers
        case .receiveDossiers: path = .dossierNew
        case .viewIndex, .editIndex: path = .index
        case .viewSatisfaction: path = .satisfaction
        case .runSurveys: path = .campaigns
        case .viewPlans, .editPlans: path = .plans
        case .viewInspections, .manageInspections: path = .inspections
        case .handleFeedback: path = .feedbackManage
        case .selfAssess, .appraiseParIndex: path = .parIndex
        case .operateDesk, .manageCentre: path = .centres
        case .viewPersonnel, .editPersonnel, .approveRatings: path = .personnel
        }
        return path.rawValue
    }

    static func label(_ permission: Permission, en: Bool) -> String {
        switch permission {
        case .viewRegistry: Messages.text("home-page.view-units", en: en)
        case .editRegistry: Messages.text("home-page.edit-units-and-reorganisations", en: en)
        case .viewQuotas: Messages.text("home-page.view-staff-quotas", en: en)
        case .editQuotas: Messages.text("home-page.edit-staff-quotas", en: en)
        case .viewRestructuring: Messages.text("ui.restructuring", en: en)
        case .viewAudit: Messages.text("home-page.audit-log", en: en)
        case .manageUsers: Messages.text("home-page.manage-users-and-roles", en: en)
        case .importUnits: Messages.text("home-page.import-units", en: en)
        case .editCatalogue: Messages.text("home-page.publish-procedures-tthc", en: en)
        case .editCalendar: Messages.text("home-page.enter-the-year-s-holidays-and-swaps", en: en)
        case .viewDossiers: Messages.text("home-page.view-dossiers", en: en)
        case .receiveDossiers: Messages.text("home-page.receive-dossiers-and-return-results", en: en)
        case .processDossiers: Messages.text("home-page.process-dossiers", en: en)
        case .viewIndex: Messages.text("home-page.service-index-and-rankings", en: en)
        case .editIndex: Messages.text("home-page.set-plan-targets-and-indicators", en: en)
        case .viewSatisfaction: Messages.text("home-page.satisfaction-index-and-comments", en: en)
        case .runSurveys: Messages.text("home-page.questionnaires-sample-surveys", en: en)
        case .viewPlans: Messages.text("home-page.par-plans-overdue-tasks-commitments", en: en)
        case .editPlans: Messages.text("home-page.write-plans-tasks-commitments-meetings", en: en)
        case .viewInspections: Messages.text("home-page.par-inspections", en: en)
        case .manageInspections: Messages.text("home-page.plan-inspections-record-findings", en: en)
        case .handleFeedback: Messages.text("home-page.handle-citizens-feedback", en: en)
        case .selfAssess: Messages.text("home-page.par-index-self-assessment", en: en)
        case .appraiseParIndex: Messages.text("home-page.par-index-criteria-and-appraisal", en: en)
        case .operateDesk: Messages.text("home-page.work-a-service-centre-desk", en: en)
        case .manageCentre: Messages.text("home-page.set-up-the-service-centre-queue", en: en)
        case .exportPortal: Messages.text("home-page.export-to-the-national-public-service", en: en)
        case .viewPersonnel: Messages.text("home-page.personnel-records-and-ratings", en: en)
        case .editPersonnel: Messages.text("home-page.keep-records-enter-ratings", en: en)
        case .approveRatings: Messages.text("home-page.approve-quality-ratings", en: en)
        }
    }
}
