import Foundation
import Testing
@testable import ParCore

@Suite("Commitments, meetings, attendance, tracked figures and ISO status as entered")
struct DisciplineRulesTests {
    static let unit = OrgUnit.ID.random()
    static let metrics: Set<String> = ["progress.on_time", Commitment.planCompletion]

    /// The refused field of `body`, or nil when it was accepted.
    static func refused(_ body: () throws(DomainError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return error.field ?? "?"
        }
    }

    @Test("a commitment: a leader and a text, a known measure, a target of 0–100 % in a year from 2000 to 2100", arguments: [
        (" Nguyễn  Văn A ", "Giải quyết đúng hạn", "progress.on_time", 1.0, 2026, nil),
        ("A", "T", Commitment.planCompletion, 0, 2000, nil),
        ("", "T", "progress.on_time", 0.5, 2026, "text"),
        ("A", String(repeating: "t", count: 2001), "progress.on_time", 0.5, 2026, "text"),
        ("A", "T", "online.unknown", 0.5, 2026, "metric"),
        ("A", "T", "progress.on_time", 1.5, 2026, "target"),
        ("A", "T", "progress.on_time", .nan, 2026, "target"),
        ("A", "T", "progress.on_time", 0.5, 1999, "target"),
    ] as [(String, String, String, Double, Int, String?)])
    func commitment(_ row: (String, String, String, Double, Int, String?)) {
        let draft = Commitment(id: .random(), unitID: Self.unit, year: row.4, leader: row.0, text: row.1, metric: row.2, target: row.3)
        #expect(Self.refused { () throws(DomainError) in _ = try draft.normalised(metrics: Self.metrics) } == row.5)
        if row.5 == nil { #expect((try? draft.normalised(metrics: Self.metrics))?.leader == VietnameseText.clean(row.0)) }
    }

    @Test("a meeting: a time from 2000 to 2100, a title, 1 to 300 named attendees (blank names left out)", arguments: [
        ("2026-03-02T08:00:00+07:00", " Giao ban ", ["A", " ", "B"], nil, 2),
        ("1999-12-31T08:00:00+07:00", "Giao ban", ["A"], "at", 0),
        ("2026-03-02T08:00:00+07:00", "  ", ["A"], "title", 0),
        ("2026-03-02T08:00:00+07:00", "Giao ban", [" "], "attendees", 0),
        ("2026-03-02T08:00:00+07:00", "Giao ban", Array(repeating: "A", count: 301), "attendees", 0),
    ] as [(String, String, [String], String?, Int)])
    func meeting(_ row: (String, String, [String], String?, Int)) {
        let at = ISO8601DateFormatter().date(from: row.0)!
        let draft = Meeting(id: .random(), organiserID: Self.unit, title: row.1, at: at, attendees: row.2.map { .init(unitID: Self.unit, person: $0) })
        #expect(Self.refused { () throws(DomainError) in _ = try draft.normalised() } == row.3)
        if row.3 == nil { #expect((try? draft.normalised())?.attendees.count == row.4) }
    }

    @Test("an attendance mark: an excused absence needs its reason, up to 500 characters", arguments: [
        (Meeting.Attendance.absentWithReason, "  Ốm ", "Ốm", nil), (.absentWithReason, " ", nil, "reason"), (.absentWithReason, nil, nil, "reason"),
        (.present, " ", nil, nil), (.absentWithoutReason, String(repeating: "r", count: 501), nil, "reason"),
    ] as [(Meeting.Attendance, String?, String?, String?)])
    func reason(_ row: (Meeting.Attendance, String?, String?, String?)) {
        #expect(Self.refused { () throws(DomainError) in _ = try row.0.reason(row.1) } == row.3)
        if row.3 == nil { #expect((try? row.0.reason(row.1)) == row.2) }
    }

    @Test("a tracked figure: a month as YYYY-MM, a share of 0–100 %", arguments: [
        ("2026-03", 0.6, nil), ("2026-13", 0.6, "month"), ("2026-3", 0.6, "month"), ("2026-03", 1.01, "value"), ("2026-03", -.infinity, "value"),
    ] as [(String, Double, String?)])
    func tracked(_ row: (String, Double, String?)) {
        #expect(Self.refused { () throws(DomainError) in try TrackedIndicator.check(month: row.0, value: row.1) } == row.2)
    }

    @Test("an ISO status: the certificate number cleaned, up to 200 characters", arguments: [
        (" QMS  01 ", "QMS 01", nil), (String(repeating: "c", count: 201), nil, "certificate"),
    ] as [(String, String?, String?)])
    func iso(_ row: (String, String?, String?)) {
        let status = IsoStatus(unitID: Self.unit, certificate: row.0, lastReview: nil, nextReview: nil)
        #expect(Self.refused { () throws(DomainError) in _ = try status.normalised() } == row.2)
        #expect((try? status.normalised())?.certificate == row.1)
    }
}
