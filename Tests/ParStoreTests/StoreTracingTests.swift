import ParStore
import Testing

/// How a traced statement is named (OpenTelemetry's database conventions: operation and table).
@Suite("Statement spans")
struct StoreTracingTests {
    @Test("a statement's span is named by its operation and table", arguments: [
        (#"SELECT "data", "version" FROM "dossiers" WHERE "state" = ?1"#, "SELECT dossiers", "SELECT", "dossiers"),
        ("INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)", "INSERT rate_limits", "INSERT", "rate_limits"),
        (#"UPDATE "appointments" SET "email" = NULL WHERE "day" < $1"#, "UPDATE appointments", "UPDATE", "appointments"),
        (#"DELETE FROM "rate_limits" WHERE "window_start" < ?1"#, "DELETE rate_limits", "DELETE", "rate_limits"),
        ("select count(*) from units", "SELECT units", "SELECT", "units"),
        ("BEGIN IMMEDIATE", "BEGIN", "BEGIN", nil),
        ("", "SQL", "SQL", nil),
    ] as [(String, String, String, String?)])
    func describe(sql: String, name: String, operation: String, table: String?) {
        let described = StoreTracing.describe(sql)
        #expect(described.name == name && described.operation == operation && described.table == table)
    }
}
