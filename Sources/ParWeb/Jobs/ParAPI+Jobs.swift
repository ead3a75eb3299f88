import Foundation
import ParCore
import ParStore
import Vapor

extension ParAPI {
    func listJobs(_ input: Operations.ListJobs.Input) async throws -> Operations.ListJobs.Output {
        let request = try self.request
        try NotifyService.requireAdministrator(request)
        return .ok(.init(body: .json(.init(items: try await JobService.states(request.db).map(Self.job)))))
    }

    func runJob(_ input: Operations.RunJob.Input) async throws -> Operations.RunJob.Output {
        let request = try self.request
        try NotifyService.requireAdministrator(request)
        _ = try await JobService.runNow(input.path.name, request: request)
        guard let state = try await JobService.states(request.db).first(where: { $0.job.name == input.path.name }) else { throw Problem.notFound() }
        return .ok(.init(body: .json(Self.job(state))))
    }

    static func job(_ state: JobService.State) -> Components.Schemas.ScheduledJob {
        .init(name: state.job.name, time: state.job.schedule.description, lastDay: state.run?.day?.iso,
              lastFinishedAt: state.run?.finishedAt, succeeded: state.run?.succeeded, message: state.run?.message, runs: state.run?.runs ?? 0)
    }
}
