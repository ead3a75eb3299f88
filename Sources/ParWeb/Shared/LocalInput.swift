import Foundation
import ParCore

/// `<input type="datetime-local">` values, read and written in Việt Nam time.
enum LocalInput {
    static func dateTime(_ date: Date) -> String {
        let local = LocalDateTime(date)
        return local.date.iso + "T" + local.time.description
    }

    static func parseDateTime(_ text: String) -> Date? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let date = LocalDate(iso: String(parts[0])), let time = TimeOfDay(text: String(parts[1].prefix(5))) else {
            return nil
        }
        return VietnamTime.instant(date, time)
    }
}

extension String {
    /// Percent-encoded for a query value.
    var urlQueryEscaped: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// A download name with only safe ASCII (accents dropped), for `Content-Disposition`.
    var asciiFileName: String {
        let folded = VietnameseText.searchKey(self)
        return String(folded.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) ? $0 : "-" })
    }
}
