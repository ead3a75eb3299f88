import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix

extension DatabaseConfig {
    /// Runs `body` with a connection pool of its own on this database, outside any Vapor
    /// application, and closes every connection before returning (on SQLite the last close
    /// checkpoints the write-ahead log and removes it).
    public func withDatabase<T: Sendable>(logger: Logger = Logger(label: "parhub.store"), poolTimeout: Int64 = 60, connectionsPerEventLoop: Int = 2,
                                          _ body: @Sendable (any Database) async throws -> T) async throws -> T {
        let group = MultiThreadedEventLoopGroup.singleton
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: group)
        databases.use(try factory(poolTimeout: poolTimeout, connectionsPerEventLoop: connectionsPerEventLoop), as: .init(string: "standalone"), isDefault: true)
        guard let db = databases.database(logger: logger, on: group.any()) else {
            await databases.shutdownAsync()
            throw DomainStoreError.notSQL
        }
        do {
            let result = try await body(db)
            await databases.shutdownAsync()
            return result
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }
}
