import Foundation

/// A PAR inspection visit (kiểm tra CCHC): planned in the yearly inspection plan (usually
/// April to December), announced to the unit or unannounced, at its headquarters, its
/// one-stop counter or its citizen reception point.
public struct Inspection: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<Inspection>

    public enum Kind: String, CaseIterable, Codable, Sendable {
        case announced, unannounced

        public var vietnamese: String { self == .announced ? "Theo kế hoạch, có thông báo" : "Đột xuất, không báo trước" }
        public var english: String { self == .announced ? "Announced" : "Unannounced" }
    }

    public enum Place: String, CaseIterable, Codable, Sendable {
        case headquarters, counter, reception

        public var vietnamese: String {
            switch self {
            case .headquarters: "Trụ sở cơ quan"
            case .counter: "Bộ phận một cửa"
            case .reception: "Nơi tiếp công dân"
            }
        }

        public var english: String {
            switch self {
            case .headquarters: "Headquarters"
            case .counter: "One-stop counter"
            case .reception: "Citizen reception point"
            }
        }
    }

    public var id: ID
    public var unitID: OrgUnit.ID
    public var kind: Kind
    public var place: Place
    public var startsAt: Date
    public var purpose: String
    /// The team's members, as named in the decision forming it.
    public var team: [String]
    public var conclusion: String?
    public var concludedAt: Date?

    public init(id: ID, unitID: OrgUnit.ID, kind: Kind, place: Place, startsAt: Date, purpose: String, team: [String],
                conclusion: String? = nil, concludedAt: Date? = nil) {
        self.id = id
        self.unitID = unitID
        self.kind = kind
        self.place = place
        self.startsAt = startsAt
        self.purpose = purpose
        self.team = team
        self.conclusion = conclusion
        self.concludedAt = concludedAt
    }

    public var year: Int { VietnamTime.localDate(of: startsAt).year }

    /// Texts cleaned and checked: a purpose, one to twenty team members.
    public func normalised() throws(DomainError) -> Inspection {
        var copy = self
        copy.purpose = VietnameseText.clean(purpose)
        copy.team = team.map(VietnameseText.clean).filter { !$0.isEmpty }
        guard !copy.purpose.isEmpty, copy.purpose.unicodeScalars.count <= 1000 else {
            throw .invalid("Cần nội dung kiểm tra (tối đa 1.000 ký tự).", english: "A purpose is required (up to 1,000 characters).", field: "purpose")
        }
        guard (1...20).contains(copy.team.count), copy.team.allSatisfy({ $0.unicodeScalars.count <= 200 }) else {
            throw .invalid("Đoàn kiểm tra có từ 1 đến 20 thành viên.", english: "A team has 1 to 20 members.", field: "team")
        }
        guard VietnamTime.isRepresentable(startsAt), (2000...2100).contains(copy.year) else {
            throw .invalid("Thời gian kiểm tra không hợp lệ.", english: "Not a valid start.", field: "startsAt")
        }
        return copy
    }

    /// A conclusion as written (cleaned and checked), with at most 50 follow-ups.
    public static func conclusion(_ raw: String, followUps: [FollowUp]) throws(DomainError) -> String {
        let conclusion = VietnameseText.clean(raw)
        guard !conclusion.isEmpty, conclusion.unicodeScalars.count <= 20_000 else {
            throw .invalid("Cần nội dung kết luận (tối đa 20.000 ký tự).", english: "A conclusion is required (up to 20,000 characters).", field: "conclusion")
        }
        guard followUps.count <= 50 else {
            throw .invalid("Tối đa 50 nhiệm vụ sau kiểm tra.", english: "At most 50 follow-ups.", field: "followUps")
        }
        return conclusion
    }

    /// Whether it may be concluded `now`: once (a conclusion is final), and not before the visit starts.
    public func checkConcludable(now: Date) throws(DomainError) {
        guard concludedAt == nil else {
            throw DomainError(.conflict, "Cuộc kiểm tra đã có kết luận.", english: "The inspection is already concluded.")
        }
        guard now >= startsAt else {
            throw DomainError(.conflict, "Chưa đến thời gian kiểm tra.", english: "The inspection has not started yet.")
        }
    }
}

