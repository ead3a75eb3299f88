import Foundation
import ParCore
import Testing

@Suite("SMS notices")
struct SMSTests {
    static func dossier() -> Dossier {
        let at = ISO8601DateFormatter().date(from: "2026-12-02T03:00:00Z")!
        return Dossier(id: .random(), code: "000.00.04.H26-261202-0001", procedureID: .random(), receivingUnitID: .random(),
                       channel: .counter, applicant: .init(name: "Nguyễn Văn An", phone: "0912345678", notifyBy: .sms), components: [],
                       state: .received, receivedAt: at, dueAt: at.addingTimeInterval(5 * 86_400))
    }

    @Test("receipt, supplement request, result ready and a new appointment have an SMS: no diacritics, at most 160 characters")
    func texts() throws {
        let d = Self.dossier()
        let notices = [d.receiptNotice(procedureName: "Đăng ký khai sinh"),
                       try #require(d.notice(after: .requestSupplement(items: ["Giấy chứng sinh bản chính", String(repeating: "Tờ khai đầy đủ ", count: 12)]))),
                       try #require(d.notice(after: .markProcessed(electronicResult: false))),
                       try #require(d.notice(after: .apologise(reason: "Chờ xác minh", newDueAt: d.dueAt.addingTimeInterval(86_400))))]
        for notice in notices {
            let sms = try #require(notice.sms)
            #expect(sms.count <= 160 && sms.contains(d.code), "\(sms)")
            #expect(sms.unicodeScalars.allSatisfy { $0.isASCII || $0 == "…" }, "\(sms)")
        }
        #expect(notices[0].sms?.hasPrefix("Ho so 000.00.04.H26-261202-0001 da duoc tiep nhan") == true)
        #expect(d.notice(after: .refuse(reason: "x"))?.sms == nil, "a refusal goes by e-mail only")
    }

    @Test("SMS notices need a phone", arguments: [(nil as String?, false), ("", false), ("0912 345 678", true)])
    func needsPhone(phone: String?, accepted: Bool) {
        let intake = DossierIntake(procedureID: .random(), receivingUnitID: .random(), channel: .counter,
                                   applicant: .init(name: "An", phone: phone, notifyBy: .sms), components: [])
        #expect(((try? intake.validated()) != nil) == accepted)
    }
}
