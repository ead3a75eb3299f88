import Foundation
import NIOHTTP1
import ParCore
import ParStore
import Testing
import Vapor
import VaporTesting
import ParTestSupport
@testable import ParWeb

@Suite("Satisfaction (SIPAS) through the app")
struct SatisfactionWebTests {
    static let year = String(LocalTime.today(testNow()).year)

    /// Receives a dossier (with an e-mail address, so the return notice is sent) through the
    /// API and, unless `returned` is false, processes and returns it. Returns (id, code).
    static func dossier(_ app: Application, _ fixture: Fixture, returned: Bool = true) async throws -> (String, String) {
        var id = "", code = ""
        try await app.testing().test(.POST, "/api/v1/dossiers", headers: .bearer(fixture.token(.counterOfficer)), body: ByteBuffer(string:
            #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"counter","applicant":{"name":"Phạm Thị Dung","phone":"0987654321","email":"dung@example.vn"},"components":["Tờ khai"]}"#)) { res in
            #expect(res.status == .created, "\(res.body.string)")
            id = try res.content.get(String.self, at: "dossier", "id")
            code = try res.content.get(String.self, at: "dossier", "code")
        }
        guard returned else { return (id, code) }
        for (role, action) in [(Role.processingOfficer, #"{"action":"mark_processed","electronic":true}"#), (.counterOfficer, #"{"action":"return_result","method":"counter"}"#)] {
            try await app.testing().test(.POST, "/api/v1/dossiers/\(id)/actions", headers: .bearer(fixture.token(role)), body: ByteBuffer(string: action)) { res in
                #expect(res.status == .ok, "\(action): \(res.body.string)")
            }
        }
        return (id, code)
    }

    static func token(_ app: Application, _ id: String) -> String {
        SatisfactionRepository.surveyToken(Dossier.ID(string: id)!, key: app.parConfig.secret)
    }

    static func answerBody(code: String, token: String, level: Int, comment: String? = nil) -> ByteBuffer {
        let note = comment.map { #","comment":"\#($0)""# } ?? ""
        return ByteBuffer(string: #"{"dossierCode":"\#(code)","token":"\#(token)","answers":{"aspects":[{"aspect":"access","level":\#(level),"expectations":["more_online"]},{"aspect":"civil_servant","level":\#(level),"perceptions":{"polite":true}}],"overall":\#(level)\#(note)}}"#)
    }

    @Test("the survey API: a forged token and a dossier not yet returned are refused with problems; one answer per dossier; the index adds up")
    func api() async throws {
        try await withTestApp { app, fixture in
            let (openID, openCode) = try await Self.dossier(app, fixture, returned: false)
            let (id, code) = try await Self.dossier(app, fixture)
            let (otherID, otherCode) = try await Self.dossier(app, fixture)
            let json: HTTPHeaders = ["Content-Type": "application/json"]
            // A forged token, and another dossier's token.
            for (c, t) in [(code, "aaaaaaaaaaaaaaaaaaaa"), (code, Self.token(app, otherID)), ("KHONG-CO", Self.token(app, id))] {
                try await app.testing().test(.POST, "/api/v1/sipas/responses", headers: json, body: Self.answerBody(code: c, token: t, level: 5)) { res in
                    #expect(res.status == .forbidden)
                    #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                }
            }
            // Not returned yet.
            try await app.testing().test(.POST, "/api/v1/sipas/responses", headers: json,
                                         body: Self.answerBody(code: openCode, token: Self.token(app, openID), level: 5)) { res in
                #expect(res.status == .conflict)
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
            // A level out of range.
            try await app.testing().test(.POST, "/api/v1/sipas/responses", headers: json,
                                         body: Self.answerBody(code: code, token: Self.token(app, id), level: 9)) { res in
                #expect(res.status == .unprocessableEntity || res.status == .badRequest, "\(res.status)")
            }
            try await app.testing().test(.POST, "/api/v1/sipas/responses", headers: json,
                                         body: Self.answerBody(code: code, token: Self.token(app, id), level: 5, comment: "Rất nhanh")) { res in
                #expect(res.status == .created, "\(res.body.string)")
            }
            try await app.testing().test(.POST, "/api/v1/sipas/responses", headers: json,
                                         body: Self.answerBody(code: code, token: Self.token(app, id), level: 1)) { res in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("đã được đánh giá"))
            }
            try await app.testing().test(.POST, "/api/v1/sipas/responses", headers: json,
                                         body: Self.answerBody(code: otherCode, token: Self.token(app, otherID).uppercased(), level: 2)) { res in
                #expect(res.status == .created)
            }
            // Two responses: access 1/2, civil servant 1/2 → each 50%; mean of aspects 50%, margin 1.96·√(0.25/2) = 69.3.
            try await app.testing().test(.GET, "/api/v1/sipas/index/units/\(fixture.province.id)?period=\(Self.year)&by=unit",
                                         headers: .bearer(fixture.token(.unitLeader))) { res in
                #expect(res.status == .forbidden, "granted on Justice, not the province")
            }
            try await app.testing().test(.PUT, "/api/v1/sipas/targets/\(fixture.justice.id)/\(Self.year)", headers: .bearer(fixture.token(.parOfficer)),
                                         body: ByteBuffer(string: #"{"target":0.95}"#)) { res in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.GET, "/api/v1/sipas/index/units/\(fixture.justice.id)?period=\(Self.year)&by=method",
                                         headers: .bearer(fixture.token(.unitLeader))) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                let got1 = try res.content.get(Int.self, at: "result", "responses")
                #expect(got1 == 2)
                let got2 = try res.content.get(Double.self, at: "result", "overall", "percent")
                #expect(got2 == 50)
                let got3 = try res.content.get(Double.self, at: "result", "overall", "margin")
                #expect(got3 == 69.3)
                let got4 = try res.content.get(Double.self, at: "target")
                #expect(got4 == 0.95)
                let got5 = try res.content.get(String.self, at: "targetStatus")
                #expect(got5 == "at_risk")
                let got6 = try res.content.get(String.self, at: "rows", "0", "key")
                #expect(got6 == "link")
            }
            // The 766 facts carry the ratings: one negative of two.
            try await app.testing().test(.GET, "/api/v1/index/units/\(fixture.justice.id)?period=\(Self.year)",
                                         headers: .bearer(fixture.token(.unitLeader))) { res in
                let indicators = try res.content.get([Components.Schemas.UnitIndex.IndicatorsPayloadPayload].self, at: "indicators")
                let satisfaction = try #require(indicators.first { $0.id == "satisfaction.no_overdue" })
                // (2 finished early or on time − 1 negative rating) / 2 finished = 50%.
                #expect(satisfaction.numerator == 1 && satisfaction.denominator == 2, "\(satisfaction)")
            }
            // The return notice carries the survey link.
            let messages = try await OutboxRepository(db: app.db).messages(about: Dossier.ID(string: id)!)
            #expect(messages.contains { $0.body.contains(Paths.survey.link(code) + "?t=" + Self.token(app, id)) }, "\(messages.map(\.body))")
        }
    }

    @Test("a citizen answers through the receipt's link; the link refuses a second answer; a wrong token sees nothing")
    func surveyPage() async throws {
        try await withTestApp { app, fixture in
            let (id, code) = try await Self.dossier(app, fixture)
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let receipt = try await app.page(.GET, "/dossiers/\(id)/receipt", cookie: cookie)
            let link = Paths.survey.link(code) + "?t=" + Self.token(app, id)
            #expect(receipt.body.string.contains(link), "\(receipt.body.string.components(separatedBy: "survey-link").last?.prefix(300) ?? "")")
            var citizen = ""
            var csrf = ""
            try await app.testing().test(.GET, link) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("level-overall"))
                #expect(!res.body.string.contains("Phạm Thị Dung"))
                citizen = sessionCookie(res)
                csrf = hiddenCSRF(res.body.string)
            }
            let form = ["_csrf": csrf, "t": Self.token(app, id), "level-access": "5", "level-procedure": "4", "level-civil_servant": "5",
                        "level-result": "3", "level-overall": "4", "p-access-seats": "yes", "x-result-punctual": "1", "comment": "Cảm ơn cán bộ"]
            let answered = try await app.page(.POST, Paths.survey.link(code), cookie: citizen, form: form)
            #expect(answered.status == .ok && answered.body.string.contains("survey-thanks"))
            let again = try await app.page(.POST, Paths.survey.link(code), cookie: citizen, form: form)
            #expect(again.status == .conflict && again.body.string.contains("survey-already"))
            try await app.testing().test(.GET, link) { res in #expect(res.body.string.contains("survey-already")) }
            try await app.testing().test(.GET, Paths.survey.link(code) + "?t=wrongtoken") { res in #expect(res.status == .forbidden) }
            // A level outside the scale re-shows the form with an error and stores nothing.
            let (id2, code2) = try await Self.dossier(app, fixture)
            var bad = form
            bad["t"] = Self.token(app, id2)
            bad["level-access"] = "7"
            let refused = try await app.page(.POST, Paths.survey.link(code2), cookie: citizen, form: bad)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("error-summary"))
            #expect(try await SatisfactionRepository(db: app.db).answeredAt(Dossier.ID(string: id2)!) == nil)
            // The counter kiosk for that second dossier.
            let dossierPage = try await app.page(.GET, "/dossiers/\(id2)", cookie: cookie)
            #expect(dossierPage.body.string.contains("kiosk-survey"))
            let kiosk = try await app.page(.GET, "/dossiers/\(id2)/survey", cookie: cookie)
            #expect(kiosk.status == .ok && kiosk.body.string.contains("survey kiosk"))
            var kioskForm = form
            kioskForm["_csrf"] = hiddenCSRF(kiosk.body.string)
            kioskForm["t"] = nil
            let kioskDone = try await app.page(.POST, "/dossiers/\(id2)/survey", cookie: cookie, form: kioskForm)
            #expect(kioskDone.status == .ok && kioskDone.body.string.contains("survey-thanks"))
            // Leaders read the index, the comments (no names), and export it.
            let leader = try await signIn(app, username: fixture.users[.unitLeader]!.username)
            let dashboard = try await app.page(.GET, "/satisfaction/units/\(fixture.justice.id)?period=\(Self.year)&by=method", cookie: leader)
            #expect(dashboard.status == .ok)
            #expect(dashboard.body.string.contains(#"id="sipas-responses">2<"#))
            #expect(dashboard.body.string.contains("<svg"))
            let comments = try await app.page(.GET, "/satisfaction/units/\(fixture.justice.id)/comments?period=\(Self.year)", cookie: leader)
            #expect(comments.body.string.contains("Cảm ơn cán bộ") && !comments.body.string.contains("Phạm Thị Dung") && !comments.body.string.contains(code))
            let csv = try await app.page(.GET, "/satisfaction/units/\(fixture.justice.id)/export.csv?period=\(Self.year)&by=method", cookie: leader)
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true && csv.body.string.contains("Sở Tư pháp,2,"))
            let xlsx = try await app.page(.GET, "/satisfaction/units/\(fixture.justice.id)/export.xlsx?period=\(Self.year)", cookie: leader)
            #expect(xlsx.status == .ok && xlsx.body.readableBytes > 500)
            // A counter officer has no satisfaction pages.
            #expect(try await app.page(.GET, "/satisfaction/units/\(fixture.justice.id)", cookie: cookie).status == .forbidden)
        }
    }

    @Test("a PAR officer draws a sample, exports the call list and enters answers one after another; a new questionnaire version is published")
    func campaigns() async throws {
        try await withTestApp { app, fixture in
            for _ in 0..<5 { _ = try await Self.dossier(app, fixture) }
            let par = try await signIn(app, username: fixture.users[.parOfficer]!.username)
            let list = try await app.page(.GET, "/satisfaction/campaigns", cookie: par)
            #expect(list.status == .ok)
            let today = LocalTime.today(testNow()).iso
            let created = try await app.page(.POST, "/satisfaction/campaigns", cookie: par, form: [
                "_csrf": hiddenCSRF(list.body.string), "name": "Khảo sát thử", "unitId": fixture.justice.id.description,
                "from": String(today.prefix(4)) + "-01-01", "to": today, "margin": "5", "seed": "12345"])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let location = try #require(created.headers.first(name: .location))
            let page = try await app.page(.GET, location, cookie: par)
            // N = 5, e = 5%: 5 / 1.0125 = 4.94 → 5.
            #expect(page.body.string.contains(#"id="campaign-size">5 / 5<"#))
            let calls = try await app.page(.GET, location + "/calls.csv", cookie: par)
            #expect(calls.body.string.contains("Phạm Thị Dung") && calls.body.string.contains("0987654321"))
            // Entry: answer the first, mark the second unreachable; each step goes to the next waiting dossier.
            let entryPath = try #require(page.body.string.range(of: #"/entry/[0-9a-f-]{36}"#, options: .regularExpression).map { location + String(page.body.string[$0]) })
            let entry = try await app.page(.GET, entryPath, cookie: par)
            #expect(entry.body.string.contains("0987654321"))
            let saved = try await app.page(.POST, entryPath, cookie: par, form: ["_csrf": hiddenCSRF(entry.body.string), "level-overall": "5", "level-result": "4"])
            #expect(saved.status == .seeOther)
            let next = try #require(saved.headers.first(name: .location))
            #expect(next != entryPath && next.contains("/entry/"))
            let marked = try await app.page(.POST, next + "/status", cookie: par, form: ["_csrf": hiddenCSRF(entry.body.string), "status": "unreachable", "note": "Không nghe máy"])
            #expect(marked.status == .seeOther)
            // A second answer, dissatisfied with the result: 1 of 2 satisfied.
            let third = try #require(marked.headers.first(name: .location))
            let thirdEntry = try await app.page(.GET, third, cookie: par)
            let savedThird = try await app.page(.POST, third, cookie: par, form: ["_csrf": hiddenCSRF(thirdEntry.body.string), "level-result": "2"])
            #expect(savedThird.status == .seeOther)
            let after = try await app.page(.GET, location, cookie: par)
            #expect(after.body.string.contains("sample-answered") && after.body.string.contains("sample-unreachable"))
            // p = 0.5, n = 2 of N = 5: 1.96 · √(0.25 / 2) · √(3 / 4) = 60.01% (69.30% without the finite-population correction).
            #expect(after.body.string.contains("50% ± 60,01"), "the campaign page")
            // The API shows the same campaign, with the same margin, without personal data.
            let campaignID = String(location.split(separator: "/").last!)
            try await app.testing().test(.GET, "/api/v1/sipas/campaigns/\(campaignID)", headers: .bearer(fixture.token(.parOfficer))) { res in
                #expect(res.status == .ok)
                let got7 = try res.content.get(Int.self, at: "sampleSize")
                #expect(got7 == 5)
                #expect(!res.body.string.contains("Phạm Thị Dung"))
                let margin = try res.content.get(Double.self, at: "strata", "0", "result", "overall", "margin")
                let share = try res.content.get(Double.self, at: "strata", "0", "result", "overall", "percent")
                #expect(share == 50 && margin == 60.01, "the API's margin is the page's")
            }
            try await app.testing().test(.GET, "/api/v1/sipas/campaigns/\(campaignID)", headers: .bearer(fixture.token(.unitLeader))) { res in
                #expect(res.status == .forbidden)
            }
            // The same seed through the API draws the same dossiers.
            try await app.testing().test(.POST, "/api/v1/sipas/campaigns", headers: .bearer(fixture.token(.parOfficer)), body: ByteBuffer(string:
                #"{"name":"Lặp lại","unitId":"\#(fixture.justice.id)","from":"\#(today.prefix(4))-01-01","to":"\#(today)","margin":0.2,"seed":12345}"#)) { res in
                #expect(res.status == .created, "\(res.body.string)")
                // N = 5, e = 20%: 5 / 1.2 = 4.17 → 5.
                let got8 = try res.content.get(Int.self, at: "sampleSize")
                #expect(got8 == 5)
            }
            // The questionnaire editor publishes a new version; the old one cannot be republished.
            let editor = try await app.page(.GET, "/satisfaction/questionnaire", cookie: par)
            var form: [String: String] = ["_csrf": hiddenCSRF(editor.body.string), "version": "ha-noi-2026", "name": "Phiếu khảo sát Hà Nội 2026",
                                          "aggregation": "overall_question", "maxExpectations": "2",
                                          "overall-vi": "Nhìn chung, Ông/Bà hài lòng thế nào?", "overall-en": "Overall?",
                                          "free-vi": "Góp ý thêm", "free-en": "Anything else?"]
            for section in Questionnaire.sipas2023.sections {
                let a = section.aspect.rawValue
                form["\(a)-sat-vi"] = section.satisfaction.vi
                form["\(a)-sat-en"] = section.satisfaction.en
                form["\(a)-perceptions"] = SatisfactionPages.lines(section.perceptions)
                form["\(a)-expectations"] = SatisfactionPages.lines(section.expectations)
            }
            #expect(try await app.page(.POST, "/satisfaction/questionnaire", cookie: par, form: form).status == .seeOther)
            #expect(try await app.page(.GET, "/satisfaction/questionnaire", cookie: par).body.string.contains(#"id="questionnaire-version">ha-noi-2026<"#))
            let again = try await app.page(.POST, "/satisfaction/questionnaire", cookie: par, form: form)
            #expect(again.status == .unprocessableEntity || again.status == .conflict)
            try await app.testing().test(.GET, "/api/v1/sipas/questionnaire") { res in
                let got9 = try res.content.get(String.self, at: "version")
                #expect(got9 == "ha-noi-2026")
                let got10 = try res.content.get(Int.self, at: "maxExpectations")
                #expect(got10 == 2)
            }
        }
    }
}
