import Foundation
import ParCore

/// The detail of a timeline event as a page shows it. The stored detail (`DossierEvent.detail`,
/// `DossierEvent.receiptDetail`) mixes ParHub's own words — how the dossier moved, the form of the
/// result, the channel and the number of components — with what an officer wrote (a reason, a note,
/// the missing items). The page writes the first in its language and the second as written, marked
/// Vietnamese: `#(d.before)<span lang="vi">#(d.data)</span>#(d.after)`.
struct EventDetail: Encodable, Equatable {
    /// ParHub's words before what was written.
    var before = ""
    /// What an officer or citizen wrote, when there is anything.
    var data: String?
    /// ParHub's words after it (the new appointment of an apology).
    var after = ""

    init(before: String = "", data: String? = nil, after: String = "") {
        self.before = before
        self.data = data?.isEmpty == true ? nil : data
        self.after = after
    }

    /// The detail of the event named `name` (`DossierEvent.name`, or `Dossier.receiveEventName`).
    init(name: String, stored: String, en: Bool) {
        switch name {
        case Dossier.receiveEventName:
            // "counter: 3 thành phần"
            let parts = stored.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let channel = DossierChannel(rawValue: parts[0]), parts[1].hasSuffix(" thành phần"),
               let count = Int(parts[1].dropLast(" thành phần".count)) {
                self.init(before: DossierPages.channelLabel(channel, en: en) + ": "
                          + Messages.text("event-detail.components", en: en, ["n": String(count)]))
                return
            }
        case DossierEvent.Kind.forward.rawValue:
            // "điện tử", "giấy", "điện tử: <note>"
            for (word, key) in [("điện tử", "dossier-pages-detail.electronic"), ("giấy", "dossier-pages-detail.paper")] {
                if stored == word {
                    self.init(before: Messages.text(key, en: en))
                    return
                }
                if stored.hasPrefix(word + ": ") {
                    self.init(before: Messages.text(key, en: en) + ": ", data: String(stored.dropFirst(word.count + 2)))
                    return
                }
            }
        case DossierEvent.Kind.markProcessed.rawValue:
            switch stored {
            case "kết quả điện tử":
                self.init(before: Messages.text("event-detail.electronic-result", en: en))
                return
            case "kết quả giấy":
                self.init(before: Messages.text("event-detail.paper-result", en: en))
                return
            default: break
            }
        case DossierEvent.Kind.returnResult.rawValue:
            let key: String? = switch stored {
            case "counter": "dossier.at-the-counter"
            case "post": "dossier.by-post"
            case "electronic": "dossier.electronically"
            default: nil
            }
            if let key {
                self.init(before: Messages.text(key, en: en))
                return
            }
        case DossierEvent.Kind.apologise.rawValue:
            // "<reason> → 2027-01-14T15:13:00Z": the new appointment as pages write times.
            if let arrow = stored.range(of: " → ", options: .backwards),
               let due = ISO8601DateFormatter().date(from: String(stored[arrow.upperBound...])) {
                self.init(data: String(stored[..<arrow.lowerBound]), after: " → " + LocalTime.format(due))
                return
            }
        default: break
        }
        self.init(data: stored)
    }
}
