import Foundation
import NIOCore
import ParCore
import ParStore
import Vapor

/// Delivers one message; throws when it could not.
protocol Notifier: Sendable {
    func deliver(_ message: OutboxMessage) async throws
}

/// A failure that trying again cannot mend (an SMTP 5xx reply): the message is dead at once.
protocol PermanentDeliveryFailure: Error {
    var isPermanent: Bool { get }
}

/// The default notifier: notes each message in the log — its id, channel and subject, never
/// the recipient (Decree 13/2023: no personal data in logs); operators wire SMTP with
/// `PARHUB_SMTP_HOST`. Administrators read every message, recipient included, on the outbox page.
struct LogNotifier: Notifier {
    let logger: Logger

    func deliver(_ message: OutboxMessage) async throws {
        logger.notice("outbox \(message.channel.rawValue) \(message.id): \(message.subject) (recipient on /admin/outbox)")
    }
}

/// Drains the outbox every few seconds while the app runs (`loop`). Every instance runs one; each
/// claims the messages it sends (`OutboxRepository.claim`), so no two instances send the same
/// message, and a message an instance claimed and could not finish is taken over when the claim lapses.
enum OutboxDispatcher {
    /// The dispatcher of an instance named `owner` (as it names itself in claims and in EHLO).
    static func loop(notifier: any Notifier, owner: String, interval: Duration = .seconds(2),
                     clock: @escaping @Sendable () -> Date) -> BackgroundLoop {
        BackgroundLoop("outbox", every: interval) { app in
            try await drain(app.stores.outbox, notifier: notifier, owner: owner, clock: clock)
        }
    }

    /// Claims what is due now and delivers it; returns how many were sent. A message is sent only
    /// while enough of the claim is left for a whole delivery (`OutboxDelivery.sendTimeout`); the
    /// rest lapse unsent and are claimed again.
    @discardableResult
    static func drain(_ outbox: OutboxRepository, notifier: any Notifier, owner: String, clock: @Sendable () -> Date,
                      limit: Int = 20) async throws -> Int {
        let claimedAt = ContinuousClock.now
        let usable = Duration.seconds(OutboxDelivery.claimDuration - OutboxDelivery.sendTimeout)
        var sent = 0
        for message in try await outbox.claim(owner: owner, limit: limit, now: clock()) {
            guard ContinuousClock.now - claimedAt < usable else { break }
            do {
                try await withDeadline(.seconds(OutboxDelivery.sendTimeout)) { try await notifier.deliver(message) }
                if try await outbox.record(message, owner: owner, sent: true, error: nil, now: clock()) { sent += 1 }
            } catch {
                try await outbox.record(message, owner: owner, sent: false, error: String(describing: error),
                                        permanent: (error as? any PermanentDeliveryFailure)?.isPermanent == true, now: clock())
            }
        }
        return sent
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var description: String { "timed out" }
}

/// Runs `body`, cancelling it and throwing `DeadlineExceeded` if it takes longer than `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
