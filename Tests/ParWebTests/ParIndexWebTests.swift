import Foundation
import NIOHTTP1
import ParCore
import ParStore
import Testing
import Vapor
import VaporTesting
import ParTestSupport
@testable import ParWeb

@Suite("PAR index through the API")
struct ParIndexWebTests {
    /// The three-field set of the core tests, as JSON.
    static func setJSON(year: Int, directionPoints: Int = 30) -> String {
        #"""
        {"year":\#(year),"set":{"year":\#(year),"targetKind":"department","name":"Chỉ số CCHC các sở \#(year)","totalPoints":100,"criteria":[
          {"code":"1","title":"Công tác chỉ đạo, điều hành","maxPoints":\#(directionPoints),"field":"direction"},
          {"code":"1.1","title":"Kế hoạch CCHC","maxPoints":10,"method":{"type":"manual"},"evidence":"Kế hoạch được ban hành"},
          {"code":"1.2","title":"Kiểm tra CCHC","maxPoints":20,"method":{"type":"manual"}},
          {"code":"2","title":"Cải cách TTHC","maxPoints":40,"field":"procedures"},
          {"code":"2.1","title":"Hồ sơ đúng hạn","maxPoints":20,"method":{"type":"tiers","metric":"progress.on_time","tiers":[{"minRate":0.95,"share":1},{"minRate":0.9,"share":0.5}]}},
          {"code":"2.2","title":"Rà soát TTHC","maxPoints":20,"method":{"type":"manual"}},
          {"code":"3","title":"Chính quyền số","maxPoints":30,"field":"e_government"},
          {"code":"3.1","title":"Khảo sát hài lòng","maxPoints":30,"method":{"type":"survey"}}]}}
        """#
    }

    @Test("a fixture province scored through the API reproduces the hand-computed ranking; a set that does not add up is not opened; a submitted self-assessment is locked")
    func ranking() async throws {
        try await withTestApp { app, fixture in
            let year = LocalTime.today(testNow()).year
            let units = UnitRepository(db: app.db)
            func unit(_ key: String, _ kind: UnitKind, _ name: String) async throws -> OrgUnit {
                try await units.create(OrgUnit(id: .random(), key: key, code: key, kind: kind, name: name, parentID: fixture.province.id, validFrom: nil, validTo: nil),
                                       actor: .system("t"), now: testNow()).unit
            }
            let culture = try await unit("dept:vh", .department, "Sở Văn hóa")
            let finance = try await unit("dept:tc", .department, "Sở Tài chính")
            for i in 1...6 { _ = try await unit("xa:\(i)", .commune, "Xã \(i)") }
            let homeAffairs = try await OversightWebTests.user(app, "cchc.tinh", .parOfficer, on: fixture.province.id)
            var leaders: [OrgUnit.ID: String] = [fixture.justice.id: fixture.token(.unitLeader)]
            for (name, u) in [("ld.yte", fixture.health), ("ld.vh", culture), ("ld.tc", finance)] {
                leaders[u.id] = try await OversightWebTests.user(app, name, .unitLeader, on: u.id)
            }
            func call(_ method: HTTPMethod, _ path: String, _ token: String, _ body: String? = nil, expect status: HTTPStatus = .ok) async throws -> String {
                var text = ""
                try await app.testing().test(method, path, headers: .bearer(token), body: body.map { ByteBuffer(string: $0) }) { res in
                    #expect(res.status == status, "\(method) \(path): \(res.body.string)")
                    if status.code >= 400 { #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true) }
                    text = res.body.string
                }
                return text
            }
            // A draft whose direction field says 35 while its criteria add up to 30 cannot be opened.
            let created = try await call(.POST, "/api/v1/par-index/sets", homeAffairs, Self.setJSON(year: year, directionPoints: 35), expect: .created)
            let setID = try #require((try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any])?["id"] as? String)
            _ = try await call(.POST, "/api/v1/par-index/sets/\(setID)/advance", homeAffairs, expect: .unprocessableEntity)
            _ = try await call(.POST, "/api/v1/par-index/sets/\(setID)/advance", leaders[fixture.justice.id]!, expect: .forbidden)
            let fixed = try #require(Self.setJSON(year: year).components(separatedBy: #""set":"#).last?.dropLast())
            _ = try await call(.PUT, "/api/v1/par-index/sets/\(setID)", homeAffairs, String(fixed))
            _ = try await call(.POST, "/api/v1/par-index/sets/\(setID)/advance", homeAffairs)
            _ = try await call(.PUT, "/api/v1/par-index/sets/\(setID)", homeAffairs, String(fixed), expect: .conflict)
            // Self-assessment: (1.1, 1.2, 2.2) per department.
            let selfScores: [OrgUnit.ID: (Double, Double, Double)] = [fixture.justice.id: (10, 18, 20), fixture.health.id: (8, 20, 15),
                                                                      culture.id: (10, 20, 20), finance.id: (5, 10, 10)]
            for (unit, s) in selfScores {
                let base = "/api/v1/par-index/sets/\(setID)/assessments/\(unit)"
                for (code, value) in [("1.1", s.0), ("1.2", s.1), ("2.2", s.2)] {
                    _ = try await call(.PUT, "\(base)/leaves/\(code)", leaders[unit]!, #"{"selfScore":\#(value),"explanation":"Có kế hoạch, báo cáo kèm theo","references":["KH số 10/KH"]}"#)
                }
                _ = try await call(.PUT, "\(base)/leaves/2.1", leaders[unit]!, #"{"selfScore":20}"#, expect: .unprocessableEntity)
                _ = try await call(.POST, "\(base)/submit", leaders[unit]!)
            }
            // Another department's leader cannot touch Justice; a submitted assessment is locked.
            _ = try await call(.PUT, "/api/v1/par-index/sets/\(setID)/assessments/\(fixture.justice.id)/leaves/1.1", leaders[culture.id]!, #"{"selfScore":1}"#, expect: .forbidden)
            _ = try await call(.PUT, "/api/v1/par-index/sets/\(setID)/assessments/\(fixture.justice.id)/leaves/1.1", leaders[fixture.justice.id]!,
                               #"{"selfScore":5,"explanation":"sửa"}"#, expect: .conflict)
            _ = try await call(.POST, "/api/v1/par-index/sets/\(setID)/advance", homeAffairs)
            // Appraisal: every manual leaf accepted except Justice's 1.2 (18 → 15); survey points imported.
            let survey: [OrgUnit.ID: Double] = [fixture.justice.id: 27, fixture.health.id: 25, culture.id: 28, finance.id: 20]
            for (unit, s) in selfScores {
                let base = "/api/v1/par-index/sets/\(setID)/assessments/\(unit)/leaves"
                for (code, value) in [("1.1", s.0), ("1.2", s.1), ("2.2", s.2)] {
                    if unit == fixture.justice.id, code == "1.2" {
                        _ = try await call(.PUT, "\(base)/\(code)/appraisal", homeAffairs, #"{"score":15}"#, expect: .unprocessableEntity)
                        _ = try await call(.PUT, "\(base)/\(code)/appraisal", homeAffairs, #"{"score":15,"comment":"Chưa kiểm tra đủ 30% đơn vị trực thuộc"}"#)
                    } else {
                        _ = try await call(.PUT, "\(base)/\(code)/appraisal", homeAffairs, #"{"score":\#(value)}"#)
                    }
                }
                _ = try await call(.PUT, "\(base)/3.1/survey", homeAffairs, #"{"score":\#(survey[unit]!)}"#)
            }
            let justiceLeaves = "/api/v1/par-index/sets/\(setID)/assessments/\(fixture.justice.id)/leaves"
            _ = try await call(.PUT, "\(justiceLeaves)/1.2/response", leaders[fixture.justice.id]!, #"{"text":"Đã kiểm tra 4/12 đơn vị, có biên bản"}"#)
            _ = try await call(.PUT, "\(justiceLeaves)/1.2/response", leaders[fixture.justice.id]!, #"{"text":"Lần hai"}"#, expect: .conflict)
            _ = try await call(.PUT, "\(justiceLeaves)/1.1/response", leaders[fixture.justice.id]!, #"{"text":"Không bị điều chỉnh"}"#, expect: .conflict)
            // Results exist only once finalised; the automatic criterion is computed then.
            _ = try await call(.GET, "/api/v1/par-index/sets/\(setID)/results", homeAffairs, expect: .conflict)
            _ = try await call(.POST, "/api/v1/par-index/sets/\(setID)/advance", homeAffairs)
            let results = try await call(.GET, "/api/v1/par-index/sets/\(setID)/results", homeAffairs)
            struct Results: Decodable {
                struct Item: Decodable { let rank: Int; let unitId: String; let points: Double; let percent: Double; let band: String? }
                let items: [Item]
            }
            let table = try JSONDecoder().decode(Results.self, from: Data(results.utf8)).items
            // On-time: Justice and Health each hold one open dossier within time (100%) → 20; the others have none → 0.
            // Justice 10 + 15 + 20 + 20 + 27 = 92; Health 8 + 20 + 20 + 15 + 25 = 88; Culture 10 + 20 + 0 + 20 + 28 = 78; Finance 5 + 10 + 0 + 10 + 20 = 45.
            #expect(table.map(\.unitId) == [fixture.justice.id, fixture.health.id, culture.id, finance.id].map(\.description))
            #expect(table.map(\.points) == [92, 88, 78, 45])
            #expect(table.map(\.rank) == [1, 2, 3, 4])
            #expect(table.map(\.band) == ["Xuất sắc", "Tốt", "Khá", "Yếu"])
            // Leaders see the ranking once it is published; the communes are not ranked with the departments.
            _ = try await call(.GET, "/api/v1/par-index/sets/\(setID)/results", leaders[culture.id]!, expect: .forbidden)
            _ = try await call(.POST, "/api/v1/par-index/sets/\(setID)/advance", homeAffairs)
            let published = try await call(.GET, "/api/v1/par-index/sets/\(setID)/results", leaders[culture.id]!)
            #expect(!published.contains("Xã 1"))
            let assessment = try await call(.GET, "/api/v1/par-index/sets/\(setID)/assessments/\(fixture.justice.id)", leaders[fixture.justice.id]!)
            #expect(assessment.contains("Chưa kiểm tra đủ 30% đơn vị trực thuộc") && assessment.contains("Đã kiểm tra 4"))
        }
    }
}
