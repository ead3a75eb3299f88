import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import Testing

@Suite("Procedure catalogue store")
struct ProcedureRepositoryTests {
    static func procedure(_ code: String, _ name: String, field: String = "Hộ tịch", days: Double = 3) -> Procedure {
        Procedure(id: .random(), code: code, name: name, field: field, level: .commune, unitID: nil,
                  agency: "Ủy ban nhân dân cấp xã", applicants: "Cá nhân", steps: ["Nộp hồ sơ"], methods: [.counter],
                  documents: [.init(name: "Tờ khai", copies: 1)], processingTime: .init(amount: days, unit: .workingDays),
                  result: "Giấy", resultType: .paper, fees: [], legalBasis: ["Luật Hộ tịch 2014"], onlineLevel: .none,
                  fullOnlineEligible: false, interAgencySteps: [])
    }

    static func seed(_ repo: ProcedureRepository) async throws {
        for p in [
            procedure("1.000894", "Đăng ký kết hôn"),
            procedure("1.001193", "Đăng ký khai sinh"),
            procedure("1.004884", "Đăng ký lại kết hôn"),
            procedure("2.000908", "Chứng thực bản sao từ bản chính", field: "Chứng thực"),
            procedure("1.002255", "Cấp giấy phép xây dựng nhà ở riêng lẻ", field: "Xây dựng", days: 15),
        ] {
            _ = try await repo.create(p, publication: .init(decision: nil, effectiveFrom: nil), actor: .system("t"), now: testNow())
        }
    }

    @Test("searching without diacritics, in capitals or in NFD finds the procedure, exact match first", arguments: [
        "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "đăng ký kết hôn", "Đa\u{0306}ng ky\u{0301} ke\u{0302}\u{0301}t ho\u{0302}n",
    ])
    func search(query: String) async throws {
        try await withTestDatabase { db in
            let repo = ProcedureRepository(db: db)
            try await Self.seed(repo)
            let page = try await repo.search(.init(text: query))
            #expect(page.items.map(\.name) == ["Đăng ký kết hôn", "Đăng ký lại kết hôn"])
        }
    }

    @Test("prefixes, codes, fields and the agency are searchable; filters narrow the list")
    func searchFields() async throws {
        try await withTestDatabase { db in
            let repo = ProcedureRepository(db: db)
            try await Self.seed(repo)
            #expect(try await repo.search(.init(text: "chung thuc")).items.map(\.code) == ["2.000908"])
            #expect(try await repo.search(.init(text: "1.001193")).items.map(\.code) == ["1.001193"])
            #expect(try await repo.search(.init(text: "giay phep xay")).items.map(\.code) == ["1.002255"])
            #expect(try await repo.search(.init(text: "uy ban")).total == 5)
            #expect(try await repo.search(.init(text: "dang ky", field: "Hộ tịch")).total == 3)
            #expect(try await repo.search(.init(text: "khong co gi")).total == 0)
            let page = try await repo.search(.init(offset: 1, limit: 2))
            #expect(page.items.count == 2 && page.total == 5)
        }
    }

