import Foundation
import ParCore
import Testing

/// The rules of the staff and booking reminders (`Reminders`), without a database.
@Suite("Staff and booking reminders")
struct StaffRemindersTests {
    static func at(_ text: String) -> Date { VN.at(text) }

    @Test("a limit is past once passed, near inside the horizon, otherwise not reminded", arguments: [
        ("2026-12-04 16:00", "2026-12-02 10:00", Reminders.Stage?.some(.near)),
        ("2026-12-02 10:00", "2026-12-02 10:00", .some(.near)),      // due this very minute: not yet past
        ("2026-12-02 09:59", "2026-12-02 10:00", .some(.past)),
        ("2026-12-08 16:00", "2026-12-02 10:00", nil),               // beyond two working days
    ])
    func stage(limit: String, now: String, expected: Reminders.Stage?) throws {
        let calendar = try WorkingCalendar()
        let horizon = Reminders.nearHorizon(now: Self.at(now), calendar: calendar)
        #expect(Reminders.stage(of: Self.at(limit), now: Self.at(now), horizon: horizon) == expected)
    }

    @Test("the near horizon counts working days: from Friday it reaches over the weekend to Tuesday")
    func horizonOverWeekend() throws {
        let horizon = try #require(Reminders.nearHorizon(now: Self.at("2026-12-04 10:00"), calendar: try WorkingCalendar()))
        #expect(Reminders.stage(of: Self.at("2026-12-08 11:00"), now: Self.at("2026-12-04 10:00"), horizon: horizon) == .near)
        #expect(Reminders.stage(of: Self.at("2026-12-10 11:00"), now: Self.at("2026-12-04 10:00"), horizon: horizon) == nil)
    }

    @Test("a self-assessment's last day is near five working days ahead, holidays not counted, and past from the next day", arguments: [
        ("2026-12-11", "2026-12-04 09:00", Reminders.Stage?.some(.near)),  // Mon 7 … Fri 11: five working days
        ("2026-12-11", "2026-12-03 09:00", nil),                           // six
        ("2026-12-11", "2026-12-11 16:59", .some(.near)),                  // the last day itself
        ("2026-12-11", "2026-12-12 00:00", .some(.past)),
        ("2027-01-08", "2026-12-31 09:00", .some(.near)),                  // 1 Jan is a holiday: 4–8 Jan are five
        ("2027-01-08", "2026-12-30 09:00", nil),                           // 31 Dec makes six
    ])
    func parDeadline(lastDay: String, now: String, expected: Reminders.Stage?) throws {
        #expect(Reminders.parDeadlineStage(lastDay: VN.day(lastDay), now: Self.at(now), calendar: try WorkingCalendar()) == expected)
    }

    @Test("a unit's reminder goes to the holders of the role on the unit, else on its nearest ancestor that has any")
    func nearestHolders() {
        let province = OrgUnit.ID.random(), justice = OrgUnit.ID.random(), health = OrgUnit.ID.random()
        func user(_ name: String, _ role: Role, on unit: OrgUnit.ID) -> UserAccount {
            UserAccount(id: .random(), username: name, displayName: name, isActive: true,
                        grants: [RoleGrant(id: .random(), role: role, unitID: unit)], email: "\(name)@example.vn")
        }
        let users = [user("gd.tuphap", .unitLeader, on: justice), user("ct.tinh", .unitLeader, on: province),
                     user("cv.tuphap", .processingOfficer, on: justice)]
        #expect(Reminders.nearestHolders(of: .unitLeader, ancestry: [justice, province], among: users).map(\.username) == ["gd.tuphap"])
        #expect(Reminders.nearestHolders(of: .unitLeader, ancestry: [health, province], among: users).map(\.username) == ["ct.tinh"])
        #expect(Reminders.nearestHolders(of: .parOfficer, ancestry: [health, province], among: users).isEmpty)
    }

