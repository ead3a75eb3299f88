import Foundation
import Testing
@testable import ParCore

@Suite("Decision 766 counters, files, citizens")
struct ServiceCountersTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func dossier(due: String = "2025-03-10T17:00:00+07:00", processed: String? = nil, supplements: Int = 0) -> Dossier {
        var d = Dossier(id: .random(), code: "X-250303-0001", procedureID: .random(), receivingUnitID: .random(), channel: .online,
                        applicant: .init(name: "Nguyễn Văn An"), components: ["Tờ khai"], state: .processed,
                        receivedAt: at("2025-03-03T09:00:00+07:00"), dueAt: at(due))
        d.processedAt = processed.map(at)
        d.supplementRequests = supplements
        return d
    }

    @Test("each event adds the counters its indicators need", arguments: [
        (DossierEvent.forward(to: .random(), electronic: true, note: nil), [ServiceMetric.transfers: 1, .transfersElectronic: 1]),
        (.forward(to: .random(), electronic: false, note: nil), [.transfers: 1]),
        (.sendBack(to: .random(), reason: "thiếu ý kiến"), [.transfers: 1, .transfersElectronic: 1]),
        (.requestSupplement(items: ["Giấy chứng sinh"]), [.supplementRequests: 1]),
        (.apologise(reason: "chờ xác minh", newDueAt: Date(timeIntervalSince1970: 1_795_575_600)), [.apologies: 1]),
        (.returnResult(method: "electronic"), [.returned: 1, .returnedElectronic: 1]),
        (.returnResult(method: "counter"), [.returned: 1]),
        (.refuse(reason: "không thuộc thẩm quyền"), [.refused: 1]),
        (.withdraw(reason: nil), [.withdrawn: 1]),
        (.stop(reason: "người nộp chết"), [.stopped: 1]),
        (.accept, [:]),
        (.completeSupplement, [:]),
    ])
    func deltas(event: DossierEvent, expected: [ServiceMetric: Int]) {
        let d = Self.dossier()
        #expect(ServiceCounters.deltas(for: event, before: d, after: d) == expected)
    }

    @Test("processing ends early, on time or late against the original appointment", arguments: [
        ("2025-03-07T10:00:00+07:00", 0, ServiceMetric.finishedEarly),
        ("2025-03-10T16:59:00+07:00", 0, .finishedOnTime),
        ("2025-03-10T08:00:00+07:00", 1, .finishedOnTime),
        ("2025-03-10T17:01:00+07:00", 0, .finishedLate),
        ("2025-03-05T10:00:00+07:00", 2, .finishedLate),
    ])
    func finishing(processed: String, supplements: Int, expected: ServiceMetric) {
        let d = Self.dossier(processed: processed, supplements: supplements)
        #expect(ServiceCounters.finishing(d) == expected)
        #expect(ServiceCounters.deltas(for: .markProcessed(electronicResult: true), before: d, after: d)
                == [expected: 1, .resultsElectronic: 1])
    }

    @Test("uploads are checked by their bytes, not their claimed type", arguments: [
        (Array("%PDF-1.7\n".utf8), "application/pdf", "application/pdf" as String?),
        ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "image/jpeg", "image/jpeg"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], "application/octet-stream", "image/png"),
        (Array("<script>alert(1)</script>".utf8), "application/pdf", nil),
        (Array("%PDF-1.7\n".utf8), "image/png", nil),
        ([UInt8](), "application/pdf", nil),
    ] as [([UInt8], String, String?)])
    func uploads(bytes: [UInt8], declared: String, expected: String?) {
        #expect((try? FileRules.check(bytes, declaredType: declared)) == expected)
    }

    @Test("a file over the limit is refused")
    func tooLarge() {
        var bytes = Array("%PDF-1.7\n".utf8)
        bytes += [UInt8](repeating: 0x20, count: 2048)
        #expect(throws: DomainError.self) { try FileRules.check(bytes, declaredType: nil, maxBytes: 1024) }
    }

    @Test("uploaders' file names are made safe to show and to download", arguments: [
        ("../../etc/passwd", "application/pdf", "passwd"),
        ("C:\\Users\\an\\Tờ khai.pdf", "application/pdf", "Tờ khai.pdf"),
        ("a\"b<c>.png", "image/png", "abc.png"),
        ("", "image/jpeg", "tep.jpg"),
        ("...", "application/pdf", "tep.pdf"),
    ])
    func safeNames(raw: String, type: String, expected: String) {
        #expect(FileRules.safeName(raw, contentType: type) == expected)
    }

    @Test("e-mail addresses are normalised or refused", arguments: [
        (" An.Nguyen@Example.VN ", "an.nguyen@example.vn" as String?),
        ("an@example", nil),
        ("an@@example.vn", nil),
        ("an@.example.vn", nil),
        ("an example@example.vn", nil),
        ("<an@example.vn>", nil),
        ("an@example.vn\r\nBcc: x@y.z", nil),
    ])
    func emails(raw: String, expected: String?) {
        #expect(Citizen.normalisedEmail(raw) == expected)
    }

    @Test("components needed only in some cases are marked conditional", arguments: [
        ("Tờ khai đăng ký khai sinh", false),
        ("Biên bản về việc trẻ bị bỏ rơi (trường hợp trẻ bị bỏ rơi)", true),
        ("Văn bản ủy quyền (nếu có)", true),
        ("Giấy phép (đối với tổ chức nước ngoài)", true),
        ("Giấy chứng sinh", false),
    ])
    func conditional(name: String, expected: Bool) {
        #expect(Procedure.Document(name: name, copies: 1).isConditional == expected)
    }

    @Test("one-time codes are six digits")
    func codes() {
        for _ in 0..<50 {
            let code = OneTimeCodeRules.newCode()
            #expect(code.count == 6 && code.allSatisfy(\.isNumber))
        }
    }
}
