import Fluent
import Foundation
import ParCore
import ParStore
import Vapor

/// Administrators see each scheduled job with its time and last run, and run one now.
struct JobPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.jobs.pattern, use: show)
        routes.post(Paths.jobRun.pattern, use: runNow)
    }

    struct Row: Encodable {
        let name: String
        let purpose: String
        let time: String
        let lastDay: String
        let lastRun: String
        let status: String
        let statusKey: String
        let message: String
        let runs: Int
        let action: String
    }

    func purpose(_ name: String, en: Bool) -> String {
        switch name {
        case "audit-verify": Messages.text("jobs.audit-verify", en: en)
        case "index-check": Messages.text("jobs.index-check", en: en)
        case "supplement-reminder": Messages.text("jobs.supplement-reminder", en: en)
        case "survey-reminder": Messages.text("jobs.survey-reminder", en: en)
        case "officer-digest": Messages.text("jobs.officer-digest", en: en)
        case "feedback-reminder": Messages.text("jobs.feedback-reminder", en: en)
        case "par-deadline-reminder": Messages.text("jobs.par-deadline-reminder", en: en)
        case "appointment-reminder": Messages.text("jobs.appointment-reminder", en: en)
        default: name
        }
    }

    func status(_ key: String, en: Bool) -> String {
        switch key {
        case "ok": Messages.text("jobs.status.ok", en: en)
        case "failed": Messages.text("jobs.status.failed", en: en)
        default: Messages.text("jobs.status.never", en: en)
        }
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        try NotifyService.requireAdministrator(request)
        let en = Language.of(request) == .en
        let rows = try await JobService.states(request.db).map { state in
            let key = state.run?.succeeded.map { $0 ? "ok" : "failed" } ?? "never"
            return Row(name: state.job.name, purpose: purpose(state.job.name, en: en), time: state.job.schedule.description,
                       lastDay: state.run?.day.map { LocalTime.format($0) } ?? "—", lastRun: state.run?.finishedAt.map(LocalTime.format) ?? "—",
                       status: status(key, en: en), statusKey: key, message: state.run?.message ?? "",
                       runs: state.run?.runs ?? 0, action: Paths.jobRun.link(state.job.name))
        }
        struct Context: Encodable { let jobs: [Row] }
        return try await Page.render("jobs", title: Messages.text("jobs.title", en: en), context: Context(jobs: rows), request: request)
    }

    @Sendable func runNow(_ request: Request) async throws -> Response {
        try NotifyService.requireAdministrator(request)
        _ = try await JobService.runNow(request.parameters.get("name") ?? "", request: request)
        return request.redirect(to: Paths.jobs.rawValue, redirectType: .normal)
    }

}
