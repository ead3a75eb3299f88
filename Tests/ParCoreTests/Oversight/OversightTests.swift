import Foundation
import Testing
@testable import ParCore

@Suite("Plans, inspections and feedback rules")
struct OversightTests {
    static let province = OrgUnit.ID.random(), justice = OrgUnit.ID.random(), division = OrgUnit.ID.random(), health = OrgUnit.ID.random()
    static let start = ISO8601DateFormatter().date(from: "2026-05-12T08:00:00+07:00")!

    static func inspection(_ kind: Inspection.Kind, of unit: OrgUnit.ID) -> Inspection {
        Inspection(id: .random(), unitID: unit, kind: kind, place: .counter, startsAt: start, purpose: "Kiểm tra", team: ["A"])
    }

    /// (grant ancestries of the viewer, inspected unit, kind, moment, hidden?)
    static let visibility: [(String, [[OrgUnit.ID]], OrgUnit.ID, Inspection.Kind, TimeInterval, Bool)] = [
        ("the inspected unit's leader, before the start", [[justice, province]], justice, .unannounced, -60, true),
        ("a division of the inspected unit, before the start", [[division, justice, province]], justice, .unannounced, -3600, true),
        ("the inspected unit's leader, at the start", [[justice, province]], justice, .unannounced, 0, false),
        ("the inspected unit's leader, after the start", [[justice, province]], justice, .unannounced, 60, false),
        ("an announced visit is never hidden", [[justice, province]], justice, .announced, -86_400, false),
        ("Home Affairs at the province sees it before", [[province]], justice, .unannounced, -86_400, false),
        ("another department is not shielded", [[health, province]], justice, .unannounced, -86_400, false),
        ("a second grant inside the unit shields the province officer too", [[province], [division, justice, province]], justice, .unannounced, -60, true),
    ]

