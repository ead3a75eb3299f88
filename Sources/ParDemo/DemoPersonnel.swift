import FluentKit
import Foundation
import ParCore
import ParStore

/// The Department of Justice's people with last year's ratings, approved by its leader, and
/// this year's entered but not yet approved — the department of twelve of the tests (ten civil
/// servants, a public employee, a contract driver). The processing officer `xuly.tuphap` is
/// linked to their own record.
enum DemoPersonnel {
    static let people: [(String, Person.Kind, String, String?, Double?, Disqualification?)] = [
        ("Nguyễn Thị Hoa", .civilServant, "Giám đốc Sở", "Giám đốc", 95, nil),
        ("Trần Văn Bình", .civilServant, "Phó Giám đốc Sở", "Phó Giám đốc", 90, nil),
        ("Lê Minh Châu", .civilServant, "Chuyên viên hành chính tư pháp", nil, 89.5, nil),
        ("Phạm Thu Dung", .civilServant, "Chuyên viên lý lịch tư pháp", nil, 85, nil),
        ("Đỗ Quang Huy", .civilServant, "Chuyên viên hộ tịch", nil, 80, nil),
        ("Vũ Thị Lan", .civilServant, "Chuyên viên bổ trợ tư pháp", nil, 75, nil),
        ("Hoàng Văn Nam", .civilServant, "Chuyên viên xử lý thủ tục hành chính", nil, 70, nil),
        ("Bùi Thị Oanh", .civilServant, "Chuyên viên văn thư", nil, 69.5, nil),
        ("Ngô Văn Phúc", .civilServant, "Chuyên viên tổng hợp", nil, 50, nil),
        ("Đặng Văn Quý", .civilServant, "Chuyên viên kiểm soát thủ tục", nil, 91, .discipline),
        ("Lý Thị Ánh", .publicEmployee, "Trợ giúp viên pháp lý", nil, nil, nil),
        ("Trịnh Văn Sơn", .contract, "Lái xe", nil, nil, nil),
    ]

    /// The record of `xuly.tuphap` (Hoàng Văn Nam).
    static let linked = 6

    static func load(_ db: any Database, now: Date) async throws {
        guard let justice = try await UnitRepository(db: db).find(key: "dept:tu-phap")?.unit else { return }
        let repository = PersonnelRepository(db: db)
        let officer = AuditActor(id: nil, name: "tccb.tuphap", requestID: nil)
        let leader = AuditActor(id: nil, name: "lanhdao.tuphap", requestID: nil)
        let year = VietnamTime.localDate(of: now).year
        let processor = try await UserRepository(db: db).credentials(username: "xuly.tuphap")?.0
        for (i, (name, kind, position, post, score, reason)) in people.enumerated() {
            let person = try Person(id: .random(), unitID: justice.id, fullName: name, kind: kind, position: position,
                                    rank: kind == .civilServant ? "Chuyên viên" : nil, leadershipPost: post,
                                    startedOn: LocalDate(year: 2015 + i % 8, month: 1 + i % 12, day: 1)!,
                                    userID: i == linked ? processor?.id : nil).validated()
            _ = try await repository.add(person, actor: officer, now: now)
            guard kind.isRated else { continue }
            for (ratedYear, shift) in [(year - 1, 0.0), (year, 2.5)] {
                let rating = try QualityRating.entered(for: person, year: ratedYear, score: score.map { min(100, $0 + shift) },
                                                       disqualification: ratedYear == year ? nil : reason,
                                                       level: kind == .publicEmployee ? .good : nil)
                try await repository.saveRating(rating, person: person, actor: officer, now: now)
            }
        }
        _ = try await repository.approveRatings(units: [justice.id], year: year - 1, actor: leader, now: now)
    }
}
