import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import Testing

@Suite("Unit repository")
struct UnitRepositoryTests {
    static func unit(_ key: String, _ kind: UnitKind = .department, parent: OrgUnit.ID? = nil) -> OrgUnit {
        OrgUnit(id: .random(), key: key, code: key, kind: kind, name: "Đơn vị \(key)", parentID: parent,
                validFrom: nil, validTo: nil)
    }

    @Test("ancestry follows the parent chain and moves rewrite the whole subtree")
    func treeAndMoves() async throws {
        try await withTestDatabase { db in
            let repo = UnitRepository(db: db)
            let actor = AuditActor.system("test")
            let province = try await repo.create(Self.unit("01", .province), actor: actor, now: testNow())
            let a = try await repo.create(Self.unit("A", parent: province.unit.id), actor: actor, now: testNow())
            let b = try await repo.create(Self.unit("B", parent: province.unit.id), actor: actor, now: testNow())
            let division = try await repo.create(Self.unit("A1", .division, parent: a.unit.id), actor: actor, now: testNow())
            #expect(division.ancestry == [division.unit.id, a.unit.id, province.unit.id])

            _ = try await repo.update(a.unit.id, expectedVersion: 1, actor: actor, now: testNow()) { $0.parentID = b.unit.id }
            let moved = try #require(try await repo.find(division.unit.id))
            #expect(moved.ancestry == [division.unit.id, a.unit.id, b.unit.id, province.unit.id])

            await #expect(throws: DomainError.self) {
                _ = try await repo.update(b.unit.id, expectedVersion: nil, actor: actor, now: testNow()) { $0.parentID = division.unit.id }
            }
        }
    }

    @Test("children are listed in Vietnamese order: Dân before Du, Đ after D, Ơ and Ư after O and U")
    func childrenInVietnameseOrder() async throws {
        try await withTestDatabase { db in
            let repo = UnitRepository(db: db)
            let actor = AuditActor.system("t")
            let province = try await repo.create(Self.unit("01", .province), actor: actor, now: testNow())
            let names = ["Sở Du lịch", "Sở Ưu đãi", "Sở Đô thị", "Sở Ơn nghĩa", "Sở Dân tộc", "Sở Uỷ thác", "Sở Ô tô", "Sở Xây dựng"]
            for (n, name) in names.enumerated() {
                var unit = Self.unit("C\(n)", parent: province.unit.id)
                unit.name = name
                _ = try await repo.create(unit, actor: actor, now: testNow())
            }
            let listed = try await repo.children(of: province.unit.id).map(\.name)
            #expect(listed == ["Sở Dân tộc", "Sở Du lịch", "Sở Đô thị", "Sở Ô tô", "Sở Ơn nghĩa", "Sở Uỷ thác", "Sở Ưu đãi", "Sở Xây dựng"])
        }
    }

    @Test("a stale version is refused and the unit is unchanged")
    func staleVersion() async throws {
        try await withTestDatabase { db in
            let repo = UnitRepository(db: db)
            let created = try await repo.create(Self.unit("S"), actor: .system("t"), now: testNow())
            _ = try await repo.update(created.unit.id, expectedVersion: 1, actor: .system("t"), now: testNow()) { $0.name = "Sở mới" }
            do {
                _ = try await repo.update(created.unit.id, expectedVersion: 1, actor: .system("t"), now: testNow()) { $0.name = "Sở cũ" }
                Issue.record("a stale update succeeded")
            } catch let error as DomainError {
                #expect(error.kind == .stale)
            }
            #expect(try await repo.find(created.unit.id)?.unit.name == "Sở mới")
            #expect(try await repo.find(created.unit.id)?.unit.version == 2)
        }
    }

    @Test("search is accent-insensitive and limited to the granted subtrees")
    func scopedSearch() async throws {
        try await withTestDatabase { db in
            let repo = UnitRepository(db: db)
            let actor = AuditActor.system("t")
            let p = try await repo.create(Self.unit("01", .province), actor: actor, now: testNow())
            var justice = Self.unit("TP", parent: p.unit.id)
            justice.name = "Sở Tư pháp"
            var health = Self.unit("YT", parent: p.unit.id)
            health.name = "Sở Y tế"
            let j = try await repo.create(justice, actor: actor, now: testNow())
            _ = try await repo.create(health, actor: actor, now: testNow())
            let everywhere = try await repo.list(.init(scopeRoots: [p.unit.id], text: "so tu phap"))
            #expect(everywhere.map(\.unit.key) == ["TP"])
            let onlyJustice = try await repo.list(.init(scopeRoots: [j.unit.id], text: "Sở"))
            #expect(onlyJustice.map(\.unit.key) == ["TP"])
            #expect(try await repo.list(.init(scopeRoots: [])).isEmpty)
        }
    }
}

