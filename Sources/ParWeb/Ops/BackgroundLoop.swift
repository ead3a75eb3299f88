import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs `body` every `interval` from the application's boot until its shutdown, which waits for
/// the round under way: the outbox dispatcher and the job scheduler. A round that throws is
/// logged under `name` and the loop goes on.
final class BackgroundLoop: LifecycleHandler, Sendable {
    let name: String
    let interval: Duration
    let body: @Sendable (Application) async throws -> Void
    /// Run once after the last round when the application shuts down (the audit sealer's last seal).
    let last: (@Sendable (Application) async throws -> Void)?
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(_ name: String, every interval: Duration, last: (@Sendable (Application) async throws -> Void)? = nil,
         _ body: @escaping @Sendable (Application) async throws -> Void) {
        self.name = name
        self.interval = interval
        self.last = last
        self.body = body
    }

    func didBootAsync(_ application: Application) async throws {
        let name = name, interval = interval, body = body
        task.withLockedValue {
            $0 = Task.detached {
                while !Task.isCancelled {
                    do {
                        try await body(application)
                    } catch {
                        application.logger.warning("\(name): \(String(describing: error))")
                    }
                    try? await Task.sleep(for: interval)
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
        guard running != nil, let last else { return }
        do { try await last(application) } catch { application.logger.warning("\(name): \(String(describing: error))") }
    }
}
