import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// What a page can do, the API can do: the cases the pages had alone.
@Suite("API parity with the pages")
struct APIParityTests {
    @Test("a desk client lists a centre's desks and fields and its manager sets a desk up through the API; another centre's desk id is refused")
    func desks() async throws {
        try await withTestApp { app, fixture in
            let unit = fixture.justice.id
            let (deskA, _) = try await CentreWebTests.desks(app, unit)
            try await app.testing().test(.GET, "/api/v1/centres/\(unit)/desks") { res in
                #expect(res.status == .ok)
                let items = try res.content.get([Components.Schemas.ServiceDesk].self, at: "items")
                #expect(items.map(\.number) == [1, 2] && items[0].id == deskA.id.description)
                #expect(try res.content.get([String].self, at: "fields") == ["Hộ tịch", "Đất đai"].sorted())
            }
            let newDesk = UUID().uuidString.lowercased()
            let body = ["number": 3, "name": "Đất đai", "fields": ["Đất đai"], "active": true] as [String: any Sendable]
            func put(_ path: String, token: String?, _ json: [String: any Sendable]) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                try await app.testing().test(.PUT, path, beforeRequest: { req in
                    if let token { req.headers.bearerAuthorization = .init(token: token) }
                    req.headers.contentType = .json
                    req.body = .init(data: try JSONSerialization.data(withJSONObject: json))
                }, afterResponse: { res in status = res.status })
                return status
            }
            #expect(try await put("/api/v1/centres/\(unit)/desks/\(newDesk)", token: nil, body) == .unauthorized)
            #expect(try await put("/api/v1/centres/\(unit)/desks/\(newDesk)", token: fixture.token(.counterOfficer), body) == .forbidden)
            #expect(try await put("/api/v1/centres/\(unit)/desks/\(newDesk)", token: fixture.token(.unitLeader), body) == .ok)
            #expect(try await put("/api/v1/centres/\(unit)/desks/\(UUID())", token: fixture.token(.unitLeader), body) == .conflict)
            let other = try await ServiceCentreRepository(db: app.db).saveDesk(
                ServiceDesk(id: .random(), unitID: fixture.health.id, number: 9, name: "Y tế", fields: []), actor: .system("t"), now: testNow())
            #expect(try await put("/api/v1/centres/\(unit)/desks/\(other.id)", token: fixture.token(.unitLeader),
                                  ["number": 8, "fields": [String]()]) == .notFound)
            let desks = try await ServiceCentreRepository(db: app.db).desks(unit)
            #expect(desks.map(\.number) == [1, 2, 3] && desks[2].id.description == newDesk && desks[2].fields == ["Đất đai"])
            let healthDesks = try await ServiceCentreRepository(db: app.db).desks(fixture.health.id)
            #expect(healthDesks.map(\.number) == [9])
        }
    }

    @Test("a report draft through the API: created with the usual title, its figures live, its narrative written under If-Match, finalised and then frozen")
    func reportDrafts() async throws {
        try await withTestApp { app, fixture in
            let leader = HTTPHeaders.bearer(fixture.token(.unitLeader))
            let year = LocalTime.today(testNow()).year
            var id = "", etag = ""
            try await app.testing().test(.POST, "/api/v1/par-reports", headers: leader, beforeRequest: { req in
                try req.content.encode(["unitId": fixture.justice.id.description, "period": "\(year)"], as: .json)
            }, afterResponse: { res in
                #expect(res.status == .created, "\(res.body.string)")
                let report = try res.content.decode(Components.Schemas.ParReport.self)
                #expect(report.title == "Báo cáo công tác cải cách hành chính \(year) — Sở Tư pháp")
                #expect(!report.final && report.sections.count == PARField.allCases.count)
                #expect(report.sections.contains { !$0.figures.isEmpty })
                id = report.id
                etag = try #require(res.headers.first(name: .eTag))
            })
            try await app.testing().test(.POST, "/api/v1/par-reports", headers: .bearer(fixture.token(.inspector)), beforeRequest: { req in
                try req.content.encode(["unitId": fixture.justice.id.description, "period": "\(year)"], as: .json)
            }, afterResponse: { res in #expect(res.status == .forbidden) })
            let created = id
            try await app.testing().test(.GET, "/api/v1/par-reports", headers: .bearer(fixture.token(.inspector))) { res in
                let items = try res.content.get([Components.Schemas.ParReportSummary].self, at: "items")
                #expect(items.map(\.id) == [created])
            }
            let narrative = ["sections": [["field": "procedures", "results": "Đã rà soát 12 thủ tục."]]]
            func write(ifMatch: String) async throws -> (HTTPStatus, String?) {
                var result: (HTTPStatus, String?) = (.internalServerError, nil)
                var headers = leader
                headers.replaceOrAdd(name: .ifMatch, value: ifMatch)
                try await app.testing().test(.PUT, "/api/v1/par-reports/\(id)/narrative", headers: headers, beforeRequest: { req in
                    try req.content.encode(narrative, as: .json)
                }, afterResponse: { res in result = (res.status, res.headers.first(name: .eTag)) })
                return result
            }
            let (written, newTag) = try await write(ifMatch: etag)
            #expect(written == .ok)
            #expect(try await write(ifMatch: etag).0 == .preconditionFailed)
            var finalise = leader
            finalise.replaceOrAdd(name: .ifMatch, value: try #require(newTag))
            try await app.testing().test(.POST, "/api/v1/par-reports/\(id)/finalise", headers: finalise) { res in
                #expect(res.status == .ok)
                let report = try res.content.decode(Components.Schemas.ParReport.self)
                #expect(report.final && report.sections.first { $0.field == .procedures }?.results == "Đã rà soát 12 thủ tục.")
            }
            #expect(try await write(ifMatch: "").0 == .conflict)
            let reportID = try #require(ParReport.ID(string: id))
            let stored = try #require(try await ReportRepository(db: app.db).find(reportID))
            #expect(stored.isFinal && stored.figures?.isEmpty == false)
            try await app.testing().test(.GET, "/api/v1/par-reports/\(UUID())", headers: leader) { res in #expect(res.status == .notFound) }
        }
    }
}
