import Foundation
import ParCore
import ParStore
import Vapor

extension ParAPI {
    func listOutbox(_ input: Operations.ListOutbox.Input) async throws -> Operations.ListOutbox.Output {
        let request = try self.request
        try NotifyService.requireAdministrator(request)
        let outbox = stores.outbox
        let status = input.query.status.flatMap { OutboxMessage.Status(rawValue: $0.rawValue) }
        let items = try await outbox.list(status: status, limit: min(max(input.query.limit ?? 200, 1), 500))
        let backlog = try await outbox.backlog()
        return .ok(.init(body: .json(.init(items: items.map(Self.outboxMessage), pending: backlog.pending, dead: backlog.dead))))
    }

    func retryOutboxMessage(_ input: Operations.RetryOutboxMessage.Input) async throws -> Operations.RetryOutboxMessage.Output {
        let request = try self.request
        try NotifyService.requireAdministrator(request)
        guard let id = OutboxMessage.ID(string: input.path.messageId) else { throw Problem.notFound() }
        let message = try await stores.outbox.retry(id, actor: request.auditActor, now: request.now)
        return .ok(.init(body: .json(Self.outboxMessage(message))))
    }

    static func outboxMessage(_ m: OutboxMessage) -> Components.Schemas.OutboxMessage {
        .init(id: m.id.description, channel: .init(rawValue: m.channel.rawValue)!, recipient: m.recipient, subject: m.subject,
              dossierId: m.dossierID?.description, status: .init(rawValue: m.status.rawValue)!, attempts: m.attempts,
              createdAt: m.createdAt, sentAt: m.sentAt, nextAttemptAt: m.nextAttemptAt, lastError: m.lastError)
    }
}
