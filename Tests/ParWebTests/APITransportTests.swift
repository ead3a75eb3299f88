import Foundation
import HTTPTypes
import OpenAPIVapor
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// ParHub serves its generated handlers through its own transport (`APITransport`); swift-openapi-vapor's
/// `VaporTransport` is kept as the reference it must answer like.
@Suite("The API's transport")
struct APITransportTests {
    struct Answer: Equatable {
        let status: HTTPStatus
        let contentType: String?
        let etag: String?
        let body: String
    }

    static func answer(_ app: Application, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: String? = nil) async throws -> Answer {
        var answer = Answer(status: .internalServerError, contentType: nil, etag: nil, body: "")
        var headers = headers
        if body != nil { headers.replaceOrAdd(name: .contentType, value: "application/json") }
        try await app.testing().test(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) }) { res in
            // (A problem under /reference, outside /api, is rendered as a page: only its status is compared.)
            let success = res.status.code < 300
            answer = Answer(status: res.status, contentType: success ? res.headers.first(name: .contentType) : nil,
                            etag: res.headers.first(name: .eTag), body: success ? res.body.string : "")
        }
        return answer
    }

    @Test("every answer is the one swift-openapi-vapor's transport gives: status, type, ETag and bytes")
    func sameAsReference() async throws {
        try await withTestApp { app, fixture in
            // The same handlers behind the same middleware, mounted under /reference through VaporTransport.
            let stores = app.stores
            let reference = app.grouped("reference").grouped(RequestContextMiddleware(), ETagMiddleware(), BodyLimitMiddleware(),
                                                             BearerPrincipalMiddleware(stores: stores))
            try ParAPI(stores: stores).registerHandlers(on: VaporTransport(routesBuilder: reference), serverURL: URL(string: "/")!,
                                                        configuration: .api)
            let token = HTTPHeaders.bearer(fixture.token(.parOfficer))
            let dossier = try #require(fixture.dossiers[fixture.justice.id])
            let requests: [(HTTPMethod, String, String?)] = [
                (.GET, "/api/v1/units/\(fixture.justice.id)", nil),
                (.GET, "/api/v1/units?q=t%C6%B0%20ph%C3%A1p&limit=2", nil),
                (.GET, "/api/v1/dossiers/\(dossier)", nil),
                (.GET, "/api/v1/dossiers?limit=1", nil),
                (.GET, "/api/v1/units/\(UUID())", nil),
                (.GET, "/api/v1/units/not-an-id", nil),
                (.POST, "/api/v1/units", #"{"key":"x"}"#),
                (.POST, "/api/v1/units", "{"),
            ]
            for (method, path, body) in requests {
                let ours = try await Self.answer(app, method, path, headers: token, body: body)
                let theirs = try await Self.answer(app, method, "/reference" + path, headers: token, body: body)
                #expect(ours == theirs, "\(method) \(path)")
                #expect(ours.status != .internalServerError, "\(method) \(path)")
            }
        }
    }

    @Test("over a socket: a streamed upload arrives whole, a JSON intake is answered in one piece with its length")
    func overSocket() async throws {
        try await withTestApp { app, fixture in
            let live = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            let id = try #require(fixture.dossiers[fixture.justice.id])
            var headers = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            headers.replaceOrAdd(name: .contentType, value: "application/pdf")
            // Not JSON, so no middleware reads it first: the handler gets it as a stream.
            var pdf = ByteBuffer(string: "%PDF-1.4\n")
            pdf.writeBytes((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            var fileID = ""
            try await live.test(.POST, "/api/v1/dossiers/\(id)/files?kind=component&component=T%E1%BB%9D%20khai", headers: headers, body: pdf) { res in
                #expect(res.status == .created, "\(res.body.string)")
                #expect(res.headers.first(name: .contentLength) == String(res.body.readableBytes))
                fileID = try res.content.get(String.self, at: "id")
            }
            var download = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            download.replaceOrAdd(name: .accept, value: "*/*")
            try await live.test(.GET, "/api/v1/dossiers/\(id)/files/\(fileID)", headers: download) { res in
                #expect(res.status == .ok)
                #expect(res.body == pdf, "the file comes back byte for byte")
            }
            var intake = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            intake.replaceOrAdd(name: .contentType, value: "application/json")
            let body = #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"counter","#
                + #""applicant":{"name":"Nguyễn Văn An"},"components":["Tờ khai"]}"#
            try await live.test(.POST, "/api/v1/dossiers", headers: intake, body: ByteBuffer(string: body)) { res in
                #expect(res.status == .created, "\(res.body.string)")
                #expect(res.headers.first(name: .contentLength) == String(res.body.readableBytes))
                #expect(res.headers.first(name: .transferEncoding) == nil)
                let state = try res.content.get(String.self, at: "dossier", "state")
                #expect(state == "received")
            }
        }
    }

    @Test("the handler sees the request's fields as swift-nio-extras gives them: the first Host taken as the authority, one Cookie field per cookie")
    func requestFields() throws {
        let app = Application(.testing)
        defer { app.shutdown() }
        let request = Request(application: app, method: .POST, url: URI(string: "/api/v1/dossiers?x=1"),
                              headers: ["Host": "parhub.example", "Cookie": "a=1; b=2", "Authorization": "Bearer t", "Host": "second"],
                              on: app.eventLoopGroup.next())
        let converted = HTTPRequest(request, method: .post)
        #expect(converted.path == "/api/v1/dossiers?x=1")
        #expect(converted.headerFields.map { "\($0.name.canonicalName): \($0.value)" }
                == ["cookie: a=1", "cookie: b=2", "authorization: Bearer t", "host: second"])
    }
}
