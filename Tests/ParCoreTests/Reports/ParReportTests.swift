import Testing
@testable import ParCore

@Suite("Report drafts as written")
struct ParReportTests {
    @Test("a draft's title is cleaned, 1 to 300 characters", arguments: [
        (" Báo cáo  CCHC quý I ", "Báo cáo CCHC quý I"), ("  ", nil), (String(repeating: "t", count: 300), String(repeating: "t", count: 300)),
        (String(repeating: "t", count: 301), nil),
    ] as [(String, String?)])
    func title(_ raw: String, kept: String?) throws {
        let period = try ReportPeriod("2026-03")
        let draft = try? ParReport.draft(unit: .random(), period: period, title: raw)
        #expect(draft?.title == kept)
        #expect(draft.map { $0.from == period.from && $0.through == period.through && !$0.isFinal } ?? true)
    }

    @Test("the narrative keeps known fields and parts, cleaned, empty ones left out; a part over 20,000 characters is refused with its field and part")
    func narrative() throws {
        let kept = try ParReport.narrative([
            "procedures": ["results": "  Đã  rà soát\n 12 thủ tục ", "limitations": "   ", "nothing": "x"],
            "unknown": ["results": "x"],
        ])
        #expect(kept == ["procedures": ["results": VietnameseText.cleanMultiline("  Đã  rà soát\n 12 thủ tục ")]])
        #expect(throws: DomainError.self) { try ParReport.narrative(["procedures": ["next": String(repeating: "n", count: 20_001)]]) }
        do {
            _ = try ParReport.narrative(["direction": ["results": String(repeating: "n", count: 20_001)]])
        } catch {
            #expect(error.field == "direction-results")
        }
    }
}
