import Foundation
import ParCore
import ParStore
import Tracing
import Vapor

/// A job the scheduler runs once a day across every instance (`Scheduler`), or an administrator
/// runs now (`/admin/jobs`, `POST /api/v1/jobs/{name}/run`, `parhub jobs run NAME`).
struct ScheduledJob: Sendable {
    let name: String
    let schedule: DailySchedule
    /// What it does, for the jobs page (`jobs.<name>` in the message catalogue).
    let run: @Sendable (Application, Date) async throws -> JobOutcome
}

struct JobOutcome: Sendable, Equatable {
    let succeeded: Bool
    let message: String
}

enum Jobs {
    static let all: [ScheduledJob] = [indexSettle, auditVerify, indexCheck, officerDigest, supplementReminder, feedbackReminder, parDeadlineReminder,
                                      surveyReminder, appointmentReminder]

    static func named(_ name: String) -> ScheduledJob? { all.first { $0.name == name } }

    /// Runs the job `name` now, for today, under its lease as this instance (`InstanceKey`): an
    /// administrator's **Run now**, the API, `parhub jobs run`. Throws `DomainError`: not found for an
    /// unknown job, conflict while another instance runs it.
    static func runNow(_ name: String, app: Application) async throws -> JobOutcome {
        guard let job = named(name) else {
            throw DomainError(.notFound, "Không có tác vụ \(name).", english: "No job named \(name); parhub jobs list names them.")
        }
        let owner = app.storage[InstanceKey.self] ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let day = VietnamTime.localDate(of: app.parConfig.clock())
        guard let outcome = try await run(job, day: day, app: app, owner: owner, onlyIfDue: false) else {
            throw DomainError(.conflict, "Tác vụ đang chạy ở một máy chủ khác; hãy thử lại sau.",
                              english: "The job is running on another instance; try again later.")
        }
        return outcome
    }

    /// How long an instance holds a job's lease while it runs it.
    static let leaseDuration: TimeInterval = 30 * 60

    /// Runs `job` for `day` under its lease and records the outcome; nil when another instance holds
    /// the lease, or (`onlyIfDue`) when the day's run is already recorded.
    static func run(_ job: ScheduledJob, day: LocalDate, app: Application, owner: String, onlyIfDue: Bool) async throws -> JobOutcome? {
        let clock = app.parConfig.clock
        let leases = Leases(db: app.db), store = app.stores.jobs
        let lease = "job:" + job.name
        // Read first: a job whose day is recorded takes no lease (the scheduler asks every 30 s).
        if onlyIfDue, let last = try await store.runs()[job.name]?.day, last >= day { return nil }
        guard try await leases.acquire(lease, owner: owner, for: leaseDuration, now: clock()) else { return nil }
        do {
            if onlyIfDue, let last = try await store.runs()[job.name]?.day, last >= day {
                try await leases.release(lease, owner: owner)
                return nil
            }
            let started = clock()
            let outcome: JobOutcome
            do {
                // A trace per run when traces are exported (`ProcessTracing`), its statements under it.
                outcome = try await withSpan("job " + job.name) { _ in try await job.run(app, started) }
            } catch {
                outcome = JobOutcome(succeeded: false, message: String(describing: error))
            }
            try await store.record(job.name, day: day, startedAt: started, finishedAt: clock(), succeeded: outcome.succeeded,
                                   message: outcome.message)
            if outcome.succeeded {
                app.logger.info("job \(job.name) (\(day.iso)): \(outcome.message)")
            } else {
                app.logger.error("job \(job.name) (\(day.iso)) failed: \(outcome.message)")
            }
            try await leases.release(lease, owner: owner)
            return outcome
        } catch {
            try? await leases.release(lease, owner: owner)
            throw error
        }
    }

    /// Walks the audit hash chain (`parhub audit verify`).
    /// Rows still unsealed are sealed first (a running server's sealer leaves none older than a
    /// moment; a number here means it had fallen behind).
    static let auditVerify = ScheduledJob(name: "audit-verify", schedule: DailySchedule(hour: 2, minute: 0)) { app, _ in
        let sealed = try await AuditSealer.sealAll(on: app.db)
        return switch try await AuditLog.verify(on: app.db) {
        case .intact(let rows): JobOutcome(succeeded: true, message: "audit chain intact: \(rows) rows" + (sealed > 0 ? " (\(sealed) sealed first)" : ""))
        case .broken(let sequence, let reason): JobOutcome(succeeded: false, message: "audit chain broken at row \(sequence): \(reason)")
        }
    }

