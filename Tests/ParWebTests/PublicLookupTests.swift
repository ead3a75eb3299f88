import Foundation
import OpenAPIRuntime
import OpenAPIVapor
import ParCore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// `GET /api/v1/lookup` is a plain route (`PublicLookup`), not the generated handler: it must
/// answer exactly as the generated handler would (issue 22).
@Suite("Public lookup outside the OpenAPI runtime")
struct PublicLookupTests {
    struct Answer {
        var status: HTTPStatus
        var body: String
        var contentType: String?
    }

    static func get(_ app: Application, _ path: String) async throws -> Answer {
        var answer = Answer(status: .internalServerError, body: "", contentType: nil)
        try await app.testing().test(.GET, path) { res in
            answer = Answer(status: res.status, body: res.body.string, contentType: res.headers.first(name: .contentType))
        }
        return answer
    }

    @Test("the route answers byte for byte as the generated handler, found or not, and refuses a request without both parameters alike")
    func sameAsGenerated() async throws {
        try await withTestApp { app, fixture in
            // The generated handler, mounted under /generated only here, to compare with.
            try ParAPI(stores: app.stores).registerHandlers(on: VaporTransport(routesBuilder: app.grouped(RequestContextMiddleware())), serverURL: URL(string: "/generated")!,
                                                         configuration: .api)
            let received = try await QueueWebTests.receive(app, fixture, applicant: #"{"name":"Nguyễn Thị Đào","idNumber":"001090012345"}"#)
            let code = received.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let dotless = received.code.replacingOccurrences(of: ".", with: "")
            for query in ["code=\(code)&secret=\(received.secret)", "code=\(dotless)&secret=\(received.secret)", "secret=\(received.secret)&code=\(code)",
                          "code=\(code)&secret=WRONG", "secret=\(received.secret)", "code=\(code)", ""] {
                let fast = try await Self.get(app, PublicLookup.path + "?" + query)
                let generated = try await Self.get(app, "/generated" + PublicLookup.path + "?" + query)
                #expect(fast.status == generated.status, "\(query)")
                if fast.status == .ok {
                    #expect(fast.contentType == generated.contentType, "\(query)")
                    #expect(fast.body == generated.body, "\(query)")
                    let status = try JSONDecoder.iso8601.decode(Components.Schemas.PublicDossierStatus.self, from: Data(fast.body.utf8))
                    #expect(status.code == received.code && status.state == .received && !fast.body.contains("Nguyễn Thị Đào"))
                } else {
                    // (Under /generated, outside /api, the problem is rendered as a page.)
                    #expect(fast.status == (query.contains("WRONG") ? .notFound : .badRequest) && fast.contentType?.hasPrefix("application/problem+json") == true,
                            "\(query)")
                }
            }
            // Longer than openapi.yaml's maxLength: refused by name rather than looked up.
            let long = try await Self.get(app, PublicLookup.path + "?code=\(String(repeating: "9", count: 81))&secret=x")
            #expect(long.status == .badRequest && long.body.contains("The parameter code is longer than 80 characters"), "\(long.body)")
        }
    }

    @Test("dates are written as the generated handlers write them, also a moment before the next second", arguments: [
        0.0, 0.4, 0.5, 0.9994, 0.9996, 0.999_999])
    func datesAsGenerated(fraction: Double) throws {
        let date = Date(timeIntervalSince1970: 1_798_734_713 + fraction)
        let ours = String(decoding: try PublicLookup.encoder.encode([date]), as: UTF8.self)
        let runtime = try ISO8601DateTranscoder.iso8601.encode(date)
        #expect(ours.contains("\"\(runtime)\""), "\(ours) ≠ \(runtime)")
    }

    @Test("query parsing: first value wins, + and percent escapes decode, a bad escape is an empty value", arguments: [
        ("code=A.B&secret=x", ["code": "A.B", "secret": "x"]),
        ("code=A&code=B", ["code": "A"]),
        ("code=H%E1%BB%93+s%C6%A1&secret", ["code": "Hồ sơ", "secret": ""]),
        ("code=%ZZ&&secret=1=2", ["code": "", "secret": "1=2"]),
    ])
    func query(raw: String, expected: [String: String]) {
        #expect(PublicLookup.query(raw) == expected)
    }
}

extension JSONDecoder {
    static let iso8601: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
