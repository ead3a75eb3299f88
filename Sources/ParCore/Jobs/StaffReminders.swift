import Foundation

/// Reminders to staff and to people who booked an appointment (issue 21): the officers' daily
/// digest, feedback near or past its limit to the handling unit's leaders, the PAR index
/// self-assessment deadline to the units that have not submitted, and a booking the day before.
extension Reminders {
    /// How far ahead "near" looks for dossiers and feedback: the counter queue's "due within 2
    /// working days" (`DossierQueueView.dueSoonWorkingDays`), so the digest and the queue agree.
    public static let nearWorkingDays = DossierQueueView.dueSoonWorkingDays

    /// The end of the "near" window at `now`: the close of office hours `nearWorkingDays` working
    /// days on (nil when the calendar cannot say, e.g. a year without its holidays).
    public static func nearHorizon(now: Date, calendar: WorkingCalendar) -> Date? {
        DossierQueueView.dueSoonEnd(now: now, calendar: calendar)
    }

    /// Whether a limit is near (not passed, within the window) or past at `now`; nil while it is far.
    public enum Stage: String, Sendable, Equatable, CaseIterable {
        case near, past
    }

    /// The stage of a limit at `now`: past once `now` is after it; near when it falls inside
    /// `nearHorizon`; nil otherwise.
    public static func stage(of limit: Date, now: Date, horizon: Date?) -> Stage? {
        if now > limit { return .past }
        if let horizon, limit <= horizon { return .near }
        return nil
    }

    // MARK: Officers' digest

    /// One dossier in a digest.
    public struct DigestLine: Sendable, Equatable {
        public var code: String
        public var dueAt: Date
        /// Working days late (`Overdue.workingDaysLate`); 0 for one not late yet.
        public var daysLate: Int

        public init(code: String, dueAt: Date, daysLate: Int) {
            self.code = code
            self.dueAt = dueAt
            self.daysLate = daysLate
        }
    }

    /// At most this many dossiers of each kind are listed; the counts cover all of them.
    public static let digestListed = 20

    /// The officer's morning digest: dossiers overdue at their units, then those due within
    /// `nearWorkingDays` working days; nil when there is neither (no mail on a quiet day).
    public static func officerDigest(name: String, day: LocalDate, overdue: [DigestLine], overdueCount: Int,
                                     dueSoon: [DigestLine], dueSoonCount: Int, link: String) -> DossierNotice? {
        guard overdueCount + dueSoonCount > 0 else { return nil }
        func lines(_ items: [DigestLine], count: Int, late: Bool) -> String {
            var text = items.prefix(digestListed).map { line in
                let due = LocalDateTime(line.dueAt).shown
                return late ? "- \(line.code): hẹn trả / due \(due), trễ / late \(line.daysLate) ngày làm việc / working days"
                    : "- \(line.code): hẹn trả / due \(due)"
            }.joined(separator: "\n")
            if count > min(items.count, digestListed) { text += "\n- … +\(count - min(items.count, digestListed))" }
            return text
        }
        var body = "Kính gửi / Dear \(name),\n\nHồ sơ tại đơn vị của ông/bà ngày \(day.shown) / Dossiers at your units on \(day.shown):\n"
        if overdueCount > 0 {
            body += "\nQuá hạn / Overdue: \(overdueCount)\n" + lines(overdue, count: overdueCount, late: true) + "\n"
        }
        if dueSoonCount > 0 {
            body += "\nĐến hạn trong \(nearWorkingDays) ngày làm việc / Due within \(nearWorkingDays) working days: \(dueSoonCount)\n"
                + lines(dueSoon, count: dueSoonCount, late: false) + "\n"
        }
        body += "\nDanh sách đầy đủ / The full list: \(link)"
        return DossierNotice(subject: "Hồ sơ quá hạn và sắp đến hạn / Overdue and due dossiers: \(overdueCount) + \(dueSoonCount)", body: body)
    }

    // MARK: Feedback

    /// The limit feedback is held to now: answering while received or being handled, publishing the
    /// answer once answered (`Feedback.isOverdue`); nil when nothing is awaited.
    public static func feedbackLimit(_ feedback: Feedback) -> (limit: Date, answering: Bool)? {
        switch feedback.state {
        case .received, .assigned: (feedback.answerBy, true)
        case .answered: feedback.publishBy.map { ($0, false) }
        case .unverified, .refused, .published: nil
        }
    }

