import Foundation
import Testing
@testable import ParCore

@Suite("PAR index fields")
struct ParIndexFieldTests {
    @Test("a province criteria set scores field 8, the impact of reform; plans keep the seven PAR fields")
    func fieldEight() throws {
        let set = CriteriaSet(id: .random(), year: 2026, targetKind: .province, name: "Chỉ số CCHC cấp tỉnh 2026", criteria: [
            Criterion(code: "1", title: "Công tác chỉ đạo, điều hành", maxPoints: 60, field: .direction),
            Criterion(code: "1.1", title: "Kế hoạch CCHC", maxPoints: 60, method: .manual),
            Criterion(code: "8", title: "Tác động của CCHC", maxPoints: 40, field: .impact),
            Criterion(code: "8.1", title: "Người dân đánh giá tác động", maxPoints: 40, method: .survey),
        ])
        try set.validate()
        #expect(set.field(of: "8.1")?.field == .impact)
        #expect(ParIndexField.allCases.count == 8 && ParIndexField.impact.number == 8)
        #expect(ParIndexField.impact.parField == nil)
        #expect(PARField.allCases.count == 7)
        #expect(PARField(rawValue: "impact") == nil, "plans and report drafts cannot take field 8")
        #expect(PARField.allCases.map(ParIndexField.init) == Array(ParIndexField.allCases.prefix(7)))
    }
}