    /// Records the open gauge at the end of past days and folds past due days into the always-late
    /// rows (`IndexSettle`): reads of past periods and of today stay a row per unit.
    static let indexSettle = ScheduledJob(name: "index-settle", schedule: DailySchedule(hour: 0, minute: 5)) { app, now in
        let report = try await IndexSettle.run(today: VietnamTime.localDate(of: now), on: app.db)
        return JobOutcome(succeeded: true, message: "\(report.recorded.count) day ends recorded, \(report.folded) gauge rows folded")
    }

    /// Recomputes the service index counters and compares them, changing nothing (`parhub index rebuild`).
    static let indexCheck = ScheduledJob(name: "index-check", schedule: DailySchedule(hour: 2, minute: 30)) { app, now in
        let report = try await IndexRebuild(db: app.db).run(apply: false, now: now)
        return report.matches
            ? JobOutcome(succeeded: true, message: "\(report.events) events replayed; the live counters match")
            : JobOutcome(succeeded: false, message: "\(report.differences.count) differences, \(report.unreplayable) unreplayable events: "
                         + "run parhub index rebuild")
    }

    /// One reminder per supplement request still unanswered after `Reminders.supplementAfterWorkingDays`.
    static let supplementReminder = ScheduledJob(name: "supplement-reminder", schedule: DailySchedule(hour: 8, minute: 0)) { app, now in
        let store = app.stores.jobs
        let calendar = try await app.stores.calendar.calendar()
        var sent = 0, waiting = 0
        for dossier in try await store.awaitingSupplement() {
            guard let requestedAt = dossier.supplementRequestedAt else { continue }
            waiting += 1
            guard Reminders.supplementReminderDue(requestedAt: requestedAt, now: now, calendar: calendar) else { continue }
            let notice = Reminders.supplementNotice(code: dossier.code, requestedAt: requestedAt)
            if try await store.remind("supplement-reminder", object: dossier.id.description, key: String(Leases.milliseconds(requestedAt)),
                                      dossier: dossier, notice: notice, now: now) { sent += 1 }
        }
        return JobOutcome(succeeded: true, message: "\(sent) reminders sent; \(waiting) dossiers wait for a supplement")
    }

    /// One survey reminder to those whose result was returned `Reminders.surveyAfterDays` days ago
    /// and who have not answered.
    static let surveyReminder = ScheduledJob(name: "survey-reminder", schedule: DailySchedule(hour: 9, minute: 0)) { app, now in
        let store = app.stores.jobs, satisfaction = app.stores.satisfaction
        let day = VietnamTime.localDate(of: now).adding(days: -Reminders.surveyAfterDays)
        var sent = 0
        for dossier in try await store.returned(from: VietnamTime.instant(day, .midnight), to: VietnamTime.instant(day.adding(days: 1), .midnight)) {
            guard try await satisfaction.answeredAt(dossier.id) == nil else { continue }
            let notice = Reminders.surveyNotice(code: dossier.code, link: SurveyLinks.url(for: dossier, config: app.parConfig))
            if try await store.remind("survey-reminder", object: dossier.id.description, key: "once", dossier: dossier, notice: notice, now: now) {
                sent += 1
            }
        }
        return JobOutcome(succeeded: true, message: "\(sent) survey reminders sent for results returned on \(day.shown)")
    }
}

/// Checks every 30 seconds whether a job's day has come and runs it, once across all instances.
enum Scheduler {
    static func loop(owner: String, interval: Duration = .seconds(30)) -> BackgroundLoop {
        BackgroundLoop("scheduler", every: interval) { app in await tick(app, owner: owner) }
    }

    /// Runs every job whose day has come and whose run for it is not recorded yet.
    static func tick(_ app: Application, owner: String) async {
        let now = app.parConfig.clock()
        for job in Jobs.all {
            do {
                _ = try await Jobs.run(job, day: job.schedule.day(at: now), app: app, owner: owner, onlyIfDue: true)
            } catch {
                app.logger.warning("scheduler: \(job.name): \(String(describing: error))")
            }
        }
    }
}

/// What `parhub jobs` prints and does.
public enum JobsConsole {
    public static func list(_ app: Application) async throws -> [String] {
        let runs = try await app.stores.jobs.runs()
        return Jobs.all.map { job in
            let run = runs[job.name]
            let last = run.map { "\($0.succeeded == true ? "ok" : "FAILED") for \($0.day?.iso ?? "?"): \($0.message ?? "")" } ?? "not run yet"
            return "\(job.name.padding(toLength: 20, withPad: " ", startingAt: 0)) daily \(job.schedule)  \(last)"
        }
    }

    /// Runs `name` now, for today; throws `DomainError` when there is no such job or another instance runs it.
    public static func run(_ name: String, app: Application) async throws -> (succeeded: Bool, message: String) {
        let outcome = try await Jobs.runNow(name, app: app)
        return (outcome.succeeded, outcome.message)
    }
}
