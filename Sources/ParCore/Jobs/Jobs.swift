import Foundation

/// When a daily job runs: at `hour:minute`, Hà Nội time, once per day.
public struct DailySchedule: Sendable, Equatable, CustomStringConvertible {
    /// The time of day the job runs; never `24:00` (that is the next day's `00:00`).
    public let time: TimeOfDay

    /// A schedule at `hour:minute`, from `00:00` to `23:59` (a programming error otherwise: schedules are constants).
    public init(hour: Int, minute: Int) {
        guard hour < 24, let time = TimeOfDay(hour: hour, minute: minute) else { preconditionFailure("no daily time \(hour):\(minute)") }
        self.time = time
    }

    /// The day whose run is due at `now`: today once its time has come, else yesterday (whose run
    /// is due until today's time comes: a server down at 02:00 catches up when it starts).
    public func day(at now: Date) -> LocalDate {
        let local = LocalDateTime(now)
        let reached = local.secondsSinceMidnight >= Double(time.secondsSinceMidnight)
        return reached ? local.date : local.date.adding(days: -1)
    }

    /// `HH:mm`.
    public var description: String { time.description }
}

/// The reminders' rules (issue 21): who is reminded of what, and when.
public enum Reminders {
    /// A supplement request still unanswered this many working days after it was made gets one
    /// reminder (Decree 61/2018 art. 19(2): the applicant is told what to add; the clock is paused
    /// meanwhile, so a forgotten request keeps the dossier from ever being settled).
    public static let supplementAfterWorkingDays = 3

    /// Whether a request made at `requestedAt` is old enough on `now`'s day for its reminder.
    public static func supplementReminderDue(requestedAt: Date, now: Date, calendar: WorkingCalendar) -> Bool {
        Overdue.workingDaysLate(due: requestedAt, now: now, calendar: calendar) >= supplementAfterWorkingDays
    }

    /// Days after the result was returned before the one survey reminder, to those who have not answered.
    public static let surveyAfterDays = 2

    public static func supplementNotice(code: String, requestedAt: Date) -> DossierNotice {
        let date = VietnamTime.localDate(of: requestedAt).shown
        return DossierNotice(
            subject: "Nhắc bổ sung hồ sơ / Reminder: documents still needed",
            body: """
            Hồ sơ \(code) đang chờ ông/bà bổ sung giấy tờ theo yêu cầu ngày \(date). Thời hạn giải quyết tạm dừng cho đến khi nhận đủ; \
            vui lòng nộp bổ sung tại bộ phận một cửa hoặc trực tuyến.

            Dossier \(code) is waiting for the documents requested on \(date). The processing time is paused until they arrive; \
            please hand them in at the one-stop counter or online.
            """,
            sms: "Ho so \(code) dang cho bo sung giay to theo yeu cau ngay \(date). Vui long nop bo sung tai bo phan mot cua.")
    }

    public static func surveyNotice(code: String, link: String) -> DossierNotice {
        DossierNotice(
            subject: "Mời đánh giá mức độ hài lòng / How satisfied were you?",
            body: """
            Hồ sơ \(code) đã có kết quả. Xin ông/bà dành một phút cho biết mức độ hài lòng: \(link)

            Dossier \(code) has its result. Please take a minute to tell us how satisfied you are: \(link)
            """)
    }
}
