import Foundation
import Testing
@testable import ParCore

@Suite("Service centre rules")
struct CentreTests {
    static let unit = OrgUnit.ID.random()
    static let deskA = ServiceDesk(id: .random(), unitID: unit, number: 1, name: "Hộ tịch", fields: ["Hộ tịch"])
    static let deskB = ServiceDesk(id: .random(), unitID: unit, number: 2, name: "Tổng hợp", fields: [])
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func ticket(_ number: Int, _ field: String = "Hộ tịch", status: QueueTicket.Status = .waiting, desk: ServiceDesk.ID? = nil,
                       priorityFrom: Date? = nil) -> QueueTicket {
        QueueTicket(id: .random(), unitID: unit, day: VietnamTime.localDate(of: t0), number: number, field: field, status: status, deskID: desk,
                    issuedAt: t0.addingTimeInterval(Double(number) * 60), priorityFrom: priorityFrom)
    }

    enum Expected: Equatable { case status(QueueTicket.Status), refused }

    @Test("ticket actions: which state each action needs and leads to", arguments: [
        (QueueTicket.Status.waiting, "call", Expected.status(.called)),
        (.waiting, "recall", .refused), (.waiting, "skip", .refused), (.waiting, "finish", .refused), (.waiting, "transfer", .refused),
        (.called, "recall", .status(.called)), (.called, "skip", .status(.skipped)), (.called, "finish", .status(.served)),
        (.called, "transfer", .status(.waiting)), (.called, "call", .refused),
        (.served, "call", .refused), (.served, "finish", .refused), (.skipped, "recall", .refused), (.skipped, "call", .refused),
    ])
    func transitions(from: QueueTicket.Status, action: String, expected: Expected) {
        let ticket = Self.ticket(1, status: from, desk: from == .waiting ? nil : Self.deskA.id)
        let actions: [String: QueueTicket.Action] = [
            "call": .call(desk: Self.deskA.id, officer: "motcua"), "recall": .recall, "skip": .skip,
            "transfer": .transfer(to: Self.deskB.id), "finish": .finish(dossier: nil),
        ]
        let result = try? ticket.applying(actions[action]!, at: Self.t0.addingTimeInterval(600))
        switch expected {
        case .refused: #expect(result == nil)
        case .status(let status): #expect(result?.status == status)
        }
    }

    @Test("a call records the desk, officer and time; a transfer puts the ticket back in the queue for the other desk; recall counts")
    func callTransferRecall() throws {
        let called = try Self.ticket(3).applying(.call(desk: Self.deskA.id, officer: "a"), at: Self.t0.addingTimeInterval(1000))
        #expect(called.deskID == Self.deskA.id && called.officer == "a" && called.waitingSeconds == 820)
        let recalled = try called.applying(.recall, at: Self.t0.addingTimeInterval(1100))
        #expect(recalled.recalls == 1)
        #expect(throws: DomainError.self) { try called.applying(.transfer(to: Self.deskA.id), at: Self.t0) }
        let moved = try called.applying(.transfer(to: Self.deskB.id), at: Self.t0.addingTimeInterval(1200))
        #expect(moved.status == .waiting && moved.deskID == Self.deskB.id && moved.officer == nil && moved.transfers == 1)
        let done = try recalled.applying(.finish(dossier: nil), at: Self.t0.addingTimeInterval(1400))
        #expect(done.serviceSeconds == 300)
    }

    @Test("the next ticket: transferred to this desk first, then booked citizens whose slot began, then by number; only served fields")
    func order() {
        let now = Self.t0.addingTimeInterval(3600)
        let plain = Self.ticket(1), booked = Self.ticket(4, priorityFrom: now.addingTimeInterval(-60)),
            bookedLater = Self.ticket(2, priorityFrom: now.addingTimeInterval(600)), other = Self.ticket(0, "Đất đai"),
            transferred = Self.ticket(9, "Đất đai", desk: Self.deskA.id), elsewhere = Self.ticket(5, desk: Self.deskB.id)
        #expect(QueueOrder.next(for: Self.deskA, among: [plain, booked, bookedLater, other], at: now) == booked)
        #expect(QueueOrder.next(for: Self.deskA, among: [plain, booked, transferred], at: now) == transferred)
        #expect(QueueOrder.next(for: Self.deskA, among: [plain, bookedLater], at: now) == plain)
        #expect(QueueOrder.next(for: Self.deskA, among: [other, elsewhere], at: now) == nil)
        #expect(QueueOrder.next(for: Self.deskB, among: [other, elsewhere], at: now) == elsewhere)
        #expect(QueueOrder.next(for: Self.deskB, among: [other, plain], at: now) == other)
    }

