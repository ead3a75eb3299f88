import HTTPTypes
import OpenAPIRuntime
import Vapor

/// Serves the generated OpenAPI handlers as Vapor routes (in place of swift-openapi-vapor's
/// `VaporTransport`), leaving out the operations a plain route serves (`servedElsewhere`,
/// "METHOD /path" as in `openapi.yaml`).
///
/// What it does differently, for speed (issue 22, `docs/performance.md`):
/// - a request body `BodyLimitMiddleware` has already read is handed over as one buffer; any other
///   body is still streamed;
/// - every answer ParHub's handlers give has a known length, so it is collected and written as one
///   buffer instead of being streamed through a task per response;
/// - the method and the path's parameter names are worked out once, when the route is registered.
struct APITransport: ServerTransport {
    let routes: any RoutesBuilder
    let servedElsewhere: Set<String>
    /// The largest answer collected into one buffer; a longer one is streamed.
    static let collectedAnswerLimit = 16 << 20

    func register(_ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
                  method: HTTPRequest.Method, path: String) throws {
        guard !servedElsewhere.contains("\(method.rawValue) \(path)") else { return }
        let components = path.split(separator: "/").map { part -> PathComponent in
            part.first == "{" && part.last == "}" ? .parameter(String(part.dropFirst().dropLast())) : .constant(String(part))
        }
        let parameterNames = components.compactMap { component -> String? in
            if case .parameter(let name) = component { name } else { nil }
        }
        routes.on(HTTPMethod(rawValue: method.rawValue), components, body: .stream) { request in
            var parameters: [String: Substring] = [:]
            for name in parameterNames {
                if let value = request.parameters.get(name) as String? { parameters[name] = Substring(value) }
            }
            let (head, body) = try await handler(HTTPRequest(request, method: method), HTTPBody(request),
                                                 ServerRequestMetadata(pathParameters: parameters))
            return try await Response(head, body: body)
        }
    }
}

extension HTTPRequest {
    init(_ request: Request, method: HTTPRequest.Method) {
        // As swift-nio-extras converts a server's request (`HTTPFields(_:splitCookie: true)`, which `VaporTransport`
        // uses): the first `Host` is the authority, not a field; a `Cookie` is one field per cookie.
        var fields = HTTPFields()
        fields.reserveCapacity(request.headers.count)
        var hostSeen = false
        for (rawName, value) in request.headers {
            guard let name = HTTPField.Name(rawName) else { continue }
            if !hostSeen, rawName.lowercased() == "host" {
                hostSeen = true
            } else if name == .cookie {
                for cookie in value.split(separator: "; ", omittingEmptySubsequences: false) {
                    fields.append(HTTPField(name: name, value: String(cookie)))
                }
            } else {
                fields.append(HTTPField(name: name, value: value))
            }
        }
        let query = request.url.query.map { "?" + $0 } ?? ""
        self.init(method: method, scheme: request.url.scheme, authority: request.url.host,
                  path: request.url.path + query, headerFields: fields)
    }
}

extension HTTPBody {
    /// The request's body: one buffer when it has been read already, else its stream.
    convenience init(_ request: Request) {
        if let buffer = request.body.data {
            self.init(Array(buffer.readableBytesView))
        } else {
            let length = request.headers.first(name: .contentLength).flatMap(Int64.init)
            self.init(request.body.map { ArraySlice($0.readableBytesView) }, length: length.map { .known($0) } ?? .unknown,
                      iterationBehavior: .single)
        }
    }
}

extension Response {
    /// An answer of known length is written as one buffer; one of unknown length is streamed.
    convenience init(_ head: HTTPResponse, body: HTTPBody?) async throws {
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headerFields.count)
        for field in head.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        let status = HTTPResponseStatus(statusCode: head.status.code)
        guard let body else {
            self.init(status: status, headers: headers)
            return
        }
        if case .known(let count) = body.length, count <= APITransport.collectedAnswerLimit {
            var buffer = ByteBufferAllocator().buffer(capacity: Int(count))
            for try await chunk in body { buffer.writeBytes(chunk) }
            self.init(status: status, headers: headers, body: .init(buffer: buffer))
        } else {
            self.init(status: status, headers: headers, body: .init(asyncStream: { writer in
                do {
                    for try await chunk in body { try await writer.write(.buffer(ByteBuffer(bytes: chunk))) }
                    try await writer.write(.end)
                } catch {
                    try await writer.write(.error(error))
                }
            }))
        }
    }
}
