import Vapor

/// Mounts the HTML pages: sessions, language, the signed-in user and CSRF
/// protection for every form; sign-in required for everything but the public pages (the start page,
/// the login page, the citizens' services, the catalogue, the calendar, the portal).
func registerPages(_ app: Application, stores: Stores) throws {
    // The transparency portal: no session, so its pages can be cached and set no cookie.
    TransparencyPages.registerPublic(app.grouped(LanguageMiddleware(), RequestContextMiddleware()))
    let pages = app.grouped(app.sessions.middleware, ReadYourWritesMiddleware(), BodyLimitMiddleware(), LanguageMiddleware(),
                            SessionPrincipalMiddleware(), CSRFMiddleware(), LookupRateLimitMiddleware(), RequestContextMiddleware())
    LoginPages.register(pages)
    HomePage.register(pages)
    CitizenPages.register(pages)
    SurveyPages.registerPublic(pages)
    FeedbackPages.registerPublic(pages)
    QueuePages.registerPublic(pages)
    BookingPages.registerPublic(pages)
    PaymentPages.registerPublic(pages)
    CataloguePages.registerPublic(pages)
    CalendarPages.registerPublic(pages)
    let signedIn = pages.grouped(RequireLoginMiddleware())
    CataloguePages.registerOfficer(signedIn)
    CalendarPages.registerAdmin(signedIn)
    UnitPages.register(signedIn)
    UserPages.register(signedIn)
    DossierPages.register(signedIn)
    IndexPages.register(signedIn)
    SurveyPages.registerCounter(signedIn)
    SatisfactionPages.register(signedIn)
    CampaignPages.register(signedIn)
    PlanPages.register(signedIn)
    InspectionPages.register(signedIn)
    ParIndexPages.register(signedIn)
    TransparencyPages.registerStaff(signedIn)
    ReportPages.register(signedIn)
    FeedbackPages.registerStaff(signedIn)
    DisciplinePages.register(signedIn)
    PersonnelPages.register(signedIn)
    CentrePages.register(signedIn)
    PaymentPages.registerStaff(signedIn)
    OutboxPages.register(signedIn)
    JobPages.register(signedIn)
}

/// A form's error summary entry (GOV.UK pattern: listed at the top, linked to the field).
struct FormError: Encodable {
    let field: String
    let message: String
}

extension Request {
    /// The form errors for a thrown problem or domain error, in the page language.
    func formErrors(_ error: any Error) -> [FormError]? {
        let problem = ProblemMiddleware.problem(for: error, request: self)
        guard problem.status < 500 else { return nil }
        let en = Language.of(self) == .en
        if let errors = problem.errors, !errors.isEmpty {
            return errors.map { FormError(field: $0.field, message: domainText($0.message, $0.messageEn ?? $0.message, en: en)) }
        }
        let text = domainText(problem.detail ?? problem.title, problem.detailEn ?? problem.titleEn, en: en)
        return [FormError(field: "", message: text)]
    }
}
