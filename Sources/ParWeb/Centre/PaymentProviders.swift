import Foundation
import ParCore
import ParStore
import Vapor

/// A payment provider as configured: its name (in callback URLs), the key it signs callbacks
/// with, and its checkout address (`{payment}` and `{return}` are filled in).
///
/// `PARHUB_PAYMENT_PROVIDERS` lists them, `;`-separated, each `name|key|checkout URL`.
public struct PaymentProviderConfig: Sendable, Equatable {
    public var name: String
    public var key: String
    public var checkoutURL: String

    public init(name: String, key: String, checkoutURL: String) {
        self.name = name
        self.key = key
        self.checkoutURL = checkoutURL
    }

    static func parse(_ text: String) -> [PaymentProviderConfig] {
        text.split(separator: ";").compactMap { entry in
            let parts = entry.split(separator: "|", maxSplits: 2).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, PaymentProviders.validName(parts[0]), !parts[1].isEmpty, parts[2].hasPrefix("https://") else { return nil }
            return PaymentProviderConfig(name: parts[0], key: parts[1], checkoutURL: parts[2])
        }
    }
}

/// The callback every provider sends: JSON signed with HMAC-SHA256 of the raw body under the
/// provider's key, hex, in the `X-Payment-Signature` header.
struct CallbackBody: Codable {
    let paymentId: String
    let outcome: PaymentCallback.Outcome
    let amount: Int
    let transaction: String
    let sequence: Int
}

enum PaymentProviders {
    /// The built-in provider for testing and training: its checkout page lets the payer choose
    /// success, failure, a time-out, or duplicate and out-of-order callbacks.
    static let testName = "test"
    static let signatureHeader = "X-Payment-Signature"

    static func validName(_ name: String) -> Bool {
        (1...32).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } && name == name.lowercased()
    }

    static func all(_ app: Application) -> [PaymentProviderConfig] {
        let config = app.parConfig
        var providers = config.paymentProviders
        if config.testPayments {
            providers.insert(PaymentProviderConfig(name: testName, key: SignedToken.make("payment-provider", testName, key: config.secret),
                                                   checkoutURL: "/payments/test-provider/{payment}"), at: 0)
        }
        return providers
    }

    static func find(_ name: String, app: Application) -> PaymentProviderConfig? {
        all(app).first { $0.name == name }
    }

    /// Where the payer goes to pay.
    static func checkout(_ payment: Payment, provider: PaymentProviderConfig, request: Request) -> String {
        let back = request.application.parConfig.publicURL + Paths.payment.link(payment.id)
        return provider.checkoutURL.replacingOccurrences(of: "{payment}", with: payment.id.description)
            .replacingOccurrences(of: "{return}", with: back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    /// Verifies and applies a callback's raw body; a bad signature or body is recorded as refused.
    static func receive(provider name: String, body: [UInt8], signature: String?, payments repository: PaymentRepository, request: Request) async throws -> PaymentRepository.CallbackResult {
        guard let provider = find(name, app: request.application) else {
            throw Problem.notFound("Không có nhà cung cấp thanh toán này.", english: "No such payment provider.")
        }
        let expected = SignedToken.hmacHex(body, key: provider.key)
        guard let signature, signature.count == expected.count,
              DossierRepository.constantTimeEqual(expected, signature.lowercased()) else {
            _ = try await repository.receive(nil, provider: provider.name, refusal: "signature", now: request.now)
            throw Problem(status: .unauthorized, detail: "Chữ ký của thông báo thanh toán không đúng.", detailEn: "The callback's signature does not match.")
        }
        guard let decoded = try? JSONDecoder().decode(CallbackBody.self, from: Data(body)), let id = Payment.ID(string: decoded.paymentId),
              (0...1_000_000_000).contains(decoded.sequence), decoded.transaction.count <= 100 else {
            _ = try await repository.receive(nil, provider: provider.name, refusal: "body", now: request.now)
            throw Problem.badRequest("Nội dung thông báo thanh toán không hợp lệ.", english: "The callback body is not valid.")
        }
        return try await repository.receive(PaymentCallback(paymentID: id, outcome: decoded.outcome, amountVND: decoded.amount,
                                                            transaction: decoded.transaction, sequence: decoded.sequence),
                                            provider: provider.name, now: request.now)
    }

    /// A callback body as the provider would send it, with its signature.
    static func signedCallback(_ body: CallbackBody, provider: PaymentProviderConfig) throws -> (body: [UInt8], signature: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bytes = Array(try encoder.encode(body))
        return (bytes, SignedToken.hmacHex(bytes, key: provider.key))
    }
}
