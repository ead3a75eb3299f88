import Foundation
import Testing
@testable import ParCore

@Suite("Dossier state machine")
struct DossierRulesTests {
    static let calendar = try! WorkingCalendar(years: [
        YearCalendar(year: 2025, tetSpan: .lastTwoDaysAndFirstThree, nationalDayAdjacent: LocalDate(iso: "2025-09-01")),
    ])

    static func at(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    static func dossier(state: DossierState = .received, received: String = "2025-03-03T09:00:00+07:00",
                        days: Int = 5) -> Dossier {
        let receivedAt = at(received)
        let due = try! calendar.deadline(from: receivedAt, workingDays: days).due
        return Dossier(id: .random(), code: "X-250303-0001", procedureID: .random(), receivingUnitID: .random(),
                       channel: .counter, applicant: .init(name: "Nguyễn Văn An"), components: ["Tờ khai"],
                       state: state, receivedAt: receivedAt, dueAt: due)
    }

    @Test("every state maps to its national status code", arguments: [
        (DossierState.submitted, 1), (.received, 2), (.refused, 3), (.inProcess, 4), (.supplementRequested, 5),
        (.awaitingPayment, 6), (.withdrawn, 7), (.stopped, 8), (.processed, 9), (.returned, 10),
    ])
    func nationalStatus(state: DossierState, code: Int) {
        #expect(state.nationalStatus == code)
    }

    @Test("legal and illegal transitions", arguments: [
        (DossierState.submitted, DossierEvent.accept, DossierState.received as DossierState?),
        (.received, .accept, nil),
        (.received, .forward(to: .random(), electronic: true, note: nil), .inProcess),
        (.processed, .forward(to: .random(), electronic: true, note: nil), nil),
        (.inProcess, .markProcessed(electronicResult: true), .processed),
        (.received, .returnResult(method: "counter"), nil),
        (.processed, .returnResult(method: "counter"), .returned),
        (.returned, .withdraw(reason: nil), nil),
        (.submitted, .refuse(reason: "Thiếu giấy tờ"), .refused),
        (.inProcess, .refuse(reason: "Thiếu giấy tờ"), nil),
        (.inProcess, .stop(reason: "Theo đề nghị của cơ quan thuế"), .stopped),
        (.supplementRequested, .markProcessed(electronicResult: false), nil),
    ])
    func transitions(from: DossierState, event: DossierEvent, to: DossierState?) {
        let result = try? Self.dossier(state: from).apply(event, at: Self.at("2025-03-04T09:00:00+07:00"), calendar: Self.calendar)
        #expect(result?.state == to)
    }

    @Test("an online dossier's clock starts when the counter accepts it as complete and valid", arguments: [
        // Sent Friday 7 Mar 2025 at 20:00, 5 working days: the appointment at submission is Fri 14 Mar 17:00.
        // Accepted Monday 10 Mar 09:00 → Mon 17 Mar 17:00; accepted Tuesday 11 Mar 15:00 → Tue 18 Mar 17:00.
        ("2025-03-10T09:00:00+07:00", "2025-03-17T17:00:00+07:00"),
        ("2025-03-11T15:00:00+07:00", "2025-03-18T17:00:00+07:00"),
        // Accepted on a Saturday (a day off): day 0 is Monday 10 Mar, as for a dossier received at the counter then.
        ("2025-03-08T09:00:00+07:00", "2025-03-17T17:00:00+07:00"),
    ])
    func acceptanceStartsTheClock(accepted: String, due: String) throws {
        var d = Self.dossier(state: .submitted, received: "2025-03-07T20:00:00+07:00")
        d.channel = .online
        d.processingTime = ProcessingTime(amount: 5, unit: .workingDays)
        #expect(d.dueAt == Self.at("2025-03-14T17:00:00+07:00"))
        let after = try d.apply(.accept, at: Self.at(accepted), calendar: Self.calendar)
        #expect(after.state == .received && after.acceptedAt == Self.at(accepted))
        #expect(after.dueAt == Self.at(due) && after.originalDueAt == Self.at(due))
        // A dossier stored before the processing time was kept keeps its appointment.
        var legacy = d
        legacy.processingTime = nil
        #expect(try legacy.apply(.accept, at: Self.at(accepted), calendar: Self.calendar).dueAt == d.dueAt)
    }

    @Test("a supplement pauses the clock and resumes it with the working days that were left")
    func supplementPause() throws {
        // Received Mon 3 Mar 2025, 5 working days → due Mon 10 Mar 17:00.
        let d = Self.dossier()
        #expect(d.dueAt == Self.at("2025-03-10T17:00:00+07:00"))
        // Paused Wed 5 Mar: 3 working days left (Thu, Fri, Mon).
        let paused = try d.apply(.requestSupplement(items: ["Bản sao CCCD"]), at: Self.at("2025-03-05T10:00:00+07:00"), calendar: Self.calendar)
        #expect(paused.pausedRemainingWorkingDays == 3)
        #expect(paused.timeliness(at: Self.at("2025-03-20T10:00:00+07:00")) == .paused)
        // Completed Tue 11 Mar: 3 working days from then → Fri 14 Mar 17:00, and the receipt's appointment moves too.
        let resumed = try paused.apply(.completeSupplement, at: Self.at("2025-03-11T09:00:00+07:00"), calendar: Self.calendar)
        #expect(resumed.dueAt == Self.at("2025-03-14T17:00:00+07:00"))
        #expect(resumed.originalDueAt == Self.at("2025-03-14T17:00:00+07:00"))
        #expect(resumed.state == .received)
        let done = try resumed.apply(.markProcessed(electronicResult: true), at: Self.at("2025-03-14T16:00:00+07:00"), calendar: Self.calendar)
        #expect(done.timeliness(at: Self.at("2025-03-20T10:00:00+07:00")) == .finishedOnTime)
    }

    @Test("a second supplement request makes the dossier count as late")
    func secondSupplement() throws {
        var d = Self.dossier()
        for day in ["2025-03-04", "2025-03-05"] {
            d = try d.apply(.requestSupplement(items: ["Giấy tờ"]), at: Self.at("\(day)T09:00:00+07:00"), calendar: Self.calendar)
            d = try d.apply(.completeSupplement, at: Self.at("\(day)T15:00:00+07:00"), calendar: Self.calendar)
        }
        d = try d.apply(.markProcessed(electronicResult: false), at: Self.at("2025-03-06T09:00:00+07:00"), calendar: Self.calendar)
        #expect(d.supplementRequests == 2)
        #expect(d.timeliness(at: Self.at("2025-03-06T10:00:00+07:00")) == .finishedLate)
    }

    @Test("an apology slip must come before the due date and move it later; the dossier still counts late")
    func apology() throws {
        let d = Self.dossier()
        let newDue = Self.at("2025-03-14T17:00:00+07:00")
        #expect(throws: DossierError.self) {
            try d.apply(.apologise(reason: "Chờ ý kiến Sở Xây dựng", newDueAt: newDue), at: Self.at("2025-03-11T08:00:00+07:00"), calendar: Self.calendar)
        }
        #expect(throws: DossierError.self) {
            try d.apply(.apologise(reason: "Chờ ý kiến", newDueAt: Self.at("2025-03-07T17:00:00+07:00")), at: Self.at("2025-03-06T08:00:00+07:00"), calendar: Self.calendar)
        }
        let sorry = try d.apply(.apologise(reason: "Chờ ý kiến Sở Xây dựng", newDueAt: newDue), at: Self.at("2025-03-10T08:00:00+07:00"), calendar: Self.calendar)
        #expect(sorry.dueAt == newDue && sorry.apologies == 1)
        #expect(sorry.timeliness(at: Self.at("2025-03-11T08:00:00+07:00")) == .onTime)
        let done = try sorry.apply(.markProcessed(electronicResult: false), at: Self.at("2025-03-12T09:00:00+07:00"), calendar: Self.calendar)
        #expect(done.timeliness(at: Self.at("2025-03-12T10:00:00+07:00")) == .finishedLate)
    }

    @Test("timeliness is derived from the clock", arguments: [
        ("2025-03-04T09:00:00+07:00", Dossier.Timeliness.onTime),
        ("2025-03-09T09:00:00+07:00", .dueSoon),
        ("2025-03-10T17:30:00+07:00", .overdue),
    ])
    func timeliness(now: String, expected: Dossier.Timeliness) {
        #expect(Self.dossier().timeliness(at: Self.at(now)) == expected)
    }

    @Test("dossier codes are unit – yymmdd – four-digit sequence")
    func code() {
        #expect(DossierCode.make(unitCode: "000.00.12.H26", day: LocalDate(iso: "2026-11-26")!, sequence: 1)
                == "000.00.12.H26-261126-0001")
    }
}
