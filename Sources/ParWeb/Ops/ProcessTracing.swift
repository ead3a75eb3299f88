import Foundation
import OTel
import ParStore
import ServiceLifecycle
import Tracing
import Vapor

/// OpenTelemetry traces (issue 21; docs/operations.md, "Tracing"): when an OTLP endpoint is set
/// (`OTEL_EXPORTER_OTLP_ENDPOINT`, or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), `parhub serve`
/// exports a span per request (`TracingMiddleware`, named by its route) and, under it, a span per
/// SQL statement of the repositories (`StoreTracing`), over OTLP/HTTP in protobuf. The standard
/// `OTEL_*` variables tune it (service name, sampler, batch delay); metrics and logs stay on
/// `/metrics` and the log.
public enum ProcessTracing {
    /// Whether traces are to be exported: an endpoint is set and `OTEL_TRACES_EXPORTER` is not `none`.
    public static func isConfigured(_ environment: [String: String]) -> Bool {
        let endpoint = [environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], environment["OTEL_EXPORTER_OTLP_ENDPOINT"]]
            .contains { !($0 ?? "").isEmpty }
        return endpoint && environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
    }

    struct RunnerKey: StorageKey { typealias Value = Task<Void, Never> }

    /// Bootstraps the process's tracer (once per process: `parhub serve` calls it) and runs its
    /// exporter until the application shuts down, when the spans still queued are sent.
    public static func start(_ app: Application) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "parhub"
        configuration.traces.enabled = true
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.diagnosticLogger = .custom(app.logger)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        StoreTracing.enable()
        let group = ServiceGroup(configuration: .init(services: [.init(service: backend.service)], logger: app.logger))
        app.storage[RunnerKey.self] = Task {
            do { try await group.run() } catch { app.logger.warning("tracing: the exporter stopped: \(String(describing: error))") }
        }
        app.lifecycle.use(Stopper(group: group))
        app.logger.notice("tracing: spans are exported over OTLP/HTTP")
    }

    /// Stops the exporter gracefully when the application shuts down, so queued spans are sent.
    struct Stopper: LifecycleHandler {
        let group: ServiceGroup

        func shutdownAsync(_ application: Application) async {
            await group.triggerGracefulShutdown()
            await application.storage[RunnerKey.self]?.value
        }
    }

    /// The request span's middleware. The span keeps the route (`GET /dossiers/:dossierID`), the
    /// method and the status; what could carry personal data is left out: the query (lookup
    /// secrets, survey tokens), the concrete path, the client's address and user agent.
    static func middleware() -> TracingMiddleware {
        TracingMiddleware { attributes, request in
            let route = request.route.map { "/" + $0.path.map { "\($0)" }.joined(separator: "/") }
            attributes["url.path"] = route ?? "unmatched"
            attributes["url.query"] = nil as String?
            attributes["client.address"] = nil as String?
            attributes["network.peer.address"] = nil as String?
            attributes["network.peer.port"] = nil as Int?
            attributes["user_agent.original"] = nil as String?
        }
    }
}
