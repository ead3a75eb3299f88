import FluentKit
import Foundation
import ParCore
import ParStore

/// The departments' PAR index: last year's, assessed, appraised and published (the portal shows its
/// ranking), and this year's, open for self-assessment. Three fields, self-scored criteria in each, an
/// automatic one on the on-time rate (read from the service index, as the app reads it) and the survey.
enum DemoParIndex {
    static let actor = AuditActor(id: nil, name: "cchc.noivu", requestID: nil)

    static func criteria(year: Int) -> CriteriaSet {
        CriteriaSet(id: .random(), year: year, targetKind: .department, name: "Chỉ số CCHC các sở năm \(year)", criteria: [
            Criterion(code: "1", title: "Công tác chỉ đạo, điều hành CCHC", maxPoints: 30, field: .direction),
            Criterion(code: "1.1", title: "Ban hành kế hoạch CCHC năm đúng hạn", maxPoints: 10, guidance: "Ban hành trước 31/12 năm trước: 10 điểm; chậm: 0 điểm",
                      evidence: "Kế hoạch CCHC năm", method: .manual),
            Criterion(code: "1.2", title: "Kiểm tra CCHC các đơn vị trực thuộc", maxPoints: 20, guidance: "Kiểm tra ≥ 30% đơn vị trực thuộc: 20 điểm",
                      evidence: "Kế hoạch và báo cáo kiểm tra", method: .manual),
            Criterion(code: "2", title: "Cải cách thủ tục hành chính", maxPoints: 40, field: .procedures),
            Criterion(code: "2.1", title: "Hồ sơ giải quyết đúng hạn", maxPoints: 20,
                      method: .tiers(metric: "progress.on_time", tiers: [.init(minRate: 0.95, share: 1), .init(minRate: 0.9, share: 0.5)])),
            Criterion(code: "2.2", title: "Rà soát, đơn giản hóa TTHC", maxPoints: 20, evidence: "Quyết định phê duyệt phương án đơn giản hóa", method: .manual),
            Criterion(code: "3", title: "Sự hài lòng và chính quyền số", maxPoints: 30, field: .eGovernment),
            Criterion(code: "3.1", title: "Mức độ hài lòng (điều tra xã hội học)", maxPoints: 30, method: .survey),
        ])
    }

    static func load(_ db: any Database, now: Date) async throws {
        let year = VietnamTime.localDate(of: now).year
        let repository = ParIndexRepository(db: db)
        if try await repository.set(year: year - 1, kind: .department) == nil {
            try await loadPublished(db, year: year - 1, now: now)
        }
        guard try await repository.set(year: year, kind: .department) == nil else { return }
        let set = try await repository.create(criteria(year: year), actor: actor, now: now)
        _ = try await repository.advance(set.id, metrics: { _, _, _ in nil }, actor: actor, now: now)
        // A demo timetable (each province sets its own): self-assessment until 15 January, appraisal until 28 February.
        _ = try await repository.setDeadlines(set.id, selfAssessment: LocalDate(year: year + 1, month: 1, day: 15),
                                              appraisal: LocalDate(year: year + 1, month: 2, day: 28), actor: actor, now: now)
    }

    /// Last year's set through every phase: each department scores its manual criteria with an explanation
    /// and submits; Home Affairs accepts most scores, adjusts one with a comment, imports the survey's points,
    /// finalises (the on-time criterion computed from the service index) and publishes.
    static func loadPublished(_ db: any Database, year: Int, now: Date) async throws {
        let repository = ParIndexRepository(db: db)
        let index = IndexRepository(db: db)
        var set = try await repository.create(criteria(year: year), actor: actor, now: now)
        set = try await repository.advance(set.id, metrics: { _, _, _ in nil }, actor: actor, now: now)
        let leaves: [(code: String, max: Double)] = [("1.1", 10), ("1.2", 20), ("2.2", 20)]
        let assessments = try await repository.assessments(set.id)
        for (n, assessment) in assessments.enumerated() {
            for (k, leaf) in leaves.enumerated() {
                // Full marks mostly, every few units a criterion half met: a spread the ranking can show.
                let score = (n + k) % 4 == 0 ? leaf.max / 2 : leaf.max
                _ = try await repository.selfScore(set.id, unit: assessment.unitID, code: leaf.code, score: score,
                                                   explanation: "Đơn vị tự chấm theo hướng dẫn, kèm văn bản số \(100 + n)/KH-\(year).",
                                                   references: [], actor: AuditActor(id: nil, name: "demo", requestID: nil), now: now)
            }
            try await repository.submit(set.id, unit: assessment.unitID, actor: AuditActor(id: nil, name: "demo", requestID: nil), now: now)
        }
        set = try await repository.advance(set.id, metrics: { _, _, _ in nil }, actor: actor, now: now)
        for (n, assessment) in assessments.enumerated() {
            for (k, leaf) in leaves.enumerated() {
                let claimed = (n + k) % 4 == 0 ? leaf.max / 2 : leaf.max
                let adjusted = n % 5 == 2 && k == 1
                _ = try await repository.appraise(set.id, unit: assessment.unitID, code: leaf.code, score: adjusted ? claimed / 2 : claimed,
                                                  comment: adjusted ? "Báo cáo kiểm tra chưa đủ 30% đơn vị trực thuộc." : nil, actor: actor, now: now)
            }
            _ = try await repository.importSurvey(set.id, unit: assessment.unitID, code: "3.1", score: Double(22 + (n * 7) % 8), actor: actor, now: now)
        }
        let indicators = try await index.activeSet()
        let today = VietnamTime.localDate(of: now)
        set = try await repository.advance(set.id, metrics: { unit, metric, year in
            let facts = try await index.facts(try await index.scope(unit), from: LocalDate(year: year, month: 1, day: 1)!,
                                              through: LocalDate(year: year, month: 12, day: 31)!, today: today)
            return IndexScoring.evaluate(indicators, facts: facts).first { $0.indicator.id == metric }?.rate
        }, actor: actor, now: now)
        _ = try await repository.advance(set.id, metrics: { _, _, _ in nil }, actor: actor, now: now)
        _ = try await AnnouncementRepository(db: db).publish(
            title: "Công bố Chỉ số cải cách hành chính năm \(year) của các sở",
            body: "Sở Nội vụ công bố kết quả xác định Chỉ số CCHC năm \(year) của các sở, ban, ngành sau khi thẩm định hồ sơ tự đánh giá, "
                + "kết quả điều tra xã hội học và số liệu giải quyết hồ sơ trên hệ thống. Bảng xếp hạng chi tiết theo từng lĩnh vực xem tại mục Chỉ số CCHC.",
            actor: actor, now: now)
    }
}
