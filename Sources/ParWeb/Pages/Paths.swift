import Vapor

/// Every page route, defined once: the same value registers the route and
/// builds the links to it, so a link cannot drift from its route.
enum Paths: String, CaseIterable {
    case home = "/"
    case login = "/login"
    case logout = "/logout"
    case units = "/units"
    case unit = "/units/:unitID"
    case unitEdit = "/units/:unitID/edit"
    case unitQuota = "/units/:unitID/quotas"
    case restructuring = "/reports/restructuring"
    case users = "/admin/users"
    case user = "/admin/users/:userID"
    case userGrants = "/admin/users/:userID/grants"
    case userGrantRevoke = "/admin/users/:userID/grants/:grantID/revoke"
    case userStatus = "/admin/users/:userID/status"
    case audit = "/admin/audit"
    case tokens = "/account/tokens"
    case tokenRevoke = "/account/tokens/:tokenID/revoke"
    case apiDocs = "/api/docs"
    case calendar = "/calendar/:year"
    case calendarEdit = "/admin/calendar/:year"
    case procedures = "/procedures"
    case procedure = "/procedures/:code"
    case procedureNew = "/admin/procedures/new"
    case procedureEdit = "/admin/procedures/:code/edit"
    case catalogueExport = "/procedures.csv"
    case catalogueExportXLSX = "/procedures.xlsx"
    case simplification = "/reports/simplification"
    case dossiers = "/dossiers"
    case dossierNew = "/dossiers/new"
    case dossierRegister = "/dossiers/register"
    case dossierRegisterCSV = "/dossiers/register.csv"
    case dossierRegisterXLSX = "/dossiers/register.xlsx"
    case dossier = "/dossiers/:dossierID"
    case dossierActions = "/dossiers/:dossierID/actions"
    case dossierFiles = "/dossiers/:dossierID/files"
    case dossierFile = "/dossiers/:dossierID/files/:fileID"
    case dossierFileDigitise = "/dossiers/:dossierID/files/:fileID/digitised"
    case dossierReceipt = "/dossiers/:dossierID/receipt"
    case dossierSlip = "/dossiers/:dossierID/slips/:kind"
    case lookup = "/lookup"
    case citizenLogin = "/citizen/login"
    case citizenVerify = "/citizen/verify"
    case citizenLogout = "/citizen/logout"
    case citizenHome = "/citizen"
    case citizenProfile = "/citizen/profile"
    case citizenSubmit = "/citizen/submit/:code"
    case citizenDossier = "/citizen/dossiers/:dossierID"
    case citizenFile = "/citizen/dossiers/:dossierID/files/:fileID"
    case outbox = "/admin/outbox"
    case index = "/index"
    case indexUnit = "/index/units/:unitID"
    case indexDrill = "/index/units/:unitID/drill"
    case indexReport = "/index/units/:unitID/report"
    case indexReportCSV = "/index/units/:unitID/report.csv"
    case indexReportXLSX = "/index/units/:unitID/report.xlsx"
    case indexTargets = "/index/units/:unitID/targets"
    case survey = "/survey/:code"
    case dossierSurvey = "/dossiers/:dossierID/survey"
    case satisfaction = "/satisfaction"
    case satisfactionUnit = "/satisfaction/units/:unitID"
    case satisfactionComments = "/satisfaction/units/:unitID/comments"
    case satisfactionCSV = "/satisfaction/units/:unitID/export.csv"
    case satisfactionXLSX = "/satisfaction/units/:unitID/export.xlsx"
    case satisfactionTargets = "/satisfaction/units/:unitID/targets"
    case questionnaire = "/satisfaction/questionnaire"
    case campaigns = "/satisfaction/campaigns"
    case campaign = "/satisfaction/campaigns/:campaignID"
    case campaignCalls = "/satisfaction/campaigns/:campaignID/calls.csv"
    case campaignCallsXLSX = "/satisfaction/campaigns/:campaignID/calls.xlsx"
    case campaignEntry = "/satisfaction/campaigns/:campaignID/entry/:dossierID"
    case campaignEntryStatus = "/satisfaction/campaigns/:campaignID/entry/:dossierID/status"
    case plans = "/plans"
    case planUnit = "/plans/units/:unitID"
    case planCopy = "/plans/units/:unitID/copy"
    case planOverdue = "/plans/units/:unitID/overdue"
    case planTask = "/plans/tasks/:taskID"
    case inspections = "/inspections"
    case inspection = "/inspections/:inspectionID"
    case inspectionFindings = "/inspections/:inspectionID/findings"
    case inspectionConclusion = "/inspections/:inspectionID/conclusion"
    case initiatives = "/initiatives"
    case feedbackPublic = "/feedback"
    case feedbackNew = "/feedback/new"
    case feedbackStatus = "/feedback/status"
    case feedbackVerify = "/feedback/verify"
    case feedbackRate = "/feedback/rate"
    case feedbackManage = "/feedback/manage"
    case feedbackItem = "/feedback/manage/:feedbackID"
    case discipline = "/discipline/units/:unitID"
    case disciplineCommitments = "/discipline/units/:unitID/commitments"
    case disciplineMeetings = "/discipline/units/:unitID/meetings"
    case disciplineTracked = "/discipline/units/:unitID/tracked"
    case meeting = "/meetings/:meetingID"
    case parIndex = "/par-index"
    case parIndexSet = "/par-index/sets/:setID"
    case parIndexAssessment = "/par-index/sets/:setID/units/:unitID"
    case parIndexReport = "/par-index/sets/:setID/units/:unitID/report"
    case parIndexResults = "/par-index/sets/:setID/results"
    case parIndexResultsCSV = "/par-index/sets/:setID/results.csv"
    case parIndexResultsXLSX = "/par-index/sets/:setID/results.xlsx"
    case parIndexEvidence = "/par-index/evidence/:fileID"
    case reports = "/reports"
    case report = "/reports/:reportID"
    case reportDocx = "/reports/:reportID/docx"
    case portal = "/portal"
    case portalParIndex = "/portal/par-index/:setID"
    case portalServiceIndex = "/portal/service-index"
    case portalSatisfaction = "/portal/satisfaction"
    case portalAnnouncements = "/portal/announcements"

    /// The route pattern for registration.
    var pattern: [PathComponent] { rawValue.pathComponents }

    /// A link with the parameters filled in order, each percent-encoded.
    func link(_ parameters: any CustomStringConvertible...) -> String {
        var values = parameters.makeIterator()
        let parts = rawValue.split(separator: "/").map { part -> String in
            guard part.hasPrefix(":"), let value = values.next() else { return String(part) }
            return value.description.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The login page, returning to `next` (a local path only) afterwards.
    static func login(next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"),
              let encoded = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else {
            return login.rawValue
        }
        return login.rawValue + "?next=" + encoded
    }
}
