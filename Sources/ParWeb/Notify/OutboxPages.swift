import Foundation
import ParCore
import ParStore
import Vapor

/// Administrators read the outbox (every notice and sign-in code queued, whether it went out,
/// and when the next try is due) and send a dead message again.
struct OutboxPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.outbox.pattern, use: show)
        routes.post(Paths.outboxRetry.pattern, use: retry)
        routes.get(Paths.testSMS.pattern, use: testSMS)
    }

    /// The built-in test SMS provider's screen: the SMS it took, newest first (404 without it).
    @Sendable func testSMS(_ request: Request) async throws -> Response {
        guard request.application.parConfig.testSMS, request.application.parConfig.smsURL == nil else { throw Problem.notFound() }
        // Phone numbers: for counter staff and administrators only.
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.receiveDossiers) || principal.mayAnywhere(.manageUsers) else { throw Problem.forbidden() }
        let en = Language.of(request) == .en
        let rows = try await stores.outbox.list(status: nil, limit: 500).filter { $0.channel == .sms }.prefix(50)
            .map { row($0, en: en) }
        struct Context: Encodable { let messages: [Row] }
        return try await Page.render("test-sms", title: Messages.text("test-sms.title", en: en), context: Context(messages: Array(rows)),
                                     request: request)
    }

    struct Context: Encodable {
        let messages: [Row]
        let filters: [Option]
        let dead: Int
        let pending: Int
    }

    struct Row: Encodable {
        let at: String
        let channel: String
        let recipient: String
        let subject: String
        let body: String
        let status: String
        let statusKey: String
        let attempts: Int
        let error: String
        let next: String
        let retry: String
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    func status(_ status: OutboxMessage.Status, en: Bool) -> String {
        switch status {
        case .pending: Messages.text("dossier.notice.pending", en: en)
        case .sent: Messages.text("dossier.notice.sent", en: en)
        case .dead: Messages.text("dossier.notice.dead", en: en)
        }
    }

    func row(_ m: OutboxMessage, en: Bool) -> Row {
        Row(at: LocalTime.format(m.createdAt), channel: m.channel.rawValue, recipient: m.recipient, subject: m.subject,
            body: m.body, status: status(m.status, en: en), statusKey: m.status.rawValue, attempts: m.attempts,
            error: m.lastError ?? "", next: m.status == .pending ? (m.nextAttemptAt.map(LocalTime.format) ?? "") : "",
            retry: m.status == .dead ? Paths.outboxRetry.link(m.id) : "")
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        try NotifyService.requireAdministrator(request)
        let en = Language.of(request) == .en
        let raw = try? request.query.get(String.self, at: "status")
        let selected = raw.flatMap(OutboxMessage.Status.init(rawValue:))
        let outbox = stores.outbox
        let rows = try await outbox.list(status: selected, limit: 200).map { row($0, en: en) }
        let backlog = try await outbox.backlog()
        let filters = [Option(value: "", label: Messages.text("outbox.all", en: en), selected: selected == nil)]
            + OutboxMessage.Status.allCases.map { Option(value: $0.rawValue, label: status($0, en: en), selected: $0 == selected) }
        return try await Page.render("outbox", title: Messages.text("base.outbox", en: en),
                                     context: Context(messages: rows, filters: filters, dead: backlog.dead, pending: backlog.pending),
                                     request: request)
    }

    @Sendable func retry(_ request: Request) async throws -> Response {
        try NotifyService.requireAdministrator(request)
        guard let raw = request.parameters.get("messageID"), let id = OutboxMessage.ID(string: raw) else { throw Problem.notFound() }
        _ = try await stores.outbox.retry(id, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.outbox.rawValue + "?status=pending", redirectType: .normal)
    }
}
