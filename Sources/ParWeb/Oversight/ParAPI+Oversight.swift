import Foundation
import ParCore
import ParStore
import Vapor

/// PAR plans and tasks (viewPlans / editPlans), inspections (viewInspections /
/// manageInspections, with the unannounced-visit shield), citizens' feedback (public to send
/// and read published answers, handleFeedback to handle) and discipline figures (viewPlans).
extension ParAPI {
    // MARK: Plans

    func getPlan(_ input: Operations.GetPlan.Input) async throws -> Operations.GetPlan.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewPlans)
        let repository = stores.plans
        let today = VietnamTime.localDate(of: request.now)
        let plan = try await repository.plan(unit: unit.unit.id, year: input.path.year)
        let tasks = try await plan.asyncMap { try await repository.tasks(of: $0.id) } ?? []
        let completion = PlanCompletion(tasks, today: today)
        return .ok(.init(body: .json(.init(
            id: plan?.id.description, unitId: unit.unit.id.description, year: input.path.year,
            title: plan?.title ?? "Kế hoạch cải cách hành chính năm \(input.path.year)", basedOn: plan?.basedOn?.description,
            completion: .init(total: completion.total, done: completion.done, doneLate: completion.doneLate, overdue: completion.overdue, rate: completion.rate),
            tasks: tasks.map { Self.task($0, unit: unit.unit.id, today: today) }))))
    }

    func addPlanTask(_ input: Operations.AddPlanTask.Input) async throws -> Operations.AddPlanTask.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .editPlans)
        var task = PlanTask(id: .random(), planID: .random(), field: .direction, title: "", deadline: LocalDate(year: 2000, month: 1, day: 1)!)
        try Self.apply(body, to: &task)
        let created = try await stores.plans.addTask(task, unit: unit.unit.id, year: input.path.year, actor: request.auditActor, now: request.now)
        return .created(.init(body: .json(Self.task(created, unit: unit.unit.id, today: VietnamTime.localDate(of: request.now)))))
    }

    func updatePlanTask(_ input: Operations.UpdatePlanTask.Input) async throws -> Operations.UpdatePlanTask.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let repository = stores.plans
        guard let id = PlanTask.ID(string: input.path.taskId), let found = try await repository.task(id) else { throw Problem.notFound() }
        _ = try await stores.access(request).authorizedUnit(found.unitID.description, .editPlans)
        var draft = found.task
        try Self.apply(body, to: &draft)
        let changed = draft
        let updated = try await repository.updateTask(id, expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch),
                                                      change: { $0 = changed }, actor: request.auditActor, now: request.now)
        return .ok(.init(headers: .init(eTag: Self.etag(updated.version)),
                         body: .json(Self.task(updated, unit: found.unitID, today: VietnamTime.localDate(of: request.now)))))
    }

    func listOverdueTasks(_ input: Operations.ListOverdueTasks.Input) async throws -> Operations.ListOverdueTasks.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.query.unitId, .viewPlans)
        let today = VietnamTime.localDate(of: request.now)
        let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
        let overdue = try await stores.plans.overdue(units: units, today: today)
        return .ok(.init(body: .json(.init(items: overdue.map { Self.task($0.task, unit: $0.unitID, today: today) }))))
    }

    static func apply(_ body: Components.Schemas.PlanTaskInput, to task: inout PlanTask) throws {
        guard let deadline = LocalDate(iso: body.deadline) else {
            throw Problem.badRequest("Thời hạn không hợp lệ (YYYY-MM-DD).", english: "Not a valid deadline (YYYY-MM-DD).", field: "deadline")
        }
        task.field = PARField(rawValue: body.field.rawValue) ?? .direction
        task.title = body.title
        task.deadline = deadline
        if let owner = body.ownerDivision { task.ownerDivision = owner }
        if let output = body.expectedOutput { task.expectedOutput = output }
        if let progress = body.progress { task.progress = progress }
        if let status = body.status { task.status = PlanTask.Status(rawValue: status.rawValue) ?? task.status }
        if let evidence = body.evidence { task.evidence = evidence }
    }

    static func task(_ t: PlanTask, unit: OrgUnit.ID, today: LocalDate) -> Components.Schemas.PlanTask {
        .init(id: t.id.description, unitId: unit.description, field: .init(rawValue: t.field.rawValue)!, title: t.title, ownerDivision: t.ownerDivision,
              deadline: t.deadline.iso, expectedOutput: t.expectedOutput, progress: t.progress, status: .init(rawValue: t.status.rawValue)!,
              evidence: t.evidence, source: .init(rawValue: t.source.rawValue)!, inspectionId: t.inspectionID?.description,
              completedOn: t.completedOn?.iso, overdue: t.isOverdue(today: today), version: t.version)
    }

    // MARK: Inspections

    func listInspections(_ input: Operations.ListInspections.Input) async throws -> Operations.ListInspections.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.query.unitId, .viewInspections)
        let repository = stores.inspections
        let list = try await repository.list(units: try await stores.units.subtreeIDs(of: [unit.unit.id]), year: input.query.year,
                                             shielded: try await stores.oversightService.shield(request), now: request.now)
        var items: [Components.Schemas.Inspection] = []
        for inspection in list { items.append(Self.inspection(inspection, findings: try await repository.findings(of: inspection.id))) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createInspection(_ input: Operations.CreateInspection.Input) async throws -> Operations.CreateInspection.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(body.unitId, .manageInspections)
        let created = try await stores.inspections.create(
            Inspection(id: .random(), unitID: unit.unit.id, kind: Inspection.Kind(rawValue: body.kind.rawValue)!,
                       place: Inspection.Place(rawValue: body.place.rawValue)!, startsAt: body.startsAt, purpose: body.purpose, team: body.team),
            actor: request.auditActor, now: request.now)
        return .created(.init(body: .json(Self.inspection(created, findings: []))))
    }

    func getInspection(_ input: Operations.GetInspection.Input) async throws -> Operations.GetInspection.Output {
        let request = try self.request
        let (inspection, _) = try await stores.oversightService.inspection(input.path.inspectionId, .viewInspections, request: request)
        return .ok(.init(body: .json(Self.inspection(inspection, findings: try await stores.inspections.findings(of: inspection.id)))))
    }

    func addInspectionFinding(_ input: Operations.AddInspectionFinding.Input) async throws -> Operations.AddInspectionFinding.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let (inspection, _) = try await stores.oversightService.inspection(input.path.inspectionId, .manageInspections, request: request)
        let repository = stores.inspections
        _ = try await repository.addFinding(to: inspection.id, category: InspectionFinding.Category(rawValue: body.category.rawValue)!, text: body.text,
                                            cause: body.cause, actor: request.auditActor, now: request.now)
        return .created(.init(body: .json(Self.inspection(inspection, findings: try await repository.findings(of: inspection.id)))))
    }

    func concludeInspection(_ input: Operations.ConcludeInspection.Input) async throws -> Operations.ConcludeInspection.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let (inspection, _) = try await stores.oversightService.inspection(input.path.inspectionId, .manageInspections, request: request)
        let followUps = try (body.followUps ?? []).map { raw -> FollowUp in
            guard let deadline = LocalDate(iso: raw.deadline) else {
                throw Problem.badRequest("Thời hạn không hợp lệ (YYYY-MM-DD).", english: "Not a valid deadline (YYYY-MM-DD).", field: "followUps")
            }
            return FollowUp(title: raw.title, field: PARField(rawValue: raw.field.rawValue)!, deadline: deadline)
        }
        let repository = stores.inspections
        _ = try await repository.conclude(inspection.id, conclusion: body.conclusion, followUps: followUps, actor: request.auditActor, now: request.now)
        guard let concluded = try await repository.find(inspection.id, shielded: [], now: request.now) else { throw Problem.notFound() }
        return .ok(.init(body: .json(Self.inspection(concluded, findings: try await repository.findings(of: inspection.id)))))
    }

    static func inspection(_ i: Inspection, findings: [InspectionFinding]) -> Components.Schemas.Inspection {
        .init(id: i.id.description, unitId: i.unitID.description, kind: .init(rawValue: i.kind.rawValue)!, place: .init(rawValue: i.place.rawValue)!,
              startsAt: i.startsAt, purpose: i.purpose, team: i.team, conclusion: i.conclusion, concludedAt: i.concludedAt,
              findings: findings.map { .init(id: $0.id.description, category: .init(rawValue: $0.category.rawValue)!, text: $0.text, cause: $0.cause) })
    }

    // MARK: Feedback

    func submitFeedback(_ input: Operations.SubmitFeedback.Input) async throws -> Operations.SubmitFeedback.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try body.unitId.map { raw -> OrgUnit.ID in
            guard let id = OrgUnit.ID(string: raw) else { throw Problem.badRequest("unitId không hợp lệ.", english: "unitId is not valid.", field: "unitId") }
            return id
        }
        if let unit, try await stores.units.find(unit) == nil {
            throw Problem.badRequest("Không có đơn vị này.", english: "No such unit.", field: "unitId")
        }
        let (feedback, secret) = try await stores.feedback.submit(
            FeedbackDraft(kind: Feedback.Kind(rawValue: body.kind.rawValue)!, procedureCode: body.procedureCode, unitID: unit, subject: body.subject,
                          content: body.content, contact: .init(name: body.name, email: body.email, phone: body.phone)),
            now: request.now)
        return .created(.init(body: .json(.init(code: feedback.code, secret: secret, state: feedback.state.rawValue, answerBy: feedback.answerBy))))
    }

    func listFeedback(_ input: Operations.ListFeedback.Input) async throws -> Operations.ListFeedback.Output {
        let request = try self.request
        let items = try await stores.oversightService.feedbackList(request, state: input.query.state.flatMap { Feedback.State(rawValue: $0.rawValue) },
                                                            overdue: input.query.overdue ?? false)
        return .ok(.init(body: .json(.init(items: items.map { Self.feedback($0, now: request.now) }))))
    }

    func listPublishedFeedback(_ input: Operations.ListPublishedFeedback.Input) async throws -> Operations.ListPublishedFeedback.Output {
        guard (input.query.q?.count ?? 0) <= 200 else { throw Problem.badRequest("q tối đa 200 ký tự.", english: "q is at most 200 characters.", field: "q") }
        let items = try await stores.feedback.published(query: input.query.q)
        return .ok(.init(body: .json(.init(items: items.map {
            .init(code: $0.code, kind: $0.kind.rawValue, subject: $0.subject, question: $0.publicContent ?? "", answer: $0.answer ?? "",
                  unitId: $0.unitID?.description, publishedAt: $0.publishedAt ?? $0.receivedAt, rating: $0.rating)
        }))))
    }

    func actOnFeedback(_ input: Operations.ActOnFeedback.Input) async throws -> Operations.ActOnFeedback.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let feedback = try await stores.oversightService.handledFeedback(input.path.feedbackId, request: request)
        let action: FeedbackAction
        switch body.action {
        case .refuse: action = .refuse(reason: body.reason ?? "")
        case .answer: action = .answer(text: body.answer ?? "")
        case .publish: action = .publish(publicContent: body.publicContent)
        case .requestInformation: action = .requestInformation(question: body.question ?? "")
        case .transfer:
            guard let id = body.unitId.flatMap(OrgUnit.ID.init(string:)), let unit = try await stores.units.find(id) else {
                throw Problem.badRequest("Cần cơ quan có thẩm quyền.", english: "unitId must name the competent agency.", field: "unitId")
            }
            action = .transfer(unit: unit.unit.id)
        case .assign:
            guard let raw = body.unitId else {
                throw Problem.badRequest("Cần đơn vị được giao.", english: "unitId is required.", field: "unitId")
            }
            let unit = try await stores.access(request).authorizedUnit(raw, .viewRegistry)
            action = .assign(unit: unit.unit.id)
        }
        let updated = try await stores.feedback.act(feedback.id, expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch),
                                                                        action, actor: request.auditActor, now: request.now)
        return .ok(.init(headers: .init(eTag: Self.etag(updated.version)), body: .json(Self.feedback(updated, now: request.now))))
    }

    static func feedback(_ f: Feedback, now: Date) -> Components.Schemas.Feedback {
        .init(id: f.id.description, code: f.code, kind: .init(rawValue: f.kind.rawValue)!, procedureCode: f.procedureCode, subject: f.subject,
              content: f.content, name: f.contact.name, email: f.contact.email, phone: f.contact.phone, state: .init(rawValue: f.state.rawValue)!,
              unitId: f.unitID?.description, receivedAt: f.receivedAt, answerBy: f.answerBy, answer: f.answer, answeredAt: f.answeredAt,
              publishBy: f.publishBy, publicContent: f.publicContent, publishedAt: f.publishedAt, refusalReason: f.refusalReason,
              rating: f.rating, overdue: f.isOverdue(at: now), version: f.version, refuseBy: f.refuseBy, moreInfoBy: f.moreInfoBy,
              refusedAt: f.refusedAt, transferredAt: f.transferredAt, informationRequest: f.informationRequest,
              informationRequestedAt: f.informationRequestedAt, informationReply: f.informationReply,
              informationRepliedAt: f.informationRepliedAt, handledLate: f.wasHandledLate)
    }

    func replyToFeedback(_ input: Operations.ReplyToFeedback.Input) async throws -> Operations.ReplyToFeedback.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let code = VietnameseText.clean(body.code), secret = VietnameseText.clean(body.secret)
        let replied = try await stores.feedback.reply(code: code, secret: secret, text: body.reply, now: request.now)
        return .ok(.init(body: .json(.init(code: replied.code, state: .init(rawValue: replied.state.rawValue)!,
                                           informationRepliedAt: replied.informationRepliedAt ?? request.now))))
    }

    // MARK: Discipline

    func getDiscipline(_ input: Operations.GetDiscipline.Input) async throws -> Operations.GetDiscipline.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewPlans)
        let view = try await DisciplineView.load(unit, year: input.query.year ?? VietnamTime.localDate(of: request.now).year, stores: stores, request: request)
        return .ok(.init(body: .json(.init(
            unitId: unit.unit.id.description, year: view.year,
            commitments: view.commitments.map {
                .init(id: $0.commitment.id.description, leader: $0.commitment.leader, text: $0.commitment.text, metric: $0.commitment.metric,
                      target: $0.commitment.target, rate: $0.rate, status: .init(rawValue: $0.status.rawValue)!)
            },
            attendance: view.attendance.map {
                .init(unitId: $0.unitID.description, present: $0.counts[.present] ?? 0, absentWithReason: $0.counts[.absentWithReason] ?? 0,
                      absentWithoutReason: $0.counts[.absentWithoutReason] ?? 0, leftWithoutReporting: $0.counts[.leftWithoutReporting] ?? 0)
            },
            electronicDocuments: view.electronicDocuments.map { .init(month: $0.key, share: $0.value) }.sorted { $0.month < $1.month },
            iso: view.iso.map { .init(certificate: $0.certificate, lastReview: $0.lastReview?.iso, nextReview: $0.nextReview?.iso,
                                      maintained: $0.isMaintained(today: VietnamTime.localDate(of: request.now))) }))))
    }
}

