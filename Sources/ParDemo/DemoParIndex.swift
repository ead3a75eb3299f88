import FluentKit
import Foundation
import ParCore
import ParStore

/// This year's PAR index for the departments, open for self-assessment: three fields, a
/// self-scored criterion in each, an automatic one on the on-time rate and the survey.
enum DemoParIndex {
    static func load(_ db: any Database, now: Date) async throws {
        let year = VietnamTime.localDate(of: now).year
        let repository = ParIndexRepository(db: db)
        guard try await repository.set(year: year, kind: .department) == nil else { return }
        let actor = AuditActor(id: nil, name: "cchc.noivu", requestID: nil)
        let set = try await repository.create(CriteriaSet(id: .random(), year: year, targetKind: .department, name: "Chỉ số CCHC các sở năm \(year)", criteria: [
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
        ]), actor: actor, now: now)
        _ = try await repository.advance(set.id, metrics: { _, _, _ in nil }, actor: actor, now: now)
    }
}
