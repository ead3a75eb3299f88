import Foundation
import ParCore
import Testing

@Suite("Scheduled jobs and reminders")
struct JobsTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("a daily job's day: today from its time on, Hà Nội time; before it, yesterday's run is still due", arguments: [
        ("2026-12-04T18:59:00Z", "2026-12-04"),  // 01:59 on 5 Dec in Hà Nội: before 02:00
        ("2026-12-04T19:00:00Z", "2026-12-05"),  // 02:00 on 5 Dec
        ("2026-12-05T16:59:59Z", "2026-12-05"),  // 23:59:59 on 5 Dec
        ("2026-12-31T19:30:00Z", "2027-01-01"),  // across the new year
        ("2028-02-28T19:00:00Z", "2028-02-29"),
    ])
    func dailyDay(now: String, expected: String) {
        #expect(DailySchedule(hour: 2, minute: 0).day(at: Self.at(now)).iso == expected)
    }

    @Test("a schedule reads as HH:mm, and its day turns at that minute", arguments: [(7, 5, "07:05"), (0, 0, "00:00"), (23, 59, "23:59")])
    func scheduleText(hour: Int, minute: Int, text: String) {
        let schedule = DailySchedule(hour: hour, minute: minute)
        #expect(schedule.description == text)
        let turn = Self.at("2026-12-05T\(text):00+07:00")
        #expect(schedule.day(at: turn).iso == "2026-12-05")
        #expect(schedule.day(at: turn.addingTimeInterval(-1)).iso == "2026-12-04")
    }

    @Test("a supplement request gets its reminder after three working days, weekends and holidays not counted", arguments: [
        // Requested Wednesday 2 Dec 2026: Thu 3, Fri 4, (weekend), Mon 7 → due on Monday.
        ("2026-12-02T03:00:00Z", "2026-12-04T03:00:00Z", false),
        ("2026-12-02T03:00:00Z", "2026-12-06T03:00:00Z", false),
        ("2026-12-02T03:00:00Z", "2026-12-07T01:00:00Z", true),
        // Requested Tuesday 29 Dec 2026: Wed 30, Thu 31, (1 Jan holiday, weekend) → Mon 4 Jan.
        ("2026-12-29T03:00:00Z", "2027-01-01T03:00:00Z", false),
        ("2026-12-29T03:00:00Z", "2027-01-04T03:00:00Z", true),
    ])
    func supplementDue(requested: String, now: String, due: Bool) throws {
        #expect(Reminders.supplementReminderDue(requestedAt: Self.at(requested), now: Self.at(now), calendar: try WorkingCalendar()) == due)
    }

    @Test("the reminders are bilingual and name the dossier and the request's day")
    func notices() {
        let supplement = Reminders.supplementNotice(code: "000.00.01.H26-261202-0001", requestedAt: Self.at("2026-12-02T03:00:00Z"))
        #expect(supplement.body.contains("000.00.01.H26-261202-0001") && supplement.body.contains("02/12/2026"))
        #expect(supplement.subject.contains("Nhắc bổ sung") && supplement.subject.contains("Reminder"))
        #expect(supplement.sms == "Ho so 000.00.01.H26-261202-0001 dang cho bo sung giay to theo yeu cau ngay 02/12/2026. Vui long nop bo sung tai bo phan mot cua.")
        let survey = Reminders.surveyNotice(code: "X-1", link: "https://dichvucong.example.vn/survey/X-1?t=abc")
        #expect(survey.body.contains("https://dichvucong.example.vn/survey/X-1?t=abc"))
    }
}
