import Foundation
import Testing
@testable import ParCore

@Suite("Feedback (PAKN) as sent, and its rating")
struct FeedbackDraftTests {
    static func draft(subject: String = " Chậm trả kết quả ", content: String = "Hồ sơ quá hạn đã hai tuần.", email: String? = nil,
                      phone: String? = nil) -> FeedbackDraft {
        FeedbackDraft(kind: .procedure, procedureCode: " 1.000001 ", unitID: nil, subject: subject, content: content,
                      contact: .init(name: "  ", email: email, phone: phone))
    }

    @Test("what the public form refuses, by field", arguments: [
        (draft(subject: "  "), "subject"), (draft(content: "ngắn"), "content"), (draft(email: "binh@"), "email"),
        (draft(phone: "09x1"), "phone"), (draft(phone: String(repeating: "9", count: 21)), "phone"),
    ])
    func refusals(draft: FeedbackDraft, field: String) {
        #expect(throws: DomainError.self) { try draft.validated() }
        #expect((try? draft.validated()) == nil)
        do { _ = try draft.validated() } catch { #expect(error.field == field) }
    }

    @Test("a valid draft comes back cleaned: trimmed text, a normalised e-mail, blanks as nothing")
    func cleaned() throws {
        let clean = try Self.draft(email: " Binh@Example.VN ", phone: "0912 345 678").validated()
        #expect(clean.subject == "Chậm trả kết quả" && clean.procedureCode == "1.000001")
        #expect(clean.contact.email == "binh@example.vn" && clean.contact.name == nil && clean.contact.phone == "0912 345 678")
    }

    @Test("the sender rates a published answer once, 1 to 5")
    func rating() throws {
        var published = try FeedbackRulesTests.sent(.published)
        #expect(throws: DomainError.self) { try published.rated(6) }
        published = try published.rated(4)
        #expect(published.rating == 4)
        #expect(throws: DomainError.self) { try published.rated(5) }
        #expect(throws: DomainError.self) { try FeedbackRulesTests.sent(.answered).rated(3) }
    }
}
