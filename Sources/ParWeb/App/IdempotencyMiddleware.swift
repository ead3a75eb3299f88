import Crypto
import Fluent
import Foundation
import ParCore
import ParStore
import Vapor

/// Makes creates safe to retry: a POST with an `Idempotency-Key` that was
/// already answered for the same caller gets the stored answer again (with
/// `Idempotent-Replayed: true`) instead of creating a second record. The same
/// key with a different request is refused with 422.
struct IdempotencyMiddleware: AsyncMiddleware {
    let stores: Stores

    /// Anonymous calls (token creation) share one owner id.
    static let anonymous = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST, let key = request.headers.first(name: "Idempotency-Key") else {
            return try await next.respond(to: request)
        }
        guard (1...200).contains(key.count) else {
            throw Problem.badRequest("Idempotency-Key phải có từ 1 đến 200 ký tự.", english: "Idempotency-Key must be 1 to 200 characters.", field: "Idempotency-Key")
        }
        let owner = request.principal?.userID.rawValue ?? Self.anonymous
        var hasher = SHA256()
        hasher.update(data: Data((request.method.rawValue + " " + request.url.path + "\n").utf8))
        if let body = request.body.data { hasher.update(data: Data(body.readableBytesView)) }
        let fingerprint = Hex.string(hasher.finalize())

        let store = stores.idempotency
        if let stored = try await store.find(owner: owner, key: key) {
            guard stored.fingerprint == fingerprint else {
                throw Problem(status: .unprocessableEntity, detail: "Idempotency-Key này đã dùng cho một yêu cầu khác.",
                              detailEn: "This Idempotency-Key was used for a different request.")
            }
            let response = Response(status: HTTPResponseStatus(statusCode: stored.status))
            response.headers.replaceOrAdd(name: .contentType, value: stored.contentType)
            response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
            response.body = .init(string: stored.body)
            return response
        }
        let response = try await next.respond(to: request)
        guard (200..<300).contains(response.status.code) else { return response }
        let buffer = try await response.body.collect(on: request.eventLoop).get() ?? ByteBuffer()
        let text = String(buffer: buffer)
        response.body = .init(buffer: buffer)
        try? await store.save(owner: owner, key: key, fingerprint: fingerprint, status: Int(response.status.code),
                              contentType: response.headers.first(name: .contentType) ?? "application/json", body: text)
        return response
    }
}
