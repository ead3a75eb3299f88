import FluentKit
import ParStore
import ParTestSupport
import SQLKit
import Testing

/// What every SQLite connection of ParHub is opened with (`SQLiteConnectionSettings`).
@Suite("SQLite connection settings")
struct SQLiteSettingsTests {
    @Test("every pooled SQLite connection keeps a 32 MiB page cache, not SQLite's default 2 MiB")
    func pageCache() async throws {
        guard TestDatabase.postgresURL == nil else { return }  // a PostgreSQL run has no SQLite connection
        let config = try await TestDatabase.make()
        let sizes = try await TestDatabase.withDatabase(config) { db in
            // Several statements at once take several of the pool's connections.
            try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await db.sql.raw("PRAGMA cache_size").first()?.decode(column: "cache_size", as: Int64.self) ?? 0 }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(sizes == Array(repeating: -32 * 1024, count: 8))
    }
}
