import Foundation
import ParCore
import Vapor

/// Resolves `Authorization: Bearer <token>` into the request's principal.
/// A missing or unknown token leaves the request anonymous; each operation
/// then decides (public ones proceed, the rest answer 401).
struct BearerPrincipalMiddleware: AsyncMiddleware {
    let stores: Stores

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization, bearer.token.hasPrefix("phub_"), bearer.token.count < 200 {
            request.principal = try await stores.users.principal(
                forTokenHash: Credentials.tokenHash(bearer.token), now: request.now)
        }
        return try await next.respond(to: request)
    }
}

/// The API contract (`openapi.yaml`) asks for a bearer token on every operation not
/// marked `security: []`: an anonymous call to one of them gets 401 here, before its
/// input is read, so no operation can forget the check and no validation detail leaks.
struct RequireBearerMiddleware: AsyncMiddleware {
    /// `METHOD /path/{param}` of the operations open without a token.
    let publicOperations: Set<String>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.principal == nil, let route = request.route,
           !publicOperations.contains(request.method.rawValue + " " + Self.template(route.path)) {
            throw Problem.unauthorized()
        }
        return try await next.respond(to: request)
    }

    /// `/api/v1/units/{unitId}` for the route registered as `api/v1/units/:unitId`.
    static func template(_ path: [PathComponent]) -> String {
        "/" + path.map { component in
            switch component {
            case .parameter(let name): "{\(name)}"
            default: component.description
            }
        }.joined(separator: "/")
    }
}

/// Resolves the browser session into the request's principal.
struct SessionPrincipalMiddleware: AsyncMiddleware {
    static let userKey = "uid"
    let stores: Stores

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let raw = request.session.data[Self.userKey], let id = UserAccount.ID(string: raw) {
            if let principal = try await stores.users.principal(for: id) {
                request.principal = principal
            } else {
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}

/// Pages that need a signed-in user send anonymous visitors to the login page.
struct RequireLoginMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.principal != nil else {
            let back = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
            return request.redirect(to: Paths.login(next: back))
        }
        return try await next.respond(to: request)
    }
}

/// Double-submit protection for every form: the session holds a random token,
/// every form posts it back as `_csrf`, and a POST without the match is refused.
struct CSRFMiddleware: AsyncMiddleware {
    static let sessionKey = "csrf"
    static let field = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .POST {
            let sent = try? request.content.get(String.self, at: Self.field)
            guard let expected = request.session.data[Self.sessionKey], let sent,
                  sent.utf8.count == expected.utf8.count,
                  zip(sent.utf8, expected.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
                throw Problem(status: .forbidden, detail: "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại.",
                              detailEn: "The form has expired or is not valid. Reload the page and try again.")
            }
        }
        return try await next.respond(to: request)
    }

    /// The session's token, created on first use.
    static func token(for request: Request) -> String {
        if let token = request.session.data[sessionKey] { return token }
        let token = [UInt8].random(count: 24).base64.replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "+", with: "-")
        request.session.data[sessionKey] = token
        return token
    }
}

extension Request {
    /// A fresh session id on sign-in, so an id planted before cannot ride along (session fixation).
    func renewSession() async throws {
        if let old = session.id {
            try await application.sessions.driver.deleteSession(old, for: self).get()
            session.id = nil
        }
    }
}
