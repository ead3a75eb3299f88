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

    /// Runs the job now (for today), under its lease; 409 while another instance runs it.
    static func runNow(_ name: String, request: Request) async throws -> JobOutcome {
        guard let job = Jobs.named(name) else { throw Problem.notFound("Không có tác vụ \(name).", english: "No job named \(name).") }
        let owner = request.application.storage[InstanceKey.self] ?? "request-\(request.id)"
        let day = VietnamTime.localDate(of: request.now)
        guard let outcome = try await Jobs.run(job, day: day, app: request.application, owner: owner, onlyIfDue: false) else {
            throw Problem(DomainError(.conflict, "Tác vụ đang chạy ở một máy chủ khác; hãy thử lại sau.",
                                      english: "The job is running on another instance; try again later."))
        }
        let actor = request.auditActor, now = request.now
        try await request.db.writeTransaction { tx in
            try await AuditLog.append(on: tx, actor: actor, action: "job.run", entityType: "job", entityID: name,
                                      after: ["succeeded": String(outcome.succeeded)], now: now)
        }
        return outcome
    }
}
