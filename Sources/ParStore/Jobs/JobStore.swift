import FluentKit
import Foundation
import ParCore
import SQLKit

/// A scheduled job's last run, as the jobs page and `/metrics` show it.
public struct JobRun: Sendable, Equatable {
    public var name: String
    /// The schedule day the run was for (`DailySchedule.day`).
    public var day: LocalDate?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var succeeded: Bool?
    public var message: String?
    public var runs: Int
}

/// What the scheduler keeps: each job's last run (`job_runs`) and the marks that make a job act at
/// most once on an object (`job_marks`, unique by job, object and key).
public struct JobStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func runs() async throws -> [String: JobRun] {
        var result: [String: JobRun] = [:]
        for row in try await db.sql.select().column("*").from("job_runs").all() {
            let run = try Self.run(row)
            result[run.name] = run
        }
        return result
    }

    static func run(_ row: any SQLRow) throws -> JobRun {
        func date(_ column: String) throws -> Date? {
            try row.decode(column: column, as: Int64?.self).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
        return JobRun(name: try row.decode(column: "name", as: String.self),
                      day: try row.decode(column: "day", as: String?.self).flatMap(LocalDate.init(iso:)),
                      startedAt: try date("started_ms"), finishedAt: try date("finished_ms"),
                      succeeded: try row.decode(column: "succeeded", as: Int?.self).map { $0 != 0 },
                      message: try row.decode(column: "message", as: String?.self),
                      runs: try row.decode(column: "runs", as: Int.self))
    }

    /// Records a finished run of `name` for `day`.
    public func record(_ name: String, day: LocalDate, startedAt: Date, finishedAt: Date, succeeded: Bool, message: String) async throws {
        try await db.writeTransaction { tx in
            try await tx.sql.raw("""
                INSERT INTO job_runs (name, day, started_ms, finished_ms, succeeded, message, runs)
                VALUES (\(bind: name), \(bind: day.iso), \(bind: Leases.milliseconds(startedAt)), \(bind: Leases.milliseconds(finishedAt)),
                        \(bind: succeeded ? 1 : 0), \(bind: String(message.prefix(2000))), 1)
                ON CONFLICT (name) DO UPDATE SET day = excluded.day, started_ms = excluded.started_ms, finished_ms = excluded.finished_ms,
                    succeeded = excluded.succeeded, message = excluded.message, runs = job_runs.runs + 1
                """).run()
        }
    }

    /// Marks that `job` acted on `object` (under `key`, e.g. a day) inside the caller's transaction;
    /// false when it already had, and then the caller does nothing.
    static func mark(_ job: String, object: String, key: String, now: Date, on tx: any Database) async throws -> Bool {
        let row = try await tx.sql.raw("""
            INSERT INTO job_marks (job, object, mark_key, at_ms) VALUES (\(bind: job), \(bind: object), \(bind: key), \(bind: Leases.milliseconds(now)))
            ON CONFLICT (job, object, mark_key) DO NOTHING RETURNING job
            """).first()
        return row != nil
    }

    /// Sends `notice` to the dossier's applicant once for (`job`, `object`, `key`), the way their other
    /// notices go (`OutboxRepository.notifyApplicant`: SMS if they chose it, else e-mail): the mark and
    /// the outbox message are written in one transaction. Returns whether it was sent now.
    public func remind(_ job: String, object: String, key: String, dossier: Dossier, notice: DossierNotice, now: Date) async throws -> Bool {
        guard let route = OutboxRepository.route(notice, to: dossier) else { return false }
        return try await remind(job, object: object, key: key, route: route, dossier: dossier.id, now: now)
    }

    /// Queues one message once for (`job`, `object`, `key`): the mark and the message in one
    /// transaction. Returns whether it was queued now (false: it had been).
    public func remind(_ job: String, object: String, key: String,
                       route: (channel: OutboxMessage.Channel, recipient: String, subject: String, body: String),
                       dossier: Dossier.ID? = nil, now: Date) async throws -> Bool {
        try await db.writeTransaction { tx in
            guard try await Self.mark(job, object: object, key: key, now: now, on: tx) else { return false }
            try await OutboxRepository.enqueue(route.channel, to: route.recipient, subject: route.subject, body: route.body,
                                               dossier: dossier, now: now, on: tx)
            return true
        }
    }

    /// Sends `notice` by e-mail to a member of staff once for (`job`, `object`, `key`); false when
    /// they have no e-mail or it was sent before.
    public func remind(_ job: String, object: String, key: String, staff user: UserAccount, notice: DossierNotice, now: Date) async throws -> Bool {
        guard let email = user.email else { return false }
        return try await remind(job, object: object, key: key, route: (.email, email, notice.subject, notice.body), now: now)
    }

    /// Dossiers waiting for a supplement now (through `dossiers_state_idx`).
    public func awaitingSupplement(limit: Int = 10_000) async throws -> [Dossier] {
        try await db.sql.select().columns("data", "version").from("dossiers")
            .where("state", .equal, DossierState.supplementRequested.rawValue).limit(limit).all().map(DossierModel.decode)
    }

    /// Dossiers whose result was returned in [`from`, `to`) (through `dossier_events_state_at_idx`).
    public func returned(from: Date, to: Date, limit: Int = 10_000) async throws -> [Dossier] {
        let ids = try await db.sql.select().distinct().column("dossier_id").from("dossier_events")
            .where("to_state", .equal, DossierState.returned.rawValue)
            .where("at", .greaterThanOrEqual, SQLBind(from)).where("at", .lessThan, SQLBind(to)).limit(limit).all()
            .map { try $0.decode(column: "dossier_id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        return try await db.sql.select().columns("data", "version").from("dossiers").where("id", .in, ids)
            .all().map(DossierModel.decode)
    }
}
