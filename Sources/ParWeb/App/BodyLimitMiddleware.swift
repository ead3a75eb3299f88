import Vapor

/// Reads JSON and form bodies into memory up to `maxBytes` (413 beyond), so
/// the idempotency fingerprint sees the bytes and no handler streams an
/// unbounded body. Text is NFC-normalised where it is validated
/// (`VietnameseText.clean` in ParCore), which every text field passes through.
struct BodyLimitMiddleware: AsyncMiddleware {
    var maxBytes = 2 << 20
    /// Multipart forms carry scans: up to this many bytes in all.
    var maxMultipartBytes = 64 << 20

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let type = request.headers.contentType
        if request.body.data == nil, type?.type == "multipart", type?.subType == "form-data" {
            do {
                _ = try await request.body.collect(max: maxMultipartBytes).get()
            } catch {
                throw Problem(status: .payloadTooLarge, detail: "Các tệp gửi lên vượt quá 64 MB.", detailEn: "The upload is over 64 MB.")
            }
        } else if request.body.data == nil,
           type == .json || type == .urlEncodedForm || type?.subType.hasSuffix("json") == true {
            do {
                _ = try await request.body.collect(max: maxBytes).get()
            } catch {
                throw Problem(status: .payloadTooLarge, detail: "Dữ liệu gửi lên vượt quá 2 MB.", detailEn: "The request body is over 2 MB.")
            }
        }
        return try await next.respond(to: request)
    }
}
