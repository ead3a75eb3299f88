import Foundation
import ParCore
import ParStore
import Vapor

/// Yearly PAR plans: a unit's tasks by field with progress and evidence, adding and updating
/// tasks, copying the province's plan, and the overdue list for leaders.
struct PlanPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.plans.pattern, use: overview)
        routes.get(Paths.planUnit.pattern, use: show)
        routes.post(Paths.planUnit.pattern, use: addTask)
        routes.post(Paths.planCopy.pattern, use: copy)
        routes.get(Paths.planOverdue.pattern, use: overdue)
        routes.get(Paths.planTask.pattern, use: editTask)
        routes.post(Paths.planTask.pattern, use: updateTask)
    }

    typealias Option = SatisfactionPages.Option

    func fieldOptions(_ selected: String?, en: Bool) -> [Option] {
        PARField.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: $0.rawValue == selected) }
    }

    func statusOptions(_ selected: String?, en: Bool) -> [Option] {
        PlanTask.Status.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: $0.rawValue == selected) }
    }

    static func year(_ request: Request) throws -> Int {
        guard let raw = try? request.query.get(String.self, at: "year"), !raw.isEmpty else { return VietnamTime.localDate(of: request.now).year }
        guard let year = Int(raw), (2000...2100).contains(year) else {
            throw Problem.badRequest("Năm không hợp lệ.", english: "Not a valid year.", field: "year")
        }
        return year
    }

    @Sendable func overview(_ request: Request) async throws -> Response {
        let top = try await stores.access(request).topUnit(for: .viewPlans)
        return request.redirect(to: Paths.planUnit.link(top.unit.id) + (request.url.query.map { "?" + $0 } ?? ""))
    }

    struct TaskRow: Encodable {
        let field: String
        let title: String
        let owner: String
        let deadline: String
        let progress: Int
        let status: String
        let statusLabel: String
        let overdue: Bool
        let fromInspection: Bool
        let evidence: String
        let editLink: String?
        let unit: String?
    }

    struct PlanContext: Encodable {
        let unitName: String
        let year: Int
        /// The plan's title (data), or "no plan yet" in the page language (`hasPlan` false).
        let title: String
        let hasPlan: Bool
        let total: Int
        let done: Int
        let overdue: Int
        let rate: String
        let tasks: [TaskRow]
        let canEdit: Bool
        let action: String
        let copyAction: String
        let templates: [Option]
        let fields: [Option]
        let overdueLink: String
        let disciplineLink: String
        let form: TaskForm
        let errors: [FormError]?
    }

    /// A refused "add a task" form, echoed back.
    struct TaskForm: Encodable {
        let title: String
        let ownerDivision: String
        let deadline: String
        let expectedOutput: String

        init(_ form: [String: String]) {
            title = form["title"] ?? ""
            ownerDivision = form["ownerDivision"] ?? ""
            deadline = form["deadline"] ?? ""
            expectedOutput = form["expectedOutput"] ?? ""
        }
    }

    static func row(_ task: PlanTask, today: LocalDate, canEdit: Bool, unit: String? = nil, en: Bool) -> TaskRow {
        TaskRow(field: task.field.name(en: en), title: task.title, owner: task.ownerDivision, deadline: LocalTime.format(task.deadline),
                progress: task.progress, status: task.status.rawValue, statusLabel: task.status.name(en: en),
                overdue: task.isOverdue(today: today), fromInspection: task.source == .inspection, evidence: task.evidence,
                editLink: canEdit ? Paths.planTask.link(task.id) : nil, unit: unit)
    }

    func render(_ request: Request, form: [String: String] = [:], errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewPlans)
        let year = try Self.year(request)
        let repository = stores.plans
        let today = VietnamTime.localDate(of: request.now)
        let plan = try await repository.plan(unit: record.unit.id, year: year)
        let tasks = try await plan.asyncMap { try await repository.tasks(of: $0.id) } ?? []
        let completion = PlanCompletion(tasks, today: today)
        let canEdit = try request.requirePrincipal().may(.editPlans, onUnitWithAncestry: record.ancestry)
        // Templates: the plans of the units above for the same year (the province's, usually).
        var templates: [Option] = []
        var names = Names(stores)
        for ancestor in record.ancestry.dropFirst() {
            if let p = try await repository.plan(unit: ancestor, year: year) {
                templates.append(Option(value: p.id.description, label: "\(try await names.unit(ancestor)) — \(p.title)", selected: false))
            }
        }
        let context = PlanContext(
            unitName: record.unit.name, year: year, title: plan?.title ?? Messages.text("plan.no-plan-yet", en: en, ["year": String(year)]), hasPlan: plan != nil,
            total: completion.total, done: completion.done, overdue: completion.overdue,
            rate: completion.rate.map { Format.percent(IndexScoring.round2($0 * 100), en: en, digits: 2) } ?? "—",
            tasks: tasks.map { Self.row($0, today: today, canEdit: canEdit, en: en) }, canEdit: canEdit,
            action: Paths.planUnit.link(record.unit.id) + "?year=\(year)", copyAction: Paths.planCopy.link(record.unit.id) + "?year=\(year)",
            templates: plan == nil ? templates : [], fields: fieldOptions(form["field"], en: en),
            overdueLink: Paths.planOverdue.link(record.unit.id), disciplineLink: Paths.discipline.link(record.unit.id) + "?year=\(year)",
            form: TaskForm(form), errors: errors)
        return try await Page.render("plan", title: "\(Messages.text("discipline.par-plan", en: en)) \(year) — \(record.unit.name)", context: context,
                                     request: request, failed: errors != nil)
    }

    @Sendable func show(_ request: Request) async throws -> Response { try await render(request) }

    func task(from form: [String: String], into task: inout PlanTask) throws {
        guard let field = PARField(rawValue: form["field"] ?? "") else {
            throw DomainError.invalid("Chọn lĩnh vực.", english: "Choose a field.", field: "field")
        }
        guard let deadline = LocalDate(iso: form["deadline"] ?? "") else {
            throw DomainError.invalid("Thời hạn không hợp lệ.", english: "Not a valid deadline.", field: "deadline")
        }
        task.field = field
        task.deadline = deadline
        task.title = form["title"] ?? ""
        task.ownerDivision = form["ownerDivision"] ?? task.ownerDivision
        task.expectedOutput = form["expectedOutput"] ?? task.expectedOutput
        if let raw = form["progress"], !raw.isEmpty {
            guard let progress = Int(raw) else { throw DomainError.invalid("Tiến độ là số phần trăm.", english: "Progress is a percentage.", field: "progress") }
            task.progress = progress
        }
        if let raw = form["status"], let status = PlanTask.Status(rawValue: raw) { task.status = status }
        task.evidence = form["evidence"] ?? task.evidence
    }

    @Sendable func addTask(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .editPlans)
        let form = try request.content.decode([String: String].self)
        do {
            var draft = PlanTask(id: .random(), planID: .random(), field: .direction, title: "", deadline: LocalDate(year: 2000, month: 1, day: 1)!)
            try task(from: form, into: &draft)
            _ = try await stores.plans.addTask(draft, unit: record.unit.id, year: try Self.year(request), actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(request, form: form, errors: errors)
        }
        return request.redirect(to: Paths.planUnit.link(record.unit.id) + "?year=\(try Self.year(request))")
    }

    @Sendable func copy(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .editPlans)
        let form = try request.content.decode([String: String].self)
        guard let template = ParPlan.ID(string: form["template"] ?? "") else {
            throw Problem(DomainError.invalid("Chọn kế hoạch mẫu.", english: "Choose a template plan.", field: "template"))
        }
        _ = try await stores.plans.copy(from: template, to: record.unit.id, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.planUnit.link(record.unit.id) + "?year=\(try Self.year(request))")
    }

    struct OverdueContext: Encodable {
        let unitName: String
        let tasks: [TaskRow]
        let backLink: String
    }

    @Sendable func overdue(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewPlans)
        let today = VietnamTime.localDate(of: request.now)
        let principal = try request.requirePrincipal()
        var names = Names(stores)
        var rows: [TaskRow] = []
        for item in try await stores.plans.overdue(units: try await stores.units.subtreeIDs(of: [record.unit.id]), today: today) {
            let unit = try await stores.units.find(item.unitID)
            rows.append(Self.row(item.task, today: today, canEdit: unit.map { principal.may(.editPlans, onUnitWithAncestry: $0.ancestry) } ?? false,
                            unit: try await names.unit(item.unitID), en: en))
        }
        return try await Page.render("plan-overdue", title: Messages.text("plan-overdue.overdue-tasks", en: en),
                                     context: OverdueContext(unitName: record.unit.name, tasks: rows, backLink: Paths.planUnit.link(record.unit.id)),
                                     request: request)
    }

    struct TaskContext: Encodable {
        let unitName: String
        let title: String
        let ownerDivision: String
        let deadline: String
        let expectedOutput: String
        let progress: Int
        let evidence: String
        let version: Int
        let fields: [Option]
        let statuses: [Option]
        let action: String
        let backLink: String
        let fromInspection: Bool
        let errors: [FormError]?
    }

    func editable(_ request: Request) async throws -> (UnitTask, UnitRecord) {
        guard let id = PlanTask.ID(string: request.parameters.get("taskID") ?? ""), let found = try await stores.plans.task(id) else {
            throw Problem.notFound("Không tìm thấy nhiệm vụ.", english: "Task not found.")
        }
        return (found, try await stores.access(request).authorizedUnit(found.unitID.description, .editPlans))
    }

    func renderTask(_ request: Request, task: PlanTask? = nil, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let (found, record) = try await editable(request)
        let t = task ?? found.task
        let context = TaskContext(
            unitName: record.unit.name, title: t.title, ownerDivision: t.ownerDivision, deadline: t.deadline.iso, expectedOutput: t.expectedOutput,
            progress: t.progress, evidence: t.evidence, version: found.task.version, fields: fieldOptions(t.field.rawValue, en: en),
            statuses: statusOptions(t.status.rawValue, en: en), action: Paths.planTask.link(t.id),
            backLink: Paths.planUnit.link(found.unitID) + "?year=\(found.year)", fromInspection: t.source == .inspection, errors: errors)
        return try await Page.render("plan-task", title: t.title, context: context, request: request, failed: errors != nil)
    }

    @Sendable func editTask(_ request: Request) async throws -> Response { try await renderTask(request) }

    @Sendable func updateTask(_ request: Request) async throws -> Response {
        let (found, _) = try await editable(request)
        let form = try request.content.decode([String: String].self)
        var draft = found.task
        do {
            try task(from: form, into: &draft)
            let changed = draft
            _ = try await stores.plans.updateTask(found.task.id, expectedVersion: form["version"].flatMap(Int.init),
                                                                    change: { $0 = changed }, actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderTask(request, task: draft, errors: errors)
        }
        return request.redirect(to: Paths.planUnit.link(found.unitID) + "?year=\(found.year)")
    }
}
