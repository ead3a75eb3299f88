import Fluent
import Foundation
import ParStore
import Prometheus
import Vapor

/// `/healthz` (the process answers), `/readyz` (the database answers),
/// `/metrics` (Prometheus text), and the OpenAPI document with its docs page.
func registerOperations(_ app: Application, metrics: PrometheusCollectorRegistry) throws {
    app.get("healthz") { _ in
        Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: "ok\n")
    }
    app.get("readyz") { request async throws -> Response in
        do {
            _ = try await request.db.sql.raw("SELECT 1 AS ok").all()
            return Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: "ready\n")
        } catch {
            request.logger.warning("readiness check failed: \(error)")
            throw Problem(status: .serviceUnavailable, detail: "Cơ sở dữ liệu không phản hồi.", detailEn: "The database does not answer.")
        }
    }
    app.get("metrics") { _ -> Response in
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(data: Data(buffer)))
    }
    let spec = try OpenAPIDocument.load()
    app.get("openapi.yaml") { _ -> Response in
        Response(status: .ok, headers: ["Content-Type": "application/yaml; charset=utf-8", "Cache-Control": "public, max-age=300"],
                 body: .init(string: spec.text))
    }
    app.grouped(app.sessions.middleware, LanguageMiddleware(), SessionPrincipalMiddleware())
        .get(Paths.apiDocs.pattern) { request async throws -> Response in
            try await Page.render("api-docs", title: "API", context: spec.operations, request: request)
        }
}

/// Counts requests and their latency by route pattern, method and status.
struct MetricsMiddleware: AsyncMiddleware {
    let registry: PrometheusCollectorRegistry

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
            let method = request.method.rawValue
            registry.makeCounter(name: "http_requests_total",
                                 labels: [("method", method), ("route", route), ("status", String(status))]).increment()
            registry.makeDurationHistogram(name: "http_request_duration_seconds",
                                           labels: [("method", method), ("route", route)],
                                           buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                     .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)])
                .recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        }
        do {
            let response = try await next.respond(to: request)
            status = Int(response.status.code)
            return response
        } catch {
            status = (error as? Problem)?.status ?? (error as? any AbortError).map { Int($0.status.code) } ?? 500
            throw error
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The OpenAPI document bundled with ParWeb, and its operations for the docs page.
struct OpenAPIDocument: Sendable {
    struct Operation: Encodable, Sendable {
        let method: String
        let path: String
        let operationId: String
        let summary: String
        /// Marked `security: []`: callable without a bearer token.
        var isPublic = false

        /// `METHOD /path/{param}`, as the document names the operation.
        var key: String { method + " " + path }
    }

    /// The operations callable without a token, as `METHOD /path/{param}`.
    var publicOperations: Set<String> { Set(operations.filter(\.isPublic).map(\.key)) }

    let text: String
    let operations: [Operation]

    static func load() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw Abort(.internalServerError, reason: "openapi.yaml is not bundled")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return OpenAPIDocument(text: text, operations: operations(in: text))
    }

    /// Lists operations from the document's `paths` block. The document is ours
    /// and written in one layout (two-space indent), so a line reader is enough.
    static func operations(in text: String) -> [Operation] {
        var result: [Operation] = []
        var path = "", method = "", operationId = "", summary = "", isPublic = false
        func flush() {
            if !method.isEmpty {
                result.append(.init(method: method.uppercased(), path: path, operationId: operationId, summary: summary, isPublic: isPublic))
            }
            method = ""; operationId = ""; summary = ""; isPublic = false
        }
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { flush(); break }
            guard inPaths else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                flush(); path = String(trimmed.dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "),
                      ["get:", "post:", "put:", "patch:", "delete:"].contains(trimmed) {
                flush(); method = String(trimmed.dropLast())
            } else if trimmed.hasPrefix("operationId: ") {
                operationId = String(trimmed.dropFirst("operationId: ".count))
            } else if trimmed == "security: []", !method.isEmpty {
                isPublic = true
            } else if trimmed.hasPrefix("summary: "), !method.isEmpty {
                summary = String(trimmed.dropFirst("summary: ".count))
            }
        }
        return result
    }
}
