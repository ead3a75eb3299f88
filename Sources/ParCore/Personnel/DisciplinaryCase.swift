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

        /// The day Decree 172/2025/NĐ-CP took effect: from it a civil servant's forms are four
        /// (salary-step demotion and demotion were abolished).
        public static let decree172 = LocalDate(year: 2025, month: 7, day: 1)!

        /// The forms the law allows for a decision on `day` about a person of `kind`, a leader or
        /// manager (holding a leadership post) or not:
        /// - civil servants from 1 July 2025 (Decree 172/2025/NĐ-CP): reprimand, warning, dismissal
        ///   from post (leaders and managers only), forced resignation;
        /// - civil servants before (Law 22/2008 art. 79 as amended by Law 52/2019): also salary-step
        ///   demotion for those without a post and demotion for leaders and managers;
        /// - public employees (Law 58/2010 art. 52 as amended by Law 52/2019): reprimand, warning,
        ///   dismissal from post (managers only), forced resignation;
        /// - contract staff: none.
        public static func allowed(for kind: Person.Kind, leader: Bool, on day: LocalDate) -> [Form] {
            switch kind {
            case .contract: []
            case .civilServant where day < decree172:
                leader ? [.reprimand, .warning, .demotion, .dismissal, .forcedResignation] : [.reprimand, .warning, .salaryDemotion, .forcedResignation]
            case .civilServant, .publicEmployee:
                leader ? [.reprimand, .warning, .dismissal, .forcedResignation] : [.reprimand, .warning, .forcedResignation]
            }
        }

        /// As above for `person` (a leader when they hold a leadership post).
        public static func allowed(for person: Person, on day: LocalDate) -> [Form] {
            allowed(for: person.kind, leader: person.leadershipPost != nil, on: day)
        }

        /// The forms to offer for a decision about `person` made up to `today`: those allowed today,
        /// then those a decision dated before Decree 172 could still carry (`earlierOnly`).
        public static func offered(for person: Person, today: LocalDate) -> [(form: Form, earlierOnly: Bool)] {
            let now = allowed(for: person, on: today)
            let before = allowed(for: person, on: decree172.adding(days: -1)).filter { !now.contains($0) }
            return now.map { ($0, false) } + before.map { ($0, true) }
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

    /// Closes the case with a decision; the form must be one the law allows, on the day of the
    /// decision, for the person's kind and post (`Form.allowed`).
    public func decided(_ form: Form, on day: LocalDate, number raw: String, person: Person, today: LocalDate) throws(DomainError) -> DisciplinaryCase {
        guard state == .open else {
            throw DomainError(.conflict, "Vụ việc đã được kết thúc.", english: "The case is already closed.")
        }
        let allowed = Form.allowed(for: person, on: day)
        guard allowed.contains(form) else {
            throw .invalid("Hình thức kỷ luật này không áp dụng cho \(person.kind.vietnamese.lowercased())"
                           + "\(person.leadershipPost == nil ? " không giữ chức vụ lãnh đạo, quản lý" : "") vào ngày quyết định; được áp dụng: "
                           + allowed.map { $0.vietnamese.lowercased() }.joined(separator: ", ") + ".",
                           english: "This form of discipline does not apply to a \(person.kind.english.lowercased())"
                           + "\(person.leadershipPost == nil ? " without a leadership post" : "") on the day of the decision; allowed: "
                           + allowed.map { $0.english.lowercased() }.joined(separator: ", ") + ".", field: "form")
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
