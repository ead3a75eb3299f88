/// The roles of DOMAIN.md "Who uses ParHub". A role is always granted on a unit
/// subtree: a counter officer of one ward acts only for that ward.
public enum Role: String, CaseIterable, Codable, Sendable {
    /// Người dân, doanh nghiệp.
    case citizen
    /// Công chức một cửa.
    case counterOfficer = "counter_officer"
    /// Chuyên viên xử lý.
    case processingOfficer = "processing_officer"
    /// Lãnh đạo đơn vị.
    case unitLeader = "unit_leader"
    /// Công chức Sở/Phòng Nội vụ phụ trách CCHC.
    case parOfficer = "par_officer"
    /// Thành viên đoàn kiểm tra.
    case inspector
    /// Công chức phụ trách tổ chức cán bộ: keeps the unit's people and enters their ratings.
    case personnelOfficer = "personnel_officer"
    /// Lãnh đạo UBND.
    case cityLeader = "city_leader"
    /// Quản trị hệ thống.
    case administrator

    public var vietnamese: String {
        switch self {
        case .citizen: "Người dân, doanh nghiệp"
        case .counterOfficer: "Công chức một cửa"
        case .processingOfficer: "Chuyên viên xử lý"
        case .unitLeader: "Lãnh đạo đơn vị"
        case .parOfficer: "Công chức phụ trách CCHC"
        case .inspector: "Thành viên đoàn kiểm tra"
        case .personnelOfficer: "Công chức tổ chức cán bộ"
        case .cityLeader: "Lãnh đạo UBND"
        case .administrator: "Quản trị hệ thống"
        }
    }

    public var english: String {
        switch self {
        case .citizen: "Citizen / business"
        case .counterOfficer: "Counter officer"
        case .processingOfficer: "Processing officer"
        case .unitLeader: "Unit leader"
        case .parOfficer: "PAR officer"
        case .inspector: "Inspector"
        case .personnelOfficer: "Personnel officer"
        case .cityLeader: "City leader"
        case .administrator: "Administrator"
        }
    }

    /// What the role may do inside its granted subtree.
    public var permissions: Set<Permission> {
        switch self {
        case .citizen: []
        case .counterOfficer: [.viewRegistry, .viewDossiers, .receiveDossiers, .operateDesk]
        case .processingOfficer: [.viewRegistry, .viewDossiers, .processDossiers]
        case .inspector: [.viewRegistry, .viewIndex, .viewSatisfaction, .viewPlans, .viewInspections, .manageInspections]
        case .personnelOfficer: [.viewRegistry, .viewQuotas, .viewPersonnel, .editPersonnel]
        case .unitLeader: [.viewRegistry, .viewQuotas, .viewRestructuring, .viewAudit, .viewDossiers, .processDossiers, .viewIndex,
                           .viewSatisfaction, .viewPlans, .editPlans, .viewInspections, .handleFeedback, .selfAssess, .operateDesk,
                           .manageCentre, .viewPersonnel, .approveRatings]
        case .cityLeader: [.viewRegistry, .viewQuotas, .viewRestructuring, .viewAudit, .viewDossiers, .viewIndex, .viewSatisfaction,
                           .viewPlans, .viewInspections]
        case .parOfficer: [.viewRegistry, .editRegistry, .viewQuotas, .editQuotas, .viewRestructuring, .viewAudit, .editCatalogue,
                           .viewIndex, .editIndex, .viewDossiers, .viewSatisfaction, .runSurveys, .viewPlans, .editPlans,
                           .viewInspections, .manageInspections, .handleFeedback, .appraiseParIndex, .viewPersonnel]
        case .administrator: Set(Permission.allCases)
        }
    }
}

/// An action a route performs; routes state the permission they need.
public enum Permission: String, CaseIterable, Codable, Sendable {
    case viewRegistry = "view_registry"
    case editRegistry = "edit_registry"
    case viewQuotas = "view_quotas"
    case editQuotas = "edit_quotas"
    case viewRestructuring = "view_restructuring"
    case viewAudit = "view_audit"
    case manageUsers = "manage_users"
    case importUnits = "import_units"
    /// Publish and version procedures (TTHC) of the units in scope.
    case editCatalogue = "edit_catalogue"
    /// Enter each year's holiday decisions.
    case editCalendar = "edit_calendar"
    /// See dossiers held or received by the units in scope.
    case viewDossiers = "view_dossiers"
    /// Receive dossiers at the one-stop counter, ask for supplements, return results.
    case receiveDossiers = "receive_dossiers"
    /// Process dossiers: forward, send back, supplement, apologise, mark processed.
    case processDossiers = "process_dossiers"
    /// See the service index (Decision 766), rankings, reports and the dossiers behind them.
    case viewIndex = "view_index"
    /// Set plan targets and publish indicator sets.
    case editIndex = "edit_index"
    /// See the satisfaction index (SIPAS), the improvements asked for and the comments.
    case viewSatisfaction = "view_satisfaction"
    /// Publish questionnaires, run sample surveys (draw, call lists, data entry), set satisfaction targets.
    case runSurveys = "run_surveys"
    /// See PAR plans, tasks and overdue lists, commitments, meeting discipline and tracked indicators.
    case viewPlans = "view_plans"
    /// Write plans and tasks, commitments, meetings and attendance, tracked indicators.
    case editPlans = "edit_plans"
    /// See inspections of the units in scope (an unannounced one only once it has started, for the inspected unit's staff).
    case viewInspections = "view_inspections"
    /// Plan inspections, record findings and conclusions, set follow-up tasks.
    case manageInspections = "manage_inspections"
    /// Classify, assign, answer and publish citizens' feedback (PAKN).
    case handleFeedback = "handle_feedback"
    /// Self-assess the unit in the PAR index: score, attach evidence, submit, answer an adjustment.
    case selfAssess = "self_assess"
    /// Write PAR index criteria sets, move them through their phases, appraise, import survey points.
    case appraiseParIndex = "appraise_par_index"
    /// Work a desk of the service centre: call, recall, skip, transfer and close queue tickets.
    case operateDesk = "operate_desk"
    /// Set up the service centre (desks, booking slots) and see its queue statistics and payment reconciliation.
    case manageCentre = "manage_centre"
    /// Read the export of dossier statuses for the National Public Service Portal (sync jobs).
    case exportPortal = "export_portal"
    /// Read the people of the units in scope: records, ratings and their statistics (personal data, every read of a record audited).
    case viewPersonnel = "view_personnel"
    /// Keep people's records and enter their yearly quality ratings.
    case editPersonnel = "edit_personnel"
    /// Approve the unit's yearly quality ratings (the unit's leader).
    case approveRatings = "approve_ratings"
}
