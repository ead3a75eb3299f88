import Foundation
import ParStore
import Vapor

/// Refuses a client over the public lookup limit (`PARHUB_LOOKUP_RATE_LIMIT` a minute, counted in the
/// database across instances, by `Request.clientIP`) with 429 and `Retry-After`; it counts the
/// status lookups (page and API), the citizen sign-in code requests, the answers sent through
/// survey links (page and API), and feedback sent, confirmed, looked up and rated.
struct LookupRateLimitMiddleware: AsyncMiddleware {
    let stores: Stores

    static let limitedPaths: Set<String> = ["/api/v1/lookup", "/lookup", "/citizen/login", "/citizen/verify", "/api/v1/sipas/responses",
                                            "/feedback/new", "/feedback/verify", "/feedback/status", "/feedback/rate",
                                            "/feedback/reply", "/api/v1/feedback/reply"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Only attempts count: a POST, or a GET that carries a query (the empty form is free).
        let path = request.url.path
        let limited = Self.limitedPaths.contains(path) || (path.hasPrefix("/survey/") && request.method == .POST)
            || (path == "/api/v1/feedback" && request.method == .POST)
        guard limited, request.method == .POST || request.url.query != nil else {
            return try await next.respond(to: request)
        }
        let limit = request.application.parConfig.lookupRatePerMinute
        guard limit > 0 else { return try await next.respond(to: request) }
        let now = request.now
        let (hits, resetsAt) = try await stores.rateLimits.hit("lookup " + request.clientIP, window: 60, now: now)
        guard hits <= limit else {
            var problem = Problem(status: .tooManyRequests, detail: "Bạn đã tra cứu quá nhiều lần; hãy thử lại sau ít phút.",
                                  detailEn: "Too many lookups; try again in a few minutes.")
            problem.headers["Retry-After"] = String(max(1, Int(resetsAt.timeIntervalSince(now).rounded(.up))))
            throw problem
        }
        return try await next.respond(to: request)
    }
}
