import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("People import")
struct PersonImportTests {
    static let actor = AuditActor.system("t")

    @Test("CSV with a byte-order mark, quoted commas and decomposed Vietnamese reads as NFC rows; a missing header is refused")
    func parse() throws {
        let csv = "\u{FEFF}unitKey,fullName,kind,position,rank,leadershipPost,startedOn,rotationYears\r\n"
            + "00004,\"Nguye\u{0302}\u{0303}n Văn An\",civil_servant,\"Công chức tư pháp, hộ tịch\",Chuyên viên,,2020-03-01,3\r\n"
            + ",,,,,,,\r\n"
            + "00004,Lê Thị Bình,public_employee,Viên chức văn hóa,,,2021-01-15,\r\n"
        let file = try PersonImportFile.parse(Data(csv.utf8))
        #expect(file.people.count == 2)
        #expect(file.people[0] == .init(unitKey: "00004", fullName: "Nguyễn Văn An", kind: "civil_servant", position: "Công chức tư pháp, hộ tịch",
                                        rank: "Chuyên viên", leadershipPost: nil, startedOn: "2020-03-01", rotationYears: 3))
        #expect(file.people[1].rotationYears == nil && file.people[1].rank == nil)
        #expect(throws: DomainError.self) { try PersonImportFile.parse(Data("name,kind\nA,b\n".utf8)) }
    }

    @Test("a file with one bad row is rejected whole, naming each bad row; the good file imports once and a re-run changes nothing")
    func allOrNothing() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let importer = PersonImporter(db: db)
            let good: [PersonImportFile.Row] = [
                .init(unitKey: "00004", fullName: "Nguyễn Văn An", kind: "civil_servant", position: "Công chức tư pháp - hộ tịch", startedOn: "2020-03-01"),
                .init(unitKey: "00004:vh", fullName: "Lê Thị Bình", kind: "public_employee", position: "Viên chức văn hóa", startedOn: "2021-01-15"),
            ]
            let bad = good + [
                .init(unitKey: "00004", fullName: "Trần Văn Cường", kind: "soldier", position: "Bảo vệ", startedOn: "2022-01-01"),
                .init(unitKey: "99999", fullName: "Phạm Thị Dung", kind: "contract", position: "Tạp vụ", startedOn: "2022-01-01"),
                .init(unitKey: "00004", fullName: "Nguyễn Văn An", kind: "civil_servant", position: "Trùng", startedOn: "2020-03-01"),
                .init(unitKey: "00004", fullName: "Đỗ Văn Em", kind: "civil_servant", position: "Kế toán", startedOn: "2022-13-01"),
                .init(unitKey: "00004", fullName: "Hà Thị Giang", kind: "civil_servant", position: "Kế toán", startedOn: "2022-01-01", rotationYears: 9),
            ]
            do {
                _ = try await importer.run(PersonImportFile(people: bad), allowed: nil, actor: Self.actor, now: testNow())
                Issue.record("a bad file was imported")
            } catch let rejected as PersonImportRejected {
                #expect(rejected.report.rejected.map(\.row) == ["3", "4", "5", "6", "7"])
                #expect(rejected.report.rejected[0].reason.contains("soldier") && rejected.report.rejected[1].reason.contains("99999"))
            }
            let people = PersonnelRepository(db: db)
            #expect(try await people.people(units: [w.ward.id, w.division.id]).isEmpty)
            // Only inside the allowed units.
            await #expect(throws: PersonImportRejected.self) {
                _ = try await importer.run(PersonImportFile(people: good), allowed: [w.ward.id], actor: Self.actor, now: testNow())
            }
            let report = try await importer.run(PersonImportFile(people: good), allowed: nil, actor: Self.actor, now: testNow())
            #expect(report.created == 2 && report.rejected.isEmpty)
            #expect(try await importer.run(PersonImportFile(people: good), allowed: nil, actor: Self.actor, now: testNow()).unchanged == 2)
            var changed = good
            changed[0].position = "Công chức văn phòng - thống kê"
            let again = try await importer.run(PersonImportFile(people: changed), allowed: nil, actor: Self.actor, now: testNow())
            #expect(again.updated == 1 && again.unchanged == 1)
            let an = try #require(try await people.people(units: [w.ward.id]).first)
            #expect(an.position == "Công chức văn phòng - thống kê" && an.version == 2)
            #expect(try await people.moves(of: an.id).map(\.kind) == [.joined, .rotation])
        }
    }
}
