import Vapor

/// The OpenAPI runtime writes header values percent-encoded (its "simple"
/// style), which turns an ETag's required quotes into `%22`. This restores the
/// RFC 9110 form (`"v3"`) so caches and `If-Match` round-trips work.
struct ETagMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let etag = response.headers.first(name: .eTag), etag.contains("%"),
           let decoded = etag.removingPercentEncoding {
            response.headers.replaceOrAdd(name: .eTag, value: decoded)
        }
        return response
    }
}