    @Test("the officers' digest: nothing on a quiet day; overdue first with working days late; at most twenty listed of each")
    func digest() throws {
        let day = VN.day("2026-12-07")
        #expect(Reminders.officerDigest(name: "A", day: day, overdue: [], overdueCount: 0, dueSoon: [], dueSoonCount: 0, link: "x") == nil)
        let late = (1...25).map { Reminders.DigestLine(code: "H-\($0)", dueAt: Self.at("2026-12-01 17:00"), daysLate: 4) }
        let soon = [Reminders.DigestLine(code: "S-1", dueAt: Self.at("2026-12-08 17:00"), daysLate: 0)]
        let notice = try #require(Reminders.officerDigest(name: "Nguyễn Văn A", day: day, overdue: late, overdueCount: 25,
                                                          dueSoon: soon, dueSoonCount: 1, link: "https://parhub.example.vn/dossiers?view=overdue"))
        #expect(notice.subject.hasSuffix("25 + 1"))
        #expect(notice.body.contains("- H-20: hẹn trả / due 01/12/2026 17:00, trễ / late 4 ngày làm việc"))
        #expect(!notice.body.contains("H-21:") && notice.body.contains("- … +5"))
        #expect(notice.body.contains("- S-1: hẹn trả / due 08/12/2026 17:00"))
        let overdueAt = try #require(notice.body.range(of: "Quá hạn")), soonAt = try #require(notice.body.range(of: "Đến hạn"))
        #expect(overdueAt.lowerBound < soonAt.lowerBound)
        #expect(notice.sms == nil, "staff digests go by e-mail")
    }

    @Test("feedback is held to its answer limit while received or handled, to publication once answered, to nothing after")
    func feedbackLimit() {
        let sent = Self.at("2026-12-01 09:00")
        var feedback = Feedback(id: .random(), code: "PA-1", kind: .procedure, procedureCode: nil, subject: "Chậm trả kết quả", content: "…",
                                contact: .init(), state: .assigned, unitID: nil, receivedAt: sent, refuseBy: sent, moreInfoBy: sent,
                                answerBy: Self.at("2026-12-22 17:00"))
        #expect(Reminders.feedbackLimit(feedback)?.limit == Self.at("2026-12-22 17:00") && Reminders.feedbackLimit(feedback)?.answering == true)
        feedback.state = .answered
        feedback.publishBy = Self.at("2026-12-24 17:00")
        #expect(Reminders.feedbackLimit(feedback)?.limit == Self.at("2026-12-24 17:00") && Reminders.feedbackLimit(feedback)?.answering == false)
        feedback.state = .published
        #expect(Reminders.feedbackLimit(feedback) == nil)
        let notice = Reminders.feedbackNotice(feedback, stage: .past, limit: Self.at("2026-12-24 17:00"), answering: false, link: "L")
        #expect(notice.subject.contains("PA-1 đã quá hạn") && notice.body.contains("công khai câu trả lời là 24/12/2026 17:00"))
    }

    @Test("a booking is reminded on the day before its slot, in Hà Nội time, while still booked")
    func appointmentDue() {
        var booking = Appointment(id: UUID(), code: "LHABCD2345", unitID: .random(), field: "Hộ tịch",
                                  slot: AppointmentSlot(day: VN.day("2027-01-02"), start: TimeOfDay(text: "08:00")!, minutes: 30),
                                  name: nil, status: .booked, email: "a@example.vn")
        #expect(Reminders.appointmentReminderDue(booking, now: Self.at("2027-01-01 00:30")))
        #expect(!Reminders.appointmentReminderDue(booking, now: Self.at("2026-12-31 23:30")))
        booking.status = .cancelled
        #expect(!Reminders.appointmentReminderDue(booking, now: Self.at("2027-01-01 16:00")))
    }

    @Test("a booking's reminder goes by SMS to a phone, else by e-mail, else nowhere")
    func appointmentRoute() {
        var booking = Appointment(id: UUID(), code: "LHABCD2345", unitID: .random(), field: "Hộ tịch",
                                  slot: AppointmentSlot(day: VN.day("2026-12-08"), start: TimeOfDay(text: "08:30")!, minutes: 30),
                                  name: nil, status: .booked, email: "a@example.vn", phone: "0912345678")
        let notice = Reminders.appointmentNotice(booking, centreName: "Trung tâm Phục vụ hành chính công")
        #expect(notice.sms == "Lich hen LHABCD2345 luc 08:30 08/12/2026 tai Trung tam Phuc vu hanh chinh cong. Nhap ma lich hen o may lay so khi den.")
        #expect(booking.reminderRoute(notice)?.channel == .sms && booking.reminderRoute(notice)?.recipient == "0912345678")
        booking.phone = nil
        #expect(booking.reminderRoute(notice)?.channel == .email && booking.reminderRoute(notice)?.subject.hasPrefix("[LHABCD2345] ") == true)
        booking.email = nil
        #expect(booking.reminderRoute(notice) == nil)
    }

    @Test("a booking's contact: an e-mail checked, a phone as ten digits and only where SMS can be sent", arguments: [
        ("A@Example.VN", "", true, "a@example.vn", String?.none, String?.none),
        ("", "+84 912 345 678", true, nil, "0912345678", nil),
        ("", "0912.345.678", false, nil, nil, "phone"),
        ("", "12345", true, nil, nil, "phone"),
        ("not-an-address", "", true, nil, nil, "email"),
        ("  ", " ", false, nil, nil, nil),
    ])
    func contact(email: String, phone: String, sms: Bool, expectedEmail: String?, expectedPhone: String?, failing: String?) {
        do {
            let checked = try Appointment.checkedContact(email: email, phone: phone, smsAvailable: sms)
            #expect(failing == nil)
            #expect(checked.email == expectedEmail && checked.phone == expectedPhone)
        } catch {
            #expect(error.field == failing)
        }
    }

    @Test("a set's deadlines: in its year or the next, the appraisal not before the self-assessment, fixed once finalised")
    func deadlines() throws {
        var set = CriteriaSet(id: .random(), year: 2026, targetKind: .department, name: "Chỉ số CCHC 2026", totalPoints: 100, criteria: [],
                              phase: .selfAssessment)
        let changed = try set.withDeadlines(selfAssessment: VN.day("2027-01-15"), appraisal: VN.day("2027-02-10"))
        #expect(changed.deadline(.selfAssessment)?.iso == "2027-01-15" && changed.deadline(.appraisal)?.iso == "2027-02-10")
        #expect(try changed.withDeadlines(selfAssessment: nil, appraisal: VN.day("2027-02-10")).deadline(.selfAssessment) == nil)
        #expect(throws: DomainError.self) { try set.withDeadlines(selfAssessment: VN.day("2028-01-15"), appraisal: nil) }
        #expect(throws: DomainError.self) { try set.withDeadlines(selfAssessment: VN.day("2027-02-15"), appraisal: VN.day("2027-02-10")) }
        set.phase = .finalised
        #expect(throws: DomainError.self) { try set.withDeadlines(selfAssessment: VN.day("2027-01-15"), appraisal: nil) }
        var draft = changed
        draft.phase = .draft
        #expect(try draft.replaced(by: set).deadlines == changed.deadlines, "saving the draft's tree keeps its deadlines")
    }
}
