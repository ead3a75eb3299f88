import Foundation
import ParCore
import Vapor

/// An RFC 9457 problem: the one error shape of the API, and the source of the
/// friendly error page for HTML.
public struct Problem: Error, Sendable, Content, Equatable {
    public struct FieldError: Sendable, Codable, Equatable {
        public var field: String
        public var message: String
        public var messageEn: String?
    }

    public var type: String
    /// Vietnamese title.
    public var title: String
    public var titleEn: String
    public var status: Int
    public var detail: String?
    public var detailEn: String?
    public var instance: String?
    public var requestId: String?
    public var errors: [FieldError]?
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`), not part of the body.
    var headers: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case type, title, titleEn, status, detail, detailEn, instance, requestId, errors
    }

    public init(status: HTTPResponseStatus, detail: String? = nil, detailEn: String? = nil, errors: [FieldError]? = nil) {
        let (vi, en, slug) = Problem.titles(for: status)
        self.type = "https://parhub.local/problems/\(slug)"
        self.title = vi
        self.titleEn = en
        self.status = Int(status.code)
        self.detail = detail
        self.detailEn = detailEn
        self.errors = errors
    }

    public static func unauthorized() -> Problem {
        var p = Problem(status: .unauthorized, detail: "Cần đăng nhập hoặc gửi token hợp lệ.", detailEn: "Sign in or send a valid bearer token.")
        p.headers["WWW-Authenticate"] = "Bearer"
        return p
    }

    public static func forbidden() -> Problem {
        Problem(status: .forbidden, detail: "Bạn không có quyền thực hiện việc này với đơn vị này.",
                detailEn: "You are not allowed to do this for this unit.")
    }

    public static func notFound(_ what: String = "Không tìm thấy.", english: String = "Not found.") -> Problem {
        Problem(status: .notFound, detail: what, detailEn: english)
    }

    public static func badRequest(_ detail: String, english: String, field: String? = nil) -> Problem {
        Problem(status: .badRequest, detail: detail, detailEn: english,
                errors: field.map { [FieldError(field: $0, message: detail, messageEn: english)] })
    }

    /// The problem for a domain rule violation.
    public init(_ error: DomainError) {
        let status: HTTPResponseStatus = switch error.kind {
        case .invalid: .unprocessableEntity
        case .notFound: .notFound
        case .conflict: .conflict
        case .stale: .preconditionFailed
        }
        self.init(status: status, detail: error.message, detailEn: error.english,
                  errors: error.field.map { [FieldError(field: $0, message: error.message, messageEn: error.english)] })
    }

    /// The problem type of a status, and its title in Vietnamese and English (`problem.<type>` in the
    /// message catalogue); an unlisted status keeps its reason phrase.
    static func titles(for status: HTTPResponseStatus) -> (String, String, String) {
        let type: String? = switch status.code {
        case 400: "bad-request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 409: "conflict"
        case 412: "stale"
        case 413: "too-large"
        case 415: "unsupported-media-type"
        case 422: "invalid"
        case 428: "precondition-required"
        case 429: "too-many-requests"
        case 503: "unavailable"
        case 500...: "internal"
        default: nil
        }
        guard let type else { return (status.reasonPhrase, status.reasonPhrase, "http-\(status.code)") }
        return (Messages.text("problem.\(type)", .vi), Messages.text("problem.\(type)", .en), type)
    }
}
