import Foundation
import NIOConcurrencyHelpers
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

    @Test("received at the counter, forwarded through two units, paused for a supplement, apologised for, finished late and returned — the timeline shows every step")
    func journey() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in config.clock = { clock.withLockedValue { $0 } } }) { app, fixture in
            let units = UnitRepository(db: app.db)
            var divisions: [OrgUnit] = []
            for (key, name) in [("div:tp:htp", "Phòng Hành chính tư pháp"), ("div:tp:bttp", "Phòng Bổ trợ tư pháp")] {
                divisions.append(try await units.create(OrgUnit(id: .random(), key: key, code: key, kind: .division, name: name,
                                                                parentID: fixture.justice.id, validFrom: nil, validTo: nil),
                                                        actor: .system("t"), now: testNow()).unit)
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
            // A day past the first appointment: finished late, with the apology slip issued in time.
            clock.withLockedValue { $0 = received.dossier.dueAt.addingTimeInterval(86400) }
            try await act(.processingOfficer, #"{"action":"apologise","reason":"Quá hạn rồi","newDueAt":"\#(newDue)"}"#, expect: .conflict)
            try await act(.processingOfficer, #"{"action":"mark_processed","electronic":true}"#)
            try await act(.counterOfficer, #"{"action":"return_result","method":"counter"}"#)
            try await app.testing().test(.GET, "/api/v1/dossiers/\(received.dossier.id)", headers: .bearer(fixture.token(.unitLeader))) { res in
                let dossier = try Self.decoder.decode(Receipt.Dossier.self, from: res.body)
                #expect(dossier.state == "returned" && dossier.nationalStatus == 10)
                #expect(dossier.timeline.map(\.name) == ["receive", "forward", "forward", "request_supplement", "complete_supplement",
                                                         "apologise", "mark_processed", "return_result"])
                #expect(dossier.timeline[1].actorName == fixture.users[.processingOfficer]!.username)
                #expect(dossier.timeline.last?.actorName == fixture.users[.counterOfficer]!.username)
                let timeliness = try res.content.get(String.self, at: "timeliness")
                let lastStep = try res.content.get(Int.self, at: "steps", "2", "sequence")
                #expect(timeliness == "finished_late")
                #expect(lastStep == 3)
            }
            let day = LocalTime.today(received.dossier.dueAt.addingTimeInterval(86400)).iso
            try await app.testing().test(.GET, "/api/v1/service-counters?unitId=\(fixture.justice.id)&from=2000-01-01&to=\(day)",
                                         headers: .bearer(fixture.token(.unitLeader))) { res in
                let late = try res.content.get(Int.self, at: "channels", "0", "metrics", "finished_late")
                let apologies = try res.content.get(Int.self, at: "channels", "0", "metrics", "apologies")
                #expect(late == 1 && apologies == 1)
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

    @Test("an intake that reaches a stopping app (its queue closed) gets 503, a problem in both languages, and leaves no dossier")
    func intakeWhileStopping() async throws {
        try await withTestApp { app, fixture in
            await app.stores.intakes.close()
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: Self.intakeBody(fixture, unit: fixture.justice)) { res in
                #expect(res.status == .serviceUnavailable, "\(res.body.string)")
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                #expect(res.body.string.contains("Máy chủ đang dừng") && res.body.string.contains("The server is stopping"))
            }
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM dossiers").first()?.decode(column: "n", as: Int.self)
            #expect(count == 2)  // the fixture's two
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

    @Test("an intake for a unit that does not exist gets 404, for one outside the officer's grants 403; neither is written", arguments: [
        ("00000000-0000-0000-0000-000000000000", 404), ("not-a-uuid", 404), ("HEALTH", 403), ("PROVINCE", 403),
    ])
    func intakeUnitChecks(unit: String, status: UInt) async throws {
        try await withTestApp { app, fixture in
            let id = unit.replacingOccurrences(of: "HEALTH", with: fixture.health.id.description)
                .replacingOccurrences(of: "PROVINCE", with: fixture.province.id.description)
            let body = #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(id)","channel":"counter","applicant":{"name":"A"},"components":["Tờ khai"]}"#
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: ByteBuffer(string: body)) { res in
                #expect(res.status.code == status, "\(res.body.string)")
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM dossiers").first()?.decode(column: "n", as: Int.self)
            #expect(count == 2)  // the fixture's two
        }
    }

    @Test("files over the API: the type is read from the bytes, the queue lists open dossiers, and the counters add up")
    func filesQueueCounters() async throws {
        try await withTestApp { app, fixture in
            let id = try #require(fixture.dossiers[fixture.justice.id])
            var headers = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            headers.replaceOrAdd(name: .contentType, value: "application/pdf")
            let pdf = ByteBuffer(string: "%PDF-1.4\n% kết quả\n")
            var fileID = ""
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/files?kind=component&component=T%E1%BB%9D%20khai&name=..%2Fa.pdf&digitised=true",
                                         headers: headers, body: pdf) { res in
                #expect(res.status == .created, "\(res.body.string)")
                fileID = try res.content.get(String.self, at: "id")
                let name = try res.content.get(String.self, at: "originalName")
                #expect(name == "a.pdf")
                let digitised = try res.content.get(Bool.self, at: "digitised")
                #expect(digitised)
            }
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/files?kind=component&component=T%E1%BB%9D%20khai",
                                         headers: headers, body: ByteBuffer(string: "GIF89a not a pdf")) { res in
                #expect(res.status == .unprocessableEntity)
            }
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/files?kind=component&component=Kh%C3%B4ng%20c%C3%B3",
                                         headers: headers, body: pdf) { res in
                #expect(res.status == .unprocessableEntity, "a component the dossier does not have")
            }
            var download = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            download.replaceOrAdd(name: .accept, value: "*/*")
            try await app.testing().test(.GET, "/api/v1/dossiers/\(id)/files/\(fileID)", headers: download) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.hasPrefix("%PDF-1.4"))
                #expect(res.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            }
            let other = try await DossierRepository(db: app.db).receive(
                DossierIntake(procedureID: fixture.procedure.id, receivingUnitID: fixture.justice.id, channel: .counter,
                              applicant: .init(name: "Lê Thị Mai"), components: ["Tờ khai"]), actor: .system("t"), now: testNow()).dossier
            try await app.testing().test(.GET, "/api/v1/dossiers/\(other.id)/files/\(fileID)", headers: download) { res in
                #expect(res.status == .notFound, "a file is reached only through its own dossier")
            }
            try await app.testing().test(.GET, "/api/v1/dossiers?limit=1", headers: .bearer(fixture.token(.counterOfficer))) { res in
                #expect(res.status == .ok)
                let code = try res.content.get(String.self, at: "items", "0", "code")
                #expect(code.contains("-"))
            }
            let today = LocalTime.today(testNow()).iso
            try await app.testing().test(.GET, "/api/v1/service-counters?unitId=\(fixture.justice.id)&from=\(today)&to=\(today)",
                                         headers: .bearer(fixture.token(.administrator))) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let channel = try res.content.get(String.self, at: "channels", "0", "channel")
                let received = try res.content.get(Int.self, at: "channels", "0", "metrics", "received")
                let digitised = try res.content.get(Int.self, at: "channels", "0", "metrics", "components_digitised")
                #expect(channel == "counter" && received == 2 && digitised == 1, "the fixture's dossier and Lê Thị Mai's")
            }
        }
    }

    @Test("an oversized upload gets 413 and attaches nothing; NFD text is stored NFC")
    func oversizedAndNFD() async throws {
        try await withTestApp({ $0.maxUploadBytes = 1024 }) { app, fixture in
            let nfd = "Nguyễn Thị Hoa".decomposedStringWithCanonicalMapping
            let component = "Tờ khai".decomposedStringWithCanonicalMapping
            #expect(nfd.unicodeScalars.count > "Nguyễn Thị Hoa".unicodeScalars.count)
            let json = #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"counter","applicant":{"name":"\#(nfd)"},"components":["\#(component)"]}"#
            var receipt: Receipt?
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: ByteBuffer(string: json)) { res in
                #expect(res.status == .created, "\(res.body.string)")
                receipt = try Self.decoder.decode(Receipt.self, from: res.body)
            }
            let rawID = try #require(receipt?.dossier.id)
            let id = try #require(Dossier.ID(string: rawID))
            let stored = try #require(try await DossierRepository(db: app.db).find(id))
            #expect(stored.applicant.name.unicodeScalars.elementsEqual("Nguyễn Thị Hoa".precomposedStringWithCanonicalMapping.unicodeScalars))
            #expect(stored.components == ["Tờ khai"])
            var headers = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            headers.replaceOrAdd(name: .contentType, value: "application/pdf")
            var big = ByteBuffer(string: "%PDF-1.4\n")
            big.writeBytes([UInt8](repeating: 0x20, count: 4096))
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/files?kind=component&component=T%E1%BB%9D%20khai", headers: headers, body: big) { res in
                #expect(res.status == .payloadTooLarge)
                #expect(res.headers.contentType?.description.contains("problem+json") == true)
            }
            #expect(try await DossierRepository(db: app.db).files(of: stored.id).isEmpty)
        }
    }

    @Test("the public lookup's short cache: a change is visible at once, a wrong secret never reads it")
    func lookupCache() async throws {
        try await withTestApp { app, fixture in
            var receipt: Receipt?
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)),
                                         body: Self.intakeBody(fixture, unit: fixture.justice)) { res in
                receipt = try Self.decoder.decode(Receipt.self, from: res.body)
            }
            let r = try #require(receipt)
            let code = r.dossier.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            func state(_ secret: String) async throws -> String? {
                var state: String?
                try await app.testing().test(.GET, "/api/v1/lookup?code=\(code)&secret=\(secret)") { res in
                    state = res.status == .ok ? try res.content.get(String.self, at: "state") : nil
                }
                return state
            }
            #expect(try await state(r.lookupSecret) == "received")
            #expect(try await state("WRONG234") == nil)
            try await app.testing().test(.POST, "/api/v1/dossiers/\(r.dossier.id)/actions", headers: .bearer(fixture.token(.processingOfficer)),
                                         body: ByteBuffer(string: #"{"action":"request_supplement","items":["CCCD"]}"#)) { res in
                #expect(res.status == .ok)
            }
            #expect(try await state(r.lookupSecret.lowercased()) == "supplement_requested")
        }
    }
}