    public static func feedbackNotice(_ feedback: Feedback, stage: Stage, limit: Date, answering: Bool, link: String) -> DossierNotice {
        let when = LocalDateTime(limit).shown
        let (vi, en) = answering ? ("trả lời", "answer") : ("công khai câu trả lời", "publish the answer")
        let (viStage, enStage) = stage == .past ? ("đã quá hạn", "is overdue") : ("sắp đến hạn", "is due soon")
        return DossierNotice(
            subject: "Phản ánh, kiến nghị \(feedback.code) \(viStage) / Feedback \(feedback.code) \(enStage)",
            body: """
            Phản ánh, kiến nghị \(feedback.code) (\(feedback.subject)) \(viStage): hạn \(vi) là \(when).
            Feedback \(feedback.code) \(enStage): the limit to \(en) is \(when).

            \(link)
            """)
    }

    // MARK: PAR index deadlines

    /// The phase whose deadline units are reminded of: the self-assessment, which each unit submits.
    public static let parReminderPhase = CriteriaSet.Phase.selfAssessment

    /// How far ahead a self-assessment deadline is near: a working week.
    public static let parNearWorkingDays = 5

    /// The stage of a phase's last day at `now`: past from the next day, near within
    /// `parNearWorkingDays` working days.
    public static func parDeadlineStage(lastDay: LocalDate, now: Date, calendar: WorkingCalendar) -> Stage? {
        let today = VietnamTime.localDate(of: now)
        if today > lastDay { return .past }
        var day = today, working = 0
        while day < lastDay {
            day = day.adding(days: 1)
            if (try? calendar.isWorkingDay(day)) ?? true { working += 1 }
            if working > parNearWorkingDays { return nil }
        }
        return .near
    }

    public static func parDeadlineNotice(set: CriteriaSet, unitName: String, lastDay: LocalDate, stage: Stage, link: String) -> DossierNotice {
        let (viStage, enStage) = stage == .past ? ("đã quá hạn", "is past") : ("sắp đến hạn", "is near")
        return DossierNotice(
            subject: "Hạn tự đánh giá \(set.name) \(viStage) / The self-assessment deadline \(enStage)",
            body: """
            \(unitName) chưa gửi bản tự đánh giá \(set.name); hạn cuối là ngày \(lastDay.shown).
            \(unitName) has not submitted its self-assessment for \(set.name); the last day is \(lastDay.shown).

            \(link)
            """)
    }

    // MARK: Appointments

    /// A booking is reminded on the day before its slot.
    public static func appointmentReminderDue(_ appointment: Appointment, now: Date) -> Bool {
        appointment.status == .booked && appointment.slot.day == VietnamTime.localDate(of: now).adding(days: 1)
    }

    public static func appointmentNotice(_ appointment: Appointment, centreName: String) -> DossierNotice {
        let when = "\(appointment.slot.key) \(appointment.slot.day.shown)"
        return DossierNotice(
            subject: "Nhắc lịch hẹn \(appointment.code) / Your appointment tomorrow",
            body: """
            Ông/bà có lịch hẹn \(appointment.code) lúc \(when) tại \(centreName), lĩnh vực \(appointment.field). \
            Khi đến, nhập mã lịch hẹn ở máy lấy số để được gọi trước.

            You have appointment \(appointment.code) at \(when) at \(centreName) (\(appointment.field)). \
            On arrival, type the code at the ticket kiosk to be called first.
            """,
            sms: "Lich hen \(appointment.code) luc \(when) tai \(centreName). Nhap ma lich hen o may lay so khi den.")
    }
}

extension Reminders {
    /// Who hears about a unit's feedback or self-assessment: the holders of `role` granted on the
    /// unit itself, or else on its nearest ancestor that has any (a commune's PAR deadline reaches its
    /// own leader, not the province's); `ancestry` runs from the unit up to the root.
    public static func nearestHolders(of role: Role, ancestry: [OrgUnit.ID], among users: [UserAccount]) -> [UserAccount] {
        for unit in ancestry {
            let holders = users.filter { user in user.grants.contains { $0.role == role && $0.unitID == unit } }
            if !holders.isEmpty { return holders }
        }
        return []
    }
}
