import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix

/// SQLite: the intake batches' own connection and thread (docs/performance.md, "What limits intake now").
///
/// A batch of intakes is about eighteen round trips (the write gate, a pooled connection, `BEGIN`, the
/// day's numbers, one statement per table, `COMMIT`). Through the app's pool each is a hand-over between
/// threads: the statement goes to SQLite's thread pool, its answer comes back to an event loop busy with
/// HTTP, and on two cores every hand-over waits for a core. Here the batch's code runs on the very thread
/// that runs its SQLite calls (a one-thread pool that is also the batch task's executor), so a statement
/// and its answer follow each other on one thread. Writers still take turns through `SQLiteWriteGate`.
///
/// One per app (`configure`); `shutdown()` when the app stops.
public final class IntakeWriter: Sendable {
    let database: any Database
    let executor: ThreadPoolExecutor
    private let databases: Databases
    private let pool: NIOThreadPool

    /// Opens the writer on the SQLite file `config` names (nil for PostgreSQL: its statements are network
    /// round trips that a thread of their own does not shorten).
    public init?(_ config: DatabaseConfig, eventLoopGroup: any EventLoopGroup, logger: Logger) throws {
        guard case .sqlite = config else { return nil }
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        databases = Databases(threadPool: pool, on: eventLoopGroup)
        databases.use(try config.factory(), as: .init(string: "intake-writer"), isDefault: true)
        guard let database = databases.database(logger: logger, on: eventLoopGroup.any()) else {
            throw DomainStoreError.notSQL
        }
        self.database = database
        executor = ThreadPoolExecutor(pool)
    }

    /// Closes the writer's connections and stops its thread.
    public func shutdown() async {
        await databases.shutdownAsync()
        try? await pool.shutdownGracefully()
    }
}

/// Runs a task's jobs on a thread pool's threads (`Task(executorPreference:)`).
final class ThreadPoolExecutor: TaskExecutor {
    private let pool: NIOThreadPool

    init(_ pool: NIOThreadPool) {
        self.pool = pool
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // Run even once the pool is stopping (it then calls the work item at once): a job is never dropped.
        pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