    @Test("an unannounced inspection is hidden from the inspected unit's staff until it starts", arguments: visibility)
    func hidden(_ row: (String, [[OrgUnit.ID]], OrgUnit.ID, Inspection.Kind, TimeInterval, Bool)) {
        let shielded = InspectionVisibility.shieldedUnits(grantAncestries: row.1)
        #expect(InspectionVisibility.isHidden(Self.inspection(row.3, of: row.2), shielded: shielded, now: Self.start.addingTimeInterval(row.4)) == row.5,
                "\(row.0)")
    }

    @Test("tasks: overdue when not done past the deadline; done means 100% and the day it was done")
    func tasks() throws {
        let plan = ParPlan.ID.random()
        let today = LocalDate(iso: "2026-06-01")!
        func task(_ status: PlanTask.Status, _ deadline: String, completed: String? = nil) -> PlanTask {
            PlanTask(id: .random(), planID: plan, field: .procedures, title: "Rà soát TTHC", deadline: LocalDate(iso: deadline)!,
                     status: status, completedOn: completed.flatMap(LocalDate.init(iso:)))
        }
        #expect(task(.inProgress, "2026-05-31").isOverdue(today: today))
        #expect(!task(.inProgress, "2026-06-01").isOverdue(today: today))
        #expect(!task(.done, "2026-05-01").isOverdue(today: today))
        #expect(!task(.cancelled, "2026-05-01").isOverdue(today: today))
        let done = try task(.done, "2026-07-01").normalised(today: today)
        #expect(done.progress == 100 && done.completedOn == today)
        var bad = task(.inProgress, "2026-07-01")
        bad.progress = 120
        #expect(throws: DomainError.self) { try bad.normalised(today: today) }
        bad.progress = 50
        bad.title = " \u{200B} "
        #expect(throws: DomainError.self) { try bad.normalised(today: today) }
        // 2 done (one late) of 4 counted (the cancelled one is not), 1 overdue.
        let completion = PlanCompletion([task(.done, "2026-05-01", completed: "2026-04-20"), task(.done, "2026-05-01", completed: "2026-05-10"),
                                         task(.notStarted, "2026-05-15"), task(.inProgress, "2026-12-31"), task(.cancelled, "2026-01-01")],
                                        today: today)
        #expect(completion.total == 4 && completion.done == 2 && completion.doneLate == 1 && completion.overdue == 1 && completion.rate == 0.5)
        #expect(PlanCompletion([], today: today).rate == nil)
    }

    @Test("feedback limits are working days from the day it was sent, a weekend included: refuse 2, more information 5, answer 15", arguments: [
        // Friday 8 May 2026 at 10:00 is day 0; day 1 is Monday 11 May.
        ("2026-05-08T10:00:00+07:00", "2026-05-12T17:00:00+07:00", "2026-05-15T17:00:00+07:00", "2026-05-29T17:00:00+07:00"),
        // Sent on Saturday 9 May: day 0 is the Saturday itself (766, 5.2), so day 1 is still Monday 11 May —
        // a dossier received then would count from Monday, one day later.
        ("2026-05-09T10:00:00+07:00", "2026-05-12T17:00:00+07:00", "2026-05-15T17:00:00+07:00", "2026-05-29T17:00:00+07:00"),
        // Sent on Sunday 3 May, the eve of the 30 April – 3 May break's end: Monday 4 May is day 1.
        ("2026-05-03T21:00:00+07:00", "2026-05-05T17:00:00+07:00", "2026-05-08T17:00:00+07:00", "2026-05-22T17:00:00+07:00"),
    ])
    func limits(sent: String, refuse: String, moreInfo: String, answer: String) throws {
        let at = { (text: String) in ISO8601DateFormatter().date(from: text)! }
        let limits = try Feedback.limits(receivedAt: at(sent), calendar: WorkingCalendar.standard)
        #expect(limits.refuseBy == at(refuse))
        #expect(limits.moreInfoBy == at(moreInfo))
        #expect(limits.answerBy == at(answer))
        // A dossier received that Saturday starts from Monday: its 2 working days end on Wednesday.
        let dossier = try WorkingCalendar.standard.deadline(from: at("2026-05-09T10:00:00+07:00"), workingDays: 2).due
        #expect(dossier == at("2026-05-13T17:00:00+07:00"))
    }

    @Test("personal data is removed before publication", arguments: [
        ("Tôi là Nguyễn Văn An, số điện thoại 0912 345 678, email an@example.vn", ["Nguyễn Văn An"],
         "Tôi là […], số điện thoại […], email […]"),
        ("CCCD 001085000123 bị trả lại", [], "CCCD […] bị trả lại"),
        ("Gọi +84912345678 giúp tôi", [], "Gọi […] giúp tôi"),
        ("Thủ tục mất 15 ngày", [], "Thủ tục mất 15 ngày"),
    ])
    func redaction(text: String, names: [String], expected: String) {
        #expect(Redaction.redact(text, names: names) == expected)
    }

    @Test("ISO 9001 is maintained until the next review is overdue")
    func iso() {
        let unit = OrgUnit.ID.random()
        let today = LocalDate(iso: "2026-06-01")!
        #expect(IsoStatus(unitID: unit, certificate: "QMS-01", lastReview: nil, nextReview: LocalDate(iso: "2026-06-01")).isMaintained(today: today))
        #expect(!IsoStatus(unitID: unit, certificate: "QMS-01", lastReview: nil, nextReview: LocalDate(iso: "2026-05-31")).isMaintained(today: today))
        #expect(!IsoStatus(unitID: unit, certificate: "", lastReview: nil, nextReview: nil).isMaintained(today: today))
    }

    /// (conclusion as written, follow-ups, the conclusion kept, or the field refused)
    static let conclusions: [(String, Int, String?, String?)] = [
        ("  Đơn vị  thực hiện tốt. ", 0, "Đơn vị thực hiện tốt.", nil),
        ("Kết luận", 50, "Kết luận", nil),
        ("Kết luận", 51, nil, "followUps"),
        ("   ", 0, nil, "conclusion"),
        (String(repeating: "a", count: 20_000), 1, String(repeating: "a", count: 20_000), nil),
        (String(repeating: "a", count: 20_001), 1, nil, "conclusion"),
    ]

    @Test("a conclusion: cleaned, up to 20,000 characters and 50 follow-ups", arguments: conclusions)
    func conclusion(_ row: (String, Int, String?, String?)) {
        let followUps = Array(repeating: FollowUp(title: "Niêm yết", field: .procedures, deadline: LocalDate(iso: "2026-09-30")!), count: row.1)
        do {
            let kept = try Inspection.conclusion(row.0, followUps: followUps)
            #expect(kept == row.2 && row.3 == nil)
        } catch {
            #expect(error.field == row.3 && row.2 == nil, "\(error)")
        }
    }

    @Test("an inspection is concluded once, and not before it starts", arguments: [
        (-60.0, false, false), (0, false, true), (3600, false, true), (3600, true, false),
    ])
    func concludable(_ row: (TimeInterval, Bool, Bool)) {
        var visit = Self.inspection(.unannounced, of: Self.division)
        if row.1 { visit.concludedAt = Self.start.addingTimeInterval(60) }
        let allowed = (try? visit.checkConcludable(now: Self.start.addingTimeInterval(row.0))) != nil
        #expect(allowed == row.2)
    }

    @Test("a finding: cleaned, up to 4,000 characters with a cause of up to 2,000, kept only for a shortcoming", arguments: [
        (InspectionFinding.Category.shortcoming, " Chưa  niêm yết ", "Thiếu  bảng ", "Chưa niêm yết", "Thiếu bảng", true),
        (.achievement, "Tốt", "Không dùng", "Tốt", nil, true),
        (.shortcoming, "Chưa niêm yết", "  ", "Chưa niêm yết", nil, true),
        (.recommendation, "", nil, nil, nil, false),
        (.shortcoming, "Chưa niêm yết", String(repeating: "b", count: 2_001), nil, nil, false),
        (.initiative, String(repeating: "c", count: 4_001), nil, nil, nil, false),
    ] as [(InspectionFinding.Category, String, String?, String?, String?, Bool)])
    func finding(_ row: (InspectionFinding.Category, String, String?, String?, String?, Bool)) {
        let visit = Inspection.ID.random()
        let finding = try? InspectionFinding.drafted(in: visit, category: row.0, text: row.1, cause: row.2)
        #expect((finding != nil) == row.5)
        #expect(finding?.text == row.3 && finding?.cause == row.4 && (finding.map { $0.inspectionID == visit } ?? true))
    }

    @Test("a plan is for a year from 2000 to 2100, titled as the province's unless named", arguments: [
        (1999, nil, nil), (2000, nil, "Kế hoạch cải cách hành chính năm 2000"), (2026, "Kế hoạch riêng", "Kế hoạch riêng"), (2101, nil, nil),
    ] as [(Int, String?, String?)])
    func plan(_ row: (Int, String?, String?)) {
        let plan = try? ParPlan.new(unit: Self.province, year: row.0, title: row.1, basedOn: nil)
        #expect(plan?.title == row.2 && (plan.map { $0.year == row.0 && $0.unitID == Self.province } ?? true))
    }
}
