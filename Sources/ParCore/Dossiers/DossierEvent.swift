import Foundation

/// What can happen to a dossier. Each is applied by `Dossier.apply`, which
/// refuses illegal transitions with a reason.
public enum DossierEvent: Hashable, Sendable, Codable {
    /// The counter checked an online or postal submission and accepted it.
    case accept
    /// Handed to the next unit of an inter-agency procedure; `electronic` when moved
    /// through the system rather than on paper (feeds "≥80% moved electronically").
    case forward(to: OrgUnit.ID, electronic: Bool, note: String?)
    /// Sent back to the previous unit.
    case sendBack(to: OrgUnit.ID, reason: String)
    /// Form 02: the listed items are missing; the clock pauses.
    case requestSupplement(items: [String])
    /// The applicant supplied the missing items; the clock resumes.
    case completeSupplement
    /// Form 04: apology and new appointment, issued before the due date.
    case apologise(reason: String, newDueAt: Date)
    /// Processing finished; the result is ready.
    case markProcessed(electronicResult: Bool)
    /// The result was handed back (at the counter, by post or electronically).
    case returnResult(method: String)
    /// Form 03: not accepted, with the reason.
    case refuse(reason: String)
    case withdraw(reason: String?)
    case stop(reason: String)

    /// Machine name of the event, stored with each event row.
    public var name: String { kind.rawValue }
}

/// Why an event cannot apply.
public struct DossierError: Error, Equatable, Sendable {
    public let message: String
    public let english: String

    public init(_ message: String, english: String) {
        self.message = message
        self.english = english
    }

    public var domainError: DomainError { DomainError(.conflict, message, english: english) }
}

extension Dossier {
    /// Applies `event` at `now`, moving deadlines on `calendar`.
    ///
    /// Rules (Decree 61/2018 art. 15–19 as amended; Decision 766 for lateness):
    /// a supplement request pauses the clock and remembers the working days left; completing
    /// it restarts the clock from the completion with those days. An apology must come
    /// before the current appointment and set a later one. Closed dossiers accept nothing; each
    /// event applies only from its `Kind.fromStates`.
    public func apply(_ event: DossierEvent, at now: Date, calendar: WorkingCalendar,
                      rules: DeadlineRules = .standard) throws(DossierError) -> Dossier {
        var next = self
        func refuseTransition() -> DossierError {
            DossierError("Không thể “\(event.name)” khi hồ sơ đang ở trạng thái “\(state.vietnamese)”.",
                         english: "Cannot \(event.name) a dossier that is \(state.english.lowercased()).")
        }
        guard !state.isClosed, event.kind.fromStates.contains(state) else { throw refuseTransition() }
        switch event {
        case .accept:
            next.state = .received
            next.acceptedAt = now
            // The processing time runs from the receipt of a complete, valid dossier: for one sent online
            // or by post, from its acceptance (Decree 61/2018 art. 17(1)(c) and (2)(b)); the appointment
            // given at submission moves to the one counted from now.
            if let time = processingTime {
                do throws(CalendarError) {
                    let due = try time.due(from: now, calendar: calendar, rules: rules)
                    next.dueAt = due
                    next.originalDueAt = due
                } catch {
                    throw DossierError(error.vietnameseReason, english: error.reason)
                }
            }
        case .forward(let unit, _, _), .sendBack(let unit, _):
            next.state = .inProcess
            next.holderUnitID = unit
        case .requestSupplement(let items):
            guard !items.isEmpty else {
                throw DossierError("Phải ghi rõ thành phần cần bổ sung.", english: "List the items to supplement.")
            }
            let remaining = (try? calendar.workingDays(between: now, and: dueAt, rules: rules)) ?? 0
            next.pausedRemainingWorkingDays = max(0, remaining)
            next.supplementRequests += 1
            next.supplementRequestedAt = now
            next.state = .supplementRequested
        case .completeSupplement:
            let remaining = pausedRemainingWorkingDays ?? 0
            do {
                let due = try calendar.deadline(from: now, workingDays: remaining, rules: rules).due
                let shift = due.timeIntervalSince(dueAt)
                next.dueAt = due
                // The appointment on the receipt moves with the pause: supplement time is excluded.
                if shift > 0 { next.originalDueAt = originalDueAt.addingTimeInterval(shift) }
            } catch {
                throw DossierError(error.vietnameseReason, english: error.reason)
            }
            next.pausedRemainingWorkingDays = nil
            next.state = holderUnitID == receivingUnitID ? .received : .inProcess
        case .apologise(let reason, let newDue):
            guard now <= dueAt else {
                throw DossierError("Phiếu xin lỗi phải được lập trước thời hạn trả kết quả.",
                                   english: "The apology slip must be issued before the due date.")
            }
            guard newDue > dueAt else {
                throw DossierError("Ngày hẹn mới phải sau ngày hẹn hiện tại.", english: "The new appointment must be later.")
            }
            guard !VietnameseText.clean(reason).isEmpty else {
                throw DossierError("Phải ghi lý do chậm.", english: "Give the reason for the delay.")
            }
            next.dueAt = newDue
            next.apologies += 1
        case .markProcessed:
            next.state = .processed
            next.processedAt = now
        case .returnResult:
            next.state = .returned
            next.returnedAt = now
        case .refuse(let reason):
            guard !VietnameseText.clean(reason).isEmpty else { throw refuseTransition() }
            next.state = .refused
        case .withdraw:
            next.state = .withdrawn
        case .stop(let reason):
            guard !VietnameseText.clean(reason).isEmpty else {
                throw DossierError("Phải ghi lý do dừng xử lý.", english: "Give the reason for stopping.")
            }
            next.state = .stopped
        }
        next.version = version + 1
        return next
    }
}