/// A unit's commitments with their status, attendance below it, e-document shares and ISO status for a year.
struct DisciplineView: Sendable {
    struct Line: Sendable {
        let commitment: Commitment
        let rate: Double?
        let status: PlanTarget.Status
    }

    let year: Int
    let commitments: [Line]
    let attendance: [AttendanceCount]
    let electronicDocuments: [String: Double]
    let iso: IsoStatus?

    static func load(_ unit: UnitRecord, year: Int, stores: Stores, request: Request) async throws -> DisciplineView {
        guard (2000...2100).contains(year) else { throw Problem.badRequest("Năm không hợp lệ.", english: "Not a valid year.", field: "year") }
        let repository = stores.discipline
        var lines: [Line] = []
        for commitment in try await repository.commitments(unit: unit.unit.id, year: year) {
            let rate = try await stores.oversightService.rate(of: commitment, unit: unit, request: request)
            lines.append(Line(commitment: commitment, rate: rate, status: stores.oversightService.status(of: commitment, rate: rate, request: request)))
        }
        let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
        return DisciplineView(
            year: year, commitments: lines,
            attendance: try await repository.attendance(units: units, from: LocalDate(year: year, month: 1, day: 1)!, through: LocalDate(year: year, month: 12, day: 31)!),
            electronicDocuments: try await repository.values(.electronicDocuments, unit: unit.unit.id, year: year),
            iso: try await repository.iso(units: [unit.unit.id])[unit.unit.id])
    }
}
