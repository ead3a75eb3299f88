import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Audit log hash chain")
struct AuditLogTests {
    static func appendRows(_ count: Int, on db: any Database, at now: Date = testNow()) async throws {
        for index in 0..<count {
            try await db.writeTransaction { tx in
                try await AuditLog.append(on: tx, actor: .system("test"), action: "test.write", entityType: "unit",
                                          entityID: "e\(index)", after: ["n": index], now: now)
            }
        }
    }

    /// Appends and seals `count` rows, as a running server's sealer would.
    static func sealedRows(_ count: Int, on db: any Database) async throws {
        try await appendRows(count, on: db)
        #expect(try await AuditSealer.sealAll(on: db) == count)
    }

    static func brokenAt(_ db: any Database) async throws -> Int64? {
        guard case .broken(let sequence, _) = try await AuditLog.verify(on: db) else { return nil }
        return sequence
    }

    @Test("appending touches no shared row; the sealer chains the rows and moves the checkpoint")
    func sealing() async throws {
        try await withTestDatabase { db in
            try await Self.appendRows(5, on: db)
            let head = try await db.sql.raw("SELECT last_seq FROM audit_head WHERE id = 1").first()?.decode(column: "last_seq", as: Int64.self)
            #expect(head == 0, "business transactions leave the checkpoint alone")
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 5), "unsealed rows within the window are fine")
            #expect(try await AuditSealer.sealAll(on: db) == 5)
            #expect(try await AuditSealer.sealAll(on: db) == 0)
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 5))
            let after = try await db.sql.raw("SELECT last_seq FROM audit_head WHERE id = 1").first()?.decode(column: "last_seq", as: Int64.self)
            #expect(after == 5)
        }
    }

    @Test("changing a sealed row, or an unsealed one, is found and the row is named")
    func edited() async throws {
        try await withTestDatabase { db in
            try await Self.sealedRows(5, on: db)
            try await db.sql.raw("UPDATE audit_log SET summary = '{\"after\":{\"n\":99}}' WHERE seq = 3").run()
            #expect(try await Self.brokenAt(db) == 3)
        }
        try await withTestDatabase { db in
            try await Self.appendRows(3, on: db)
            try await db.sql.raw("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 2").run()
            #expect(try await Self.brokenAt(db) == 2)
        }
    }

    @Test("deleting a sealed row, or truncating the tail, is found")
    func deleted() async throws {
        try await withTestDatabase { db in
            try await Self.sealedRows(4, on: db)
            try await db.sql.raw("DELETE FROM audit_log WHERE seq = 2").run()
            guard case .broken(let sequence, let reason) = try await AuditLog.verify(on: db) else { Issue.record("deletion unnoticed"); return }
            #expect(sequence == 3 && reason.contains("chain position 2 is missing"))
        }
        try await withTestDatabase { db in
            try await Self.sealedRows(4, on: db)
            try await db.sql.raw("DELETE FROM audit_log WHERE seq = 4").run()
            guard case .broken(let sequence, let reason) = try await AuditLog.verify(on: db) else { Issue.record("truncation unnoticed"); return }
            #expect(sequence == 4 && reason.contains("checkpoint says 4"))
        }
    }

    @Test("reordering sealed rows is found")
    func reordered() async throws {
        try await withTestDatabase { db in
            try await Self.sealedRows(4, on: db)
            try await db.sql.raw("UPDATE audit_log SET chain_pos = -2 WHERE seq = 2").run()
            try await db.sql.raw("UPDATE audit_log SET chain_pos = 2 WHERE seq = 3").run()
            try await db.sql.raw("UPDATE audit_log SET chain_pos = 3 WHERE seq = 2").run()
            #expect(try await Self.brokenAt(db) == 3)
        }
    }

    @Test("a sealed row added by hand past the checkpoint is found")
    func rowPastTheCheckpoint() async throws {
        try await withTestDatabase { db in
            try await Self.sealedRows(3, on: db)
            // A copy of row 3 as a fourth sealed row, without moving the checkpoint.
            try await db.sql.raw("""
                INSERT INTO audit_log (seq, at_ms, actor_id, actor_name, request_id, action, entity_type, entity_id, summary, prev_hash, hash,
                                       content_hash, chain_pos)
                SELECT 4, at_ms, actor_id, actor_name, request_id, action, entity_type, entity_id, summary, hash, hash, content_hash, 4
                FROM audit_log WHERE seq = 3
                """).run()
            #expect(try await Self.brokenAt(db) == 4)
        }
    }

    @Test("a row left unsealed long after later rows means the sealer stopped")
    func leftBehind() async throws {
        try await withTestDatabase { db in
            try await Self.appendRows(1, on: db, at: testNow())
            try await Self.appendRows(1, on: db, at: testNow().addingTimeInterval(AuditSealer.window + 5))
            guard case .broken(let sequence, let reason) = try await AuditLog.verify(on: db) else { Issue.record("unnoticed"); return }
            #expect(sequence == 1 && reason.contains("sealer"))
        }
    }

    @Test("rows chained before the sealer keep their hashes, and new rows chain on after them")
    func formerRows() async throws {
        try await withTestDatabase { db in
            var previous = AuditEntry.genesisHash
            for seq in Int64(1)...2 {
                var entry = AuditEntry(sequence: seq, atMilliseconds: 1_700_000_000_000 + seq, actorID: nil, actorName: "system", action: "old",
                                       entityType: "unit", entityID: "u\(seq)", summary: "{}", requestID: nil, previousHash: previous, hash: "")
                entry.hash = AuditLog.hash(of: entry)
                try await db.sql.raw("""
                    INSERT INTO audit_log (seq, at_ms, actor_name, action, entity_type, entity_id, summary, prev_hash, hash, chain_pos)
                    VALUES (\(bind: seq), \(bind: entry.atMilliseconds), 'system', 'old', 'unit', \(bind: entry.entityID), '{}', \(bind: previous), \(bind: entry.hash), \(bind: seq))
                    """).run()
                previous = entry.hash
            }
            try await db.sql.raw("UPDATE audit_head SET last_seq = 2, last_hash = \(bind: previous) WHERE id = 1").run()
            if SQLDialectKind(db) == .postgres {
                // As the migration sets it from the rows already there.
                try await db.sql.raw("SELECT setval('audit_log_seq_seq', 3, false)").run()
            }
            try await Self.sealedRows(2, on: db)
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 4))
            try await db.sql.raw("UPDATE audit_log SET entity_id = 'x' WHERE seq = 1").run()
            #expect(try await Self.brokenAt(db) == 1)
        }
    }

    @Test("concurrent writers and two sealers form one unbroken chain")
    func concurrent() async throws {
        try await withTestDatabase { db in
            let repository = UnitRepository(db: db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        let unit = OrgUnit(id: .random(), key: "k\(index)", code: "c\(index)", kind: .department,
                                           name: "Sở \(index)", parentID: nil, validFrom: nil, validTo: nil)
                        _ = try await repository.create(unit, actor: .system("test"), now: testNow())
                        if index % 4 == 0 { try await AuditSealer.seal(on: db, limit: 3) }
                    }
                }
                try await group.waitForAll()
            }
            try await AuditSealer.sealAll(on: db)
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 16))
            let positions = try await db.sql.raw("SELECT chain_pos FROM audit_log ORDER BY chain_pos").all().map { try $0.decode(column: "chain_pos", as: Int64.self) }
            #expect(positions == Array(1...16))
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
            try await AuditSealer.sealAll(on: db)
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 1))
        }
    }
}
