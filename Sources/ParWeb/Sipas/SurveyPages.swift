import Foundation
import ParCore
import ParStore
import Vapor

/// Where citizens answer the satisfaction questionnaire: the link or QR code of their receipt
/// or return notice (no account: the link's token is the key), and the counter's touch screen
/// an officer opens for a dossier just returned.
struct SurveyPages {
    let stores: Stores

    /// The citizen's link: no sign-in, the token is the key.
    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.survey.pattern, use: survey)
        routes.post(Paths.survey.pattern, use: answer)
    }

    /// The counter kiosk, opened by a signed-in counter officer.
    func registerCounter(_ routes: any RoutesBuilder) {
        routes.get(Paths.dossierSurvey.pattern, use: kiosk)
        routes.post(Paths.dossierSurvey.pattern, use: kioskAnswer)
    }

    enum State: String, Encodable {
        case form, thanks, already, notYet = "not_yet"
    }

    struct Context: Encodable {
        let state: State
        let code: String
        let procedure: String
        let unit: String
        let action: String
        let token: String
        let kiosk: Bool
        let form: SurveyForm?
        let backLink: String?
        let errors: [FormError]?
    }

    /// The dossier a link names, if its token is right; otherwise one answer for an unknown
    /// code and a wrong token alike, so a link reveals nothing about other dossiers.
    func linked(_ request: Request, token: String?) async throws -> Dossier {
        let code = request.parameters.get("code") ?? ""
        guard let token, token.count <= 64, code.count <= 60,
              let dossier = try await stores.dossiers.find(code: code),
              SatisfactionRepository.verify(token, for: dossier.id, key: request.application.parConfig.secret) else {
            throw Problem(status: .forbidden, detail: "Đường dẫn khảo sát không hợp lệ. Hãy dùng đúng đường dẫn hoặc mã QR trên giấy tiếp nhận.",
                          detailEn: "This survey link is not valid. Use the link or QR code printed on your receipt.")
        }
        return dossier
    }

    func render(_ dossier: Dossier, state: State, kiosk: Bool, token: String, form: [String: String] = [:],
                       errors: [FormError]? = nil, request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        var names = Names(stores)
        let questionnaire = try await stores.satisfaction.activeQuestionnaire()
        let context = Context(
            state: state, code: dossier.code, procedure: try await names.procedure(dossier.procedureID)?.name ?? "",
            unit: try await names.unit(dossier.receivingUnitID),
            action: kiosk ? Paths.dossierSurvey.link(dossier.id) : Paths.survey.link(dossier.code), token: token, kiosk: kiosk,
            form: state == .form ? SurveyForm(questionnaire, form: form, en: en) : nil,
            backLink: kiosk ? Paths.dossier.link(dossier.id) : nil, errors: errors)
        let response = try await Page.render("survey", title: Messages.text("survey.satisfaction-survey", en: en), context: context,
                                             request: request, failed: errors != nil)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    /// What a dossier's survey page shows before any answer.
    func state(of dossier: Dossier, request: Request) async throws -> State {
        if try await stores.satisfaction.answeredAt(dossier.id) != nil { return .already }
        return dossier.state == .returned ? .form : .notYet
    }

    @Sendable func survey(_ request: Request) async throws -> Response {
        let token = try? request.query.get(String.self, at: "t")
        let dossier = try await linked(request, token: token)
        return try await render(dossier, state: try await state(of: dossier, request: request), kiosk: false, token: token ?? "", request: request)
    }

    @Sendable func answer(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let dossier = try await linked(request, token: form["t"])
        return try await record(form, dossier: dossier, method: .link, kiosk: false, actor: request.auditActor(id: nil, name: "citizen (survey link)"),
                                request: request)
    }

    func record(_ form: [String: String], dossier: Dossier, method: SurveyMethod, kiosk: Bool, actor: AuditActor,
                       request: Request) async throws -> Response {
        let repository = stores.satisfaction
        let token = form["t"] ?? ""
        do {
            let answers = try SurveyForm.answers(form, questionnaire: try await repository.activeQuestionnaire())
            try await repository.submit(dossier.id, answers: answers, method: method, actor: actor, now: request.now)
        } catch let error as DomainError where error.kind == .conflict {
            let response = try await render(dossier, state: try await state(of: dossier, request: request), kiosk: kiosk, token: token, request: request)
            response.status = .conflict
            return response
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(dossier, state: .form, kiosk: kiosk, token: token, form: form, errors: errors, request: request)
        }
        return try await render(dossier, state: .thanks, kiosk: kiosk, token: token, request: request)
    }

    // MARK: Counter kiosk

    @Sendable func kiosk(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.atCounter(request)
        return try await render(dossier, state: try await state(of: dossier, request: request), kiosk: true, token: "", request: request)
    }

    @Sendable func kioskAnswer(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.atCounter(request)
        let form = try request.content.decode([String: String].self)
        return try await record(form, dossier: dossier, method: .kiosk, kiosk: true, actor: request.auditActor, request: request)
    }
}
