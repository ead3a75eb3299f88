import FluentKit
import Foundation
import NIOConcurrencyHelpers
@testable import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Write transactions")
struct WriteTransactionTests {
    /// Marks reached by concurrent transactions, each waited for (up to 5 s) by the other.
    final class Marks: Sendable {
        private let reached = NIOLockedValueBox<Set<String>>([])

        func reach(_ mark: String) { reached.withLockedValue { _ = $0.insert(mark) } }

        func wait(for mark: String) async throws {
            for _ in 0..<500 {
                if reached.withLockedValue({ $0.contains(mark) }) { return }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    @Test("two write transactions locking two rows in opposite orders both commit: the one PostgreSQL ends to break the deadlock is run again")
    func deadlock() async throws {
        try await withTestDatabase { db in
            // SQLite has one writer at a time (`BEGIN IMMEDIATE`): its transactions never deadlock.
            guard SQLDialectKind(db) == .postgres else { return }
            try await db.sql.raw("CREATE TABLE deadlock_probe (id INT PRIMARY KEY, n INT NOT NULL)").run()
            try await db.sql.raw("INSERT INTO deadlock_probe (id, n) VALUES (1, 0), (2, 0)").run()
            let marks = Marks(), runs = NIOLockedValueBox(0)
            @Sendable func add(_ first: Int, then second: Int) async throws {
                try await db.writeTransaction { tx in
                    runs.withLockedValue { $0 += 1 }
                    try await tx.sql.raw("UPDATE deadlock_probe SET n = n + 1 WHERE id = \(bind: first)").run()
                    marks.reach("\(first)")
                    try await marks.wait(for: "\(second)")
                    try await tx.sql.raw("UPDATE deadlock_probe SET n = n + 1 WHERE id = \(bind: second)").run()
                }
            }
            async let a: Void = add(1, then: 2)
            async let b: Void = add(2, then: 1)
            _ = try await (a, b)
            let rows = try await db.sql.raw("SELECT n FROM deadlock_probe ORDER BY id").all().map { try $0.decode(column: "n", as: Int.self) }
            #expect(rows == [2, 2])
            #expect(runs.withLockedValue { $0 } == 3, "one of the two was run again")
        }
    }
}

/// A ROLLBACK that fails is reported: its connection may still hold SQLite's write lock.
@Suite("Write transactions: a failed rollback")
struct FailedRollbackTests {
    /// Keeps the messages logged at warning or above.
    struct Captured: LogHandler {
        let lines: NIOLockedValueBox<[String]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            lines.withLockedValue { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
        }
    }

    struct Refused: Error {}

    @Test("on SQLite, a write transaction whose ROLLBACK fails (the body ended it itself) logs a warning naming both errors, and throws the body's")
    func logged() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "parhub.test") { _ in Captured(lines: lines) }
        try await TestSlots.run {
            try await TestDatabase.make().withDatabase(logger: logger) { db in
                guard SQLDialectKind(db) == .sqlite else { return }
                do {
                    try await db.writeTransaction { tx in
                        try await tx.sql.raw("COMMIT").run()
                        throw Refused()
                    }
                    Issue.record("the body's error was not thrown")
                } catch is Refused {}
                let logged = lines.withLockedValue { $0 }
                #expect(logged.count == 1 && logged.allSatisfy { $0.hasPrefix("warning ROLLBACK failed") && $0.contains("Refused") }, "\(logged)")
                // The database is usable afterwards.
                try await db.writeTransaction { tx in try await tx.sql.raw("SELECT 1").run() }
            }
        }
    }
}
