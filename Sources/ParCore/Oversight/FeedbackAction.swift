import Foundation

/// What staff do with citizens' feedback (PAKN).
public enum FeedbackAction: Sendable, Equatable {
    case refuse(reason: String)
    /// Hands it to another unit of the same agency: the clock keeps running.
    case assign(unit: OrgUnit.ID)
    /// Asks the sender for more information, within 5 working days of sending.
    case requestInformation(question: String)
    /// Passes it to the competent agency: the limits count again from the transfer.
    case transfer(unit: OrgUnit.ID)
    case answer(text: String)
    /// Publishes the answer with the question as given (or, nil, the question with personal data removed).
    case publish(publicContent: String?)

    public var name: String {
        switch self {
        case .refuse: "refuse"
        case .assign: "assign"
        case .requestInformation: "request_information"
        case .transfer: "transfer"
        case .answer: "answer"
        case .publish: "publish"
        }
    }
}

extension Feedback {
    /// Applies a staff action at `now` (Decision 766 formula guidance, group 5; Decree 20/2008):
    ///
    /// - refuse (not within competence or not admissible): while received or being handled; a refusal
    ///   after its 2-working-day limit is recorded as late;
    /// - ask for more information: only within 5 working days of sending, once per open question;
    ///   the sender's reply is kept with it and the clock keeps running;
    /// - assign inside the agency keeps the clock; transfer to the competent agency restarts every
    ///   limit from the transfer (the guidance counts from the latest transfer date);
    /// - answer: late after the 15-working-day limit; publish within 2 working days of answering.
    public func apply(_ action: FeedbackAction, at now: Date, calendar: WorkingCalendar) throws(DomainError) -> Feedback {
        func text(_ raw: String, _ field: String, max: Int) throws(DomainError) -> String {
            let t = VietnameseText.clean(raw)
            guard !t.isEmpty, t.unicodeScalars.count <= max else {
                throw .invalid("Cần nội dung (tối đa \(max) ký tự).", english: "A text is required (up to \(max) characters).", field: field)
            }
            return t
        }
        func requireState(_ states: [State]) throws(DomainError) {
            guard states.contains(state) else {
                throw DomainError(.conflict, "Không thể thực hiện khi phản ánh ở trạng thái “\(state.vietnamese)”.",
                                  english: "Not possible while the feedback is \(state.english.lowercased()).")
            }
        }
        func deadline(_ days: Int) throws(DomainError) -> Date {
            do { return try calendar.deadline(from: now, workingDays: days, rules: Self.deadlineRules).due } catch { throw DomainError(error) }
        }
        var after = self
        switch action {
        case .refuse(let reason):
            try requireState([.received, .assigned])
            after.refusalReason = try text(reason, "reason", max: 2000)
            after.refusedAt = now
            after.state = .refused
        case .assign(let unit):
            try requireState([.received, .assigned])
            after.unitID = unit
            after.state = .assigned
        case .requestInformation(let question):
            try requireState([.received, .assigned])
            guard now <= moreInfoBy else {
                throw DomainError(.conflict, "Đã quá 5 ngày làm việc kể từ khi gửi phản ánh: không thể yêu cầu bổ sung thông tin; hãy trả lời.",
                                  english: "More than 5 working days have passed since the feedback was sent: ask no more, answer it.")
            }
            guard !awaitsReply else {
                throw DomainError(.conflict, "Đang chờ người gửi trả lời câu hỏi trước.", english: "The sender has not answered the previous question yet.")
            }
            after.informationRequest = try text(question, "question", max: 2000)
            after.informationRequestedAt = now
            after.informationReply = nil
            after.informationRepliedAt = nil
        case .transfer(let unit):
            try requireState([.received, .assigned])
            after.unitID = unit
            after.transferredAt = now
            after.refuseBy = try deadline(2)
            after.moreInfoBy = try deadline(5)
            after.answerBy = try deadline(15)
            after.state = .assigned
        case .answer(let answer):
            try requireState([.received, .assigned])
            after.answer = try text(answer, "answer", max: 20_000)
            after.answeredAt = now
            after.publishBy = try deadline(2)
            after.state = .answered
        case .publish(let given):
            try requireState([.answered])
            let question = try given.map { (raw: String) throws(DomainError) in try text(raw, "publicContent", max: 10_000) } ?? content
            after.publicContent = Redaction.redact(question, names: [contact.name].compactMap { $0 })
            after.answer = answer.map { Redaction.redact($0, names: [contact.name].compactMap { $0 }) }
            after.publishedAt = now
            after.state = .published
        }
        return after
    }

    /// The sender's reply to the staff's question (through the status page with the code and secret).
    public func reply(_ raw: String, at now: Date) throws(DomainError) -> Feedback {
        guard awaitsReply else {
            throw DomainError(.conflict, "Không có câu hỏi nào đang chờ trả lời.", english: "No question is waiting for an answer.")
        }
        let t = VietnameseText.clean(raw)
        guard !t.isEmpty, t.unicodeScalars.count <= 5000 else {
            throw .invalid("Cần nội dung (tối đa 5000 ký tự).", english: "A text is required (up to 5000 characters).", field: "reply")
        }
        var after = self
        after.informationReply = t
        after.informationRepliedAt = now
        return after
    }

    /// Whether staff may ask the sender a question at `now`: still open, within 5 working days of
    /// sending, and no earlier question waiting for its reply.
    public func mayRequestInformation(at now: Date) -> Bool {
        [.received, .assigned].contains(state) && now <= moreInfoBy && !awaitsReply
    }

    /// Whether a question to the sender waits for the sender's reply.
    public var awaitsReply: Bool {
        informationRequestedAt != nil && informationRepliedAt == nil && [.received, .assigned].contains(state)
    }

    /// Whether a limit was missed when it was handled: refused after 2 working days, answered after 15,
    /// or published more than 2 working days after the answer (Decision 766, group 5).
    public var wasHandledLate: Bool {
        if let refusedAt, refusedAt > refuseBy { return true }
        if let answeredAt, answeredAt > answerBy { return true }
        if let publishedAt, let publishBy, publishedAt > publishBy { return true }
        return false
    }
}
