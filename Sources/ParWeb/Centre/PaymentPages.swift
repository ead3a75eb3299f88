import Foundation
import ParCore
import ParStore
import Vapor

/// Fees for a dossier: the counter officer records a payment with its receipt number or opens
/// an online payment whose link the citizen follows (`/pay/{id}`) to the provider; the built-in
/// test provider's checkout page sends the same signed callbacks a real provider would —
/// success, failure, none (time-out), or duplicated and out of order.
struct PaymentPages {
    let stores: Stores

    func registerStaff(_ routes: any RoutesBuilder) {
        routes.get(Paths.dossierPayments.pattern, use: list)
        routes.post(Paths.dossierPayments.pattern, use: create)
    }

    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.payment.pattern, use: pay)
        routes.get(Paths.testProvider.pattern, use: testCheckout)
        routes.post(Paths.testProvider.pattern, use: testComplete)
    }

    typealias Option = PlanPages.Option

    struct PaymentLine: Encodable {
        let method: String
        let provider: String
        let amount: String
        let status: String
        let reference: String
        let createdAt: String
        let paidAt: String
        let link: String
    }

    struct ListContext: Encodable {
        let code: String
        let dossierLink: String
        let fees: [Format.FeeLine]
        let due: Int
        let dueText: String
        let paid: Bool
        let payments: [PaymentLine]
        let providers: [Option]
        let action: String
        let errors: [FormError]?
    }

    func line(_ p: Payment, en: Bool) -> PaymentLine {
        PaymentLine(method: p.method == .online ? (Messages.text("common.online", en: en)) : (Messages.text("payment-pages.at-the-counter", en: en)), provider: p.provider,
                    amount: Format.money(p.amountVND, en: en), status: p.status.name(en: en), reference: p.reference ?? "",
                    createdAt: LocalTime.format(p.createdAt), paidAt: p.paidAt.map(LocalTime.format) ?? "", link: Paths.payment.link(p.id))
    }

    func renderList(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let dossier = try await stores.dossierService.viewable(request)
        let procedure = try await stores.procedures.find(dossier.procedureID)
        let payments = try await stores.payments.payments(of: dossier.id)
        let due = procedure.map(Payment.due) ?? 0
        let context = ListContext(
            code: dossier.code, dossierLink: Paths.dossier.link(dossier.id),
            fees: procedure?.fees.map { Format.fee($0, en: en) } ?? [], due: due, dueText: Format.money(due, en: en),
            paid: payments.contains { $0.status == .succeeded }, payments: payments.map { line($0, en: en) },
            providers: PaymentProviders.all(request.application).map { Option(value: $0.name, label: $0.name, selected: false) },
            action: Paths.dossierPayments.link(dossier.id), errors: errors)
        return try await Page.render("payments", title: "\(Messages.text("ui.fees", en: en)) \(dossier.code)", context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func list(_ request: Request) async throws -> Response { try await renderList(request) }

    @Sendable func create(_ request: Request) async throws -> Response {
        let dossier = try await stores.dossierService.viewable(request)
        let form = try request.content.decode([String: String].self)
        do {
            let payment = try await stores.centreService.startPayment(dossier, method: form["method"], amount: form["amount"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                                          receipt: form["receipt"], provider: form["provider"], request: request)
            if payment.method == .online { return request.redirect(to: Paths.payment.link(payment.id)) }
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderList(request, errors: errors)
        }
        return request.redirect(to: Paths.dossierPayments.link(dossier.id))
    }

    // MARK: The payer's page

    func payment(_ request: Request) async throws -> Payment {
        guard let raw = request.parameters.get("paymentID"), let id = Payment.ID(string: raw), let payment = try await stores.payments.find(id) else {
            throw Problem.notFound("Không tìm thấy khoản thanh toán.", english: "No such payment.")
        }
        return payment
    }

    struct PayContext: Encodable {
        let code: String
        let amount: String
        let status: String
        let pending: Bool
        let checkout: String?
    }

    /// What the payer sees: the dossier code, the amount and the status (no personal data), with
    /// the provider's checkout while the payment is open.
    @Sendable func pay(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let p = try await payment(request)
        let dossier = try await stores.dossiers.find(p.dossierID)
        let provider = PaymentProviders.find(p.provider, app: request.application)
        let open = p.method == .online && p.status != .succeeded
        let context = PayContext(code: dossier?.code ?? "", amount: Format.money(p.amountVND, en: en), status: p.status.name(en: en),
                                 pending: p.status == .pending, checkout: open ? provider.map { PaymentProviders.checkout(p, provider: $0, request: request) } : nil)
        let response = try await Page.render("pay", title: Messages.text("pay.pay-the-fees", en: en), context: context, request: request)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    // MARK: The test provider

    struct TestContext: Encodable {
        let code: String
        let amount: String
        let action: String
        let back: String
    }

    @Sendable func testCheckout(_ request: Request) async throws -> Response {
        let p = try await payment(request)
        guard p.provider == PaymentProviders.testName, request.application.parConfig.testPayments else { throw Problem.notFound() }
        let dossier = try await stores.dossiers.find(p.dossierID)
        return try await Page.render("test-provider", title: "Test payment provider", context: TestContext(
            code: dossier?.code ?? "", amount: Format.money(p.amountVND, en: Language.of(request) == .en), action: Paths.testProvider.link(p.id), back: Paths.payment.link(p.id)),
            request: request)
    }

    /// The test provider's answer: it signs and delivers callbacks through the same verification
    /// as `POST /api/v1/payments/callbacks/{provider}`.
    @Sendable func testComplete(_ request: Request) async throws -> Response {
        let p = try await payment(request)
        guard p.provider == PaymentProviders.testName, request.application.parConfig.testPayments,
              let provider = PaymentProviders.find(PaymentProviders.testName, app: request.application) else { throw Problem.notFound() }
        let form = try request.content.decode([String: String].self)
        let transaction = "TEST-" + p.id.description.prefix(8).uppercased()
        func send(_ outcome: PaymentCallback.Outcome, _ sequence: Int) async throws {
            let signed = try PaymentProviders.signedCallback(CallbackBody(paymentId: p.id.description, outcome: outcome, amount: p.amountVND,
                                                                          transaction: transaction, sequence: sequence), provider: provider)
            _ = try await PaymentProviders.receive(provider: provider.name, body: signed.body, signature: signed.signature, payments: stores.payments, request: request)
        }
        let base = p.lastSequence
        switch form["outcome"] {
        case "success": try await send(.succeeded, base + 1)
        case "failure": try await send(.failed, base + 1)
        case "timeout": break   // the provider never answers: the payment stays pending, then expires
        case "duplicate":
            // Success twice, then an older "pending" notice arriving late.
            try await send(.succeeded, base + 2)
            try await send(.succeeded, base + 2)
            try await send(.pending, base + 1)
        default: throw Problem.badRequest("Chọn kết quả.", english: "Choose an outcome.", field: "outcome")
        }
        return request.redirect(to: Paths.payment.link(p.id))
    }
}
