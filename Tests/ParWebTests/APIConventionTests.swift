import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("API conventions")
struct APIConventionTests {
    static func unitBody(_ fixture: Fixture, key: String, name: String = "Phòng Bổ trợ tư pháp") -> ByteBuffer {
        ByteBuffer(string: #"{"key":"\#(key)","code":"P2","kind":"division","name":"\#(name)","parentId":"\#(fixture.justice.id)"}"#)
    }

    @Test("reads return an ETag; a stale If-Match gets 412 and the current one succeeds")
    func etags() async throws {
        try await withTestApp { app, fixture in
            let token = fixture.token(.parOfficer)
            let path = "/api/v1/units/\(fixture.justice.id)"
            try await app.testing().test(.GET, path, headers: .bearer(token)) { res in
                #expect(res.headers.first(name: .eTag) == "\"v1\"")
            }
            let body = ByteBuffer(string: #"{"key":"dept:tu-phap","code":"dept:tu-phap","kind":"department","name":"Sở Tư pháp Hà Nội","parentId":"\#(fixture.province.id)"}"#)
            var headers = HTTPHeaders.bearer(token)
            headers.replaceOrAdd(name: .ifMatch, value: "\"v1\"")
            try await app.testing().test(.PUT, path, headers: headers, body: body) { res in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .eTag) == "\"v2\"")
            }
            try await app.testing().test(.PUT, path, headers: headers, body: body) { res in
                #expect(res.status == .preconditionFailed)
                let problem = try JSONDecoder().decode(Problem.self, from: res.body)
                #expect(problem.titleEn == "Precondition failed")
            }
        }
    }

    @Test("a retried create with the same Idempotency-Key returns the first answer and creates one unit")
    func idempotency() async throws {
        try await withTestApp { app, fixture in
            var headers = HTTPHeaders.bearer(fixture.token(.administrator))
            headers.replaceOrAdd(name: "Idempotency-Key", value: "8d1c2f4e-retry")
            var ids: [String] = []
            for attempt in 0..<2 {
                try await app.testing().test(.POST, "/api/v1/units", headers: headers,
                                             body: Self.unitBody(fixture, key: "div:btp")) { res in
                    #expect(res.status == .created)
                    ids.append(try res.content.get(String.self, at: "id"))
                    #expect((res.headers.first(name: "Idempotent-Replayed") == "true") == (attempt == 1))
                }
            }
            #expect(ids.count == 2 && ids[0] == ids[1])
            try await app.testing().test(.POST, "/api/v1/units", headers: headers,
                                         body: Self.unitBody(fixture, key: "div:other")) { res in
                #expect(res.status == .unprocessableEntity)
            }
            let count = try await UnitRepository(db: app.db).list(.init(scopeRoots: [fixture.province.id], text: "bo tro")).count
            #expect(count == 1)
        }
    }

