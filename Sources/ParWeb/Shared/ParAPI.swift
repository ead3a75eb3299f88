import Foundation
import OpenAPIRuntime
import ParCore
import ParStore
import Vapor

/// The generated API's implementation. Each feature's operations live in their
/// own file (`ParAPI+Units.swift`, …); this file holds what they share.
///
/// Errors are thrown, not returned: `ProblemMiddleware` turns them into RFC 9457
/// problems, documented as every operation's `default` response.
struct ParAPI: APIProtocol {
    /// The repositories, built once in `configure` (`Stores`).
    let stores: Stores
    static let defaultLimit = 50
    static let maxLimit = 200

    var request: Request {
        get throws { try RequestContext.current() }
    }

    /// The signed-in principal, or 401.
    func principal() throws -> Principal {
        try request.requirePrincipal()
    }

    /// A validated page size.
    static func limit(_ raw: Int?) throws -> Int {
        let value = raw ?? defaultLimit
        guard (1...maxLimit).contains(value) else {
            throw Problem.badRequest("limit phải từ 1 đến \(maxLimit).", english: "limit must be 1 to \(maxLimit).", field: "limit")
        }
        return value
    }

    /// Cursors are opaque to clients: base64url of the last sort key.
    static func encodeCursor(_ value: String) -> String {
        Data(value.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        var base64 = raw.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw Problem.badRequest("cursor không hợp lệ.", english: "The cursor is not valid.", field: "cursor")
        }
        return text
    }

    /// `"v<version>"`, the ETag of a versioned resource.
    static func etag(_ version: Int) -> String { "\"v\(version)\"" }

    /// The version an `If-Match` names; a value that names no version can never match (412).
    static func version(fromIfMatch raw: String?) throws -> Int? {
        guard var text = raw?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text != "*" else { return nil }
        if text.hasPrefix("W/") { text.removeFirst(2) }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard text.hasPrefix("v"), let version = Int(text.dropFirst()) else {
            throw Problem(DomainError(.stale, "If-Match không khớp phiên bản hiện tại.", english: "If-Match does not match the current version."))
        }
        return version
    }

    /// Parses an optional `YYYY-MM-DD`.
    static func date(_ raw: String?, field: String) throws -> LocalDate? {
        guard let raw else { return nil }
        guard let date = LocalDate(iso: raw) else {
            throw Problem.badRequest("Ngày không hợp lệ (YYYY-MM-DD).", english: "Not a valid date (YYYY-MM-DD).", field: field)
        }
        return date
    }

    /// An uploaded file's bytes, at most `maxUploadBytes` (413 beyond).
    static func upload(_ body: HTTPBody, request: Request) async throws -> Data {
        let limit = request.application.parConfig.maxUploadBytes
        do {
            return try await Data(collecting: body, upTo: limit)
        } catch {
            throw Problem(status: .payloadTooLarge, detail: "Tệp lớn hơn \(limit / 1024 / 1024) MB.", detailEn: "The file is larger than \(limit / 1024 / 1024) MB.")
        }
    }

    /// Parses a path or body id; unknown shapes are simply "not found".
    static func id<T>(_ raw: String, as _: T.Type = T.self) throws -> EntityID<T> {
        guard let id = EntityID<T>(string: raw) else {
            throw Problem.notFound()
        }
        return id
    }
}