    @Test("desk validation", arguments: [(0, "A", false), (1, "", false), (1000, "A", false), (7, "Quầy 7", true)])
    func desk(number: Int, name: String, valid: Bool) {
        let desk = ServiceDesk(id: .random(), unitID: Self.unit, number: number, name: name, fields: [" Hộ tịch ", "Hộ tịch", ""])
        #expect(((try? desk.validated()) != nil) == valid)
        if valid { #expect(try! desk.validated().fields == ["Hộ tịch"]) }
    }

    @Test("slots cut the office sessions; the last piece shorter than a slot is dropped", arguments: [(30, 16), (45, 10), (60, 8), (90, 4)])
    func slots(minutes: Int, count: Int) {
        let day = LocalDate(year: 2026, month: 11, day: 27)!
        let slots = CentreSettings(slotMinutes: minutes).slots(on: day)
        #expect(slots.count == count)
        #expect(slots.first?.key == "08:00")
    }

    @Test("bookable: working days from today through the window, slots not yet begun")
    func bookable() {
        let settings = CentreSettings(bookingDaysAhead: 3)
        let friday = LocalDate(year: 2026, month: 11, day: 27)!
        let now = LocalDateTime(date: friday, time: TimeOfDay(hour: 9)!).instant
        let weekday: (LocalDate) -> Bool = { ![.saturday, .sunday].contains($0.weekday) }
        #expect(settings.bookableDays(from: now, isWorkingDay: weekday).map(\.iso) == ["2026-11-27", "2026-11-30"])
        func slot(_ day: LocalDate, _ h: Int, _ m: Int = 0, minutes: Int = 30) -> AppointmentSlot {
            AppointmentSlot(day: day, start: TimeOfDay(hour: h, minute: m)!, minutes: minutes)
        }
        #expect(!settings.isBookable(slot(friday, 8, 30), at: now, isWorkingDay: weekday), "begun")
        #expect(settings.isBookable(slot(friday, 9, 30), at: now, isWorkingDay: weekday))
        #expect(!settings.isBookable(slot(friday, 9, 15), at: now, isWorkingDay: weekday), "not a slot boundary")
        #expect(!settings.isBookable(slot(friday.adding(days: 1), 9), at: now, isWorkingDay: weekday), "Saturday")
        #expect(!settings.isBookable(slot(friday.adding(days: 4), 9), at: now, isWorkingDay: weekday), "past the window")
        #expect(!settings.isBookable(slot(friday, 12), at: now, isWorkingDay: weekday), "lunch break")
    }

    @Test("a booking request: a field of 1 to 200 characters, a name of up to 200 (blank for none), a slot still bookable", arguments: [
        (" Hộ  tịch ", " Lê  Văn B ", 9, "Hộ tịch", "Lê Văn B", nil), ("Hộ tịch", "  ", 10, "Hộ tịch", nil, nil),
        ("  ", "A", 9, nil, nil, "field"), (String(repeating: "f", count: 201), nil, 9, nil, nil, "field"),
        ("Hộ tịch", String(repeating: "n", count: 201), 9, nil, nil, "name"), ("Hộ tịch", nil, 8, nil, nil, "slot"),
    ] as [(String, String?, Int, String?, String?, String?)])
    func booking(_ row: (String, String?, Int, String?, String?, String?)) {
        let friday = LocalDate(year: 2026, month: 11, day: 27)!
        let now = LocalDateTime(date: friday, time: TimeOfDay(hour: 8, minute: 45)!).instant
        let slot = AppointmentSlot(day: friday, start: TimeOfDay(hour: row.2)!, minutes: 30)
        do {
            let checked = try CentreSettings.standard.checkBooking(field: row.0, name: row.1, slot: slot, at: now, isWorkingDay: { _ in true })
            #expect(row.5 == nil && checked.field == row.3 && checked.name == row.4)
        } catch {
            #expect(error.field == row.5, "\(error)")
        }
    }

    @Test("settings validation", arguments: [(30, 4, 14, true), (7, 4, 14, false), (30, 0, 14, false), (30, 4, 0, false), (120, 200, 90, true)])
    func settings(slot: Int, capacity: Int, ahead: Int, valid: Bool) {
        #expect(((try? CentreSettings(slotMinutes: slot, capacityPerSlot: capacity, bookingDaysAhead: ahead).validate()) != nil) == valid)
    }

    static func payment(_ status: Payment.Status, last: Int, method: Payment.Method = .online) -> Payment {
        Payment(id: .random(), dossierID: .random(), amountVND: 50_000, method: method, provider: "test", status: status, reference: nil,
                lastSequence: last, createdAt: t0)
    }

    @Test("provider callbacks: a paid payment never changes, older notices never override newer ones, the amount must match", arguments: [
        (Payment.Status.pending, 0, PaymentCallback.Outcome.succeeded, 1, 50_000, PaymentCallback.Decision.apply(.succeeded)),
        (.pending, 0, .failed, 1, 50_000, .apply(.failed)),
        (.pending, 0, .pending, 1, 50_000, .apply(.pending)),
        (.failed, 1, .succeeded, 2, 50_000, .apply(.succeeded)),
        (.expired, 0, .succeeded, 1, 50_000, .apply(.succeeded)),
        (.expired, 0, .pending, 1, 50_000, .apply(.expired)),
        (.succeeded, 2, .succeeded, 2, 50_000, .duplicate),
        (.succeeded, 2, .failed, 3, 50_000, .duplicate),
        (.succeeded, 2, .pending, 1, 50_000, .duplicate),
        (.failed, 3, .succeeded, 2, 50_000, .stale),
        (.failed, 3, .failed, 3, 50_000, .duplicate),
        (.pending, 0, .succeeded, 1, 49_999, .rejected("amount 49999 ≠ 50000")),
    ])
    func callbacks(status: Payment.Status, last: Int, outcome: PaymentCallback.Outcome, sequence: Int, amount: Int, expected: PaymentCallback.Decision) {
        let payment = Self.payment(status, last: last)
        let callback = PaymentCallback(paymentID: payment.id, outcome: outcome, amountVND: amount, transaction: "T1", sequence: sequence)
        #expect(callback.decide(on: payment) == expected)
    }

    @Test("a counter payment takes no callbacks")
    func counterPayment() {
        let payment = Self.payment(.succeeded, last: 0, method: .counter)
        #expect(PaymentCallback(paymentID: payment.id, outcome: .succeeded, amountVND: 50_000, transaction: "x", sequence: 1).decide(on: payment)
            == .rejected("not an online payment"))
    }

