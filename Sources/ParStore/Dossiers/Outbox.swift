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
        let row = OutboxModel()
        row.id = UUID()
        row.channel = channel.rawValue
        row.recipient = recipient
        row.subject = subject
        row.body = body
        row.dossierID = dossier?.rawValue
        row.status = OutboxMessage.Status.pending.rawValue
        row.attempts = 0
        row.createdAt = now
        try await row.create(on: tx)
    }

    /// Tells the applicant, if the dossier has an e-mail address (the phone gets an SMS
    /// only when an SMS gateway is configured, so it is not queued here).
    static func notifyApplicant(of dossier: Dossier, _ notice: DossierNotice, now: Date, on tx: any Database) async throws {
        guard let email = dossier.applicant.email, !email.isEmpty else { return }
        try await enqueue(.email, to: email, subject: "[\(dossier.code)] \(notice.subject)", body: notice.body, dossier: dossier.id, now: now, on: tx)
    }

    /// Oldest pending messages first.
    public func pending(limit: Int) async throws -> [OutboxMessage] {
        try await OutboxModel.query(on: db).filter(\.$status == OutboxMessage.Status.pending.rawValue)
            .sort(\.$createdAt).limit(limit).all().map { $0.toDomain() }
    }

    /// The latest messages, newest first (the administrators' outbox page).
    public func recent(limit: Int) async throws -> [OutboxMessage] {
        try await OutboxModel.query(on: db).sort(\.$createdAt, .descending).limit(limit).all().map { $0.toDomain() }
    }

    /// Messages about one dossier, oldest first.
    public func messages(about dossier: Dossier.ID) async throws -> [OutboxMessage] {
        try await OutboxModel.query(on: db).filter(\.$dossierID == dossier.rawValue).sort(\.$createdAt).all().map { $0.toDomain() }
    }

    /// Records a delivery attempt. Only a pending message changes, so two instances
    /// delivering at once record one outcome; after 5 failures the message is failed.
    @discardableResult
    public func record(_ id: OutboxMessage.ID, sent: Bool, error: String?, now: Date) async throws -> Bool {
        let attempts = try await OutboxModel.find(id.rawValue, on: db)?.attempts ?? 0
        let status: OutboxMessage.Status = sent ? .sent : (attempts + 1 >= 5 ? .failed : .pending)
        let rows = try await db.sql.update("outbox")
            .set("status", to: status.rawValue).set("attempts", to: attempts + 1)
            .set("sent_at", to: sent ? now : nil).set("last_error", to: error.map { String($0.prefix(500)) })
            .where("id", .equal, id.rawValue).where("status", .equal, OutboxMessage.Status.pending.rawValue)
            .where("attempts", .equal, attempts)
            .returning("id").all()
        return rows.count == 1
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
    init() {}

    func toDomain() -> OutboxMessage {
        OutboxMessage(id: .init(id ?? UUID()), channel: OutboxMessage.Channel(rawValue: channel) ?? .email, recipient: recipient,
                      subject: subject, body: body, dossierID: dossierID.map { .init($0) },
                      status: OutboxMessage.Status(rawValue: status) ?? .pending, attempts: attempts, createdAt: createdAt,
                      sentAt: sentAt, lastError: lastError)
    }
}
