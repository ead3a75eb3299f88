import FluentKit
import Foundation
import ParCore
@testable import ParStore
import ParTestSupport
import Testing

@Suite("Backup and restore")
struct BackupTests {
    static var postgresToolsMissing: Bool {
        TestDatabase.postgresURL != nil && !(PostgresTool.isAvailable("pg_dump") && PostgresTool.isAvailable("pg_restore"))
    }

    static func unit(_ key: String, parent: OrgUnit.ID? = nil) -> OrgUnit {
        OrgUnit(id: .random(), key: key, code: key, kind: parent == nil ? .province : .department, name: "Đơn vị \(key)",
                parentID: parent, validFrom: nil, validTo: nil)
    }

    @Test("backup, then changes, then restore gives back every table exactly as it was at the backup",
          .disabled(if: postgresToolsMissing, "pg_dump/pg_restore not found"))
    func roundTrip() async throws {
        let database = try await TestDatabase.make()
        let file = NSTemporaryDirectory() + "parhub-backup-\(UUID().uuidString).bak"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let actor = AuditActor.system("test")
        let province = try await database.withDatabase { db in
            let repo = UnitRepository(db: db)
            let province = try await repo.create(Self.unit("01"), actor: actor, now: testNow()).unit
            for key in ["TP", "YT", "GD"] { _ = try await repo.create(Self.unit(key, parent: province.id), actor: actor, now: testNow()) }
            return province
        }
        let atBackup = try await database.withDatabase { try await TableChecksums.compute(on: $0) }

        try await DatabaseBackup.backup(database, to: file)
        let changed = try await database.withDatabase { db in
            let repo = UnitRepository(db: db)
            _ = try await repo.create(Self.unit("XD", parent: province.id), actor: actor, now: testNow())
            _ = try await repo.update(province.id, expectedVersion: 1, actor: actor, now: testNow()) { $0.name = "Thủ đô Hà Nội" }
            return try await TableChecksums.compute(on: db)
        }
        try await DatabaseBackup.restore(database, from: file)
        let restored = try await database.withDatabase { try await TableChecksums.compute(on: $0) }

        #expect(changed != atBackup)
        #expect(restored == atBackup)
        #expect(atBackup.contains { $0.table == "units" && $0.rows == 4 })
        #expect(atBackup.contains { $0.table == "audit_log" && $0.rows >= 4 })
        let verified = try await database.withDatabase { try await AuditSealer.sealAll(on: $0); return try await AuditLog.verify(on: $0) }
        #expect(verified == .intact(rows: atBackup.first { $0.table == "audit_log" }!.rows))
    }

    @Test("a backup never overwrites a file, and a file that is no backup is refused before the database is touched")
    func refusals() async throws {
        let database = try await TestDatabase.make()
        let existing = NSTemporaryDirectory() + "parhub-existing-\(UUID().uuidString)"
        try Data("not a backup".utf8).write(to: URL(fileURLWithPath: existing))
        defer { try? FileManager.default.removeItem(atPath: existing) }
        let before = try await database.withDatabase { try await TableChecksums.compute(on: $0) }

        await #expect(throws: DatabaseBackup.Failure.self) { try await DatabaseBackup.backup(database, to: existing) }
        await #expect(throws: DatabaseBackup.Failure.self) { try await DatabaseBackup.restore(database, from: existing) }

        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == Data("not a backup".utf8))
        #expect(try await database.withDatabase { try await TableChecksums.compute(on: $0) } == before)
    }

    @Test("checksums are stable: the same data gives the same lines twice")
    func stable() async throws {
        let database = try await TestDatabase.make()
        let first = try await database.withDatabase { db in
            _ = try await UnitRepository(db: db).create(Self.unit("01"), actor: .system("t"), now: testNow())
            return try await TableChecksums.compute(on: db)
        }
        let second = try await database.withDatabase { try await TableChecksums.compute(on: $0) }
        #expect(first == second)
        #expect(first.map(\.table) == first.map(\.table).sorted())
        #expect(first.allSatisfy { $0.sha256.count == 64 })
    }
}

@Suite("PostgreSQL URL for the client tools")
struct PostgresConnectionTests {
    @Test("the password goes to PGPASSWORD, never on the command line; Vapor's tlsmode becomes libpq's sslmode", arguments: [
        ("postgres://parhub:s%40cret@db.internal:5432/parhub", "postgresql://parhub@db.internal:5432/parhub", "s@cret"),
        ("postgres://parhub@127.0.0.1:5432/parhub?tlsmode=require", "postgresql://parhub@127.0.0.1:5432/parhub?sslmode=require", nil),
        ("postgresql://u:p@h/db", "postgresql://u@h/db", "p"),
    ])
    func connection(url: String, expected: String, password: String?) {
        let connection = PostgresConnection(url)
        #expect(connection.url == expected)
        #expect(connection.environment["PGPASSWORD"] == password)
    }
}