    @Test("portal cursors round-trip as text and order by time, dossier, sequence; junk is refused", arguments: [
        "", "1.2", "a.b.c", "-1.00000000-0000-0000-0000-000000000000.0", "1.not-a-uuid.0", "1.00000000-0000-0000-0000-000000000000.-3",
        "99999999999999999999.00000000-0000-0000-0000-000000000000.0",
    ])
    func cursorJunk(token: String) {
        #expect(PortalCursor(token: token) == nil)
    }

    @Test("portal cursor order and round trip")
    func cursor() {
        let a = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!, b = UUID(uuidString: "F0000000-0000-0000-0000-000000000000")!
        let c1 = PortalCursor(micros: 10, dossierID: b, seq: 1), c2 = PortalCursor(micros: 11, dossierID: a, seq: 1)
        let c3 = PortalCursor(micros: 11, dossierID: a, seq: 2), c4 = PortalCursor(micros: 11, dossierID: b, seq: 0)
        #expect([c4, c2, c1, c3].sorted() == [c1, c2, c3, c4])
        #expect(PortalCursor(token: c3.token) == c3)
        #expect(PortalCursor.start < c1)
        #expect(PortalCursor(at: Date(timeIntervalSince1970: 1.0000015), dossierID: a, seq: 0).micros == 1_000_002)
    }

