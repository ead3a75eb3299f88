import Vapor

/// Mounts the HTML pages: sessions, language, the signed-in user and CSRF
/// protection for every form; sign-in required for everything but the public pages (the start page,
/// the login page, the citizens' services, the catalogue, the calendar, the portal).
func registerPages(_ app: Application, stores: Stores) throws {
    TransparencyPages(stores: stores).registerPublic(app.grouped(portalMiddlewares()))
    let pages = app.grouped(pageMiddlewares(app, stores: stores))
    LoginPages(stores: stores).register(pages)
    HomePage(stores: stores).register(pages)
    CitizenPages(stores: stores).register(pages)
    SurveyPages(stores: stores).registerPublic(pages)
    FeedbackPages(stores: stores).registerPublic(pages)
    QueuePages(stores: stores).registerPublic(pages)
    BookingPages(stores: stores).registerPublic(pages)
    PaymentPages(stores: stores).registerPublic(pages)
    CataloguePages(stores: stores).registerPublic(pages)
    CalendarPages(stores: stores).registerPublic(pages)
    let signedIn = pages.grouped(RequireLoginMiddleware())
    CataloguePages(stores: stores).registerOfficer(signedIn)
    CalendarPages(stores: stores).registerAdmin(signedIn)
    UnitPages(stores: stores).register(signedIn)
    UserPages(stores: stores).register(signedIn)
    DossierPages(stores: stores).register(signedIn)
    IndexPages(stores: stores).register(signedIn)
    SurveyPages(stores: stores).registerCounter(signedIn)
    SatisfactionPages(stores: stores).register(signedIn)
    CampaignPages(stores: stores).register(signedIn)
    PlanPages(stores: stores).register(signedIn)
    InspectionPages(stores: stores).register(signedIn)
    ParIndexPages(stores: stores).register(signedIn)
    TransparencyPages(stores: stores).registerStaff(signedIn)
    ReportPages(stores: stores).register(signedIn)
    FeedbackPages(stores: stores).registerStaff(signedIn)
    DisciplinePages(stores: stores).register(signedIn)
    PersonnelPages(stores: stores).register(signedIn)
    CentrePages(stores: stores).register(signedIn)
    PaymentPages(stores: stores).registerStaff(signedIn)
    OutboxPages(stores: stores).register(signedIn)
    JobPages(stores: stores).register(signedIn)
}

/// The transparency portal's middlewares: no session, so its pages can be cached and set no cookie.
func portalMiddlewares() -> [any Middleware] { [LanguageMiddleware(), RequestContextMiddleware()] }

/// Every other page's middlewares. The request context right after the sessions: Vapor's `SessionsMiddleware`
/// answers with a future, and the async middlewares after it run in a new task, which a task-local bound before it
/// does not reach (`PageContextTests` holds both lists to it).
func pageMiddlewares(_ app: Application, stores: Stores) -> [any Middleware] {
    [app.sessions.middleware, RequestContextMiddleware(), ReadYourWritesMiddleware(), BodyLimitMiddleware(),
     LanguageMiddleware(), SessionPrincipalMiddleware(stores: stores), CSRFMiddleware(), LookupRateLimitMiddleware(stores: stores)]
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
