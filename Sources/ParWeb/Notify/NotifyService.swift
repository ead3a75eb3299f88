import ParCore
import Vapor

/// What the outbox's and the jobs' pages and API handlers share.
enum NotifyService {
    /// The outbox, the test SMS screen's administration and the scheduled jobs are the administrators'.
    static func requireAdministrator(_ request: Request) throws {
        guard try request.requirePrincipal().mayAnywhere(.manageUsers) else { throw Problem.forbidden() }
    }
}
