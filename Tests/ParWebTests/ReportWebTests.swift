import Foundation
import NIOHTTP1
import ParCore
import ParStore
import Testing
import Vapor
import VaporTesting
import ParTestSupport
@testable import ParWeb

@Suite("PAR report drafts")
struct ReportWebTests {
    static func figure(_ html: String, _ key: String) -> String? {
        guard let row = html.range(of: #"id="fig-\#(key)""#) else { return nil }
        let rest = html[row.upperBound...]
        guard let open = rest.range(of: "\">", range: rest.range(of: "<a href=")!.upperBound..<rest.endIndex),
              let close = rest.range(of: "</a>", range: open.upperBound..<rest.endIndex) else { return nil }
        return String(rest[open.upperBound..<close.lowerBound])
    }

    @Test("a quarterly report states the dashboards' figures; finalising freezes them while a draft keeps following the data; the DOCX is a Word package")
    func report() async throws {
        try await withTestApp { app, fixture in
            let today = LocalTime.today(testNow())
            let quarter = "\(today.year)-Q\((today.month - 1) / 3 + 1)"
            let leader = try await signIn(app, username: fixture.users[.unitLeader]!.username)
            let list = try await app.page(.GET, "/reports", cookie: leader)
            func create() async throws -> String {
                let created = try await app.page(.POST, "/reports", cookie: leader, form: ["_csrf": hiddenCSRF(list.body.string), "unitId": fixture.justice.id.description,
                                                                                       "period": quarter, "title": ""])
                #expect(created.status == .seeOther, "\(created.body.string)")
                return try #require(created.headers.first(name: .location))
            }
            let path = try await create()
            let draft = try await app.page(.GET, path, cookie: leader)
            #expect(draft.status == .ok && draft.body.string.contains("Dự thảo"))
            // The same figures as the service index for that period.
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)?period=\(quarter)", headers: .bearer(fixture.token(.unitLeader))) { res in
                let indicators = try res.content.get([Components.Schemas.UnitIndex.IndicatorsPayloadPayload].self, at: "indicators")
                let onTime = try #require(indicators.first { $0.id == "progress.on_time" })
                #expect(Self.figure(draft.body.string, "progress.on_time") == ReportFigures.percent(onTime.percent))
            }
            #expect(Self.figure(draft.body.string, "dossiers.received") == "1")
            // Write, then finalise.
            let saved = try await app.page(.POST, path, cookie: leader, form: ["_csrf": hiddenCSRF(draft.body.string), "version": "1", "action": "save",
                                                                            "procedures-results": "Giải quyết đúng hạn toàn bộ hồ sơ trong quý."])
            #expect(saved.status == .seeOther)
            let before = try await app.page(.GET, path, cookie: leader)
            let finalised = try await app.page(.POST, path, cookie: leader, form: ["_csrf": hiddenCSRF(before.body.string), "version": "2", "action": "finalise",
                                                                                "procedures-results": "Giải quyết đúng hạn toàn bộ hồ sơ trong quý."])
            #expect(finalised.status == .seeOther)
            // A new dossier after finalising: the final report does not move; a new draft does.
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)), body: ByteBuffer(string:
                #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"online","applicant":{"name":"Mai Anh"},"components":["Tờ khai"]}"#)) { res in
                #expect(res.status == .created)
            }
            let final = try await app.page(.GET, path, cookie: leader)
            #expect(final.body.string.contains("Hoàn thành") && Self.figure(final.body.string, "dossiers.received") == "1")
            #expect(final.body.string.contains("Giải quyết đúng hạn toàn bộ hồ sơ trong quý."))
            let again = try await app.page(.POST, path, cookie: leader, form: ["_csrf": hiddenCSRF(before.body.string), "version": "3", "action": "save"])
            #expect(again.status == .conflict || again.status == .unprocessableEntity)
            let other = try await create()
            #expect(Self.figure(try await app.page(.GET, other, cookie: leader).body.string, "dossiers.received") == "2")
            // The DOCX is an OOXML package with the report's text.
            let docx = try await app.page(.GET, path + "/docx", cookie: leader)
            #expect(docx.headers.contentType?.description.hasPrefix("application/vnd.openxmlformats-officedocument.wordprocessingml.document") == true)
            let bytes = Array(docx.body.readableBytesView)
            #expect(bytes.starts(with: [0x50, 0x4B]) && String(decoding: bytes, as: UTF8.self).contains("word/document.xml"))
            // Another department's leader cannot read it.
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            #expect(try await app.page(.GET, path, cookie: counter).status == .forbidden)
        }
    }
}
