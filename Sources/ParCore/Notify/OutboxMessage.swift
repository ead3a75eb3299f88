import Foundation

/// A message waiting in the outbox: written in the same transaction as the change it
/// tells about, delivered afterwards by whichever notifier is configured.
public struct OutboxMessage: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<OutboxMessage>
    public enum Channel: String, Codable, Sendable, CaseIterable { case email, sms }
    /// `dead`: every try failed (`OutboxDelivery.maxAttempts`); an administrator may send it again.
    public enum Status: String, Codable, Sendable, CaseIterable { case pending, sent, dead }

    public var id: ID
    public var channel: Channel
    public var recipient: String
    public var subject: String
    public var body: String
    public var dossierID: Dossier.ID?
    public var status: Status
    public var attempts: Int
    public var createdAt: Date
    public var sentAt: Date?
    public var lastError: String?
    /// When the next try is due (pending messages).
    public var nextAttemptAt: Date?

    public init(id: ID, channel: Channel, recipient: String, subject: String, body: String, dossierID: Dossier.ID?,
                status: Status = .pending, attempts: Int = 0, createdAt: Date, sentAt: Date? = nil, lastError: String? = nil, nextAttemptAt: Date? = nil) {
        self.id = id
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.dossierID = dossierID
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
    }
}

/// How the outbox retries (docs/operations.md, "Notices").
public enum OutboxDelivery {
    /// Tries before a message is dead: the last one about 21 minutes after the first, so a relay
    /// down for a few minutes loses nothing.
    public static let maxAttempts = 8

    /// The wait after the `attempt`-th failed try (1-based): 10 s, 20 s, 40 s … doubling, at most 10 minutes.
    public static func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(600, 10 * pow(2, Double(max(0, attempt - 1))))
    }

    /// What a failed try leaves: pending with the next try's time, or dead after the last — or at
    /// once when the failure is permanent (the relay answered 5xx, RFC 5321 §4.2.1: trying again
    /// cannot help until someone changes something, then sends it again).
    public static func afterFailure(attempts: Int, permanent: Bool = false, now: Date) -> (status: OutboxMessage.Status, nextAttemptAt: Date?) {
        attempts >= maxAttempts || permanent ? (.dead, nil) : (.pending, now.addingTimeInterval(delay(afterAttempt: attempts)))
    }

    /// How long an instance holds the messages it claimed. It sends one only while at least
    /// `sendTimeout` of the claim is left, so a claim never lapses during a send and no other
    /// instance can take the same message meanwhile.
    public static let claimDuration: TimeInterval = 120
    /// The longest one delivery may take (connect, TLS, every reply).
    public static let sendTimeout: TimeInterval = 45
}

extension OutboxMessage {
    /// Refused: only a dead message is sent again.
    public static let notResendable = DomainError(.conflict, "Chỉ gửi lại được thư đã hỏng (gửi không thành công sau mọi lần thử).",
                                                  english: "Only a dead message (every try failed) can be sent again.")

    /// The message sent again from `now`: pending, its tries counted afresh. Only a dead message
    /// (every try failed) is sent again; a pending one is still being tried, a sent one has arrived.
    public func resent(now: Date) throws(DomainError) -> OutboxMessage {
        guard status == .dead else { throw Self.notResendable }
        var message = self
        message.status = .pending
        message.attempts = 0
        message.nextAttemptAt = now
        message.lastError = nil
        return message
    }
}
