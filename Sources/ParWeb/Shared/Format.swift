import Foundation
import ParCore

/// How pages write numbers and money, in both languages: a decimal comma and dot-grouped thousands in
/// Vietnamese (`81,34`, `1.500.000 đ`), the English convention in English (`81.34`, `1,500,000 VND`).
/// Dates and times are `LocalTime`'s (`dd/mm/yyyy hh:mm`, never seconds).
enum Format {
    /// At most `digits` decimals, trailing zeros dropped; "—" for nil.
    static func number(_ value: Double?, en: Bool, digits: Int = 2) -> String {
        guard let value, value.isFinite else { return "—" }
        let scale = pow(10, Double(digits))
        let rounded = (value * scale).rounded() / scale
        let whole = rounded.rounded(.towardZero)
        var text = grouped(Int(abs(whole)), en: en)
        var fraction = String(format: "%.\(digits)f", abs(rounded - whole)).dropFirst(2)
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        if !fraction.isEmpty { text += (en ? "." : ",") + fraction }
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
        (amount < 0 ? "−" : "") + grouped(abs(amount), en: en) + (en ? " VND" : " đ")
    }

    /// A fee line: `Lệ phí: 1.500.000 đ`, or free (`Miễn phí`) when nothing is charged.
    static func fee(_ fee: Procedure.Fee, en: Bool) -> String {
        fee.description + ": " + (fee.amountVND == 0 ? Messages.text("ui.free", en: en) : money(fee.amountVND, en: en))
    }

    /// A count: `12.345` / `12,345`.
    static func count(_ n: Int, en: Bool) -> String { (n < 0 ? "−" : "") + grouped(abs(n), en: en) }

    private static func grouped(_ n: Int, en: Bool) -> String {
        let digits = String(n)
        var out = ""
        for (index, char) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(en ? "," : ".") }
            out.append(char)
        }
        return String(out.reversed())
    }
}
