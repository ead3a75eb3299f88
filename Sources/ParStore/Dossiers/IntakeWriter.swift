import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix

/// SQLite: the intake batches' own connection and thread (docs/performance.md, "What limits intake now").
///
/// A batch of intakes is about eighteen round trips (the write gate, a pooled connection, `BEGIN`, the
/// day's numbers, one statement per table, `COMMIT`). Through the app's pool each statement waits for one
/// of the pool's threads, which the other requests' reads also use. Here the batches have a connection
/// kept for a whole run of batches, on a pool of one thread that nothing else uses. Writers still take
/// turns through `SQLiteWriteGate`. (The batch's Swift code runs on the event loops as before: Fluent's
/// async `withConnection` and `transaction` start a new unstructured task, which would not keep a task
/// executor preference, so none is set.)
///
/// One per app (`configure`); `shutdown()` when the app stops.
public final class IntakeWriter: Sendable {
    let database: any Database
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
            databases.shutdown()
            pool.shutdownGracefully { _ in }   // the thread started above stops with the error
            throw DomainStoreError.notSQL
        }
        self.database = database
    }

    /// Closes the writer's connections and stops its thread.
    public func shutdown() async {
        await databases.shutdownAsync()
        try? await pool.shutdownGracefully()
    }
}
