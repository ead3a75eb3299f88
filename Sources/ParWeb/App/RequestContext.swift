import ParCore
import ParStore
import Vapor

/// The request an OpenAPI handler is serving. The generated handlers receive
/// only their typed input, so the Vapor request (for the principal, the
/// database and the logger) travels in a task-local.
enum RequestContext {
    @TaskLocal static var request: Request?

    static func current() throws -> Request {
        guard let request else { throw Abort(.internalServerError, reason: "no request context") }
        return request
    }
}

/// Binds `RequestContext.request` for the rest of the chain. Only async middlewares may follow it:
/// one that answers with an `EventLoopFuture` (Vapor's `SessionsMiddleware`) starts the rest of the
/// chain in a new task, which the task-local does not reach, so it goes after those.
struct RequestContextMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await RequestContext.$request.withValue(request) {
            try await next.respond(to: request)
        }
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    /// The signed-in user (session) or the token's owner (API), once resolved.
    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The principal, or a 401 problem.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthorized() }
        return principal
    }

    /// The audit actor for changes made by this request.
    /// The app clock's time (`AppConfig.clock`): what dossier actions and deadlines are measured against.
    var now: Date { application.parConfig.clock() }

    var auditActor: AuditActor {
        auditActor(id: principal?.userID.description, name: principal?.username ?? "anonymous")
    }

    /// An actor this request acts for that is not its principal (a citizen, a survey link, a user signing in).
    func auditActor(id: String?, name: String) -> AuditActor {
        AuditActor(id: id, name: name, requestID: self.id, clientAddress: clientIP)
    }

    /// The client's address for rate limits, login records and audit rows: the peer's, or, when the
    /// peer is one of `PARHUB_TRUSTED_PROXIES`, the one it forwarded (`Forwarded`, else `X-Forwarded-For`).
    var clientIP: String {
        let peer = remoteAddress?.ipAddress
        let proxies = application.parConfig.trustedProxies
        guard !proxies.blocks.isEmpty else { return peer ?? "unknown" }
        var forwarded = headers.forwarded.compactMap(\.for)
        if forwarded.isEmpty {
            forwarded = headers[.xForwardedFor].flatMap { $0.split(separator: ",").map(String.init) }
        }
        return proxies.client(peer: peer, forwarded: forwarded) ?? "unknown"
    }
}
