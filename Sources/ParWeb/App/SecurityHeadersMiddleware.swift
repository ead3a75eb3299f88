import Vapor

/// Adds the browser security headers to every response — pages, the API, problems and
/// static files — and, when the request came over TLS, `Strict-Transport-Security` and
/// the `Secure` flag on the session cookie.
///
/// The policy allows nothing inline: the pages have no scripts and no `style` attributes
/// (charts drawn in Swift use SVG presentation attributes and classes from `Public/css`),
/// and images are either ours or `data:` URLs. A page that already chose its own
/// `Referrer-Policy` (the survey and feedback pages carry a secret in their address and
/// send `no-referrer`) keeps it.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
        "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'", "object-src 'none'",
    ].joined(separator: "; ")
    static let permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    static let referrerPolicy = "strict-origin-when-cross-origin"

    /// The session cookie whose `Secure` flag follows the request's scheme.
    let sessionCookieName: String

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Permissions-Policy", Self.permissionsPolicy),
        ]
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        if !response.headers.contains(name: "Referrer-Policy") {
            response.headers.replaceOrAdd(name: "Referrer-Policy", value: Self.referrerPolicy)
        }
        if Self.cameOverTLS(request) {
            // Browsers heed this only from an HTTPS answer: from then on they never try plain HTTP.
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
            if var cookie = response.cookies[sessionCookieName], !cookie.isSecure {
                cookie.isSecure = true
                response.cookies[sessionCookieName] = cookie
            }
        }
        return response
    }

    /// TLS on our own socket, or a reverse proxy saying the client used HTTPS.
    /// Trusting the header can only add `Secure`, never remove it.
    static func cameOverTLS(_ request: Request) -> Bool {
        if request.url.scheme == "https" { return true }
        let forwarded = request.headers.first(name: "X-Forwarded-Proto")?
            .split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased()
        if forwarded == "https" { return true }
        return request.headers.forwarded.first?.proto?.lowercased() == "https"
    }
}
