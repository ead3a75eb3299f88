import Foundation
import ParCore
import ParStore
import Vapor

/// Users and grants (administrators), the audit trail (viewAudit) and the
/// signed-in user's own API tokens.
struct UserPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.users.pattern, use: users)
        routes.post(Paths.users.pattern, use: createUser)
        routes.get(Paths.user.pattern, use: user)
        routes.post(Paths.userGrants.pattern, use: addGrant)
        routes.post(Paths.userGrantRevoke.pattern, use: revokeGrant)
        routes.post(Paths.userStatus.pattern, use: setStatus)
        routes.post(Paths.userEmail.pattern, use: setEmail)
        routes.get(Paths.audit.pattern, use: audit)
        routes.get(Paths.tokens.pattern, use: tokens)
        routes.post(Paths.tokens.pattern, use: createToken)
        routes.post(Paths.tokenRevoke.pattern, use: revokeToken)
    }

    // MARK: Users

    struct UserRow: Encodable {
        let username: String
        let displayName: String
        let active: Bool
        let link: String
        let roles: String
    }

    struct UsersContext: Encodable {
        let users: [UserRow]
        let nextLink: String?
        let errors: [FormError]?
        let form: [String: String]
    }

    func admin(_ request: Request) throws -> Principal {
        let principal = try request.requirePrincipal()
        try principal.require(.manageUsers)
        return principal
    }

    @Sendable func users(_ request: Request) async throws -> Response {
        _ = try admin(request)
        return try await renderUsers(request, errors: nil, form: [:])
    }

    func renderUsers(_ request: Request, errors: [FormError]?, form: [String: String]) async throws -> Response {
        let en = Language.of(request) == .en
        let after = try? request.query.get(String.self, at: "after")
        let page = try await stores.users.list(afterUsername: after, limit: 100)
        let rows = page.prefix(100).map { user in
            UserRow(username: user.username, displayName: user.displayName, active: user.isActive,
                    link: Paths.user.link(user.id),
                    roles: Set(user.grants.map { $0.role.name(en: en) }).sorted().joined(separator: ", "))
        }
        let next = page.count > 100 ? Paths.users.link() + "?after=" + (rows.last?.username ?? "") : nil
        return try await Page.render("users", title: Messages.text("ui.users", Language.of(request)),
                                     context: UsersContext(users: Array(rows), nextLink: next, errors: errors, form: form),
                                     request: request, failed: errors != nil)
    }

    struct NewUser: Content {
        var username: String?
        var displayName: String?
        var password: String?
        var email: String?
    }

    @Sendable func createUser(_ request: Request) async throws -> Response {
        _ = try admin(request)
        let form = (try? request.content.decode(NewUser.self)) ?? NewUser()
        do {
            let password = form.password ?? ""
            try UserAccount.checkPassword(password)
            let hash = try await Credentials.hash(password, on: request.application)
            let user = try await stores.users.create(username: form.username ?? "", displayName: form.displayName ?? "",
                                                      passwordHash: hash, email: form.email, actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.user.link(user.id), redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderUsers(request, errors: errors,
                                         form: ["username": form.username ?? "", "displayName": form.displayName ?? "", "email": form.email ?? ""])
        }
    }

    struct GrantRow: Encodable {
        let role: String
        let unitName: String
        let unitLink: String
        let revokeLink: String
    }

    struct RoleOption: Encodable {
        let value: String
        let label: String
    }

    struct UserContext: Encodable {
        let id: String
        let username: String
        let displayName: String
        let active: Bool
        let email: String
        let grants: [GrantRow]
        let roles: [RoleOption]
        let grantLink: String
        let statusLink: String
        let emailLink: String
        let auditLink: String
        let errors: [FormError]?
    }

    func loadUser(_ request: Request) async throws -> UserAccount {
        guard let raw = request.parameters.get("userID"), let id = UserAccount.ID(string: raw),
              let user = try await stores.users.find(id) else {
            throw Problem.notFound("Không tìm thấy người dùng.", english: "User not found.")
        }
        return user
    }

    @Sendable func user(_ request: Request) async throws -> Response {
        _ = try admin(request)
        return try await renderUser(try await loadUser(request), request: request, errors: nil)
    }

    func renderUser(_ user: UserAccount, request: Request, errors: [FormError]?) async throws -> Response {
        let en = Language.of(request) == .en
        var grants: [GrantRow] = []
        for grant in user.grants {
            let unit = try await stores.units.find(grant.unitID)?.unit
            grants.append(GrantRow(role: grant.role.name(en: en),
                                   unitName: unit.map { "\($0.name) (\($0.key))" } ?? "—",
                                   unitLink: Paths.unit.link(grant.unitID),
                                   revokeLink: Paths.userGrantRevoke.link(user.id, grant.id)))
        }
        let context = UserContext(
            id: user.id.description, username: user.username, displayName: user.displayName, active: user.isActive,
            email: user.email ?? "", grants: grants,
            roles: Role.allCases.map { RoleOption(value: $0.rawValue, label: $0.name(en: en)) },
            grantLink: Paths.userGrants.link(user.id), statusLink: Paths.userStatus.link(user.id), emailLink: Paths.userEmail.link(user.id),
            auditLink: Paths.auditTrail("user", user.id), errors: errors)
        return try await Page.render("user", title: user.displayName, context: context, request: request, failed: errors != nil)
    }

    struct GrantForm: Content {
        var role: String?
        var unitKey: String?
    }

    @Sendable func addGrant(_ request: Request) async throws -> Response {
        _ = try admin(request)
        let user = try await loadUser(request)
        do {
            let form = (try? request.content.decode(GrantForm.self)) ?? GrantForm()
            guard let role = form.role.flatMap(Role.init(rawValue:)) else {
                throw DomainError.invalid("Hãy chọn vai trò.", english: "Choose a role.", field: "role")
            }
            guard let key = form.unitKey.map(VietnameseText.clean), !key.isEmpty,
                  let unit = try await stores.units.find(key: key) else {
                throw DomainError.invalid("Không tìm thấy đơn vị có mã khoá này.", english: "No unit has this key.", field: "unitKey")
            }
            _ = try await stores.users.grant(role, on: unit.unit.id, to: user.id, actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.user.link(user.id), redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderUser(user, request: request, errors: errors)
        }
    }

    @Sendable func revokeGrant(_ request: Request) async throws -> Response {
        _ = try admin(request)
        let user = try await loadUser(request)
        guard let raw = request.parameters.get("grantID"), let grantID = RoleGrant.ID(string: raw) else {
            throw Problem.notFound()
        }
        try await stores.users.revoke(grantID, of: user.id, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.user.link(user.id), redirectType: .normal)
    }

    struct StatusForm: Content {
        var active: String?
    }

    @Sendable func setStatus(_ request: Request) async throws -> Response {
        let principal = try admin(request)
        let user = try await loadUser(request)
        let active = (try? request.content.decode(StatusForm.self))?.active == "1"
        if !active && user.id == principal.userID {
            return try await renderUser(user, request: request, errors: [FormError(
                field: "", message: Messages.text("user-pages.you-cannot-disable-your-own-account", Language.of(request)))])
        }
        _ = try await stores.users.update(user.id, expectedVersion: nil, displayName: nil, isActive: active,
                                           passwordHash: nil, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.user.link(user.id), redirectType: .normal)
    }

    struct EmailForm: Content {
        var email: String?
    }

    /// Sets or removes (empty) the user's work e-mail, where staff reminders go.
    @Sendable func setEmail(_ request: Request) async throws -> Response {
        _ = try admin(request)
        let user = try await loadUser(request)
        do {
            let email = (try? request.content.decode(EmailForm.self))?.email ?? ""
            _ = try await stores.users.update(user.id, expectedVersion: nil, displayName: nil, isActive: nil, passwordHash: nil,
                                               email: email, actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.user.link(user.id), redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderUser(user, request: request, errors: errors)
        }
    }

    // MARK: Audit

    struct AuditRow: Encodable {
        let sequence: Int64
        let time: String
        let actor: String
        let action: String
        let entity: String
        let summary: String
    }

    struct AuditContext: Encodable {
        let entityType: String
        let entityId: String
        let rows: [AuditRow]
        let olderLink: String?
    }

    @Sendable func audit(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try principal.require(.viewAudit)
        let entityType = (try? request.query.get(String.self, at: "entityType")).flatMap { $0.isEmpty ? nil : $0 }
        let entityID = (try? request.query.get(String.self, at: "entityId")).flatMap { $0.isEmpty ? nil : $0 }
        try await AuditAccess.check(principal: principal, entityType: entityType, entityID: entityID, access: stores.access(request))
        let before = try? request.query.get(Int64.self, at: "before")
        let entries = try await AuditLog.entries(on: request.db, entityType: entityType, entityID: entityID,
                                                 beforeSequence: before, limit: 101)
        let rows = entries.prefix(100).map {
            AuditRow(sequence: $0.sequence, time: LocalTime.format($0.at), actor: $0.actorName, action: $0.action,
                     entity: "\($0.entityType) \($0.entityID)", summary: String($0.summary.prefix(600)))
        }
        var older: String?
        if entries.count > 100, let last = rows.last {
            older = Paths.audit.link() + "?entityType=\(entityType ?? "")&entityId=\(entityID ?? "")&before=\(last.sequence)"
        }
        return try await Page.render("audit", title: Messages.text("ui.audit", Language.of(request)),
                                     context: AuditContext(entityType: entityType ?? "", entityId: entityID ?? "",
                                                           rows: Array(rows), olderLink: older),
                                     request: request)
    }

    // MARK: Tokens

    struct TokenRow: Encodable {
        let name: String
        let prefix: String
        let created: String
        let lastUsed: String
        let revoked: Bool
        let revokeLink: String
    }

    struct TokensContext: Encodable {
        let tokens: [TokenRow]
        let newToken: String?
        let errors: [FormError]?
    }

    func renderTokens(_ request: Request, newToken: String?, errors: [FormError]?) async throws -> Response {
        let principal = try request.requirePrincipal()
        let rows = try await stores.users.tokens(of: principal.userID).map {
            TokenRow(name: $0.name, prefix: $0.prefix, created: $0.createdAt.map(LocalTime.format) ?? "",
                     lastUsed: $0.lastUsedAt.map(LocalTime.format) ?? "", revoked: $0.revokedAt != nil,
                     revokeLink: Paths.tokenRevoke.link($0.id.uuidString.lowercased()))
        }
        return try await Page.render("tokens", title: Messages.text("ui.tokens", Language.of(request)),
                                     context: TokensContext(tokens: rows, newToken: newToken, errors: errors),
                                     request: request, failed: errors != nil)
    }

    @Sendable func tokens(_ request: Request) async throws -> Response {
        try await renderTokens(request, newToken: nil, errors: nil)
    }

    struct TokenForm: Content { var name: String? }

    @Sendable func createToken(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let minted = Credentials.newToken()
        do {
            let name = (try? request.content.decode(TokenForm.self))?.name ?? ""
            _ = try await stores.users.createToken(for: principal.userID, name: name, tokenHash: minted.hash,
                                                    prefix: minted.prefix, actor: request.auditActor, now: request.now)
            return try await renderTokens(request, newToken: minted.token, errors: nil)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderTokens(request, newToken: nil, errors: errors)
        }
    }

    @Sendable func revokeToken(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard let raw = request.parameters.get("tokenID"), let id = UUID(uuidString: raw) else { throw Problem.notFound() }
        try await stores.users.revokeToken(id, of: principal.userID, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.tokens.link(), redirectType: .normal)
    }
}

/// Who may read which audit rows: a unit's trail needs viewAudit on that unit;
/// users' trails and the unfiltered log need user management (administrators).
enum AuditAccess {
    static func check(principal: Principal, entityType: String?, entityID: String?, access: Access) async throws {
        if entityType == "unit", let entityID {
            _ = try await access.authorizedUnit(entityID, .viewAudit)
        } else {
            try principal.require(.manageUsers)
        }
    }
}
