import Foundation
import ParCore
import ParStore
import Vapor

/// Users and grants: administrators only (manageUsers); the audit trail:
/// viewAudit on the unit whose trail is read, manageUsers for the rest.
extension ParAPI {
    func admin() throws -> Principal {
        let principal = try principal()
        try principal.require(.manageUsers)
        return principal
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        _ = try admin()
        let limit = try Self.limit(input.query.limit)
        let users = try await stores.users.list(afterUsername: try Self.decodeCursor(input.query.cursor), limit: limit)
        let page = users.prefix(limit)
        let next = users.count > limit ? page.last.map { Self.encodeCursor($0.username) } : nil
        return .ok(.init(body: .json(.init(items: page.map(Self.user), nextCursor: next))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        _ = try admin()
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        try UserAccount.checkPassword(body.password)
        let hash = try await Credentials.hash(body.password, on: request.application)
        let user = try await stores.users.create(username: body.username, displayName: body.displayName,
                                                  passwordHash: hash, email: body.email, actor: request.auditActor, now: request.now)
        return .created(.init(headers: .init(eTag: Self.etag(user.version)), body: .json(Self.user(user))))
    }

    func findUser(_ raw: String) async throws -> UserAccount {
        guard let user = try await stores.users.find(try Self.id(raw)) else {
            throw Problem.notFound("Không tìm thấy người dùng.", english: "User not found.")
        }
        return user
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        _ = try admin()
        let user = try await findUser(input.path.userId)
        return .ok(.init(headers: .init(eTag: Self.etag(user.version)), body: .json(Self.user(user))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        let principal = try admin()
        let request = try self.request
        let user = try await findUser(input.path.userId)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        if body.isActive == false && user.id == principal.userID {
            throw Problem(DomainError(.conflict, "Không thể tự khoá tài khoản của mình.", english: "You cannot disable your own account.", field: "isActive"))
        }
        var hash: String?
        if let password = body.password {
            try UserAccount.checkPassword(password)
            hash = try await Credentials.hash(password, on: request.application)
        }
        let updated = try await stores.users.update(user.id, expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch),
                                                     displayName: body.displayName, isActive: body.isActive,
                                                     passwordHash: hash, email: body.email, actor: request.auditActor, now: request.now)
        return .ok(.init(headers: .init(eTag: Self.etag(updated.version)), body: .json(Self.user(updated))))
    }

    func addGrant(_ input: Operations.AddGrant.Input) async throws -> Operations.AddGrant.Output {
        _ = try admin()
        let request = try self.request
        let user = try await findUser(input.path.userId)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        guard let role = Role(rawValue: body.role.rawValue), let unitID = OrgUnit.ID(string: body.unitId) else {
            throw Problem(DomainError.invalid("Không tìm thấy đơn vị.", english: "The unit does not exist.", field: "unitId"))
        }
        let grant = try await stores.users.grant(role, on: unitID, to: user.id, actor: request.auditActor, now: request.now)
        return .created(.init(body: .json(Self.grant(grant))))
    }

    func removeGrant(_ input: Operations.RemoveGrant.Input) async throws -> Operations.RemoveGrant.Output {
        _ = try admin()
        let request = try self.request
        let user = try await findUser(input.path.userId)
        try await stores.users.revoke(try Self.id(input.path.grantId), of: user.id, actor: request.auditActor, now: request.now)
        return .noContent(.init())
    }

    func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        let request = try self.request
        let principal = try principal()
        let entityType = input.query.entityType?.rawValue
        try await AuditAccess.check(principal: principal, entityType: entityType, entityID: input.query.entityId, access: stores.access(request))
        let limit = try Self.limit(input.query.limit)
        let before = try Self.decodeCursor(input.query.cursor).map { raw -> Int64 in
            guard let value = Int64(raw) else {
                throw Problem.badRequest("cursor không hợp lệ.", english: "The cursor is not valid.", field: "cursor")
            }
            return value
        }
        let entries = try await AuditLog.entries(on: request.db, entityType: entityType, entityID: input.query.entityId,
                                                 beforeSequence: before, limit: limit + 1)
        let page = entries.prefix(limit)
        let next = entries.count > limit ? page.last.map { Self.encodeCursor(String($0.sequence)) } : nil
        return .ok(.init(body: .json(.init(items: page.map {
            .init(sequence: Int($0.sequence), at: $0.at, actorId: $0.actorID, actorName: $0.actorName, action: $0.action,
                  entityType: $0.entityType, entityId: $0.entityID, summary: $0.summary, requestId: $0.requestID, clientAddress: $0.clientAddress, hash: $0.hash)
        }, nextCursor: next))))
    }
}