@Suite("Unit import")
struct UnitImportTests {
    static let good = """
    key,code,kind,name,parentKey,validFrom,validTo
    01,01,province,Thành phố Hà Nội,,,
    dept:tp,000.00.01.H26,department,"Sở Tư pháp",01,,
    div:tp:vp,000.01.01.H26,division,"Văn phòng Sở, Sở Tư pháp",dept:tp,2025-03-01,
    """

    @Test("a good file imports, and a second run changes nothing")
    func idempotent() async throws {
        try await withTestDatabase { db in
            let importer = UnitImporter(db: db)
            let file = try UnitImportFile.parse(Data(Self.good.utf8))
            let first = try await importer.run(file, actor: .system("t"), now: testNow())
            #expect((first.created, first.updated, first.unchanged) == (3, 0, 0))
            let second = try await importer.run(file, actor: .system("t"), now: testNow())
            #expect((second.created, second.updated, second.unchanged) == (0, 0, 3))
            let division = try #require(try await UnitRepository(db: db).find(key: "div:tp:vp"))
            #expect(division.unit.name == "Văn phòng Sở, Sở Tư pháp")
            #expect(division.ancestry.count == 3)
        }
    }

    @Test("a file with a bad row is rejected whole with a report, and the database is unchanged")
    func rejectedWhole() async throws {
        try await withTestDatabase { db in
            let bad = Self.good + "\nx1,X1,planet,Sao Hỏa,01,,\nx2,X2,commune,Xã Mới,nowhere,,\nx3,X3,commune,Xã Lạ,01,2025-02-30,\n"
            do {
                _ = try await UnitImporter(db: db).run(try UnitImportFile.parse(Data(bad.utf8)), actor: .system("t"), now: testNow())
                Issue.record("the bad file was imported")
            } catch let rejected as UnitImportRejected {
                #expect(rejected.report.rejected.map(\.key) == ["x1", "x3", "x2"])
            }
            #expect(try await UnitRepository(db: db).all().isEmpty)
            #expect(try await AuditLog.verify(on: db) == .intact(rows: 0))
        }
    }

    @Test("Hà Nội's real data tells the 2025 story: 30 districts and 526 communes became 126 communes")
    func hanoi2025() async throws {
        try await withTestDatabase { db in
            let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "data/seed/hanoi-units.json"))
            let report = try await UnitImporter(db: db).run(try UnitImportFile.parse(data), actor: .system("t"), now: testNow())
            #expect(report.created == 683)
            #expect(report.eventsCreated == 126)
            let repo = UnitRepository(db: db)
            let hanoi = try #require(try await repo.find(key: "01"))
            let table = try await repo.restructuring(root: hanoi.unit.id, from: LocalDate(iso: "2025-06-30")!,
                                                     to: LocalDate(iso: "2025-07-01")!)
            let communes = try #require(table.kinds.first { $0.kind == .commune })
            #expect((communes.before, communes.after, communes.reorganised) == (526, 126, 526))
            #expect(communes.percentChange == -76.0)
            let districts = try #require(table.kinds.first { $0.kind == .district })
            #expect((districts.before, districts.after) == (30, 0))
            let baDinh = try #require(try await repo.find(key: "00004"))
            let lineage = try await repo.lineage(of: baDinh.unit.id)
            #expect(lineage.predecessors.count == 10)
            #expect(lineage.predecessors.filter(\.whole).map(\.unit.name).sorted() == ["Phường Quán Thánh", "Phường Trúc Bạch"])
            #expect(lineage.predecessors.allSatisfy { $0.decision == "1656/NQ-UBTVQH15" })
        }
    }
}
