import Foundation

/// What a unit head committed to for a year (cam kết của người đứng đầu), tied to a measurable
/// target: a Decision 766 indicator, the satisfaction index or the plan's completion rate.
public struct Commitment: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<Commitment>
    public var id: ID
    public var unitID: OrgUnit.ID
    public var year: Int
    public var leader: String
    public var text: String
    /// A 766 indicator id, `sipas.overall` or `plan.completion`.
    public var metric: String
    /// The rate to reach, 0…1.
    public var target: Double

    public init(id: ID, unitID: OrgUnit.ID, year: Int, leader: String, text: String, metric: String, target: Double) {
        self.id = id
        self.unitID = unitID
        self.year = year
        self.leader = leader
        self.text = text
        self.metric = metric
        self.target = target
    }

    public static let planCompletion = "plan.completion"
}

/// A meeting whose attendance matters (seed 003 criticised absences without reason).
public struct Meeting: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<Meeting>

    public enum Attendance: String, CaseIterable, Codable, Sendable {
        case present
        case absentWithReason = "absent_with_reason"
        case absentWithoutReason = "absent_without_reason"
        case leftWithoutReporting = "left_without_reporting"

        public var vietnamese: String {
            switch self {
            case .present: "Có mặt"
            case .absentWithReason: "Vắng có lý do"
            case .absentWithoutReason: "Vắng không lý do"
            case .leftWithoutReporting: "Bỏ về không báo cáo"
            }
        }

        public var english: String {
            switch self {
            case .present: "Present"
            case .absentWithReason: "Absent with reason"
            case .absentWithoutReason: "Absent without reason"
            case .leftWithoutReporting: "Left without reporting"
            }
        }

        /// A breach of discipline.
        public var isBreach: Bool { self == .absentWithoutReason || self == .leftWithoutReporting }
    }

    public struct Attendee: Codable, Hashable, Sendable {
        public var unitID: OrgUnit.ID
        public var person: String
        public var attendance: Attendance?
        public var reason: String?

        public init(unitID: OrgUnit.ID, person: String, attendance: Attendance? = nil, reason: String? = nil) {
            self.unitID = unitID
            self.person = person
            self.attendance = attendance
            self.reason = reason
        }
    }

    public var id: ID
    public var organiserID: OrgUnit.ID
    public var title: String
    public var at: Date
    public var attendees: [Attendee]

    public init(id: ID, organiserID: OrgUnit.ID, title: String, at: Date, attendees: [Attendee]) {
        self.id = id
        self.organiserID = organiserID
        self.title = title
        self.at = at
        self.attendees = attendees
    }
}

/// Monthly figures a unit reports that ParHub cannot count itself, and its ISO 9001 status.
public enum TrackedIndicator: String, CaseIterable, Codable, Sendable {
    /// Share of documents exchanged between agencies electronically (target ≥ 60%).
    case electronicDocuments = "electronic_documents"

    public var target: Double { 0.6 }
}

/// A unit's ISO 9001 quality-management certification (target: maintained in 100% of units).
public struct IsoStatus: Codable, Hashable, Sendable {
    public var unitID: OrgUnit.ID
    public var certificate: String
    public var lastReview: LocalDate?
    public var nextReview: LocalDate?

    public init(unitID: OrgUnit.ID, certificate: String, lastReview: LocalDate?, nextReview: LocalDate?) {
        self.unitID = unitID
        self.certificate = certificate
        self.lastReview = lastReview
        self.nextReview = nextReview
    }

    /// Maintained: certified and the next review not yet overdue.
    public func isMaintained(today: LocalDate) -> Bool {
        !certificate.isEmpty && (nextReview.map { $0 >= today } ?? true)
    }
}
