import Foundation
import ParCore
import ParStore
import Vapor

/// Tokens and the caller: any signed-in user, for themselves only.
extension ParAPI {
    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let principal = try await Credentials.authenticate(username: body.username, password: body.password,
                                                           request: request, users: stores.users, config: request.application.parConfig)
        let minted = Credentials.newToken()
        let actor = request.auditActor(id: principal.userID.description, name: principal.username)
        let info = try await stores.users.createToken(for: principal.userID, name: body.name, tokenHash: minted.hash,
                                                       prefix: minted.prefix, actor: actor, now: request.now)
        return .created(.init(body: .json(.init(id: info.id.uuidString.lowercased(), name: info.name,
                                                prefix: info.prefix, token: minted.token))))
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let principal = try principal()
        let tokens = try await stores.users.tokens(of: principal.userID)
        return .ok(.init(body: .json(.init(items: tokens.map {
            .init(id: $0.id.uuidString.lowercased(), name: $0.name, prefix: $0.prefix,
                  createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, revokedAt: $0.revokedAt)
        }))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let principal = try principal()
        guard let id = UUID(uuidString: input.path.tokenId) else { throw Problem.notFound() }
        let request = try self.request
        try await stores.users.revokeToken(id, of: principal.userID, actor: request.auditActor, now: request.now)
        return .noContent(.init())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try principal()
        guard let user = try await stores.users.find(principal.userID) else { throw Problem.unauthorized() }
        return .ok(.init(body: .json(.init(
            user: Self.user(user),
            permissions: user.grants.map {
                .init(unitId: $0.unitID.description, role: .init(rawValue: $0.role.rawValue)!,
                      permissions: $0.role.permissions.map(\.rawValue).sorted())
            }))))
    }

    static func user(_ user: UserAccount) -> Components.Schemas.User {
        .init(id: user.id.description, username: user.username, displayName: user.displayName, isActive: user.isActive,
              grants: user.grants.map(grant), version: user.version, email: user.email)
    }

    static func grant(_ grant: RoleGrant) -> Components.Schemas.Grant {
        .init(id: grant.id.description, role: .init(rawValue: grant.role.rawValue)!, unitId: grant.unitID.description)
    }
}