/// A follow-up the inspected unit must carry out: it becomes a task of that unit's plan.
public struct FollowUp: Sendable, Equatable {
    public var title: String
    public var field: PARField
    public var deadline: LocalDate

    public init(title: String, field: PARField, deadline: LocalDate) {
        self.title = title
        self.field = field
        self.deadline = deadline
    }
}

/// What an inspection found.
public struct InspectionFinding: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<InspectionFinding>

    public enum Category: String, CaseIterable, Codable, Sendable {
        /// Kết quả đạt được.
        case achievement
        /// Sáng kiến, mô hình hay cần nhân rộng.
        case initiative
        /// Tồn tại, hạn chế (with its causes).
        case shortcoming
        /// Kiến nghị.
        case recommendation

        public var vietnamese: String {
            switch self {
            case .achievement: "Kết quả đạt được"
            case .initiative: "Sáng kiến, mô hình cần nhân rộng"
            case .shortcoming: "Tồn tại, hạn chế"
            case .recommendation: "Kiến nghị"
            }
        }

        public var english: String {
            switch self {
            case .achievement: "Results achieved"
            case .initiative: "Initiative worth replicating"
            case .shortcoming: "Shortcoming"
            case .recommendation: "Recommendation"
            }
        }
    }

    public var id: ID
    public var inspectionID: Inspection.ID
    public var category: Category
    public var text: String
    /// The causes of a shortcoming.
    public var cause: String?

    public init(id: ID, inspectionID: Inspection.ID, category: Category, text: String, cause: String? = nil) {
        self.id = id
        self.inspectionID = inspectionID
        self.category = category
        self.text = text
        self.cause = cause
    }

    /// A new finding from what the inspector wrote: texts cleaned and checked (a text of up to 4,000
    /// characters, a cause of up to 2,000); only a shortcoming keeps its cause.
    public static func drafted(in inspection: Inspection.ID, category: Category, text raw: String,
                               cause rawCause: String?) throws(DomainError) -> InspectionFinding {
        let text = VietnameseText.clean(raw), cause = rawCause.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        guard !text.isEmpty, text.unicodeScalars.count <= 4000, (cause?.unicodeScalars.count ?? 0) <= 2000 else {
            throw .invalid("Cần nội dung (tối đa 4.000 ký tự).", english: "A text is required (up to 4,000 characters).", field: "text")
        }
        return InspectionFinding(id: .random(), inspectionID: inspection, category: category, text: text,
                                 cause: category == .shortcoming ? cause : nil)
    }
}

/// Who may see an unannounced inspection before it starts (seed 000: it "must stay invisible
/// to the inspected unit until it happens").
///
/// A grant on unit G makes the principal one of the staff of G and of every unit above G,
/// as far as inspections go: an unannounced inspection of any of those units is hidden from
/// them — in pages, API, search, exports, notices and counts — until its start. Staff of
/// the units above (the Department of Home Affairs at the province, say) are not hidden from.
public enum InspectionVisibility {
    /// The units whose unannounced inspections this principal must not see before they
    /// start: each grant's unit and its ancestors (`grantAncestries`: one ancestor chain per
    /// grant, the granted unit first).
    public static func shieldedUnits(grantAncestries: [[OrgUnit.ID]]) -> Set<OrgUnit.ID> {
        Set(grantAncestries.flatMap { $0 })
    }

    public static func isHidden(_ inspection: Inspection, shielded: Set<OrgUnit.ID>, now: Date) -> Bool {
        inspection.kind == .unannounced && now < inspection.startsAt && shielded.contains(inspection.unitID)
    }
}
