import FluentKit
import Foundation
import SQLKit
import Synchronization
import Tracing

/// Spans for ParStore's SQL (issue 21, docs/operations.md "Tracing"). While tracing is on
/// (`StoreTracing.enable`, called once by `parhub serve` when an OTLP endpoint is configured),
/// `Database.sql` hands out a `TracedSQLDatabase`: each statement a repository runs becomes a
/// client span under the request's span, named as OpenTelemetry's database conventions say
/// (`SELECT dossiers`), with the statement's text — placeholders only, never the bound values,
/// so no personal data leaves in a trace. Statements outside a request or a job (the outbox's and
/// the scheduler's polling) are not traced; FluentKit traces its model queries itself (`fluent.query`).
public enum StoreTracing {
    private static let on = Atomic<Bool>(false)

    /// Whether statements are traced.
    public static var isEnabled: Bool { on.load(ordering: .relaxed) }

    /// Turns statement spans on for the rest of the process (the tracer is bootstrapped once too).
    public static func enable() { on.store(true, ordering: .releasing) }

    /// `body` run in the caller's span context: the drivers run a transaction's body in a task of
    /// their own, which would otherwise start its statements' spans without a parent.
    static func keepingContext<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T)
        -> @Sendable (any Database) async throws -> T {
        guard isEnabled, let context = ServiceContext.current else { return body }
        return { database in try await ServiceContext.withValue(context) { try await body(database) } }
    }

    /// The span name and the operation and table of a statement's text: `SELECT dossiers`.
    public static func describe(_ sql: String) -> (name: String, operation: String, table: String?) {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" || $0 == "," })
        guard let first = words.first else { return ("SQL", "SQL", nil) }
        let operation = first.uppercased()
        let upper = words.map { $0.uppercased() }
        func after(_ keyword: String) -> String? {
            guard let index = upper.firstIndex(of: keyword), index + 1 < words.count else { return nil }
            return words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: "\"`;)"))
        }
        let table: String? = switch operation {
        case "SELECT", "DELETE", "WITH": after("FROM")
        case "INSERT": after("INTO")
        case "UPDATE": after("UPDATE")
        default: nil
        }
        return (table.map { "\(operation) \($0)" } ?? operation, operation, table)
    }
}

/// An `SQLDatabase` that runs each async statement of `base` inside a span (`StoreTracing`).
struct TracedSQLDatabase: SQLDatabase {
    let base: any SQLDatabase

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        // Statements outside a traced operation (the outbox's and the scheduler's polling) make no
        // traces of their own.
        guard ServiceContext.current != nil else { return try await base.execute(sql: query, onRow) }
        let text = base.serialize(query).sql
        let described = StoreTracing.describe(text)
        try await withSpan(described.name, ofKind: .client) { span in
            span.attributes["db.system.name"] = dialect.name.contains("postgres") ? "postgresql" : "sqlite"
            span.attributes["db.operation.name"] = described.operation
            if let table = described.table { span.attributes["db.collection.name"] = table }
            span.attributes["db.query.text"] = String(text.prefix(2_000))
            try await base.execute(sql: query, onRow)
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession { try await closure(TracedSQLDatabase(base: $0)) }
    }
}
