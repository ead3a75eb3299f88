import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import Testing

@Suite("User repository")
struct UserRepositoryTests {
    @Test("a bearer token stands for its active user with all the user's grants; revoked or inactive, for nobody; use recorded once a minute")
    func principalForToken() async throws {
        try await withTestDatabase { db in
            let units = UnitRepository(db: db), users = UserRepository(db: db)
            let actor = AuditActor.system("test"), now = testNow()
            let province = try await units.create(UnitRepositoryTests.unit("01", .province), actor: actor, now: now)
            let ward = try await units.create(UnitRepositoryTests.unit("W1", .commune, parent: province.unit.id), actor: actor, now: now)
            let officer = try await users.create(username: "motcua", displayName: "Cán bộ một cửa", passwordHash: "x", actor: actor, now: now)
            let idle = try await users.create(username: "idle", displayName: "Không quyền", passwordHash: "x", actor: actor, now: now)
            let leader = try await users.grant(.unitLeader, on: province.unit.id, to: officer.id, actor: actor, now: now)
            let counter = try await users.grant(.counterOfficer, on: ward.unit.id, to: officer.id, actor: actor, now: now)
            let token = try await users.createToken(for: officer.id, name: "quầy", tokenHash: "hash-1", prefix: "p1", actor: actor, now: now)
            _ = try await users.createToken(for: idle.id, name: "idle", tokenHash: "hash-2", prefix: "p2", actor: actor, now: now)

            let principal = try #require(try await users.principal(forTokenHash: "hash-1", now: now))
            #expect(principal.userID == officer.id && principal.username == "motcua" && principal.displayName == "Cán bộ một cửa")
            #expect(Set(principal.grants) == Set([leader, counter]))
            #expect(principal.grants.map(\.role.rawValue) == principal.grants.map(\.role.rawValue).sorted())
            #expect(try await users.principal(forTokenHash: "hash-2", now: now)?.grants == [], "a user without grants is still the user")
            #expect(try await users.principal(forTokenHash: "no-such-hash", now: now) == nil)
            // A signed-in session's principal (by user id) is the same.
            #expect(try await users.principal(for: officer.id) == principal)
            #expect(try await users.principal(for: idle.id)?.grants == [])
            #expect(try await users.principal(for: .init(UUID())) == nil)

            // Last use: recorded on first use, not again within the minute, again after it.
            func lastUsed() async throws -> Date? { try await users.tokens(of: officer.id).first { $0.id == token.id }?.lastUsedAt }
            let first = try #require(try await lastUsed())
            #expect(abs(first.timeIntervalSince(now)) < 0.001)
            _ = try await users.principal(forTokenHash: "hash-1", now: now.addingTimeInterval(30))
            #expect(try await lastUsed() == first)
            _ = try await users.principal(forTokenHash: "hash-1", now: now.addingTimeInterval(90))
            #expect(abs(try #require(try await lastUsed()).timeIntervalSince(now.addingTimeInterval(90))) < 0.001)

            _ = try await users.update(officer.id, expectedVersion: nil, displayName: nil, isActive: false, passwordHash: nil, actor: actor, now: now)
            #expect(try await users.principal(forTokenHash: "hash-1", now: now) == nil, "an inactive user's token stands for nobody")
            #expect(try await users.principal(for: officer.id) == nil, "an inactive user's session stands for nobody")
            _ = try await users.update(officer.id, expectedVersion: nil, displayName: nil, isActive: true, passwordHash: nil, actor: actor, now: now)
            try await users.revokeToken(token.id, of: officer.id, actor: actor, now: now)
            #expect(try await users.principal(forTokenHash: "hash-1", now: now) == nil, "a revoked token stands for nobody")
        }
    }
}
