import Fluent
import Foundation
import Metrics
import ParCore
import ParStore
import Prometheus
import SQLKit
import Vapor

/// `/healthz` (the process answers), `/readyz` (the database answers),
/// `/metrics` (Prometheus text), and the OpenAPI document with its docs page.
func registerOperations(_ app: Application, stores: Stores) throws {
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
    app.get("metrics") { request async -> Response in
        let buffer = await ProcessMetrics.scrape(request)
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(data: Data(buffer)))
    }
    let spec = try OpenAPIDocument.load()
    app.get("openapi.yaml") { _ -> Response in
        Response(status: .ok, headers: ["Content-Type": "application/yaml; charset=utf-8", "Cache-Control": "public, max-age=300"],
                 body: .init(string: spec.text))
    }
    app.grouped(app.sessions.middleware, LanguageMiddleware(), SessionPrincipalMiddleware(stores: stores))
        .get(Paths.apiDocs.pattern) { request async throws -> Response in
            try await Page.render("api-docs", title: "API", context: spec.operations, request: request)
        }
}

/// The process's metrics: Vapor's own request metrics (`http_requests_total`,
/// `http_request_duration_seconds`, `http_request_errors_total`, by method, path and status)
/// and ParHub's gauges, served at `/metrics` in the Prometheus text format.
public enum ProcessMetrics {
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped: Void = { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }()

    /// Points swift-metrics (and so Vapor) at `registry`. Once per process: `parhub` calls it at
    /// start, the tests before their first app; a second call does nothing.
    public static func bootstrap() { _ = bootstrapped }

    /// One scrape at a time in the process: the gauges are set and the text written together, so two
    /// applications in one process (the tests) never mix their gauges in one answer.
    private actor Scrapes {
        /// The scrape under way; the next one starts after it (an actor alone would let two
        /// interleave at their awaits).
        var last: Task<[UInt8], Never>?

        func scrape(_ request: Request) async -> [UInt8] {
            let previous = last
            let next = Task {
                _ = await previous?.value
                do {
                    try await updateGauges(request)
                } catch {
                    request.logger.warning("metrics: the gauges were not read: \(String(describing: error))")
                }
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                return buffer
            }
            last = next
            return await next.value
        }
    }
    private static let scrapes = Scrapes()

    static func scrape(_ request: Request) async -> [UInt8] { await scrapes.scrape(request) }

    /// Sets the business gauges from the database: running and overdue dossiers under each
    /// top-level unit, the outbox's backlog and dead messages, and whether each scheduled job's last run failed.
    static func updateGauges(_ request: Request) async throws {
        let db = request.db
        let today = VietnamTime.localDate(of: request.now)
        for row in try await db.sql.select().columns("id", "key").from("units").where(SQLIdentifier("parent_id"), .is, SQLLiteral.null).all() {
            let root = OrgUnit.ID(try row.decode(column: "id", as: UUID.self))
            let labels = [("unit", try row.decode(column: "key", as: String.self))]
            gauge("dossiers_open", "Dossiers being processed under the top-level unit", labels: labels)
                .set(Double(try await OverdueRollups.openTotal(root: root, on: db)))
            gauge("dossiers_overdue", "Dossiers being processed past their due date under the top-level unit", labels: labels)
                .set(Double(try await OverdueRollups.summary(root: root, today: today, holders: 0, on: db).total))
        }
        for (name, run) in try await JobStore(db: db).runs() {
            gauge("job_failed", "1 when the scheduled job's last run failed", labels: [("job", name)]).set(run.succeeded == false ? 1.0 : 0.0)
        }
        let backlog = try await OutboxRepository(db: db).backlog()
        gauge("outbox_pending", "Notices waiting to be sent").set(Double(backlog.pending))
        gauge("outbox_dead", "Notices given up after their last attempt").set(Double(backlog.dead))
    }

    /// `parhub_<name>` with its `# HELP` line.
    static func gauge(_ name: String, _ help: String, labels: [(String, String)] = []) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "parhub", metricName: name, unitName: "", helpText: help), labels: labels)
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
