import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Audit log hash chain")
struct AuditLogTests {
    static func appendRows(_ count: Int, on db: any Database) async throws {
        for index in 0..<count {
            try await db.writeTransaction { tx in
                try await AuditLog.append(on: tx, actor: .system("test"), action: "test.write", entityType: "unit",
                                          entityID: "e\(index)", after: ["n": index], now: testNow())
            }
        }
    }

    @Test("an untouched chain verifies")
    func intact() async throws {
        try await withTestDatabase { db in
            try await Self.appendRows(5, on: db)
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 5))
        }
    }

    @Test("editing a row by hand in SQL is found and the row is named")
    func edited() async throws {
        try await withTestDatabase { db in
            try await Self.appendRows(5, on: db)
            try await db.sql.raw("UPDATE audit_log SET summary = '{\"after\":{\"n\":99}}' WHERE seq = 3").run()
            guard case .broken(let sequence, _) = try await AuditLog.verify(on: db) else {
                Issue.record("tampering was not detected"); return
            }
            #expect(sequence == 3)
        }
    }

    @Test("deleting a row, or the last row, is found")
    func deleted() async throws {
        try await withTestDatabase { db in
            try await Self.appendRows(4, on: db)
            try await db.sql.raw("DELETE FROM audit_log WHERE seq = 2").run()
            #expect(try await AuditLog.verify(on: db) == .broken(sequence: 2, reason: "row 2 is missing (next row is 3)"))
        }
        try await withTestDatabase { db in
            try await Self.appendRows(4, on: db)
            try await db.sql.raw("DELETE FROM audit_log WHERE seq = 4").run()
            guard case .broken(let sequence, _) = try await AuditLog.verify(on: db) else {
                Issue.record("truncation was not detected"); return
            }
            #expect(sequence == 4)
        }
    }

    @Test("a row inserted past the head by hand is found")
    func rowPastTheHead() async throws {
        try await withTestDatabase { db in
            for n in 1...3 {
                try await AuditLog.append(on: db, actor: .system("t"), action: "t.\(n)", entityType: "t", entityID: "\(n)", now: testNow())
            }
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 3))
            // A copy of row 3 as row 4, without moving the head.
            try await db.sql.raw("""
                INSERT INTO audit_log (seq, at_ms, actor_id, actor_name, request_id, action, entity_type, entity_id, summary, prev_hash, hash)
                SELECT 4, at_ms, actor_id, actor_name, request_id, action, entity_type, entity_id, summary, hash, hash FROM audit_log WHERE seq = 3
                """).run()
            guard case .broken(let sequence, _) = try await AuditLog.verify(on: db) else {
                Issue.record("a row past the head went unnoticed")
                return
            }
            #expect(sequence == 4)
        }
    }

    @Test("concurrent writers still form one unbroken chain")
    func concurrent() async throws {
        try await withTestDatabase { db in
            let repository = UnitRepository(db: db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                // 16 writers queue for the pool's few connections and for the audit_head row lock.
                for index in 0..<16 {
                    group.addTask {
                        let unit = OrgUnit(id: .random(), key: "k\(index)", code: "c\(index)", kind: .department,
                                           name: "Sở \(index)", parentID: nil, validFrom: nil, validTo: nil)
                        _ = try await repository.create(unit, actor: .system("test"), now: testNow())
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 16))
        }
    }

    @Test("a failed transaction leaves neither the change nor its audit row")
    func rollback() async throws {
        try await withTestDatabase { db in
            let repository = UnitRepository(db: db)
            let unit = OrgUnit(id: .random(), key: "dup", code: "1", kind: .department, name: "Sở A",
                               parentID: nil, validFrom: nil, validTo: nil)
            _ = try await repository.create(unit, actor: .system("test"), now: testNow())
            var twin = unit
            twin.id = .random()
            await #expect(throws: DomainError.self) {
                _ = try await repository.create(twin, actor: .system("test"), now: testNow())
            }
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 1))
        }
    }
}
