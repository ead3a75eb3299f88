import Fluent
import Foundation
import ParStore
import SQLKit
import Vapor

/// Reads that may be a moment behind go to a PostgreSQL streaming replica when `DATABASE_READ_URL`
/// is set (issue 22): the service index's dashboards and rankings, the transparency portal and the
/// public lookup. Writes, and every other read, go to the primary. The rules that keep a reader from
/// missing what was just done:
/// - a session that has written reads from the primary until the replica has replayed that write
///   (`ReadYourWritesMiddleware` keeps the primary's WAL position after each successful change;
///   `Request.readDB` compares it with the replica's replay position);
/// - a lookup that finds nothing on the replica asks the primary (the receipt just printed is found);
extension DatabaseID {
    static let replica = DatabaseID(string: "parhub-replica")
}

enum ReadReplica {
    static let sessionKey = "wrote-lsn"
}

extension Request {
    /// The database for a read that may be a moment behind: the replica, unless there is none, this
    /// session wrote something it has not replayed yet, or it does not answer.
    func readDB() async -> any Database { await readTarget().db }

    /// Reads `body` from `readDB()`, and from the primary when the replica found nothing (nil).
    func readOrPrimary<T>(_ body: (any Database) async throws -> T?) async throws -> T? {
        let target = await readTarget()
        if let found = try await body(target.db) { return found }
        return target.replica ? try await body(db) : nil
    }

    private func readTarget() async -> (db: any Database, replica: Bool) {
        guard application.parConfig.readDatabase != nil else { return (db, false) }
        let replica = db(.replica)
        if hasSession, let lsn = session.data[ReadReplica.sessionKey] {
            let caught = try? await replica.sql.raw("SELECT pg_last_wal_replay_lsn() >= CAST(\(bind: lsn) AS pg_lsn) AS caught")
                .first()?.decode(column: "caught", as: Bool.self)
            guard caught == true else { return (db, false) }
            session.data[ReadReplica.sessionKey] = nil
        }
        return (replica, true)
    }
}

/// After a successful change made in a session (any method but GET and HEAD, status below 400),
/// keeps the primary's WAL insert position in the session (past the change's commit record, even
/// with `synchronous_commit` off), so its next reads wait for the replica to
/// replay it (`Request.readDB`). Nothing without a replica.
struct ReadYourWritesMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        guard request.application.parConfig.readDatabase != nil, request.method != .GET, request.method != .HEAD,
              response.status.code < 400, request.hasSession else { return response }
        if let lsn = try? await request.db.sql.raw("SELECT CAST(pg_current_wal_insert_lsn() AS TEXT) AS lsn").first()?.decode(column: "lsn", as: String.self) {
            request.session.data[ReadReplica.sessionKey] = lsn
        }
        return response
    }
}
