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

    /// An open dossier received Mon 3 Mar 2025 09:00, due Mon 10 Mar 17:00, in `state`.
    static func open(_ state: DossierState = .inProcess, supplements: Int = 0, requestedAt: String? = nil) -> Dossier {
        var d = dossier(supplements: supplements)
        d.state = state
        d.supplementRequestedAt = requestedAt.map(at)
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
        (.accept, [:]),
        (.completeSupplement, [:]),
    ])
    func deltas(event: DossierEvent, expected: [ServiceMetric: Int]) {
        let d = Self.open()
        #expect(ServiceCounters.deltas(for: event, before: d, after: d, at: Self.at("2025-03-05T10:00:00+07:00")) == expected)
    }

    struct EndCase: Sendable, CustomTestStringConvertible {
        let label: String
        let event: DossierEvent
        let before: Dossier
        let at: String
        let expected: [ServiceMetric: Int]
        var testDescription: String { label }
    }

    /// Decision 766, indicator 2.1 (formula guidance): processing ends at the first of processed, returned,
    /// stopped/refused and withdrawn, for accepted dossiers; one waiting for a supplement is measured at the
    /// request; more than one request makes it late. Dossier due Mon 10 Mar 2025 17:00.
    @Test("the end of processing is the first of processed, stopped, refused, withdrawn — counted once, early, on time or late (ended_* unless processed)", arguments: [
        EndCase(label: "stopped two days before the appointment: early", event: .stop(reason: "người nộp đề nghị"),
                before: open(), at: "2025-03-06T10:00:00+07:00", expected: [.stopped: 1, .endedEarly: 1]),
        EndCase(label: "withdrawn after the appointment: late", event: .withdraw(reason: nil),
                before: open(), at: "2025-03-11T09:00:00+07:00", expected: [.withdrawn: 1, .endedLate: 1]),
        EndCase(label: "an accepted dossier refused on its due day: on time", event: .refuse(reason: "không đủ điều kiện"),
                before: open(.received), at: "2025-03-10T09:00:00+07:00", expected: [.refused: 1, .endedOnTime: 1]),
        EndCase(label: "an online submission refused before it was accepted ends nothing", event: .refuse(reason: "sai thủ tục"),
                before: open(.submitted), at: "2025-03-11T09:00:00+07:00", expected: [.refused: 1]),
        EndCase(label: "withdrawn after processing: processing ended already", event: .withdraw(reason: nil),
                before: dossier(processed: "2025-03-07T10:00:00+07:00"), at: "2025-03-12T09:00:00+07:00", expected: [.withdrawn: 1]),
        EndCase(label: "withdrawn while waiting for a supplement requested in time: measured at the request, early",
                event: .withdraw(reason: nil), before: open(.supplementRequested, supplements: 1, requestedAt: "2025-03-05T10:00:00+07:00"),
                at: "2025-04-20T09:00:00+07:00", expected: [.withdrawn: 1, .endedEarly: 1]),
        EndCase(label: "stopped after a second supplement request, before the appointment: late", event: .stop(reason: "quá hạn bổ sung"),
                before: open(.supplementRequested, supplements: 2, requestedAt: "2025-03-06T10:00:00+07:00"),
                at: "2025-03-07T09:00:00+07:00", expected: [.stopped: 1, .endedLate: 1]),
        EndCase(label: "processed on its due day after one supplement: on time", event: .markProcessed(electronicResult: false),
                before: open(supplements: 1), at: "2025-03-10T16:00:00+07:00", expected: [.finishedOnTime: 1]),
        EndCase(label: "processed early after two supplements: late", event: .markProcessed(electronicResult: true),
                before: open(supplements: 2), at: "2025-03-05T10:00:00+07:00", expected: [.finishedLate: 1, .resultsElectronic: 1]),
    ])
    func endOfProcessing(_ c: EndCase) {
        #expect(ServiceCounters.deltas(for: c.event, before: c.before, after: c.before, at: Self.at(c.at)) == c.expected)
    }

    @Test("processing ends early, on time or late against the original appointment", arguments: [
        ("2025-03-07T10:00:00+07:00", 0, ServiceMetric.finishedEarly),
        ("2025-03-10T16:59:00+07:00", 0, .finishedOnTime),
        ("2025-03-10T08:00:00+07:00", 1, .finishedOnTime),
        ("2025-03-10T17:01:00+07:00", 0, .finishedLate),
        ("2025-03-05T10:00:00+07:00", 2, .finishedLate),
    ])
    func finishing(processed: String, supplements: Int, expected: ServiceMetric) {
        let d = Self.open(supplements: supplements)
        #expect(ServiceCounters.finishing(d, endedAt: Self.at(processed)) == expected)
        #expect(ServiceCounters.deltas(for: .markProcessed(electronicResult: true), before: d, after: d, at: Self.at(processed))
                == [expected: 1, .resultsElectronic: 1])
    }

    @Test("digitisation counts dossiers: every component digitised and an electronic result; reuse once per dossier", arguments: [
        (true, true, [ServiceMetric.finishedEarly: 1, .resultsElectronic: 1, .dossiersDigitised: 1]),
        (true, false, [.finishedEarly: 1]),
        (false, true, [.finishedEarly: 1, .resultsElectronic: 1]),
    ])
    func digitisedDossiers(components: Bool, electronic: Bool, expected: [ServiceMetric: Int]) {
        var after = Self.open()
        after.componentsDigitised = components
        #expect(ServiceCounters.deltas(for: .markProcessed(electronicResult: electronic), before: Self.open(), after: after,
                                       at: Self.at("2025-03-05T10:00:00+07:00")) == expected)
        var reusing = Self.open(.received)
        #expect(ServiceCounters.intake(reusing) == [.received: 1])
        reusing.reusesDigitisedData = true
        #expect(ServiceCounters.intake(reusing) == [.received: 1, .dossiersReused: 1])
    }

    @Test("a dossier's components are digitised when each has a digitised copy", arguments: [
        (["Tờ khai", "Giấy chứng sinh"], ["Tờ khai", "Giấy chứng sinh"], true),
        (["Tờ khai", "Giấy chứng sinh"], ["Tờ khai"], false),
        (["Tờ khai"], ["Tờ khai", "Giấy chứng sinh"], true),
        ([], [], true),
    ])
    func componentsDigitised(components: [String], copies: [String], expected: Bool) {
        #expect(Digitisation.componentsDigitised(components, digitisedCopies: Set(copies)) == expected)
    }

    @Test("open dossiers: by due day; waiting for a supplement, on time or late at the request; after two requests always late", arguments: [
        (open(), "2025-03-10"),
        (open(supplements: 1), "2025-03-10"),
        (open(supplements: 2), ServiceCounters.alwaysLate),
        (open(.supplementRequested, supplements: 1, requestedAt: "2025-03-10T16:00:00+07:00"), ServiceCounters.pausedOnTime),
        (open(.supplementRequested, supplements: 1, requestedAt: "2025-03-11T08:30:00+07:00"), ServiceCounters.pausedLate),
        (open(.supplementRequested, supplements: 2, requestedAt: "2025-03-04T08:30:00+07:00"), ServiceCounters.pausedLate),
    ] as [(Dossier, String)])
    func openKeys(dossier: Dossier, expected: String) {
        #expect(ServiceCounters.openKey(dossier) == expected)
        #expect(ServiceCounters.alwaysLate < "1900-01-01", "sorts before every day, so it reads as late")
    }

    @Test("the gauge's keys sort as its sums assume: always late before every day, the paused keys after every day")
    func gaugeKeyOrder() {
        // `OpenCounterStore.openSums` tells a late row by `key < today` alone (digits sort before letters in
        // SQLite's binary order and in every PostgreSQL collation).
        for day in ["0001-01-01", "2026-12-06", "9999-12-31"] {
            #expect(ServiceCounters.alwaysLate < day)
            #expect(day < ServiceCounters.pausedOnTime && day < ServiceCounters.pausedLate)
        }
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
