import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
@testable import ParWeb

@Suite("One way to write numbers and money in each language")
struct FormatTests {
    @Test("numbers: a decimal comma and dot-grouped thousands in Vietnamese, the English convention in English", arguments: [
        (81.344, 2, "81,34", "81.34"),
        (81.3, 2, "81,3", "81.3"),
        (100.0, 2, "100", "100"),
        (1234567.5, 1, "1.234.567,5", "1,234,567.5"),
        (-76.04, 1, "−76", "−76"),
        (-0.04, 1, "0", "0"),
        (0.005, 2, "0,01", "0.01"),
        (99.96, 1, "100", "100"),
    ])
    func numbers(value: Double, digits: Int, vi: String, en: String) {
        #expect(Format.number(value, en: false, digits: digits) == vi)
        #expect(Format.number(value, en: true, digits: digits) == en)
    }

    @Test("percentages, changes, counts, money; nothing to measure is a dash")
    func others() {
        #expect(Format.percent(57.42, en: false) == "57,4%")
        #expect(Format.percent(57.42, en: true) == "57.4%")
        #expect(Format.percent(nil, en: false) == "—")
        #expect(Format.percent(.nan, en: true) == "—")
        #expect(Format.change(21.44, en: false) == "+21,4")
        #expect(Format.change(-2.5, en: true) == "−2.5")
        #expect(Format.change(0.01, en: true) == "0")
        #expect(Format.count(12345, en: false) == "12.345")
        #expect(Format.count(12345, en: true) == "12,345")
        #expect(Format.money(1_500_000, en: false) == "1.500.000 đ")
        #expect(Format.money(1_500_000, en: true) == "1,500,000 VND")
        #expect(Format.money(0, en: false) == "0 đ")
    }
}

@Suite("Progress of long commands")
struct CommandProgressTests {
    @Test("the line: counts, percentage, time so far and left; a bar on a terminal", arguments: [
        (0, 683, 0.4, false, "importing units: 0/683 (0%), 0 s"),
        (100, 683, 2.0, false, "importing units: 100/683 (14%), 2 s, about 12 s left"),
        (683, 683, 13.0, false, "importing units: 683/683 (100%), 13 s"),
        (500, 1000, 90.0, false, "importing units: 500/1000 (50%), 1 min 30 s, about 1 min 30 s left"),
        (500, 1000, 10.0, true, "importing units [###############---------------] 500/1000 50%, 10 s, about 10 s left"),
        (0, 0, 0.0, false, "importing units: 0/0 (100%), 0 s"),
    ])
    func line(done: Int, total: Int, elapsed: Double, bar: Bool, expected: String) {
        #expect(CommandProgress.line("importing units", done: done, total: total, elapsed: elapsed, bar: bar) == expected)
    }
}

@Suite("JSON logs")
struct JSONLogTests {
    @Test("one JSON object per line with the level, message and metadata")
    func line() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "parhub.test") { JSONLogHandler(label: $0, write: { line in lines.withLockedValue { $0.append(line) } }) }
        logger[metadataKey: "request-id"] = "r-123"
        logger.warning("outbox: relay down", metadata: ["message-id": "m-1"])
        logger.debug("not at info")
        let all = lines.withLockedValue { $0 }
        #expect(all.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(all[0].utf8)) as? [String: String])
        #expect(object["level"] == "warning" && object["message"] == "outbox: relay down" && object["label"] == "parhub.test")
        #expect(object["request-id"] == "r-123" && object["message-id"] == "m-1" && object["time"]?.hasSuffix("Z") == true)
        #expect(object["time"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "UTC with milliseconds: \(object["time"] ?? "")")
    }
}
