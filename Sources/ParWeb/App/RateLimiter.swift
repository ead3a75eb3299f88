import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A fixed-window counter per client address, kept in this process. Behind a load
/// balancer each instance counts its own share, so the limit a client meets is at most
/// `limit × instances` per window; that is enough to stop scraping of lookup secrets,
/// which is what it is for (docs/operations.md).
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let state = NIOLockedValueBox<(start: Date, counts: [String: Int])>((.distantPast, [:]))

    init(limit: Int, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Counts one request from `client`; false when it is over the limit.
    func allow(_ client: String, now: Date) -> Bool {
        guard limit > 0 else { return true }
        return state.withLockedValue { state in
            if now.timeIntervalSince(state.start) >= window {
                state = (now, [:])
            }
            let count = state.counts[client, default: 0] + 1
            state.counts[client] = count
            return count <= limit
        }
    }

    /// Seconds until the current window ends (for `Retry-After`).
    func retryAfter(now: Date) -> Int {
        state.withLockedValue { max(1, Int((window - now.timeIntervalSince($0.start)).rounded(.up))) }
    }
}

struct LookupLimiterKey: StorageKey { typealias Value = RateLimiter }

/// Refuses a client over the public lookup limit with 429 and `Retry-After`; it counts the
/// status lookups (page and API), the citizen sign-in code requests, the answers sent through
/// survey links (page and API), and feedback sent, confirmed, looked up and rated.
struct LookupRateLimitMiddleware: AsyncMiddleware {
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
        guard let limiter = request.application.storage[LookupLimiterKey.self] else { return try await next.respond(to: request) }
        let client = request.remoteAddress?.ipAddress ?? "unknown"
        let now = request.now
        guard limiter.allow(client, now: now) else {
            var problem = Problem(status: .tooManyRequests, detail: "Bạn đã tra cứu quá nhiều lần; hãy thử lại sau ít phút.",
                                  detailEn: "Too many lookups; try again in a few minutes.")
            problem.headers["Retry-After"] = String(limiter.retryAfter(now: now))
            throw problem
        }
        return try await next.respond(to: request)
    }
}
