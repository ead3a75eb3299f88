import FluentKit
import Foundation
import ParCore
import SQLKit

/// A personal API token as listed to its owner (never the token itself).
public struct APITokenInfo: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var prefix: String
    public var createdAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// Users, their role grants, API tokens and login attempts.
public struct UserRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    private func notFound() -> DomainError {
        DomainError(.notFound, "Không tìm thấy người dùng.", english: "User not found.")
    }

    // MARK: Reads

    public func find(_ id: UserAccount.ID) async throws -> UserAccount? {
        guard let model = try await UserModel.find(id.rawValue, on: db) else { return nil }
        return try await account(model, on: db)
    }

    /// The account and its bcrypt hash, for password checks.
    public func credentials(username: String) async throws -> (UserAccount, passwordHash: String)? {
        guard let model = try await UserModel.query(on: db).filter(\.$username == username.lowercased()).first() else {
            return nil
        }
        return (try await account(model, on: db), model.passwordHash)
    }

    /// How many grants of `role` there are (any user, any unit): `parhub users create-admin` creates
    /// the first administrator only.
    public func grantCount(_ role: Role) async throws -> Int {
        try await RoleGrantModel.query(on: db).filter(\.$role == role.rawValue).count()
    }

    /// Users ordered by username, after the cursor; one more than `limit` signals a next page.
    public func list(afterUsername: String?, limit: Int) async throws -> [UserAccount] {
        let query = UserModel.query(on: db)
        if let afterUsername { query.filter(\.$username > afterUsername) }
        let models = try await query.sort(\.$username).limit(limit + 1).all()
        let grants = try await RoleGrantModel.query(on: db).filter(\.$userID ~~ models.compactMap(\.id)).all()
        let byUser = Dictionary(grouping: grants, by: \.userID)
        return models.map { Self.account($0, grants: byUser[$0.id!] ?? []) }
    }

    /// The acting identity of an active user.
    /// The principal of an active user (a signed-in session's): the user and its grants in one statement.
    public func principal(for id: UserAccount.ID) async throws -> Principal? {
        try Self.principal(fromRows: try await db.sql.raw("""
            SELECT u.id AS user_id, u.username, u.display_name, u.is_active, g.id AS grant_id, g.role, g.unit_id
            FROM users u LEFT JOIN role_grants g ON g.user_id = u.id
            WHERE u.id = \(bind: id.rawValue)
            """).all())
    }

    /// A principal from its user's rows joined with the grants (one row per grant, or one without):
    /// nil when there is no row or the user is inactive. Grants in role order, as `UserAccount` has them.
    private static func principal(fromRows rows: [any SQLRow]) throws -> Principal? {
        guard let first = rows.first, try first.decode(column: "is_active", as: Bool.self) else { return nil }
        let grants = try rows.compactMap { row -> RoleGrant? in
            guard let id = try row.decode(column: "grant_id", as: UUID?.self),
                  let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
            return RoleGrant(id: .init(id), role: role, unitID: .init(try row.decode(column: "unit_id", as: UUID.self)))
        }
        return Principal(userID: .init(try first.decode(column: "user_id", as: UUID.self)),
                         username: try first.decode(column: "username", as: String.self),
                         displayName: try first.decode(column: "display_name", as: String.self),
                         grants: grants.sorted { $0.role.rawValue < $1.role.rawValue })
    }

    private func account(_ model: UserModel, on db: any Database) async throws -> UserAccount {
        let grants = try await RoleGrantModel.query(on: db).filter(\.$userID == model.id!).all()
        return Self.account(model, grants: grants)
    }

    private static func account(_ model: UserModel, grants: [RoleGrantModel]) -> UserAccount {
        UserAccount(id: .init(model.id!), username: model.username, displayName: model.displayName,
                    isActive: model.isActive,
                    grants: grants.compactMap { $0.toDomain() }.sorted { $0.role.rawValue < $1.role.rawValue },
                    version: model.version, email: model.email)
    }

    /// Active users with a work e-mail who hold one of `roles` somewhere: who staff reminders reach.
    public func reachable(roles: Set<Role>) async throws -> [UserAccount] {
        let grants = try await RoleGrantModel.query(on: db).filter(\.$role ~~ roles.map(\.rawValue)).all()
        let ids = Set(grants.map(\.userID))
        guard !ids.isEmpty else { return [] }
        let models = try await UserModel.query(on: db).filter(\.$id ~~ Array(ids)).filter(\.$isActive == true)
            .filter(\.$email != nil).sort(\.$username).all()
        let all = try await RoleGrantModel.query(on: db).filter(\.$userID ~~ models.compactMap(\.id)).all()
        let byUser = Dictionary(grouping: all, by: \.userID)
        return models.map { Self.account($0, grants: byUser[$0.id!] ?? []) }
    }

    // MARK: Writes

    /// Creates a user with a bcrypt hash computed by the caller.
    public func create(username: String, displayName: String, passwordHash: String, email: String? = nil,
                       actor: AuditActor, now: Date) async throws -> UserAccount {
        let name = try UserAccount.validUsername(username)
        let email = try UserAccount.checkedEmail(email)
        let display = try UserAccount.validDisplayName(displayName)
        return try await db.writeTransaction { tx in
            if try await UserModel.query(on: tx).filter(\.$username == name).count() > 0 {
                throw DomainError(.conflict, "Tên đăng nhập \(name) đã có.", english: "The username \(name) is taken.", field: "username")
            }
            let model = UserModel()
            model.id = UUID()
            model.username = name
            model.displayName = display
            model.passwordHash = passwordHash
            model.isActive = true
            model.version = 1
            model.email = email
            try await model.create(on: tx)
            let user = Self.account(model, grants: [])
            try await AuditLog.append(on: tx, actor: actor, action: "user.create", entityType: "user",
                                      entityID: user.id.description, after: user, now: now)
            return user
        }
    }

    /// Changes display name, active flag, password hash or work e-mail (`email`: nil keeps it, an
    /// empty text removes it), guarded by version.
    public func update(_ id: UserAccount.ID, expectedVersion: Int?, displayName: String?, isActive: Bool?,
                       passwordHash: String?, email: String? = nil, actor: AuditActor, now: Date) async throws -> UserAccount {
        let newEmail = try email.map { try UserAccount.checkedEmail($0) }
        let display = try displayName.map { try UserAccount.validDisplayName($0) }
        return try await db.writeTransaction { tx in
            guard let model = try await UserModel.find(id.rawValue, on: tx) else { throw notFound() }
            if let expectedVersion, expectedVersion != model.version {
                throw DomainError(.stale, "Tài khoản đã được người khác sửa; hãy tải lại.", english: "The user was changed by someone else; reload it.")
            }
            let before = try await account(model, on: tx)
            if let display { model.displayName = display }
            if let isActive { model.isActive = isActive }
            if let passwordHash { model.passwordHash = passwordHash }
            if let newEmail, model.email != newEmail { model.email = newEmail }
            guard model.hasChanges else { return before }
            model.version += 1
            try await model.update(on: tx)
            let after = try await account(model, on: tx)
            try await AuditLog.append(on: tx, actor: actor,
                                      action: passwordHash != nil ? "user.password" : "user.update",
                                      entityType: "user", entityID: id.description, before: before, after: after, now: now)
            return after
        }
    }

    /// Grants a role on a unit subtree (idempotent: granting twice keeps one grant).
    public func grant(_ role: Role, on unitID: OrgUnit.ID, to userID: UserAccount.ID,
                      actor: AuditActor, now: Date) async throws -> RoleGrant {
        try await db.writeTransaction { tx in
            guard try await UserModel.find(userID.rawValue, on: tx) != nil else { throw notFound() }
            guard try await UnitModel.find(unitID.rawValue, on: tx) != nil else {
                throw DomainError.invalid("Không tìm thấy đơn vị.", english: "The unit does not exist.", field: "unitId")
            }
            if let existing = try await RoleGrantModel.query(on: tx).filter(\.$userID == userID.rawValue)
                .filter(\.$role == role.rawValue).filter(\.$unitID == unitID.rawValue).first(),
               let grant = existing.toDomain() {
                return grant
            }
            let model = RoleGrantModel()
            model.id = UUID()
            model.userID = userID.rawValue
            model.role = role.rawValue
            model.unitID = unitID.rawValue
            try await model.create(on: tx)
            let grant = RoleGrant(id: .init(model.id!), role: role, unitID: unitID)
            try await AuditLog.append(on: tx, actor: actor, action: "user.grant", entityType: "user",
                                      entityID: userID.description, after: grant, now: now)
            return grant
        }
    }

    /// Removes a grant of the user.
    public func revoke(_ grantID: RoleGrant.ID, of userID: UserAccount.ID, actor: AuditActor, now: Date) async throws {
        try await db.writeTransaction { tx in
            guard let model = try await RoleGrantModel.query(on: tx).filter(\.$id == grantID.rawValue)
                .filter(\.$userID == userID.rawValue).first(), let grant = model.toDomain() else {
                throw DomainError(.notFound, "Không tìm thấy quyền.", english: "Grant not found.")
            }
            try await model.delete(on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "user.revoke", entityType: "user",
                                      entityID: userID.description, before: grant, now: now)
        }
    }

    // MARK: API tokens

    /// Stores a new token's hash; the caller shows the token once.
    public func createToken(for userID: UserAccount.ID, name: String, tokenHash: String, prefix: String,
                            actor: AuditActor, now: Date) async throws -> APITokenInfo {
        let label = try UserAccount.validTokenName(name)
        return try await db.writeTransaction { tx in
            let model = APITokenModel()
            model.id = UUID()
            model.userID = userID.rawValue
            model.name = label
            model.tokenHash = tokenHash
            model.prefix = prefix
            try await model.create(on: tx)
            let info = Self.info(model)
            try await AuditLog.append(on: tx, actor: actor, action: "token.create", entityType: "user",
                                      entityID: userID.description, after: ["token": label, "prefix": prefix], now: now)
            return info
        }
    }

    /// The principal a bearer token stands for, marking the token used: an active user with its
    /// grants, unless the token is revoked. One statement (token, user and grants joined) on every
    /// API request's path.
    public func principal(forTokenHash hash: String, now: Date) async throws -> Principal? {
        let rows = try await db.sql.raw("""
            SELECT t.id AS token_id, t.last_used_at, u.id AS user_id, u.username, u.display_name, u.is_active,
                   g.id AS grant_id, g.role, g.unit_id
            FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN role_grants g ON g.user_id = u.id
            WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL
            """).all()
        guard let first = rows.first, let principal = try Self.principal(fromRows: rows) else { return nil }
        // Record use at most once a minute so reads do not turn into writes.
        if try first.decode(column: "last_used_at", as: Date?.self).map({ now.timeIntervalSince($0) > 60 }) ?? true {
            let token = try first.decode(column: "token_id", as: UUID.self)
            try await db.singleWrite { sql in
                try await sql.raw("UPDATE api_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: token)").run()
            }
        }
        return principal
    }

    public func tokens(of userID: UserAccount.ID) async throws -> [APITokenInfo] {
        try await APITokenModel.query(on: db).filter(\.$userID == userID.rawValue).sort(\.$createdAt, .descending)
            .all().map(Self.info)
    }

    public func revokeToken(_ id: UUID, of userID: UserAccount.ID, actor: AuditActor, now: Date) async throws {
        try await db.writeTransaction { tx in
            guard let token = try await APITokenModel.query(on: tx).filter(\.$id == id)
                .filter(\.$userID == userID.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy token.", english: "Token not found.")
            }
            guard token.revokedAt == nil else { return }
            token.revokedAt = now
            try await token.update(on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "token.revoke", entityType: "user",
                                      entityID: userID.description, after: ["token": token.name], now: now)
        }
    }

    private static func info(_ model: APITokenModel) -> APITokenInfo {
        APITokenInfo(id: model.id!, name: model.name, prefix: model.prefix, createdAt: model.createdAt,
                     lastUsedAt: model.lastUsedAt, revokedAt: model.revokedAt)
    }

    // MARK: Login throttling

    public func recordLogin(username: String, ip: String, succeeded: Bool, now: Date) async throws {
        let attempt = LoginAttemptModel()
        attempt.username = String(username.lowercased().prefix(64))
        attempt.ip = String(ip.prefix(64))
        attempt.at = now
        attempt.succeeded = succeeded
        try await attempt.create(on: db)
    }

    /// Failed attempts for a username since a moment, the throttle's input.
    public func failedLogins(username: String, since: Date) async throws -> Int {
        try await LoginAttemptModel.query(on: db).filter(\.$username == String(username.lowercased().prefix(64)))
            .filter(\.$succeeded == false).filter(\.$at >= since).count()
    }
}