    @Test("bad input gets a 4xx problem, never a 5xx", arguments: [
        ("POST", "/api/v1/units", "{not json", "application/json"),
        ("POST", "/api/v1/units", #"{"code":"X","kind":"planet","name":"Sao"}"#, "application/json"),
        ("POST", "/api/v1/units", #"{"code":"X","kind":"division","name":"   "}"#, "application/json"),
        ("POST", "/api/v1/units", "code=X", "application/x-www-form-urlencoded"),
        ("POST", "/api/v1/units", String(repeating: "a", count: 3 << 20), "application/json"),
        ("GET", "/api/v1/units?limit=0", "", "application/json"),
        ("GET", "/api/v1/units?limit=abc", "", "application/json"),
        ("GET", "/api/v1/units?cursor=%25%25%25", "", "application/json"),
        ("GET", "/api/v1/units?validOn=2025-02-30", "", "application/json"),
        ("GET", "/api/v1/units/not-a-uuid", "", "application/json"),
        ("GET", "/api/v1/reports/restructuring?unitId=x&from=a&to=b", "", "application/json"),
        ("PUT", "/api/v1/units/00000000-0000-0000-0000-000000000001/quotas/1800", #"{"quota":{},"actual":{}}"#, "application/json"),
    ])
    func badInput(method: String, path: String, body: String, contentType: String) async throws {
        try await withTestApp { app, fixture in
            var headers = HTTPHeaders.bearer(fixture.token(.administrator))
            headers.replaceOrAdd(name: .contentType, value: contentType)
            try await app.testing().test(HTTPMethod(rawValue: method), path, headers: headers,
                                         body: body.isEmpty ? nil : ByteBuffer(string: body)) { res in
                #expect((400..<500).contains(res.status.code), "\(method) \(path) → \(res.status)")
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
        }
    }

    @Test("the bounds of integer parameters are read from the document: inline, in block form and through $ref")
    func parameterBoundsParsed() throws {
        let text = try String(contentsOfFile: repositoryRoot + "Sources/ParWeb/openapi.yaml", encoding: .utf8)
        let bounds = ParameterBounds.parse(text).byOperation
        #expect(bounds["listInspections"] == [.init(name: "year", location: .query, range: 2000...2100)])
        #expect(bounds["setUnitQuota"] == [.init(name: "year", location: .path, range: 1945...2100)])
        #expect(bounds["listUnits"]?.contains(.init(name: "limit", location: .query, range: 1...200)) == true)
        let sample = """
        paths:
          /a/{n}:
            parameters:
              - {name: n, in: path, required: true, schema: {type: integer, minimum: 3}}
            get:
              operationId: getA
              parameters:
                - name: size
                  in: query
                  schema:
                    type: integer
                    maximum: 9
                - {name: text, in: query, schema: {type: string, maxLength: 9}}
        components:
          parameters:
            Unused:
              name: page
              in: query
              schema: {type: integer, minimum: 1}
        """
        #expect(ParameterBounds.parse(sample).byOperation == ["getA": [.init(name: "n", location: .path, range: 3...Int.max),
                                                                     .init(name: "size", location: .query, range: Int.min...9)]])
    }

    @Test("every bounded integer parameter of the document is refused outside its bounds with a 400 problem naming it")
    func parameterBoundsEnforced() async throws {
        let text = try String(contentsOfFile: repositoryRoot + "Sources/ParWeb/openapi.yaml", encoding: .utf8)
        let bounds = ParameterBounds.parse(text).byOperation
        let operations = OpenAPIDocument.operations(in: text).filter { bounds[$0.operationId] != nil }
        #expect(operations.count >= 9)
        try await withTestApp { app, fixture in
            let headers = HTTPHeaders.bearer(fixture.token(.administrator))
            for operation in operations {
                for bound in bounds[operation.operationId] ?? [] {
                    let outside = [bound.range.lowerBound == Int.min ? nil : bound.range.lowerBound - 1,
                                   bound.range.upperBound == Int.max ? nil : bound.range.upperBound + 1].compactMap { $0 }
                    for value in outside {
                        var path = operation.path.replacingOccurrences(of: "{\(bound.name)}", with: String(value))
                        path = path.replacing(/\{[A-Za-z]+\}/, with: fixture.province.id.description)
                        if bound.location == .query { path += "?\(bound.name)=\(value)" }
                        try await app.testing().test(HTTPMethod(rawValue: operation.method), path, headers: headers) { res in
                            #expect(res.status == .badRequest, "\(operation.key) \(bound.name)=\(value) → \(res.status)")
                            let problem = try? JSONDecoder().decode(Problem.self, from: res.body)
                            #expect(problem?.errors?.first?.field == bound.name, "\(operation.key)")
                        }
                    }
                }
            }
            try await app.testing().test(.GET, "/api/v1/inspections?unitId=\(fixture.justice.id)&year=2026",
                                         headers: .bearer(fixture.token(.inspector))) { res in
                #expect(res.status == .ok)
            }
        }
    }

    @Test("decomposed Vietnamese input is stored composed (NFC)")
    func nfc() async throws {
        try await withTestApp { app, fixture in
            let decomposed = "Pho\u{0300}ng Tu\u{031B} pha\u{0301}p"
            try await app.testing().test(.POST, "/api/v1/units", headers: .bearer(fixture.token(.administrator)),
                                         body: Self.unitBody(fixture, key: "div:nfc", name: decomposed)) { res in
                #expect(res.status == .created)
                let name = try res.content.get(String.self, at: "name")
                #expect(Array(name.unicodeScalars) == Array("Phòng Tư pháp".unicodeScalars))
            }
        }
    }

    @Test("token creation checks the password and throttles repeated failures")
    func tokensAndThrottle() async throws {
        try await withTestApp { app, fixture in
            let username = fixture.users[.inspector]!.username
            func attempt(_ password: String) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await app.testing().test(.POST, "/api/v1/auth/tokens", headers: ["Content-Type": "application/json"],
                                             body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)","name":"ci"}"#)) { res in
                    status = res.status
                }
                return status
            }
            let first = try await attempt(Fixture.password)
            #expect(first == .created)
            for _ in 0..<5 {
                let status = try await attempt("wrong-password")
                #expect(status == .unauthorized)
            }
            let throttled = try await attempt(Fixture.password)
            #expect(throttled == .tooManyRequests)
        }
    }

    @Test("every write through the API leaves an intact audit chain naming the actor and request")
    func auditedWrites() async throws {
        try await withTestApp { app, fixture in
            try await app.testing().test(.POST, "/api/v1/units", headers: .bearer(fixture.token(.parOfficer)),
                                         body: Self.unitBody(fixture, key: "div:audit")) { res in
                #expect(res.status == .created)
            }
            let entries = try await AuditLog.entries(on: app.db, entityType: "unit", entityID: nil, beforeSequence: nil, limit: 1)
            #expect(entries.first?.action == "unit.create")
            #expect(entries.first?.actorName == fixture.users[.parOfficer]!.username)
            #expect(entries.first?.requestID != nil)
            try await AuditSealer.sealAll(on: app.db)
            guard case .intact = try await AuditLog.verify(on: app.db) else {
                Issue.record("audit chain broken"); return
            }
        }
    }
}

