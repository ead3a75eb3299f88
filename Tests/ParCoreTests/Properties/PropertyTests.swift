import Foundation
import PropertyBased
import Testing
@testable import ParCore

/// Properties checked on generated inputs (swift-property-based: random cases, shrunk to the
/// smallest failing one, with the seed printed to replay it).
@Suite("Properties of the calendar and the dossier state machine")
struct PropertyTests {
    static let calendar = try! WorkingCalendar(years: (2024...2028).map { YearCalendar(year: $0) })

    /// An instant in 2025–2026 (local time 00:00–23:59 on any day).
    static let instants = Gen.int(in: 0...(730 * 24 * 60)).map { minutes in
        LocalDateTime(date: LocalDate(year: 2025, month: 1, day: 1)!, time: .midnight).instant.addingTimeInterval(Double(minutes) * 60)
    }

    @Test("a deadline of n working days ends on a working day, n working days after the effective receipt day, and grows with n")
    func workingDayDeadlines() async {
        await propertyCheck(count: 300, input: Self.instants, Gen.int(in: 1...60)) { receipt, n in
            guard let result = try? Self.calendar.deadline(from: receipt, workingDays: n),
                  let longer = try? Self.calendar.deadline(from: receipt, workingDays: n + 1) else {
                Issue.record("no deadline for \(receipt) + \(n)")
                return
            }
            #expect((try? Self.calendar.isWorkingDay(result.dueDate)) == true)
            var counted = 0
            var day = result.startDate.adding(days: 1)
            while day <= result.dueDate {
                if (try? Self.calendar.isWorkingDay(day)) == true { counted += 1 }
                day = day.adding(days: 1)
            }
            #expect(counted == n, "working days after \(result.startDate) through \(result.dueDate)")
            #expect(longer.due > result.due)
            #expect(result.skippedNonWorkingDays.allSatisfy { (try? Self.calendar.isWorkingDay($0)) == false })
        }
    }

    @Test("local dates: Julian day numbers and day arithmetic are inverses")
    func dateArithmetic() async {
        await propertyCheck(count: 500, input: Gen.int(in: 2_415_021...2_488_434), Gen.int(in: -20_000...20_000)) { jd, k in
            guard let date = LocalDate(julianDay: jd) else { Issue.record("julian day \(jd)"); return }
            #expect(date.julianDay == jd)
            #expect(LocalDate(iso: date.iso) == date)
            let moved = date.adding(days: k)
            #expect(date.days(to: moved) == k)
            #expect(moved.adding(days: -k) == date)
        }
    }

    @Test("solar → lunar → solar is the identity on generated days")
    func lunarRoundTrip() async {
        await propertyCheck(count: 300, input: Gen.int(in: 2_415_021...2_488_434)) { jd in
            let date = LocalDate(julianDay: jd)!
            let lunar = try? LunarCalendar.vietnam.lunarDate(for: date)
            #expect(lunar.flatMap { try? LunarCalendar.vietnam.solarDate(for: $0) } == date)
        }
    }

    /// A step a user could take; the generator picks any, legal or not.
    enum Step: CaseIterable, Sendable {
        case accept, forward, sendBack, requestSupplement, completeSupplement, apologise, markProcessed, returnResult, refuse, withdraw, stop

        func event(now: Date, due: Date) -> DossierEvent {
            switch self {
            case .accept: .accept
            case .forward: .forward(to: .random(), electronic: true, note: nil)
            case .sendBack: .sendBack(to: .random(), reason: "Trả lại để bổ sung ý kiến")
            case .requestSupplement: .requestSupplement(items: ["Bản sao giấy tờ"])
            case .completeSupplement: .completeSupplement
            case .apologise: .apologise(reason: "Cần thêm thời gian xác minh", newDueAt: due.addingTimeInterval(5 * 86_400))
            case .markProcessed: .markProcessed(electronicResult: true)
            case .returnResult: .returnResult(method: "counter")
            case .refuse: .refuse(reason: "Hồ sơ không đủ điều kiện")
            case .withdraw: .withdraw(reason: nil)
            case .stop: .stop(reason: "Theo đề nghị của cơ quan có thẩm quyền")
            }
        }
    }

    @Test("any sequence of steps: refused steps change nothing, states map to national codes, a closed dossier stays closed, results are returned only after processing")
    func stateMachine() async {
        let steps = Gen<Step>.case.array(of: 1...25)
        await propertyCheck(count: 400, input: Gen.bool, steps) { submittedOnline, steps in
            let start = LocalDateTime(date: LocalDate(year: 2025, month: 3, day: 3)!, time: TimeOfDay(hour: 9)!).instant
            var dossier = Dossier(id: .random(), code: "X-250303-0001", procedureID: .random(), receivingUnitID: .random(),
                                  channel: submittedOnline ? .online : .counter, applicant: .init(name: "Nguyễn Văn An"), components: ["Tờ khai"],
                                  state: submittedOnline ? .submitted : .received, receivedAt: start,
                                  dueAt: try! Self.calendar.deadline(from: start, workingDays: 5).due)
            var now = start
            var wasProcessed = false
            for step in steps {
                now = now.addingTimeInterval(3 * 3600)
                let before = dossier
                do {
                    dossier = try dossier.apply(step.event(now: now, due: dossier.dueAt), at: now, calendar: Self.calendar)
                } catch {
                    #expect(dossier == before, "a refused \(step) changes nothing")
                    continue
                }
                #expect(!before.state.isClosed, "\(step) was accepted on a closed dossier (\(before.state))")
                #expect((1...10).contains(dossier.state.nationalStatus))
                if dossier.state == .processed { wasProcessed = true }
                if dossier.state == .returned { #expect(wasProcessed, "returned without being processed") }
            }
        }
    }
}
