import Foundation

/// What a counter officer typed in the queue's one search box, read as every thing it could be: a dossier
/// code (with or without its dots), part of the applicant's name (without diacritics), an ID number
/// (CMND 9 digits, CCCD 12) or a phone number (10 digits, `+84`/`84` read as `0`). ID numbers and
/// phones are compared by their keys (`idNumberKey`, `phoneKey`), which the store keeps hashed.
public struct DossierSearch: Sendable, Equatable {
    /// The code as typed, upper case, without dots or spaces: matched against codes without dots.
    public var codeKey: String?
    /// The name's search key (`VietnameseText.searchKey`), when the text has letters and no digit (names have none).
    public var nameKey: String?
    public var idNumber: String?
    public var phone: String?

    /// nil when there is nothing to search for (empty, or fewer than 3 characters).
    public init?(_ raw: String) {
        let text = VietnameseText.clean(raw)
        guard text.count >= 3, text.count <= 100 else { return nil }
        let compact = text.uppercased().filter { $0 != "." && $0 != " " }
        codeKey = compact.contains(where: \.isNumber) ? compact : nil
        nameKey = text.contains(where: \.isLetter) && !text.contains(where: \.isNumber) ? VietnameseText.searchKey(text) : nil
        idNumber = Self.idNumberKey(text)
        phone = Self.phoneKey(text)
    }

    /// An ID number's digits, when they make one: 9 (CMND) or 12 (CCCD) digits, spaces and dots ignored.
    public static func idNumberKey(_ raw: String?) -> String? {
        guard let raw, let digits = digitsOnly(raw), digits.count == 9 || digits.count == 12 else { return nil }
        return digits
    }

    /// A Vietnamese phone number as 10 digits starting with 0: `+84 912 345 678`, `84912345678` and
    /// `0912.345.678` are one number.
    public static func phoneKey(_ raw: String?) -> String? {
        guard let raw, var digits = digitsOnly(raw.replacingOccurrences(of: "+", with: "")) else { return nil }
        if digits.hasPrefix("84"), digits.count == 11 { digits = "0" + digits.dropFirst(2) }
        return digits.count == 10 && digits.hasPrefix("0") ? digits : nil
    }

    /// The digits of a text made only of digits and separators (space, dot, hyphen); nil otherwise.
    private static func digitsOnly(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == " " || $0 == "." || $0 == "-") }) else { return nil }
        let digits = text.filter(\.isNumber)
        return digits.isEmpty ? nil : digits
    }
}
