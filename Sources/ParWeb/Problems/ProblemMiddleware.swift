import Foundation
import OpenAPIRuntime
import ParCore
import ParStore
import Vapor

/// Turns every error into an RFC 9457 problem: `application/problem+json` for
/// the API and JSON clients, a friendly page for browsers. No stack trace ever
/// reaches a user; unexpected errors are logged with the request id.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            var problem = Self.problem(for: error, request: request)
            problem.instance = request.url.path
            problem.requestId = request.id
            if problem.status >= 500 {
                request.logger.error("unhandled error: \(String(reflecting: error))")
            }
            return try await Self.response(for: problem, request: request)
        }
    }

    static func problem(for error: any Error, request: Request) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let domain as DomainError:
            return Problem(domain)
        case let server as ServerError:
            if server.underlyingError is Problem || server.underlyingError is DomainError {
                return problem(for: server.underlyingError, request: request)
            }
            if server.operationInput == nil {
                // The request could not be turned into the operation's input:
                // malformed JSON, a wrong content type, a missing or mistyped parameter.
                let status: HTTPResponseStatus = server.causeDescription.localizedCaseInsensitiveContains("content type")
                    ? .unsupportedMediaType : .badRequest
                return Problem(status: status, detail: "Yêu cầu không đúng định dạng của API.",
                               detailEn: "The request does not match the API: \(server.causeDescription)")
            }
            let status = HTTPResponseStatus(statusCode: server.httpStatus.code)
            if status.code >= 500 { return problem(for: server.underlyingError, request: request) }
            return Problem(status: status)
        case let abort as any AbortError:
            var problem = Problem(status: abort.status, detail: nil, detailEn: abort.reason)
            if abort.status == .unauthorized { problem.headers["WWW-Authenticate"] = "Bearer" }
            return problem
        case is IntakeQueue.Closed:
            return Problem(status: .serviceUnavailable, detail: "Máy chủ đang dừng; vui lòng gửi lại sau ít phút.",
                           detailEn: "The server is stopping; send the dossier again in a few minutes.")
        case is DecodingError:
            return Problem(status: .badRequest, detail: "Dữ liệu gửi lên không đọc được.", detailEn: "The request body could not be read.")
        default:
            return Problem(status: .internalServerError, detail: "Đã có lỗi; vui lòng thử lại hoặc báo quản trị với mã yêu cầu.",
                           detailEn: "Something went wrong; try again or report the request id.")
        }
    }

    /// JSON for the API and for clients that ask for JSON; a page otherwise.
    static func response(for problem: Problem, request: Request) async throws -> Response {
        let status = HTTPResponseStatus(statusCode: problem.status)
        let wantsHTML = !request.url.path.hasPrefix("/api/")
            && (request.headers.accept.mediaTypes.contains(.html) || request.headers.accept.isEmpty)
        let response: Response
        if wantsHTML, let page = try? await Page.render(
            "error", title: problem.title, context: ErrorPage(problem: problem), request: request) {
            response = page
            response.status = status
        } else {
            response = Response(status: status)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            response.body = .init(data: try encoder.encode(problem))
            response.headers.replaceOrAdd(name: .contentType, value: "application/problem+json; charset=utf-8")
        }
        for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    struct ErrorPage: Encodable {
        let problem: Problem
    }
}
