import FluentKit
import Foundation
import ParCore
import SQLKit

/// The notification outbox: messages written in the transaction of the change they
/// tell about and delivered afterwards, so a notice is never sent for a change that
/// rolled back, and never lost for one that committed.
public struct OutboxRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    static func enqueue(_ channel: OutboxMessage.Channel, to recipient: String, subject: String, body: String,
                        dossier: Dossier.ID?, now: Date, on tx: any Database) async throws {
        // As text (intake writes one for most dossiers), now or with its batch (`WriteBatch`).
        try await WriteBatch.append(into: OutboxModel.schema, columns: [
            "id", "channel", "recipient", "subject", "body", "dossier_id", "status", "attempts", "created_at", "next_attempt_ms",
        ], rows: [[
            UUID(), channel.rawValue, recipient, subject, body, dossier?.rawValue, OutboxMessage.Status.pending.rawValue, 0, now,
            Leases.milliseconds(now),
        ]], on: tx)
    }

    /// Where `notice` reaches the applicant: by SMS when they chose it, have a phone and the notice has
    /// an SMS text; otherwise by e-mail, if the dossier has an address; nil when neither.
    static func route(_ notice: DossierNotice, to dossier: Dossier) -> (channel: OutboxMessage.Channel, recipient: String, subject: String, body: String)? {
        notice.route(code: dossier.code, email: dossier.applicant.email,
                     smsPhone: dossier.applicant.notifyBy == .sms ? dossier.applicant.phone : nil)
    }

    /// Tells the applicant as `route` says, if it reaches them.
    static func notifyApplicant(of dossier: Dossier, _ notice: DossierNotice, now: Date, on tx: any Database) async throws {
        guard let (channel, recipient, subject, body) = route(notice, to: dossier) else { return }
        try await enqueue(channel, to: recipient, subject: subject, body: body, dossier: dossier.id, now: now, on: tx)
    }

    /// Claims up to `limit` pending messages whose try is due and that no instance holds, oldest due
    /// first, for `owner` (`OutboxDelivery.claimDuration`); another instance cannot claim them meanwhile.
    public func claim(owner: String, limit: Int, now: Date) async throws -> [OutboxMessage] {
        let nowMs = Leases.milliseconds(now)
        let ids = try await Leases(db: db).claimRows("outbox", ready: "status = 'pending' AND next_attempt_ms <= \(bind: nowMs)",
                                                     order: "next_attempt_ms", limit: limit, owner: owner,
                                                     for: OutboxDelivery.claimDuration, now: now)
        guard !ids.isEmpty else { return [] }
        return try await OutboxModel.query(on: db).filter(\.$id ~~ ids).sort(\.$nextAttemptMs).all().map { $0.toDomain() }
    }

    /// Messages about one dossier, oldest first.
    public func messages(about dossier: Dossier.ID) async throws -> [OutboxMessage] {
        try await OutboxModel.query(on: db).filter(\.$dossierID == dossier.rawValue).sort(\.$createdAt).all().map { $0.toDomain() }
    }

    /// Records `owner`'s try of a message it claimed: sent, or failed — then pending with the next
    /// try's time (`OutboxDelivery`), or dead after the last. The claim is released. False when the
    /// message was not `owner`'s to record (its claim lapsed and another instance took it).
    @discardableResult
    public func record(_ message: OutboxMessage, owner: String, sent: Bool, error: String?, permanent: Bool = false,
                       now: Date) async throws -> Bool {
        let attempts = message.attempts + 1
        let (status, next): (OutboxMessage.Status, Date?) = sent ? (.sent, nil)
            : OutboxDelivery.afterFailure(attempts: attempts, permanent: permanent, now: now)
        let rows = try await db.writeTransaction { tx in
            try await tx.sql.update("outbox")
                .set("status", to: status.rawValue).set("attempts", to: attempts)
                .set("sent_at", to: sent ? now : nil).set("last_error", to: error.map { String($0.prefix(500)) })
                .set("next_attempt_ms", to: next.map(Leases.milliseconds))
                .set("lease_owner", to: SQLLiteral.null).set("lease_until_ms", to: SQLLiteral.null)
                .where("id", .equal, message.id.rawValue).where("status", .equal, OutboxMessage.Status.pending.rawValue)
                .where("lease_owner", .equal, owner)
                .returning("id").all()
        }
        return rows.count == 1
    }

    /// Sends a dead message again: pending, due now, its tries counted afresh. Audited.
    public func retry(_ id: OutboxMessage.ID, actor: AuditActor, now: Date) async throws -> OutboxMessage {
        try await db.writeTransaction { tx in
            guard let model = try await OutboxModel.find(id.rawValue, on: tx) else {
                throw DomainError(.notFound, "Không tìm thấy thư.", english: "No such message.")
            }
            var message = try model.toDomain().resent(now: now)
            message.nextAttemptAt = Date(timeIntervalSince1970: Double(Leases.milliseconds(now)) / 1000)  // as stored
            // Guarded by the status read: a message another administrator has just sent again stays as it is.
            let rows = try await tx.sql.update("outbox")
                .set("status", to: message.status.rawValue).set("attempts", to: message.attempts)
                .set("next_attempt_ms", to: Leases.milliseconds(now)).set("last_error", to: SQLLiteral.null)
                .where("id", .equal, id.rawValue).where("status", .equal, model.status)
                .returning("id").all()
            guard rows.count == 1 else { throw OutboxMessage.notResendable }
            try await AuditLog.append(on: tx, actor: actor, action: "outbox.retry", entityType: "outbox", entityID: id.description,
                                      after: ["status": message.status.rawValue], now: now)
            return message
        }
    }

    /// Messages by status, newest first (the outbox page and `GET /api/v1/outbox`).
    public func list(status: OutboxMessage.Status?, limit: Int) async throws -> [OutboxMessage] {
        let query = OutboxModel.query(on: db)
        if let status { query.filter(\.$status == status.rawValue) }
        return try await query.sort(\.$createdAt, .descending).limit(limit).all().map { $0.toDomain() }
    }

    /// How many messages wait to be sent, and how many are dead (`/metrics`).
    public func backlog() async throws -> (pending: Int, dead: Int) {
        let rows = try await db.sql.select().column("status").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("outbox").where("status", .in, [OutboxMessage.Status.pending.rawValue, OutboxMessage.Status.dead.rawValue])
            .groupBy("status").all()
        var result = (pending: 0, dead: 0)
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            if try row.decode(column: "status", as: String.self) == OutboxMessage.Status.dead.rawValue { result.dead = n } else { result.pending = n }
        }
        return result
    }
}

final class OutboxModel: Model, @unchecked Sendable {
    static let schema = "outbox"
    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: String
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @OptionalField(key: "dossier_id") var dossierID: UUID?
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "next_attempt_ms") var nextAttemptMs: Int64?
    init() {}

    func toDomain() -> OutboxMessage {
        OutboxMessage(id: .init(id ?? UUID()), channel: OutboxMessage.Channel(rawValue: channel) ?? .email, recipient: recipient,
                      subject: subject, body: body, dossierID: dossierID.map { .init($0) },
                      status: OutboxMessage.Status(rawValue: status) ?? .pending, attempts: attempts, createdAt: createdAt,
                      sentAt: sentAt, lastError: lastError,
                      nextAttemptAt: nextAttemptMs.map { Date(timeIntervalSince1970: Double($0) / 1000) })
    }
}
