import Foundation

/// At most `limit` test databases in use at once when the suite runs on PostgreSQL: Swift Testing
/// starts every test together, and each test app holds a pool of connections, so a growing suite
/// ran into the server's `max_connections` ("sorry, too many clients already"). On SQLite every
/// test has its own file and nothing waits.
public actor TestSlots {
    public static let shared = TestSlots(limit: Int(ProcessInfo.processInfo.environment["PARHUB_TEST_PG_SLOTS"] ?? "") ?? 48)

    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { available = max(1, limit) }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Runs `body` holding a slot on PostgreSQL, directly on SQLite.
    public static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard TestDatabase.postgresURL != nil else { return try await body() }
        await shared.acquire()
        do {
            let result = try await body()
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }
}
