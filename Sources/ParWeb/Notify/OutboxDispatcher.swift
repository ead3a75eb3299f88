import Foundation
import NIOConcurrencyHelpers
import NIOCore
import ParCore
import ParStore
import Vapor

/// Delivers one message; throws when it could not.
protocol Notifier: Sendable {
    func deliver(_ message: OutboxMessage) async throws
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

/// Drains the outbox every few seconds while the app runs. Several instances may run
/// it at once: recording an attempt is a compare-and-set, so a message is recorded sent once.
final class OutboxDispatcher: LifecycleHandler, Sendable {
    let notifier: any Notifier
    let interval: TimeAmount
    let clock: @Sendable () -> Date
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(notifier: any Notifier, interval: TimeAmount = .seconds(2), clock: @escaping @Sendable () -> Date) {
        self.notifier = notifier
        self.interval = interval
        self.clock = clock
    }

    func didBootAsync(_ application: Application) async throws {
        let notifier = notifier, clock = clock, nanos = UInt64(interval.nanoseconds)
        let db = application.db, logger = application.logger
        task.withLockedValue {
            $0 = Task.detached {
                while !Task.isCancelled {
                    do {
                        try await Self.drain(OutboxRepository(db: db), notifier: notifier, clock: clock)
                    } catch {
                        logger.warning("outbox: \(String(describing: error))")
                    }
                    try? await Task.sleep(nanoseconds: nanos)
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }

    /// Delivers what is pending now; returns how many were sent.
    @discardableResult
    static func drain(_ outbox: OutboxRepository, notifier: any Notifier, clock: @Sendable () -> Date,
                      limit: Int = 50) async throws -> Int {
        var sent = 0
        for message in try await outbox.pending(limit: limit) {
            do {
                try await notifier.deliver(message)
                if try await outbox.record(message.id, sent: true, error: nil, now: clock()) { sent += 1 }
            } catch {
                try await outbox.record(message.id, sent: false, error: String(describing: error), now: clock())
            }
        }
        return sent
    }
}