    @Test("a shortened processing time is a new version, a recorded change and counts in the simplification report")
    func shortening() async throws {
        try await withTestDatabase { db in
            let repo = ProcedureRepository(db: db)
            try await Self.seed(repo)
            let permit = try #require(try await repo.find(code: "1.002255"))
            let publication = ProcedureRepository.Publication(decision: "Quyết định 1234/QĐ-UBND",
                                                              effectiveFrom: LocalDate(iso: "2025-03-01"))
            let updated = try await repo.update(permit.id, expectedVersion: 1, publication: publication,
                                                actor: .system("t"), now: testNow()) { $0.processingTime.amount = 10 }
            #expect(updated.version == 2)
            let versions = try await repo.versions(of: permit.id)
            #expect(versions.map(\.procedure.processingTime.amount) == [10, 15])
            #expect(versions.first?.decision == "Quyết định 1234/QĐ-UBND")
            let report = try await repo.simplification(from: LocalDate(iso: "2025-01-01")!, to: LocalDate(iso: "2025-12-31")!,
                                                       unitID: nil, field: nil, targetPercent: 20)
            #expect(report.shortened.map(\.code) == ["1.002255"])
            #expect(report.percentShortened == 20)
            #expect(report.meetsTarget == true)
            await #expect(throws: DomainError.self) {
                _ = try await repo.update(permit.id, expectedVersion: 1, publication: publication,
                                          actor: .system("t"), now: testNow()) { $0.processingTime.amount = 8 }
            }
        }
    }

    @Test("the CSV export imports back unchanged; a file with a bad row is rejected whole")
    func csvRoundTrip() async throws {
        try await withTestDatabase { db in
            let repo = ProcedureRepository(db: db)
            try await Self.seed(repo)
            let all = try await repo.search(.init(limit: 100)).items
            let csv = ProcedureImportFile.csv(all, unitKeys: [:])
            let report = try await ProcedureImporter(db: db).run(try ProcedureImportFile.parse(Data(csv.utf8)),
                                                                 actor: .system("t"), now: testNow())
            #expect((report.created, report.updated, report.unchanged) == (0, 0, 5))
            var shortened = all
            let index = try #require(shortened.firstIndex { $0.code == "1.002255" })
            shortened[index].processingTime.amount = 12
            let update = try await ProcedureImporter(db: db).run(
                try ProcedureImportFile.parse(Data(ProcedureImportFile.csv(shortened, unitKeys: [:]).utf8)),
                actor: .system("t"), now: testNow())
            #expect((update.updated, update.unchanged) == (1, 4))
            let permit = try #require(try await repo.find(code: "1.002255"))
            #expect(try await repo.versions(of: permit.id).map(\.procedure.processingTime.amount) == [12, 15])
            #expect(try await repo.changes(of: permit.id).map(\.after.amount) == [12])
            #expect(try await repo.search(.init(text: "xay dung")).items.first?.processingTime.amount == 12)
            let broken = ProcedureImportFile.csv(shortened, unitKeys: [:]) + "9.999999,Thủ tục hỏng,Hộ tịch,planet,,UBND,,3,workingDays,,,,none,false,,,,,,\r\n"
            do {
                _ = try await ProcedureImporter(db: db).run(try ProcedureImportFile.parse(Data(broken.utf8)),
                                                            actor: .system("t"), now: testNow())
                Issue.record("a bad file was imported")
            } catch let rejected as ProcedureImportRejected {
                #expect(rejected.report.rejected.map(\.key) == ["9.999999"])
            }
            #expect(try await repo.search(.init()).total == 5)
        }
    }
}

@Suite("Procedure catalogue in Vietnamese order")
struct ProcedureCollationTests {
    @Test("without a query every procedure is listed, by name in Vietnamese order; fields are in that order too")
    func order() async throws {
        try await withTestDatabase { db in
            let repo = ProcedureRepository(db: db)
            for (code, name, field) in [("1.1", "Xuất bản bản tin", "Xuất bản"), ("1.2", "Đăng ký đất đai", "Đất đai"),
                                        ("1.3", "Dân tộc thiểu số", "Dân tộc"), ("1.4", "Ưu đãi đầu tư", "Đầu tư"),
                                        ("1.5", "Uỷ quyền", "Hộ tịch"), ("1.6", "Đăng ký khai sinh", "Hộ tịch")] {
                _ = try await repo.create(ProcedureRepositoryTests.procedure(code, name, field: field), publication: .init(decision: nil, effectiveFrom: nil),
                                          actor: .system("t"), now: testNow())
            }
            let all = try await repo.search(.init(text: nil, field: nil, unitID: nil, level: nil, offset: 0, limit: 50))
            #expect(all.items.map(\.name) == ["Dân tộc thiểu số", "Đăng ký đất đai", "Đăng ký khai sinh", "Uỷ quyền", "Ưu đãi đầu tư", "Xuất bản bản tin"])
            #expect(try await repo.fields().map(\.field) == ["Dân tộc", "Đất đai", "Đầu tư", "Hộ tịch", "Xuất bản"])
        }
    }
}
