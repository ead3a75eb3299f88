import Foundation
import Synchronization
import OpenAPIRuntime
import ParCore
import ParStore
import Vapor

/// `GET /api/v1/lookup`, the busiest public read, served as a plain route rather than through the
/// OpenAPI runtime and the API's middleware chain (issue 22: a lookup close to a hello-world
/// route's cost). The operation stays in `openapi.yaml` with its schemas and its generated handler
/// (`ParAPI.lookupDossier`, which `registerAPI` leaves unmounted); this route answers with the same
/// schema, coded as the runtime codes it, and the same problems.
///
/// What it leaves out is what a public GET without a body or credentials never needs: the body
/// limit, bearer parsing, idempotency keys, the ETag rewrite, the task-local request context and
/// the runtime's request and response conversion. The lookup rate limit stays.
enum PublicLookup {
    static let path = "/api/v1/lookup"

    static func register(_ app: Application, stores: Stores) {
        app.grouped(LookupRateLimitMiddleware(stores: stores)).get("api", "v1", "lookup", use: respond)
    }

    @Sendable static func respond(_ request: Request) async throws -> Response {
        let query = Self.query(request.url.query)
        guard let code = query["code"], let secret = query["secret"] else {
            throw Problem(status: .badRequest, detail: "Yêu cầu không đúng định dạng của API.",
                          detailEn: "The request does not match the API: the query parameters code and secret are required.")
        }
        // openapi.yaml's maxLength of each.
        for (name, value, limit) in [("code", code, 80), ("secret", secret, 20)] where value.count > limit {
            throw Problem.badRequest("Tham số \(name) dài quá \(limit) ký tự.", english: "The parameter \(name) is longer than \(limit) characters.",
                                     field: name)
        }
        let body = try await answer(code: code, secret: secret, request: request)
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "application", subType: "json", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }

    /// The coded answer. A status is coded once and the bytes reused while what it shows is the
    /// same: the dossier (its id, never reused) at its version — every change to it bumps the
    /// version — with the same timeliness and procedure name (at most `capacity` answers kept).
    static func answer(code: String, secret: String, request: Request) async throws -> Data {
        let found = try await publicStatus(code: code, secret: secret, request: request)
        let timeliness = found.dossier.timeliness(at: request.now)
        let key = "\(found.dossier.id)|\(found.dossier.version)|\(timeliness.rawValue)|\(found.procedureName ?? "")"
        if let bytes = rendered.withLock({ $0[key] }) { return bytes }
        let bytes = try encoder.encode(schema(found, timeliness: timeliness))
        rendered.withLock { answers in
            if answers.count >= capacity { answers.removeAll(keepingCapacity: true) }
            answers[key] = bytes
        }
        return bytes
    }

    static let capacity = 10_000
    private static let rendered = Mutex<[String: Data]>([:])

    /// The public status of the dossier with this code and receipt secret, or 404.
    static func status(code: String, secret: String, request: Request) async throws -> Components.Schemas.PublicDossierStatus {
        let found = try await publicStatus(code: code, secret: secret, request: request)
        return schema(found, timeliness: found.dossier.timeliness(at: request.now))
    }

    /// The replica first, the primary when it has not yet replayed a dossier just received (`ReadReplica`).
    static func publicStatus(code raw: String, secret rawSecret: String, request: Request) async throws -> PublicStatus {
        let code = VietnameseText.clean(raw), secret = VietnameseText.clean(rawSecret)
        guard let status = try await request.readOrPrimary({ try await DossierRepository(db: $0).publicStatus(code: code, secret: secret, now: request.now) }) else {
            throw Problem.notFound("Không tìm thấy hồ sơ với mã và mã tra cứu này.", english: "No dossier has this code and secret.")
        }
        return status
    }

    static func schema(_ status: PublicStatus, timeliness: Dossier.Timeliness) -> Components.Schemas.PublicDossierStatus {
        let dossier = status.dossier
        return .init(
            code: dossier.code, procedureName: status.procedureName, state: .init(rawValue: dossier.state.rawValue)!,
            stateName: dossier.state.vietnamese, nationalStatus: dossier.state.nationalStatus, receivedAt: dossier.receivedAt,
            dueAt: dossier.dueAt, timeliness: timeliness.rawValue,
            timeline: status.timeline.map { .init(at: $0.at, name: $0.name, state: .init(rawValue: $0.toState.rawValue)!) })
    }

    /// The query's first value of each name, form-decoded (`+` is a space); a value with a broken
    /// escape or invalid UTF-8 is empty.
    static func query(_ raw: String?) -> [String: String] {
        var values: [String: String] = [:]
        for pair in (raw ?? "").utf8.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            guard let name = decoded(pair[..<(equals ?? pair.endIndex)]), values[name] == nil else { continue }
            values[name] = equals.map { decoded(pair[pair.index(after: $0)...]) ?? "" } ?? ""
        }
        return values
    }

    static func decoded<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String? {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            switch byte {
            case UInt8(ascii: "+"): text.append(0x20)
            case UInt8(ascii: "%"):
                guard index != bytes.endIndex, let high = hex(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                guard index != bytes.endIndex, let low = hex(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                text.append(high << 4 | low)
            default: text.append(byte)
            }
        }
        return String(validating: text, as: UTF8.self)
    }

    /// The generated handlers' JSON coding (`Configuration.api`): sorted keys, and dates written by the same
    /// transcoder. JSONEncoder's own `.iso8601` floors the fraction of a second where the runtime's formatter
    /// rounds it to the millisecond first, so an instant within half a millisecond of the next second read one
    /// second apart (found by CI at 16:31:53.9995).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let transcoder = APIDateTranscoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try transcoder.encode(date))
        }
        return encoder
    }()
}
