import Foundation

/// The fields of public administration reform (Resolution 76/NQ-CP, 2021–2030), by which
/// plans, reports and the PAR index are organised.
public enum PARField: String, CaseIterable, Codable, Hashable, Sendable {
    case direction
    case institutions
    case procedures
    case organisation
    case civilService = "civil_service"
    case publicFinance = "public_finance"
    case eGovernment = "e_government"

    public var vietnamese: String {
        switch self {
        case .direction: "Công tác chỉ đạo, điều hành"
        case .institutions: "Cải cách thể chế"
        case .procedures: "Cải cách thủ tục hành chính"
        case .organisation: "Cải cách tổ chức bộ máy"
        case .civilService: "Cải cách chế độ công vụ"
        case .publicFinance: "Cải cách tài chính công"
        case .eGovernment: "Xây dựng chính quyền điện tử, chính quyền số"
        }
    }

    public var english: String {
        switch self {
        case .direction: "Direction and management"
        case .institutions: "Institutional reform"
        case .procedures: "Administrative procedure reform"
        case .organisation: "Organisational reform"
        case .civilService: "Civil service reform"
        case .publicFinance: "Public finance reform"
        case .eGovernment: "E-government and digital government"
        }
    }
}

/// A unit's yearly PAR plan (kế hoạch CCHC).
public struct ParPlan: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<ParPlan>
    public var id: ID
    public var unitID: OrgUnit.ID
    public var year: Int
    public var title: String
    /// The plan it was copied from (the province's, usually).
    public var basedOn: ID?

    public init(id: ID, unitID: OrgUnit.ID, year: Int, title: String, basedOn: ID? = nil) {
        self.id = id
        self.unitID = unitID
        self.year = year
        self.title = title
        self.basedOn = basedOn
    }

    /// A unit's new plan for `year` (2000 to 2100), titled as the province's plans are unless `title` is given.
    public static func new(unit: OrgUnit.ID, year: Int, title: String?, basedOn: ID?) throws(DomainError) -> ParPlan {
        guard (2000...2100).contains(year) else { throw .invalid("Năm không hợp lệ.", english: "Not a valid year.", field: "year") }
        return ParPlan(id: .random(), unitID: unit, year: year, title: title ?? "Kế hoạch cải cách hành chính năm \(year)", basedOn: basedOn)
    }
}

/// A task of a plan: what is to be done, by which division, by when, and how far it got.
public struct PlanTask: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<PlanTask>

    public enum Status: String, CaseIterable, Codable, Sendable {
        case notStarted = "not_started", inProgress = "in_progress", done, cancelled

        public var vietnamese: String {
            switch self {
            case .notStarted: "Chưa thực hiện"
            case .inProgress: "Đang thực hiện"
            case .done: "Hoàn thành"
            case .cancelled: "Hủy bỏ"
            }
        }

        public var english: String {
            switch self {
            case .notStarted: "Not started"
            case .inProgress: "In progress"
            case .done: "Done"
            case .cancelled: "Cancelled"
            }
        }
    }

    /// Where a task came from: the plan itself, or an inspection's follow-up.
    public enum Source: String, Codable, Sendable {
        case plan, inspection
    }

    public var id: ID
    public var planID: ParPlan.ID
    public var field: PARField
    public var title: String
    public var ownerDivision: String
    public var deadline: LocalDate
    public var expectedOutput: String
    /// 0…100.
    public var progress: Int
    public var status: Status
    public var evidence: String
    public var source: Source
    public var inspectionID: Inspection.ID?
    public var completedOn: LocalDate?
    public var version: Int

    public init(id: ID, planID: ParPlan.ID, field: PARField, title: String, ownerDivision: String = "", deadline: LocalDate,
                expectedOutput: String = "", progress: Int = 0, status: Status = .notStarted, evidence: String = "",
                source: Source = .plan, inspectionID: Inspection.ID? = nil, completedOn: LocalDate? = nil, version: Int = 1) {
        self.id = id
        self.planID = planID
        self.field = field
        self.title = title
        self.ownerDivision = ownerDivision
        self.deadline = deadline
        self.expectedOutput = expectedOutput
        self.progress = progress
        self.status = status
        self.evidence = evidence
        self.source = source
        self.inspectionID = inspectionID
        self.completedOn = completedOn
        self.version = version
    }

    /// Late: not done (or cancelled) and its deadline has passed.
    public func isOverdue(today: LocalDate) -> Bool {
        (status == .notStarted || status == .inProgress) && deadline < today
    }

    /// The task with its texts cleaned and its rules applied: a title is required, progress is
    /// 0–100, "done" means 100% and records the day it was done.
    public func normalised(today: LocalDate) throws(DomainError) -> PlanTask {
        var t = self
        t.title = VietnameseText.clean(title)
        t.ownerDivision = VietnameseText.clean(ownerDivision)
        t.expectedOutput = VietnameseText.clean(expectedOutput)
        t.evidence = VietnameseText.clean(evidence)
        guard !t.title.isEmpty, t.title.unicodeScalars.count <= 500 else {
            throw .invalid("Cần tên nhiệm vụ (tối đa 500 ký tự).", english: "A task needs a title (up to 500 characters).", field: "title")
        }
        guard t.ownerDivision.unicodeScalars.count <= 200, t.expectedOutput.unicodeScalars.count <= 1000, t.evidence.unicodeScalars.count <= 2000 else {
            throw .invalid("Nội dung quá dài.", english: "A text is too long.", field: "evidence")
        }
        guard (0...100).contains(progress) else {
            throw .invalid("Tiến độ từ 0 đến 100%.", english: "Progress is 0 to 100%.", field: "progress")
        }
        guard (2000...2100).contains(deadline.year) else {
            throw .invalid("Thời hạn không hợp lệ.", english: "Not a valid deadline.", field: "deadline")
        }
        switch t.status {
        case .done:
            t.progress = 100
            t.completedOn = t.completedOn ?? today
        case .inProgress, .notStarted, .cancelled:
            t.completedOn = nil
        }
        return t
    }
}

/// How far a plan got: tasks done of the tasks not cancelled, and the late ones.
public struct PlanCompletion: Hashable, Sendable {
    public var total: Int
    public var done: Int
    public var doneLate: Int
    public var overdue: Int

    /// done / total, nil for a plan without tasks.
    public var rate: Double? { total > 0 ? Double(done) / Double(total) : nil }

    public init(_ tasks: [PlanTask], today: LocalDate) {
        let counted = tasks.filter { $0.status != .cancelled }
        total = counted.count
        done = counted.filter { $0.status == .done }.count
        overdue = counted.filter { $0.isOverdue(today: today) }.count
        doneLate = counted.filter { task in task.status == .done && (task.completedOn.map { $0 > task.deadline } ?? false) }.count
    }
}
