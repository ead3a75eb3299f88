import Fluent
import Foundation
import ParCore
import ParStore
import Vapor

/// What the jobs page and API share: each job's state, and running one now.
enum JobService {
    /// A job's state for the page and the API.
    struct State {
        let job: ScheduledJob
        let run: JobRun?
    }

    static func states(_ db: any Database) async throws -> [State] {
        let runs = try await JobStore(db: db).runs()
        return Jobs.all.map { State(job: $0, run: runs[$0.name]) }
    }

    /// Runs the job now (`Jobs.runNow`: 404 unknown, 409 while another instance runs it) and audits who did.
    static func runNow(_ name: String, request: Request) async throws -> JobOutcome {
        let outcome = try await Jobs.runNow(name, app: request.application)
        let actor = request.auditActor, now = request.now
        try await request.db.writeTransaction { tx in
            try await AuditLog.append(on: tx, actor: actor, action: "job.run", entityType: "job", entityID: name,
                                      after: ["succeeded": String(outcome.succeeded)], now: now)
        }
        return outcome
    }
}