@Suite("Operations endpoints")
struct OperationsTests {
    @Test("health, readiness, metrics and the OpenAPI document answer")
    func endpoints() async throws {
        try await withTestApp { app, _ in
            // Vapor counts by route pattern, and the registry is the process's: other tests running at
            // once hit /healthz too, so the exact count is checked on a route only this test has.
            let probe = "metrics-probe-" + UUID().uuidString.prefix(8).lowercased()
            app.get(.constant(probe)) { _ in "ok" }
            try await app.testing().test(.GET, "/healthz") { res in #expect(res.status == .ok) }
            try await app.testing().test(.GET, "/readyz") { res in #expect(res.status == .ok) }
            try await app.testing().test(.GET, "/openapi.yaml") { res in
                #expect(res.status == .ok)
                let file = try String(contentsOfFile: repositoryRoot + "Sources/ParWeb/openapi.yaml", encoding: .utf8)
                #expect(res.body.string == file)
            }
            try await app.testing().test(.GET, "/api/docs", headers: ["Accept": "text/html"]) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("createUnit"))
            }
            func probeCount() async throws -> Double {
                var count = 0.0
                try await app.testing().test(.GET, "/metrics") { res in
                    let line = res.body.string.split(separator: "\n").first {
                        $0.hasPrefix("http_requests_total{") && $0.contains(#"path="/\#(probe)""#) && $0.contains(#"status="200""#)
                    }
                    count = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
                }
                return count
            }
            #expect(try await probeCount() == 0)
            for _ in 0..<2 { try await app.testing().test(.GET, "/" + probe) { res in #expect(res.status == .ok) } }
            #expect(try await probeCount() == 2, "Vapor's own request counter, by path, once per request")
            try await app.testing().test(.GET, "/metrics") { res in
                let text = res.body.string
                #expect(text.contains(#"parhub_dossiers_open{unit="01"} 2"#), "the fixture's two running dossiers")
                #expect(text.contains(#"parhub_dossiers_overdue{unit="01"} 0"#))
                #expect(text.contains("parhub_outbox_pending ") && text.contains("parhub_outbox_dead 0"))
                #expect(text.contains("# HELP parhub_outbox_dead Notices given up after their last attempt"))
                #expect(text.contains("http_request_duration_seconds_bucket"))
            }
        }
    }

    @Test("the docs page lists every operation of the document")
    func operationsList() throws {
        let text = try String(contentsOfFile: repositoryRoot + "Sources/ParWeb/openapi.yaml", encoding: .utf8)
        let operations = OpenAPIDocument.operations(in: text)
        #expect(operations.count == text.components(separatedBy: "operationId:").count - 1)
        let replace = operations.first { $0.operationId == "replaceUnit" }
        #expect(replace?.method == "PUT")
        #expect(replace?.path == "/api/v1/units/{unitId}")
    }
}
