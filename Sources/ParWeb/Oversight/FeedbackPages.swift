import Foundation
import ParCore
import ParStore
import Vapor

/// Citizens' feedback (PAKN): the public form (no account; an e-mail is confirmed with a
/// one-time code), the sender's status page and rating, the public page of published answers
/// (searchable, no personal data), and the staff's queue with overdue tracking and actions.
struct FeedbackPages {
    let stores: Stores

    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.feedbackPublic.pattern, use: published)
        routes.get(Paths.feedbackNew.pattern, use: form)
        routes.post(Paths.feedbackNew.pattern, use: submit)
        routes.post(Paths.feedbackVerify.pattern, use: verify)
        routes.get(Paths.feedbackStatus.pattern, use: status)
        routes.post(Paths.feedbackRate.pattern, use: rate)
        routes.post(Paths.feedbackReply.pattern, use: reply)
    }

    func registerStaff(_ routes: any RoutesBuilder) {
        routes.get(Paths.feedbackManage.pattern, use: manage)
        routes.get(Paths.feedbackItem.pattern, use: item)
        routes.post(Paths.feedbackItem.pattern, use: act)
    }

    typealias Option = PlanPages.Option

    // MARK: Public

    struct PublishedLine: Encodable {
        let code: String
        let kind: String
        let subject: String
        let question: String
        let answer: String
        let unit: String
        let publishedAt: String
    }

    @Sendable func published(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let q = String(((try? request.query.get(String.self, at: "q")) ?? "").prefix(200))
        var names = Names(stores)
        var lines: [PublishedLine] = []
        for f in try await stores.feedback.published(query: q) {
            lines.append(PublishedLine(code: f.code, kind: f.kind.name(en: en), subject: f.subject, question: f.publicContent ?? "",
                                       answer: f.answer ?? "", unit: try await names.unit(f.unitID), publishedAt: f.publishedAt.map(LocalTime.format) ?? ""))
        }
        struct Context: Encodable { let q: String; let items: [PublishedLine] }
        return try await Page.render("feedback-public", title: Messages.text("common.answers-to-citizens-feedback", en: en),
                                     context: Context(q: q, items: lines), request: request)
    }

    struct FormContext: Encodable {
        let kinds: [Option]
        let units: [Option]
        let subject: String
        let content: String
        let procedureCode: String
        let name: String
        let email: String
        let phone: String
        let errors: [FormError]?
    }

    func renderForm(_ request: Request, form: [String: String] = [:], errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let units = try await stores.units.all().filter { $0.validTo == nil && [.province, .department, .commune].contains($0.kind) }
            .sorted { VietnameseText.precedes($0.name, $1.name) }
        let context = FormContext(
            kinds: Feedback.Kind.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: form["kind"] == $0.rawValue) },
            units: units.map { Option(value: $0.id.description, label: $0.name, selected: form["unitId"] == $0.id.description) },
            subject: form["subject"] ?? "", content: form["content"] ?? "", procedureCode: form["procedureCode"] ?? "", name: form["name"] ?? "",
            email: form["email"] ?? "", phone: form["phone"] ?? "", errors: errors)
        return try await Page.render("feedback-new", title: Messages.text("common.send-feedback", en: en), context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func form(_ request: Request) async throws -> Response { try await renderForm(request) }

    @Sendable func submit(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        do {
            guard let kind = Feedback.Kind(rawValue: form["kind"] ?? "") else {
                throw DomainError.invalid("Chọn loại phản ánh.", english: "Choose what it is about.", field: "kind")
            }
            var unit: OrgUnit.ID?
            if let raw = form["unitId"], !raw.isEmpty {
                guard let id = OrgUnit.ID(string: raw), try await stores.units.find(id) != nil else {
                    throw DomainError.invalid("Không có đơn vị này.", english: "No such unit.", field: "unitId")
                }
                unit = id
            }
            let (feedback, secret) = try await stores.feedback.submit(
                FeedbackDraft(kind: kind, procedureCode: form["procedureCode"], unitID: unit, subject: form["subject"] ?? "", content: form["content"] ?? "",
                              contact: .init(name: form["name"], email: form["email"], phone: form["phone"])), now: request.now)
            return try await renderStatus(request, feedback: feedback, secret: secret, justSent: true)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderForm(request, form: form, errors: errors)
        }
    }

    struct StatusContext: Encodable {
        let code: String
        let secret: String
        let justSent: Bool
        let unverified: Bool
        let state: String
        let stateLabel: String
        let subject: String
        let receivedAt: String
        let answerBy: String
        let answer: String?
        let refusalReason: String?
        let canRate: Bool
        let rating: Int?
        let overdue: Bool
        /// The staff's question, and whether it still waits for the sender's reply.
        let question: String?
        let reply: String?
        let canReply: Bool
        let errors: [FormError]?
    }

    func renderStatus(_ request: Request, feedback f: Feedback, secret: String, justSent: Bool = false,
                             errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let context = StatusContext(
            code: f.code, secret: secret, justSent: justSent, unverified: f.state == .unverified, state: f.state.rawValue,
            stateLabel: f.state.name(en: en), subject: f.subject, receivedAt: LocalTime.format(f.receivedAt),
            answerBy: LocalTime.format(f.answerBy), answer: [.answered, .published].contains(f.state) ? f.answer : nil, refusalReason: f.refusalReason,
            canRate: f.state == .published && f.rating == nil, rating: f.rating, overdue: f.isOverdue(at: request.now),
            question: f.informationRequest, reply: f.informationReply,
            canReply: f.awaitsReply, errors: errors)
        let response = try await Page.render("feedback-status", title: Messages.text("feedback-status.title", en: en, ["code": f.code]), context: context,
                                             request: request, failed: errors != nil)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    func lookedUp(_ request: Request, code: String?, secret: String?) async throws -> Feedback {
        guard let code, let secret, let feedback = try await stores.feedback.lookup(code: VietnameseText.clean(code), secret: VietnameseText.clean(secret)) else {
            throw Problem.notFound("Không tìm thấy phản ánh với mã và mã tra cứu này.", english: "No feedback has this code and secret.")
        }
        return feedback
    }

    @Sendable func status(_ request: Request) async throws -> Response {
        let code = try? request.query.get(String.self, at: "code"), secret = try? request.query.get(String.self, at: "secret")
        return try await renderStatus(request, feedback: try await lookedUp(request, code: code, secret: secret), secret: secret ?? "")
    }

    @Sendable func verify(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let feedback = try await lookedUp(request, code: form["code"], secret: form["secret"])
        do {
            let confirmed = try await stores.feedback.verify(code: feedback.code, secret: form["secret"] ?? "", otp: form["otp"] ?? "", now: request.now)
            return try await renderStatus(request, feedback: confirmed, secret: form["secret"] ?? "")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderStatus(request, feedback: feedback, secret: form["secret"] ?? "", errors: errors)
        }
    }

    @Sendable func rate(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let feedback = try await lookedUp(request, code: form["code"], secret: form["secret"])
        do {
            let rated = try await stores.feedback.rate(code: feedback.code, secret: form["secret"] ?? "",
                                                                         rating: Int(form["rating"] ?? "") ?? 0, now: request.now)
            return try await renderStatus(request, feedback: rated, secret: form["secret"] ?? "")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderStatus(request, feedback: feedback, secret: form["secret"] ?? "", errors: errors)
        }
    }

    /// The sender answers the staff's question.
    @Sendable func reply(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let feedback = try await lookedUp(request, code: form["code"], secret: form["secret"])
        do {
            let replied = try await stores.feedback.reply(code: feedback.code, secret: form["secret"] ?? "",
                                                                            text: form["reply"] ?? "", now: request.now)
            return try await renderStatus(request, feedback: replied, secret: form["secret"] ?? "")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderStatus(request, feedback: feedback, secret: form["secret"] ?? "", errors: errors)
        }
    }

    // MARK: Staff

    struct QueueLine: Encodable {
        let link: String
        let code: String
        let subject: String
        let kind: String
        let state: String
        let unit: String
        let receivedAt: String
        let answerBy: String
        let overdue: Bool
    }

    @Sendable func manage(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let state = (try? request.query.get(String.self, at: "state")).flatMap(Feedback.State.init(rawValue:))
        let overdue = (try? request.query.get(String.self, at: "overdue")) == "1"
        var names = Names(stores)
        var lines: [QueueLine] = []
        for f in try await stores.oversightService.feedbackList(request, state: state, overdue: overdue) {
            lines.append(QueueLine(link: Paths.feedbackItem.link(f.id), code: f.code, subject: f.subject, kind: f.kind.name(en: en),
                                   state: f.state.name(en: en), unit: try await names.unit(f.unitID),
                                   receivedAt: LocalTime.format(f.receivedAt), answerBy: LocalTime.format(f.answerBy), overdue: f.isOverdue(at: request.now)))
        }
        struct Context: Encodable { let items: [QueueLine]; let overdueOnly: Bool; let states: [Option] }
        return try await Page.render("feedback-manage", title: Messages.text("feedback-manage.citizens-feedback", en: en), context: Context(
            items: lines, overdueOnly: overdue,
            states: Feedback.State.allCases.filter { $0 != .unverified }.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: $0 == state) }),
            request: request)
    }

    struct ItemContext: Encodable {
        let code: String
        let version: Int
        let kind: String
        let procedureCode: String?
        let subject: String
        let content: String
        let contact: Feedback.Contact
        let state: String
        let stateLabel: String
        let unit: String
        let receivedAt: String
        let refuseBy: String
        let moreInfoBy: String
        let answerBy: String
        let publishBy: String?
        let overdue: Bool
        let answer: String?
        let publicContent: String?
        let suggestedPublic: String
        let refusalReason: String?
        let rating: Int?
        let question: String?
        let reply: String?
        /// Whether a question may be asked now (within 5 working days, none waiting).
        let canAsk: Bool
        let transferredAt: String?
        let handledLate: Bool
        let open: Bool
        let answered: Bool
        let units: [Option]
        /// Competent agencies outside the handler's units, for a transfer.
        let agencies: [Option]
        let action: String
        let errors: [FormError]?
    }

    func renderItem(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let f = try await stores.oversightService.handledFeedback(request.parameters.get("feedbackID"), request: request)
        var names = Names(stores)
        let scope = try await stores.oversightService.feedbackScope(request)
        let allowed = Set(scope.units)
        let current = try await stores.units.all().filter { $0.validTo == nil && $0.kind != .division }
        let units = current.filter { allowed.contains($0.id) }
        let context = ItemContext(
            code: f.code, version: f.version, kind: f.kind.name(en: en), procedureCode: f.procedureCode, subject: f.subject,
            content: f.content, contact: f.contact, state: f.state.rawValue, stateLabel: f.state.name(en: en),
            unit: try await names.unit(f.unitID), receivedAt: LocalTime.format(f.receivedAt), refuseBy: LocalTime.format(f.refuseBy),
            moreInfoBy: LocalTime.format(f.moreInfoBy), answerBy: LocalTime.format(f.answerBy), publishBy: f.publishBy.map(LocalTime.format),
            overdue: f.isOverdue(at: request.now), answer: f.answer, publicContent: f.publicContent,
            suggestedPublic: Redaction.redact(f.content, names: [f.contact.name].compactMap { $0 }), refusalReason: f.refusalReason, rating: f.rating,
            question: f.informationRequest, reply: f.informationReply,
            canAsk: f.mayRequestInformation(at: request.now),
            transferredAt: f.transferredAt.map(LocalTime.format), handledLate: f.wasHandledLate,
            open: [.received, .assigned].contains(f.state), answered: f.state == .answered,
            units: units.map { Option(value: $0.id.description, label: $0.name, selected: $0.id == f.unitID) },
            agencies: current.filter { !allowed.contains($0.id) }.map { Option(value: $0.id.description, label: $0.name, selected: false) },
            action: Paths.feedbackItem.link(f.id), errors: errors)
        return try await Page.render("feedback-item", title: "\(Messages.text("feedback-pages.feedback", en: en)) \(f.code)", context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func item(_ request: Request) async throws -> Response { try await renderItem(request) }

    @Sendable func act(_ request: Request) async throws -> Response {
        let feedback = try await stores.oversightService.handledFeedback(request.parameters.get("feedbackID"), request: request)
        let form = try request.content.decode([String: String].self)
        do {
            let action: FeedbackAction
            switch form["action"] {
            case "refuse": action = .refuse(reason: form["reason"] ?? "")
            case "answer": action = .answer(text: form["answer"] ?? "")
            case "publish": action = .publish(publicContent: form["publicContent"].flatMap { $0.isEmpty ? nil : $0 })
            case "assign":
                let unit = try await stores.access(request).authorizedUnit(form["unitId"], .viewRegistry)
                action = .assign(unit: unit.unit.id)
            case "request_information": action = .requestInformation(question: form["question"] ?? "")
            case "transfer":
                // The competent agency may lie outside the handler's own units: any current unit.
                guard let id = form["unitId"].flatMap(OrgUnit.ID.init(string:)), try await stores.units.find(id) != nil else {
                    throw DomainError.invalid("Chọn cơ quan có thẩm quyền.", english: "Choose the competent agency.", field: "transferUnitId")
                }
                action = .transfer(unit: id)
            default: throw DomainError.invalid("Không có thao tác này.", english: "No such action.", field: "action")
            }
            _ = try await stores.feedback.act(feedback.id, expectedVersion: form["version"].flatMap(Int.init), action,
                                                                 actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderItem(request, errors: errors)
        }
        return request.redirect(to: Paths.feedbackItem.link(feedback.id))
    }
}
