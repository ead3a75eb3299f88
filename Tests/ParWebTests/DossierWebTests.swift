import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Dossier API")
struct DossierWebTests {
    struct Receipt: Decodable {
        struct Dossier: Decodable {
            struct Entry: Decodable { let name: String; let actorName: String?; let toState: String }
            let id: String
            let code: String
            let state: String
            let nationalStatus: Int
            let dueAt: Date
            let version: Int
            let timeline: [Entry]
        }
        let dossier: Dossier
        let lookupSecret: String
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func intakeBody(_ fixture: Fixture, unit: OrgUnit) -> ByteBuffer {
        ByteBuffer(string: #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(unit.id)","channel":"counter","applicant":{"name":"Phạm Thị Dung","phone":"0987654321"},"components":["Tờ khai"]}"#)
    }

    @Test("received at the counter, forwarded through two units, paused for a supplement, apologised for, processed and returned — the timeline shows every step")
    func journey() async throws {
        try await withTestApp { app, fixture in
            let units = UnitRepository(db: app.db)
            var divisions: [OrgUnit] = []
            for (key, name) in [("div:tp:htp", "Phòng Hành chính tư pháp"), ("div:tp:bttp", "Phòng Bổ trợ tư pháp")] {
                divisions.append(try await units.create(OrgUnit(id: .random(), key: key, code: key, kind: .division, name: name,
                                                                parentID: fixture.justice.id, validFrom: nil, validTo: nil),
                                                        actor: .system("t"), now: Date()).unit)
            }
            var receipt: Receipt?
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: Self.intakeBody(fixture, unit: fixture.justice)) { res in
                #expect(res.status == .created, "\(res.body.string)")
                receipt = try Self.decoder.decode(Receipt.self, from: res.body)
            }
            let received = try #require(receipt)
            #expect(received.dossier.state == "received" && received.dossier.nationalStatus == 2)
            let path = "/api/v1/dossiers/\(received.dossier.id)/actions"
            var version = received.dossier.version
            func act(_ role: Role, _ json: String, expect status: HTTPStatus = .ok) async throws {
                var headers = HTTPHeaders.bearer(fixture.token(role))
                headers.replaceOrAdd(name: .ifMatch, value: "\"v\(version)\"")
                try await app.testing().test(.POST, path, headers: headers, body: ByteBuffer(string: json)) { res in
                    #expect(res.status == status, "\(json): \(res.body.string)")
                    if res.status == .ok { version = try Self.decoder.decode(Receipt.Dossier.self, from: res.body).version }
                }
            }
            let newDue = ISO8601DateFormatter().string(from: received.dossier.dueAt.addingTimeInterval(3 * 86400))
            try await act(.processingOfficer, #"{"action":"forward","toUnitId":"\#(divisions[0].id)","electronic":true}"#)
            try await act(.processingOfficer, #"{"action":"forward","toUnitId":"\#(divisions[1].id)","electronic":true,"note":"Xin ý kiến"}"#)
            try await act(.processingOfficer, #"{"action":"request_supplement","items":["Bản sao giấy chứng sinh"]}"#)
            try await act(.processingOfficer, #"{"action":"mark_processed"}"#, expect: .conflict)
            try await act(.counterOfficer, #"{"action":"complete_supplement"}"#)
            try await act(.processingOfficer, #"{"action":"apologise","reason":"Chờ xác minh","newDueAt":"\#(newDue)"}"#)
            try await act(.processingOfficer, #"{"action":"mark_processed","electronic":true}"#)
            try await act(.counterOfficer, #"{"action":"return_result","method":"counter"}"#)
            try await app.testing().test(.GET, "/api/v1/dossiers/\(received.dossier.id)", headers: .bearer(fixture.token(.unitLeader))) { res in
                let dossier = try Self.decoder.decode(Receipt.Dossier.self, from: res.body)
                #expect(dossier.state == "returned" && dossier.nationalStatus == 10)
                #expect(dossier.timeline.map(\.name) == ["receive", "forward", "forward", "request_supplement", "complete_supplement",
                                                         "apologise", "mark_processed", "return_result"])
                #expect(dossier.timeline[1].actorName == fixture.users[.processingOfficer]!.username)
                #expect(dossier.timeline.last?.actorName == fixture.users[.counterOfficer]!.username)
            }
            let query = "code=\(received.dossier.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&secret=\(received.lookupSecret)"
            try await app.testing().test(.GET, "/api/v1/lookup?\(query)") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("\"returned\""))
                #expect(!res.body.string.contains("Phạm Thị Dung"))
                #expect(!res.body.string.contains("0987654321"))
            }
            try await app.testing().test(.GET, "/api/v1/lookup?code=\(received.dossier.code)&secret=NOTRIGHT") { res in
                #expect(res.status == .notFound)
            }
        }
    }

    @Test("a stale If-Match gets 412 and changes nothing")
    func stale() async throws {
        try await withTestApp { app, fixture in
            let id = fixture.dossiers[fixture.justice.id]!
            var headers = HTTPHeaders.bearer(fixture.token(.processingOfficer))
            headers.replaceOrAdd(name: .ifMatch, value: "\"v7\"")
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/actions", headers: headers,
                                         body: ByteBuffer(string: #"{"action":"mark_processed"}"#)) { res in
                #expect(res.status == .preconditionFailed)
            }
            #expect(try await DossierRepository(db: app.db).find(id)?.state == .received)
        }
    }

    @Test("replaying a receipt with the same Idempotency-Key returns the first dossier, not a second one")
    func idempotentIntake() async throws {
        try await withTestApp { app, fixture in
            var headers = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            headers.replaceOrAdd(name: "Idempotency-Key", value: "quay-3-lan-1")
            var codes: [String] = []
            for _ in 0..<2 {
                try await app.testing().test(.POST, "/api/v1/dossiers", headers: headers, body: Self.intakeBody(fixture, unit: fixture.justice)) { res in
                    #expect(res.status == .created)
                    codes.append(try Self.decoder.decode(Receipt.self, from: res.body).dossier.code)
                }
            }
            #expect(codes.count == 2 && codes[0] == codes[1])
            #expect(codes[0].hasSuffix("-0002"))  // the fixture's dossier is -0001
        }
    }

    @Test("bad intakes get 4xx problems and leave no dossier", arguments: [
        #"{"procedureId":"00000000-0000-0000-0000-000000000000","receivingUnitId":"UNIT","channel":"counter","applicant":{"name":"A"},"components":["Tờ khai"]}"#,
        #"{"procedureId":"PROC","receivingUnitId":"UNIT","channel":"counter","applicant":{"name":"A"},"components":[]}"#,
        #"{"procedureId":"PROC","receivingUnitId":"UNIT","channel":"counter","applicant":{"name":"   "},"components":["Tờ khai"]}"#,
        #"{"procedureId":"PROC","receivingUnitId":"UNIT","channel":"counter","applicant":{"name":"A"},"components":["Tờ khai","'; DROP TABLE dossiers; --"]}"#,
        #"{"procedureId":"PROC","receivingUnitId":"UNIT","channel":"fax","applicant":{"name":"A"},"components":["Tờ khai"]}"#,
        #"{"procedureId":"PROC","receivingUnitId":"UNIT","channel":"counter","applicant":{"name":"A","idNumber":"0010850123456789012345"},"components":["Tờ khai"]}"#,
    ])
    func badIntake(template: String) async throws {
        try await withTestApp { app, fixture in
            let body = template.replacingOccurrences(of: "PROC", with: fixture.procedure.id.description)
                .replacingOccurrences(of: "UNIT", with: fixture.justice.id.description)
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: ByteBuffer(string: body)) { res in
                #expect((400..<500).contains(res.status.code), "\(res.status): \(res.body.string)")
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM dossiers").first()?.decode(column: "n", as: Int.self)
            #expect(count == 2)  // the fixture's two
        }
    }
}
