import Foundation
import ParCore
import Testing

/// The rules that let a thing happen once, or only in one state, decided in ParCore; the repositories
/// load, ask these, and persist (issue 19). Each table row: the state, whether the rule allows it, and
/// which refusal it gives.
/// The refusal `body` throws, nil if it goes through.
func refusal(_ body: () throws(DomainError) -> Void) -> DomainError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

@Suite("Once-only rules: resending mail, bookings, ratings, surveys, final reports")
struct OnceOnlyRulesTests {
    static let now = ISO8601DateFormatter().date(from: "2026-12-07T09:30:00+07:00")!

    @Test("only a dead message is sent again, from now, its tries counted afresh", arguments: [
        (OutboxMessage.Status.dead, true), (.pending, false), (.sent, false),
    ])
    func resend(status: OutboxMessage.Status, allowed: Bool) throws {
        let message = OutboxMessage(id: .random(), channel: .email, recipient: "a@example.vn", subject: "S", body: "B", dossierID: nil,
                                    status: status, attempts: 8, createdAt: Self.now.addingTimeInterval(-86_400), lastError: "550")
        guard allowed else {
            #expect(refusal { () throws(DomainError) in _ = try message.resent(now: Self.now) } == OutboxMessage.notResendable)
            return
        }
        let resent = try message.resent(now: Self.now)
        #expect(resent.status == .pending && resent.attempts == 0 && resent.nextAttemptAt == Self.now && resent.lastError == nil)
        #expect(resent.id == message.id && resent.body == message.body && resent.createdAt == message.createdAt)
    }

    static let today = LocalDate(iso: "2026-12-07")!

    @Test("a booking is cancelled, or checks in at the kiosk on its own day, only while booked", arguments: [
        (Appointment.Status.booked, 0, nil as DomainError?, nil as DomainError?),
        (.booked, 1, nil, DomainError(.conflict, "Lịch hẹn không phải hôm nay.", english: "The appointment is not for today.")),
        (.booked, -1, nil, DomainError(.conflict, "Lịch hẹn không phải hôm nay.", english: "The appointment is not for today.")),
        (.cancelled, 0, Appointment.notBooked, Appointment.notBooked),
        (.checkedIn, 0, Appointment.notBooked, Appointment.notBooked),
    ])
    func booking(status: Appointment.Status, dayOffset: Int, cancelRefusal: DomainError?, checkInRefusal: DomainError?) throws {
        let day = Self.today.adding(days: dayOffset)
        let booking = Appointment(id: UUID(), code: "HB7K2Q", unitID: .random(), field: "Hộ tịch",
                                  slot: AppointmentSlot(day: day, start: TimeOfDay(hour: 9)!, minutes: 30), name: nil, status: status)
        if let cancelRefusal {
            #expect(refusal { () throws(DomainError) in _ = try booking.cancelled() } == cancelRefusal)
        } else {
            let cancelled = try booking.cancelled()
            #expect(cancelled.status == .cancelled && cancelled.code == booking.code && cancelled.slot == booking.slot)
        }
        if let checkInRefusal {
            #expect(refusal { () throws(DomainError) in try Appointment.checkIn(status: status, day: day, today: Self.today) } == checkInRefusal)
        } else {
            try Appointment.checkIn(status: status, day: day, today: Self.today)
        }
    }

    @Test("a slot takes bookings up to its capacity", arguments: [(0, 4, true), (3, 4, true), (4, 4, false), (5, 4, false), (0, 1, true), (1, 1, false)])
    func place(booked: Int, capacity: Int, fits: Bool) throws {
        let settings = CentreSettings(capacityPerSlot: capacity)
        if fits { try settings.checkPlace(booked: booked) } else {
            #expect(refusal { () throws(DomainError) in try settings.checkPlace(booked: booked) } == CentreSettings.slotFull)
        }
    }

    @Test("a counter service is rated once, after it ended", arguments: [
        (QueueTicket.Status.served, false, nil as DomainError.Kind?, true),
        (.served, true, .conflict, false),
        (.waiting, false, .conflict, true),
        (.called, false, .conflict, true),
        (.skipped, false, .conflict, true),
    ])
    func counterRating(status: QueueTicket.Status, rated: Bool, expected: DomainError.Kind?, notYetRated: Bool) {
        let ticket = QueueTicket(id: .random(), unitID: .random(), day: Self.today, number: 12, field: "Hộ tịch", status: status, issuedAt: Self.now)
        do {
            try ticket.checkRatable(rated: rated)
            #expect(expected == nil)
        } catch {
            #expect(error.kind == expected)
            // A service not yet ended is refused for that, rated or not; an ended one rated twice says so.
            #expect((error == QueueTicket.alreadyRated) == !notYetRated)
        }
    }

    @Test("a dossier is rated after its result was handed back, once; the response counts on the day it was returned", arguments: [
        (DossierState.returned, true, false, nil as DomainError?),
        (.returned, true, true, SurveyAnswers.alreadyAnswered),
        (.returned, false, false, DomainError(.conflict, "Hồ sơ chưa trả kết quả; chỉ đánh giá được sau khi nhận kết quả.",
                                              english: "The result has not been returned yet; a dossier is rated after its result is handed back.")),
        (.processed, false, false, DomainError(.conflict, "Hồ sơ chưa trả kết quả; chỉ đánh giá được sau khi nhận kết quả.",
                                               english: "The result has not been returned yet; a dossier is rated after its result is handed back.")),
        (.withdrawn, false, true, DomainError(.conflict, "Hồ sơ chưa trả kết quả; chỉ đánh giá được sau khi nhận kết quả.",
                                              english: "The result has not been returned yet; a dossier is rated after its result is handed back.")),
    ])
    func survey(state: DossierState, returned: Bool, answered: Bool, expected: DomainError?) throws {
        var dossier = DossierRulesTests.dossier(state: state)
        let handedBack = Self.now.addingTimeInterval(-3_600)
        dossier.returnedAt = returned ? handedBack : nil
        if let expected {
            #expect(refusal { () throws(DomainError) in _ = try SurveyAnswers.checkRatable(dossier, answered: answered) } == expected)
        } else {
            #expect(try SurveyAnswers.checkRatable(dossier, answered: answered) == handedBack)
        }
    }

    @Test("a report draft changes until it is finalised", arguments: [nil as Date?, now])
    func report(finalisedAt: Date?) throws {
        let report = ParReport(id: .random(), unitID: .random(), from: LocalDate(iso: "2026-01-01")!, through: LocalDate(iso: "2026-12-31")!,
                               title: "Báo cáo CCHC năm 2026", finalisedAt: finalisedAt)
        if finalisedAt == nil { try report.checkChangeable() } else {
            #expect(refusal { () throws(DomainError) in try report.checkChangeable() }?.kind == .conflict)
        }
    }
}
