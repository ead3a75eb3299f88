import ParCore
import Vapor

/// Sign-in and sign-out.
struct LoginPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.login.pattern, use: form)
        routes.post(Paths.login.pattern, use: submit)
        routes.post(Paths.logout.pattern, use: logout)
    }

    struct Form: Encodable {
        var username = ""
        var next = ""
        var errors: [FormError]? = nil
    }

    struct Submission: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    @Sendable func form(_ request: Request) async throws -> Response {
        if request.principal != nil { return request.redirect(to: Paths.home.rawValue) }
        let next = (try? request.query.get(String.self, at: "next")) ?? ""
        return try await Page.render("login", title: Messages.text("ui.login", Language.of(request)),
                                     context: Form(next: next), request: request)
    }

    @Sendable func submit(_ request: Request) async throws -> Response {
        let input = try request.content.decode(Submission.self)
        let username = input.username ?? ""
        do {
            guard !username.isEmpty, let password = input.password, !password.isEmpty else {
                throw DomainError.invalid("Hãy nhập tên đăng nhập và mật khẩu.", english: "Enter your username and password.", field: "username")
            }
            let principal = try await Credentials.authenticate(username: username, password: password,
                                                               request: request, users: stores.users, config: request.application.parConfig)
            try await request.renewSession()
            request.session.data[SessionPrincipalMiddleware.userKey] = principal.userID.description
            request.principal = principal
            let next = input.next.flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? Paths.home.rawValue
            return request.redirect(to: next, redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            let status = (error as? Problem).map { HTTPResponseStatus(statusCode: $0.status) } ?? .unprocessableEntity
            let response = try await Page.render("login", title: Messages.text("ui.login", Language.of(request)),
                                                 context: Form(username: username, next: input.next ?? "", errors: errors),
                                                 request: request)
            response.status = status
            if let retry = (error as? Problem)?.headers["Retry-After"] { response.headers.replaceOrAdd(name: "Retry-After", value: retry) }
            return response
        }
    }

    @Sendable func logout(_ request: Request) async throws -> Response {
        request.session.destroy()
        return request.redirect(to: Paths.login.rawValue, redirectType: .normal)
    }
}
