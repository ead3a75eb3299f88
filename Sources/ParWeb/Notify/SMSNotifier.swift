import Foundation
import ParCore
import ParStore
import Vapor

/// Sends each message by its channel: e-mail through `email`, SMS through `sms` (none configured:
/// the SMS waits and is tried again, as for a relay that is down).
struct ChannelNotifier: Notifier {
    let email: any Notifier
    let sms: (any Notifier)?

    func deliver(_ message: OutboxMessage) async throws {
        switch message.channel {
        case .email: try await email.deliver(message)
        case .sms:
            guard let sms else { throw SMSError(description: "no SMS provider is configured (PARHUB_SMS_URL)") }
            try await sms.deliver(message)
        }
    }
}

struct SMSError: PermanentDeliveryFailure, CustomStringConvertible {
    let description: String
    var isPermanent = false
}

/// An SMS provider over HTTPS (`PARHUB_SMS_URL`, `PARHUB_SMS_KEY`): `POST URL` with the JSON
/// `{"id", "to", "text"}` and the header `X-Signature: HMAC-SHA256(key, body)` in hex, as the payment
/// providers sign. A 2xx answer is sent; a 4xx is permanent (a bad number: the message is dead); a
/// 5xx or no answer is tried again. The message id lets the provider drop a repeat.
struct HTTPSSMSProvider: Notifier {
    let url: URI
    let key: String
    let client: any Client
    static let signatureHeader = "X-Signature"

    struct Payload: Content, Equatable {
        let id: String
        let to: String
        let text: String
    }

    /// The request body and its signature.
    static func signed(_ message: OutboxMessage, key: String) throws -> (body: Data, signature: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(Payload(id: message.id.description, to: message.recipient, text: message.body))
        return (body, SignedToken.hmacHex(Array(body), key: key))
    }

    func deliver(_ message: OutboxMessage) async throws {
        let (body, signature) = try Self.signed(message, key: key)
        let response = try await client.post(url, headers: ["Content-Type": "application/json", Self.signatureHeader: signature]) { request in
            request.body = ByteBuffer(data: body)
        }
        guard (200..<300).contains(response.status.code) else {
            throw SMSError(description: "the SMS provider answered \(response.status.code)", isPermanent: (400..<500).contains(response.status.code))
        }
    }
}

/// The built-in test provider (`PARHUB_TEST_SMS`, on by default outside production): it sends
/// nothing, only notes the message in the log; `/test-sms` shows what it took, for trainers and the
/// browser tests. Production refuses it.
struct TestSMSProvider: Notifier {
    let logger: Logger

    func deliver(_ message: OutboxMessage) async throws {
        logger.notice("test SMS provider took \(message.id) (shown on /test-sms)")
    }
}
