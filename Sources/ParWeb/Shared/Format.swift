import Foundation
import ParCore

/// How pages write numbers and money, in both languages: a decimal comma and dot-grouped thousands in
/// Vietnamese (`81,34`, `1.500.000 đ`), the English convention in English (`81.34`, `1,500,000 VND`).
/// Dates and times are `LocalTime`'s (`dd/mm/yyyy hh:mm`, never seconds).
enum Format {
    /// A language's way of writing numbers: the decimal mark, the thousands separator, the currency.
    private struct Style {
        let decimal: String
        let group: Character
        let currency: String
    }

    private static let vietnamese = Style(decimal: ",", group: ".", currency: " đ")
    private static let english = Style(decimal: ".", group: ",", currency: " VND")

    private static func style(en: Bool) -> Style {
        if en { return english }
        return vietnamese
    }

    /// At most `digits` decimals, trailing zeros dropped; "—" for nil.
    static func number(_ value: Double?, en: Bool, digits: Int = 2) -> String {
        guard let value, value.isFinite else { return "—" }
        let scale = pow(10, Double(digits))
        let rounded = (value * scale).rounded() / scale
        let whole = rounded.rounded(.towardZero)
        var text = grouped(Int(abs(whole)), en: en)
        var fraction = String(format: "%.\(digits)f", abs(rounded - whole)).dropFirst(2)
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        if !fraction.isEmpty { text += style(en: en).decimal + fraction }
        return (rounded < 0 ? "−" : "") + text
    }

    /// `81,3%` / `81.3%`; "—" for nil (nothing to measure).
    static func percent(_ value: Double?, en: Bool, digits: Int = 1) -> String {
        guard let value, value.isFinite else { return "—" }
        return number(value, en: en, digits: digits) + "%"
    }

    /// A change with its sign: `+2,5`, `−1`, `0`.
    static func change(_ value: Double, en: Bool, digits: Int = 1) -> String {
        let text = number(value, en: en, digits: digits)
        return text == "0" || text.hasPrefix("−") ? text : "+" + text
    }

    /// `1.500.000 đ` / `1,500,000 VND`.
    static func money(_ amount: Int, en: Bool) -> String {
        (amount < 0 ? "−" : "") + grouped(abs(amount), en: en) + style(en: en).currency
    }

    /// A fee line: its name as the catalogue gives it (Vietnamese data: `Lệ phí`) and the amount,
    /// `1.500.000 đ`, or free (`Miễn phí`) when nothing is charged. Templates write
    /// `<span lang="vi">#(f.name)</span>#(":") #(f.amount)`.
    struct FeeLine: Encodable {
        let name: String
        let amount: String
    }

    static func fee(_ fee: Procedure.Fee, en: Bool) -> FeeLine {
        FeeLine(name: fee.description, amount: fee.amountVND == 0 ? Messages.text("ui.free", en: en) : money(fee.amountVND, en: en))
    }

    /// A processing time in the page language: `3 ngày làm việc`, `1 working day`, `3 working days`.
    static func processingTime(_ time: ProcessingTime, en: Bool) -> String {
        let number = number(time.amount, en: en)
        let key: String = switch (time.unit, time.amount == 1) {
        case (.workingDays, true): "processing-time.working-day"
        case (.workingDays, false): "processing-time.working-days"
        case (.workingHours, true): "processing-time.working-hour"
        case (.workingHours, false): "processing-time.working-hours"
        case (.calendarDays, true): "processing-time.calendar-day"
        case (.calendarDays, false): "processing-time.calendar-days"
        case (.months, true): "processing-time.month"
        case (.months, false): "processing-time.months"
        }
        return Messages.text(key, en: en, ["n": number])
    }

    /// `1 working day`, `10 working days` (the days of an inter-agency step).
    static func workingDays(_ days: Int, en: Bool) -> String {
        processingTime(ProcessingTime(amount: Double(days), unit: .workingDays), en: en)
    }

    /// How a dossier may be submitted, in the page language.
    static func method(_ method: Procedure.Method, en: Bool) -> String {
        switch method {
        case .counter: Messages.text("procedure.method.counter", en: en)
        case .online: Messages.text("procedure.method.online", en: en)
        case .post: Messages.text("procedure.method.post", en: en)
        }
    }

    /// A count: `12.345` / `12,345`.
    static func count(_ n: Int, en: Bool) -> String { (n < 0 ? "−" : "") + grouped(abs(n), en: en) }

    private static func grouped(_ n: Int, en: Bool) -> String {
        let digits = String(n)
        let separator = style(en: en).group
        var out = ""
        for (index, char) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(separator) }
            out.append(char)
        }
        return String(out.reversed())
    }
}
