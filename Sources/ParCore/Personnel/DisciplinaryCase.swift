import Foundation

/// A disciplinary case (xử lý kỷ luật) against a civil servant or public employee: opened when
/// the breach is discovered, closed by a decision with its form of discipline or dropped.
/// Named apart from the meeting and commitment "discipline" pages (Oversight), which are about units.
///
/// The time limit (Law on Cadres and Civil Servants 22/2008, art. 80, as amended by Law
/// 52/2019/QH14; Law on Public Employees 58/2010, art. 53, likewise): at most 90 days from the
/// discovery of the breach to the decision, at most 150 for a complex case that needs inspection
/// to clarify it. ParHub counts calendar days, the day of discovery as day 0.
public struct DisciplinaryCase: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<DisciplinaryCase>

    /// The forms of discipline (Law 22/2008 art. 79 for civil servants; Law 58/2010 art. 52 for
    /// public employees), lightest first.
    public enum Form: String, CaseIterable, Codable, Sendable {
        case reprimand
        case warning
        case salaryDemotion = "salary_demotion"
        case demotion
        case dismissal
        case forcedResignation = "forced_resignation"

        public var vietnamese: String {
            switch self {
            case .reprimand: "Khiển trách"
            case .warning: "Cảnh cáo"
            case .salaryDemotion: "Hạ bậc lương"
            case .demotion: "Giáng chức"
            case .dismissal: "Cách chức"
            case .forcedResignation: "Buộc thôi việc"
            }
        }

        public var english: String {
            switch self {
            case .reprimand: "Reprimand"
            case .warning: "Warning"
            case .salaryDemotion: "Salary step demotion"
            case .demotion: "Demotion"
            case .dismissal: "Dismissal from post"
            case .forcedResignation: "Forced resignation"
            }
        }

        /// The forms the law allows for `kind` (public employees have no salary step or rank demotion).
        public static func allowed(for kind: Person.Kind) -> [Form] {
            switch kind {
            case .civilServant: allCases
            case .publicEmployee: [.reprimand, .warning, .dismissal, .forcedResignation]
            case .contract: []
            }
        }
    }

    public enum State: String, Codable, Sendable {
        case open
        case decided
        /// Closed without discipline (no breach found, or the limitation period had run).
        case dropped
    }

    public var id: ID
    public var personID: Person.ID
    public var discoveredOn: LocalDate
    /// A complex case that needs inspection or verification: the limit is 150 days, not 90.
    public var complex: Bool
    public var summary: String
    public var state: State
    public var form: Form?
    public var decidedOn: LocalDate?
    public var decisionNumber: String?
    public var version: Int

    public init(id: ID, personID: Person.ID, discoveredOn: LocalDate, complex: Bool, summary: String, state: State = .open,
                form: Form? = nil, decidedOn: LocalDate? = nil, decisionNumber: String? = nil, version: Int = 1) {
        self.id = id
        self.personID = personID
        self.discoveredOn = discoveredOn
        self.complex = complex
        self.summary = summary
        self.state = state
        self.form = form
        self.decidedOn = decidedOn
        self.decisionNumber = decisionNumber
        self.version = version
    }

    /// The last day a decision is due: day of discovery + 90 (complex: 150) calendar days.
    public var deadline: LocalDate { discoveredOn.adding(days: complex ? 150 : 90) }

    /// Open after its last day.
    public func isOverdue(today: LocalDate) -> Bool { state == .open && today > deadline }

    /// Whether it rules out completing tasks in `year` (Decree 335/2025, levels of civil servants,
    /// clause 4c: disciplined by reprimand or heavier in the rated year) — every form is at least a reprimand.
    public func disqualifies(year: Int) -> Bool { state == .decided && decidedOn?.year == year }

    /// A case opened against `person`, checked.
    public static func opened(against person: Person, discoveredOn: LocalDate, complex: Bool, summary raw: String,
                              today: LocalDate) throws(DomainError) -> DisciplinaryCase {
        guard person.kind != .contract else {
            throw .invalid("Người lao động hợp đồng không bị xử lý kỷ luật theo Luật Cán bộ, công chức hoặc Luật Viên chức.",
                           english: "Contract staff are not disciplined under the laws on civil servants or public employees.", field: "kind")
        }
        let summary = VietnameseText.clean(raw)
        guard !summary.isEmpty, summary.unicodeScalars.count <= 1000 else {
            throw .invalid("Cần nội dung vi phạm (tối đa 1000 ký tự).", english: "A summary of the breach is required (up to 1000 characters).",
                           field: "summary")
        }
        guard discoveredOn <= today, discoveredOn.year >= 2000 else {
            throw .invalid("Ngày phát hiện vi phạm không hợp lệ.", english: "Not a valid day of discovery.", field: "discoveredOn")
        }
        return DisciplinaryCase(id: .random(), personID: person.id, discoveredOn: discoveredOn, complex: complex, summary: summary)
    }

    /// Closes the case with a decision; the form must be one the law allows for the person's kind.
    public func decided(_ form: Form, on day: LocalDate, number raw: String, kind: Person.Kind, today: LocalDate) throws(DomainError) -> DisciplinaryCase {
        guard state == .open else {
            throw DomainError(.conflict, "Vụ việc đã được kết thúc.", english: "The case is already closed.")
        }
        guard Form.allowed(for: kind).contains(form) else {
            throw .invalid("Hình thức kỷ luật này không áp dụng cho \(kind.vietnamese.lowercased()).",
                           english: "This form of discipline does not apply to a \(kind.english.lowercased()).", field: "form")
        }
        guard day >= discoveredOn, day <= today else {
            throw .invalid("Ngày quyết định phải từ ngày phát hiện đến hôm nay.", english: "The decision falls between discovery and today.",
                           field: "decidedOn")
        }
        let number = VietnameseText.clean(raw)
        guard !number.isEmpty, number.unicodeScalars.count <= 100 else {
            throw .invalid("Cần số quyết định.", english: "A decision number is required.", field: "decisionNumber")
        }
        var closed = self
        closed.state = .decided
        closed.form = form
        closed.decidedOn = day
        closed.decisionNumber = number
        return closed
    }

    /// Closes the case without discipline.
    public func dropped(on day: LocalDate, today: LocalDate) throws(DomainError) -> DisciplinaryCase {
        guard state == .open else {
            throw DomainError(.conflict, "Vụ việc đã được kết thúc.", english: "The case is already closed.")
        }
        guard day >= discoveredOn, day <= today else {
            throw .invalid("Ngày kết thúc phải từ ngày phát hiện đến hôm nay.", english: "The closing day falls between discovery and today.",
                           field: "decidedOn")
        }
        var closed = self
        closed.state = .dropped
        closed.decidedOn = day
        return closed
    }
}
