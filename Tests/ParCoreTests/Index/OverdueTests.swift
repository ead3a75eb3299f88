import Foundation
import ParCore
import Testing

@Suite("Overdue dossiers: by unit, by step, working days late")
struct OverdueTests {
    static let a = OrgUnit.ID(UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!)
    static let b = OrgUnit.ID(UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!)
    static let c = OrgUnit.ID(UUID(uuidString: "00000000-0000-0000-0000-00000000000c")!)

    static func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int = 0) -> Date {
        VietnamTime.instant(LocalDate(year: y, month: m, day: d)!, TimeOfDay(hour: h, minute: min)!)
    }

    @Test("the units holding the most first, ties in name order; steps in the order a dossier goes")
    func ordering() {
        let summary = Overdue.Summary(total: 6, byState: [.inProcess: 3, .received: 1, .submitted: 2, .returned: 0],
                                      byHolder: [Self.a: 2, Self.b: 2, Self.c: 2])
        let names = [Self.a: "Đ", Self.b: "Ư", Self.c: "D"]
        let byHolder = Overdue.byHolder(summary) { VietnameseText.precedes(names[$0]!, names[$1]!) }
        // a, b and c hold 2 each: "D" < "Đ" < "Ư" in Vietnamese order.
        #expect(byHolder.map(\.holder) == [Self.c, Self.a, Self.b])
        let byState = Overdue.byState(summary)
        #expect(byState.map(\.state) == [.submitted, .received, .inProcess])
        #expect(byState.map(\.count) == [2, 1, 3])
        var more = summary
        more.byHolder[Self.b] = 5
        #expect(Overdue.byHolder(more) { _, _ in true }.first?.holder == Self.b)
    }

    @Test("a past gauge day is late for good; today's and later days, and the pauses, stay as they are")
    func buckets() {
        let today = LocalDate(year: 2026, month: 12, day: 5)!
        #expect(Overdue.bucket("2026-12-04", today: today) == ServiceCounters.alwaysLate)
        #expect(Overdue.bucket("2026-12-05", today: today) == "2026-12-05")
        #expect(Overdue.bucket("2027-01-04", today: today) == "2027-01-04")
        #expect(Overdue.bucket(ServiceCounters.alwaysLate, today: today) == ServiceCounters.alwaysLate)
    }

    @Test("working days late: the working days after the appointment's day, up to today", arguments: [
        // Due Friday 4 Dec 2026 17:00.
        (at(2026, 12, 4, 17), at(2026, 12, 4, 18), 0),  // past the appointment, the same day
        (at(2026, 12, 4, 17), at(2026, 12, 5, 10), 0),  // Saturday
        (at(2026, 12, 4, 17), at(2026, 12, 6, 23, 59), 0),  // Sunday night
        (at(2026, 12, 4, 17), at(2026, 12, 7, 8), 1),  // Monday
        (at(2026, 12, 4, 17), at(2026, 12, 11, 8), 5),  // a week later
        // Due Wednesday 30 Dec 2026: Thursday 31 works, 1 January is a holiday, then the weekend.
        (at(2026, 12, 30, 17), at(2027, 1, 4, 9), 2),
        // Not yet due (overdue because of a second supplement request): 0.
        (at(2026, 12, 10, 17), at(2026, 12, 7, 9), 0),
    ])
    func daysLate(due: Date, now: Date, expected: Int) {
        #expect(Overdue.workingDaysLate(due: due, now: now, calendar: .standard) == expected)
    }
}