    @Test("queue statistics: waits, service times, abandoned, 90th percentile by nearest rank")
    func stats() throws {
        var tickets: [QueueTicket] = []
        for (n, wait, service) in [(1, 5.0, 10.0), (2, 15.0, 5.0), (3, 25.0, 0.0)] {
            var t = Self.ticket(n)
            t = try t.applying(.call(desk: Self.deskA.id, officer: "a"), at: t.issuedAt.addingTimeInterval(wait * 60))
            if service > 0 { t = try t.applying(.finish(dossier: nil), at: t.calledAt!.addingTimeInterval(service * 60)) } else { t = try t.applying(.skip, at: t.calledAt!) }
            tickets.append(t)
        }
        tickets.append(Self.ticket(4, "Đất đai"))
        let today = VietnamTime.localDate(of: Self.t0)
        let stats = QueueStats(tickets, by: .field, today: today, deskName: { _ in "" })
        #expect(stats.rows.map(\.key) == ["Hộ tịch", "Đất đai"])
        let civil = stats.rows[0]
        #expect(civil.issued == 3 && civil.served == 2 && civil.abandoned == 1)
        #expect(civil.meanWaitMinutes == 15 && civil.p90WaitMinutes == 25 && civil.meanServiceMinutes == 7.5)
        #expect(stats.rows[1].meanWaitMinutes == nil && stats.rows[1].abandoned == 0)
        let tomorrow = QueueStats(tickets, by: .field, today: today.adding(days: 1), deskName: { _ in "" })
        #expect(tomorrow.rows[1].abandoned == 1, "still waiting when the day ended")
        #expect(tomorrow.total.issued == 4)
    }

    @Test("rating reasons are cleaned and bounded")
    func reasons() throws {
        #expect(try CounterRatingLevel.validatedReason("  Chờ lâu ") == "Chờ lâu")
        #expect(try CounterRatingLevel.validatedReason("   ") == nil)
        #expect(throws: DomainError.self) { try CounterRatingLevel.validatedReason(String(repeating: "a", count: 501)) }
        #expect(CounterRatingLevel.notSatisfied.isNegative && !CounterRatingLevel.satisfied.isNegative)
    }
}

@Suite("Centre rules: kiosk fields, check-in day, ratings, payments")
struct CentreRulesTests {
    @Test("the kiosk's field must be one an open desk serves")
    func field() throws {
        #expect(try QueueTicket.field(" Hộ tịch ", choices: ["Hộ tịch", "Đất đai"]) == "Hộ tịch")
        #expect(throws: DomainError.self) { try QueueTicket.field("Thuế", choices: ["Hộ tịch"]) }
        #expect(throws: DomainError.self) { try QueueTicket.field("", choices: ["Hộ tịch"]) }
        do { _ = try QueueTicket.field("Hộ tịch", choices: []) } catch { #expect(error.kind == .conflict) }
    }

    @Test("a booking checks in on its own day; payments: an amount, a receipt number, paid once")
    func checkInAndPayments() throws {
        let today = LocalDate(iso: "2026-12-07")!
        try Appointment.checkIn(status: .booked, day: today, today: today)
        #expect(throws: DomainError.self) { try Appointment.checkIn(status: .booked, day: today.adding(days: 1), today: today) }
        try Payment.checkAmount(50_000)
        #expect(throws: DomainError.self) { try Payment.checkAmount(0) }
        #expect(try Payment.receiptNumber(" BL-0012 ") == "BL-0012")
        #expect(throws: DomainError.self) { try Payment.receiptNumber(" ") }
        try Payment.checkUnpaid(alreadyPaid: false)
        #expect(throws: DomainError.self) { try Payment.checkUnpaid(alreadyPaid: true) }
    }
}
