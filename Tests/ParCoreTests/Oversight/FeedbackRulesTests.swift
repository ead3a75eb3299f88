import Foundation
import Testing
@testable import ParCore

@Suite("Feedback (PAKN) actions and their limits")
struct FeedbackRulesTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// Sent on Saturday 9 May 2026 at 10:00: refuse by Tue 12 May, ask for more by Fri 15 May, answer by Fri 29 May (17:00).
    static func sent(_ state: Feedback.State = .received) throws -> Feedback {
        let received = at("2026-05-09T10:00:00+07:00")
        let limits = try Feedback.limits(receivedAt: received, calendar: .standard)
        return Feedback(id: .random(), code: "PA-1", kind: .procedure, procedureCode: nil, subject: "Chậm trả kết quả", content: "Nội dung",
                        contact: .init(name: "Trần Thị Bình", email: "binh@example.vn"), state: state, unitID: .random(), receivedAt: received,
                        refuseBy: limits.refuseBy, moreInfoBy: limits.moreInfoBy, answerBy: limits.answerBy)
    }

    @Test("asking for more information: only within 5 working days of sending, one question at a time, the sender replies once", arguments: [
        ("2026-05-15T16:59:00+07:00", true), ("2026-05-15T17:01:00+07:00", false), ("2026-05-11T08:00:00+07:00", true),
    ])
    func requestInformation(asked: String, allowed: Bool) throws {
        let f = try Self.sent()
        let ask = { () throws -> Feedback in
            try f.apply(.requestInformation(question: "Ông/Bà nộp hồ sơ ngày nào?"), at: Self.at(asked), calendar: .standard)
        }
        guard allowed else {
            #expect(throws: DomainError.self) { try ask() }
            return
        }
        let asked = try ask()
        #expect(asked.informationRequest == "Ông/Bà nộp hồ sơ ngày nào?" && asked.state == .received && asked.answerBy == f.answerBy,
                "the clock keeps running")
        #expect(throws: DomainError.self, "one question at a time") {
            try asked.apply(.requestInformation(question: "Và mã hồ sơ?"), at: Self.at("2026-05-12T09:00:00+07:00"), calendar: .standard)
        }
        let replied = try asked.reply("Ngày 04/5/2026.", at: Self.at("2026-05-13T09:00:00+07:00"))
        #expect(replied.informationReply == "Ngày 04/5/2026." && replied.informationRepliedAt != nil)
        #expect(throws: DomainError.self, "a reply is given once") { try replied.reply("Lần hai", at: Self.at("2026-05-13T10:00:00+07:00")) }
        #expect(throws: DomainError.self, "no question, no reply") { try f.reply("Không ai hỏi", at: Self.at("2026-05-13T10:00:00+07:00")) }
    }

    @Test("assigning inside the agency keeps the clock; a transfer to the competent agency counts every limit again from the transfer")
    func transfer() throws {
        let f = try Self.sent()
        let other = OrgUnit.ID.random()
        let assigned = try f.apply(.assign(unit: other), at: Self.at("2026-05-12T09:00:00+07:00"), calendar: .standard)
        #expect(assigned.answerBy == f.answerBy && assigned.refuseBy == f.refuseBy)
        // Transferred on Wednesday 13 May at 09:00: refuse by Fri 15, more by Wed 20, answer by Wed 3 June.
        let moved = try f.apply(.transfer(unit: other), at: Self.at("2026-05-13T09:00:00+07:00"), calendar: .standard)
        #expect(moved.unitID == other && moved.state == .assigned && moved.transferredAt == Self.at("2026-05-13T09:00:00+07:00"))
        #expect(moved.refuseBy == Self.at("2026-05-15T17:00:00+07:00"))
        #expect(moved.moreInfoBy == Self.at("2026-05-20T17:00:00+07:00"))
        #expect(moved.answerBy == Self.at("2026-06-03T17:00:00+07:00"))
    }

    @Test("a refusal, an answer and a publication are checked against their limits", arguments: [
        (FeedbackAction.refuse(reason: "Không thuộc thẩm quyền"), "2026-05-12T16:00:00+07:00", false),
        (.refuse(reason: "Không thuộc thẩm quyền"), "2026-05-13T09:00:00+07:00", true),
        (.answer(text: "Đã chấn chỉnh."), "2026-05-29T16:00:00+07:00", false),
        (.answer(text: "Đã chấn chỉnh."), "2026-06-01T08:00:00+07:00", true),
    ])
    func handledLate(action: FeedbackAction, at time: String, late: Bool) throws {
        let handled = try Self.sent().apply(action, at: Self.at(time), calendar: .standard)
        #expect(handled.wasHandledLate == late)
    }

    @Test("a late publication is late; actions in the wrong state are refused")
    func publication() throws {
        let answered = try Self.sent().apply(.answer(text: "Trả lời"), at: Self.at("2026-05-18T09:00:00+07:00"), calendar: .standard)
        // Publish within 2 working days of the answer: by Wed 20 May 17:00.
        #expect(answered.publishBy == Self.at("2026-05-20T17:00:00+07:00"))
        #expect(!(try answered.apply(.publish(publicContent: nil), at: Self.at("2026-05-20T16:00:00+07:00"), calendar: .standard)).wasHandledLate)
        #expect(try answered.apply(.publish(publicContent: nil), at: Self.at("2026-05-21T09:00:00+07:00"), calendar: .standard).wasHandledLate)
        #expect(throws: DomainError.self) { try answered.apply(.refuse(reason: "x"), at: Self.at("2026-05-18T10:00:00+07:00"), calendar: .standard) }
        #expect(throws: DomainError.self) {
            try Self.sent(.unverified).apply(.requestInformation(question: "?"), at: Self.at("2026-05-11T10:00:00+07:00"), calendar: .standard)
        }
    }
}
