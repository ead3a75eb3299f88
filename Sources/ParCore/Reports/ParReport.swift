import Foundation

/// One figure of a PAR report, with the page it comes from.
public struct ReportFigure: Codable, Hashable, Sendable {
    public var key: String
    public var field: PARField
    public var label: String
    public var value: String
    /// The ParHub page the figure is read from (a path), so every number can be checked.
    public var source: String

    public init(key: String, field: PARField, label: String, value: String, source: String) {
        self.key = key
        self.field = field
        self.label = label
        self.value = value
        self.source = source
    }
}

/// A periodic PAR report (báo cáo CCHC quý, 6 tháng, năm) of a unit: per PAR field the usual
/// three parts — results achieved, limitations and causes, tasks for the next period — written
/// by officers around figures ParHub computes. Until finalised the figures are recomputed on
/// every view; finalising freezes them in the report (versioned, audited).
public struct ParReport: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<ParReport>

    public enum Part: String, CaseIterable, Codable, Sendable {
        case results, limitations, next

        public var vietnamese: String {
            switch self {
            case .results: "Kết quả đạt được"
            case .limitations: "Tồn tại, hạn chế và nguyên nhân"
            case .next: "Nhiệm vụ kỳ tới"
            }
        }

        public var english: String {
            switch self {
            case .results: "Results achieved"
            case .limitations: "Limitations and causes"
            case .next: "Tasks for the next period"
            }
        }
    }

    public var id: ID
    public var unitID: OrgUnit.ID
    public var from: LocalDate
    public var through: LocalDate
    public var title: String
    /// Field → part → text.
    public var narrative: [String: [String: String]]
    /// The frozen figures of a finalised report; nil while it is a draft.
    public var figures: [ReportFigure]?
    public var finalisedAt: Date?
    public var version: Int

    public init(id: ID, unitID: OrgUnit.ID, from: LocalDate, through: LocalDate, title: String, narrative: [String: [String: String]] = [:],
                figures: [ReportFigure]? = nil, finalisedAt: Date? = nil, version: Int = 1) {
        self.id = id
        self.unitID = unitID
        self.from = from
        self.through = through
        self.title = title
        self.narrative = narrative
        self.figures = figures
        self.finalisedAt = finalisedAt
        self.version = version
    }

    public var isFinal: Bool { finalisedAt != nil }

    /// A draft changes until it is finalised; a final report's figures and text never change.
    public func checkChangeable() throws(DomainError) {
        guard !isFinal else {
            throw DomainError(.conflict, "Báo cáo đã hoàn thành; số liệu và nội dung không thay đổi nữa.", english: "The report is final and no longer changes.")
        }
    }

    /// A new draft of `unit` for `period`, titled (cleaned, up to 300 characters).
    public static func draft(unit: OrgUnit.ID, period: ReportPeriod, title raw: String) throws(DomainError) -> ParReport {
        let title = VietnameseText.clean(raw)
        guard !title.isEmpty, title.unicodeScalars.count <= 300 else {
            throw .invalid("Cần tên báo cáo (tối đa 300 ký tự).", english: "A title is required (up to 300 characters).", field: "title")
        }
        return ParReport(id: .random(), unitID: unit, from: period.from, through: period.through, title: title)
    }

    /// The narrative as stored (field → part → text): texts cleaned (line breaks kept), each at most
    /// 20,000 characters; unknown fields and parts and empty texts left out.
    public static func narrative(_ raw: [String: [String: String]]) throws(DomainError) -> [String: [String: String]] {
        var narrative: [String: [String: String]] = [:]
        for (field, parts) in raw {
            guard PARField(rawValue: field) != nil else { continue }
            for (part, text) in parts {
                guard Part(rawValue: part) != nil else { continue }
                let clean = VietnameseText.cleanMultiline(text)
                guard clean.unicodeScalars.count <= 20_000 else {
                    throw .invalid("Mỗi phần tối đa 20.000 ký tự.", english: "Each part is at most 20,000 characters.", field: "\(field)-\(part)")
                }
                if !clean.isEmpty { narrative[field, default: [:]][part] = clean }
            }
        }
        return narrative
    }

    public func text(_ field: PARField, _ part: Part) -> String { narrative[field.rawValue]?[part.rawValue] ?? "" }
}
