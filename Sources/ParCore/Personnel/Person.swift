import Foundation

/// Someone who works for a unit: a civil servant (công chức), a public employee (viên chức)
/// or contract staff, in a job position (vị trí việc làm) of the unit's approved list.
/// Personal data under Decree 13/2023/NĐ-CP: only the unit's leaders and personnel officers,
/// Home Affairs and the person may read it (`PersonnelAccess`).
public struct Person: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<Person>

    /// What the person is employed as; it decides which rating rules apply.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// Công chức: rated by points under Decree 335/2025/NĐ-CP.
        case civilServant = "civil_servant"
        /// Viên chức: rated by criteria under Decree 90/2020/NĐ-CP as amended by Decree 48/2023/NĐ-CP.
        case publicEmployee = "public_employee"
        /// Hợp đồng lao động: not rated under either decree.
        case contract

        public var vietnamese: String {
            switch self {
            case .civilServant: "Công chức"
            case .publicEmployee: "Viên chức"
            case .contract: "Hợp đồng lao động"
            }
        }

        public var english: String {
            switch self {
            case .civilServant: "Civil servant"
            case .publicEmployee: "Public employee"
            case .contract: "Contract staff"
            }
        }

        /// Whether the yearly quality rating applies.
        public var isRated: Bool { self != .contract }
    }

    public var id: ID
    public var unitID: OrgUnit.ID
    public var fullName: String
    public var kind: Kind
    /// Vị trí việc làm, as named in the unit's approved position list.
    public var position: String
    /// Ngạch (civil servants) or chức danh nghề nghiệp (public employees), e.g. "Chuyên viên".
    public var rank: String?
    /// Chức vụ lãnh đạo, quản lý, e.g. "Phó Giám đốc"; nil for staff without one.
    public var leadershipPost: String?
    /// The day the person started at the unit.
    public var startedOn: LocalDate
    /// The staff account that is this person, so they can read their own record.
    public var userID: UserAccount.ID?
    /// For a position that must be rotated periodically (Law on Anti-Corruption 2018 art. 25,
    /// Decree 59/2019/NĐ-CP art. 36–37): the period in years, 2 to 5; nil when it need not be.
    public var rotationYears: Int?
    public var version: Int

    public init(id: ID, unitID: OrgUnit.ID, fullName: String, kind: Kind, position: String, rank: String? = nil,
                leadershipPost: String? = nil, startedOn: LocalDate, userID: UserAccount.ID? = nil, rotationYears: Int? = nil, version: Int = 1) {
        self.id = id
        self.unitID = unitID
        self.fullName = fullName
        self.kind = kind
        self.position = position
        self.rank = rank
        self.leadershipPost = leadershipPost
        self.startedOn = startedOn
        self.userID = userID
        self.rotationYears = rotationYears
        self.version = version
    }

    /// The record as entered, cleaned (NFC, no invisible characters) and checked.
    public func validated() throws(DomainError) -> Person {
        var person = self
        person.fullName = VietnameseText.clean(fullName)
        person.position = VietnameseText.clean(position)
        person.rank = Self.optional(rank)
        person.leadershipPost = Self.optional(leadershipPost)
        guard !person.fullName.isEmpty, person.fullName.unicodeScalars.count <= 200 else {
            throw .invalid("Cần họ và tên (tối đa 200 ký tự).", english: "A full name is required (up to 200 characters).", field: "fullName")
        }
        guard !person.position.isEmpty, person.position.unicodeScalars.count <= 200 else {
            throw .invalid("Cần vị trí việc làm (tối đa 200 ký tự).", english: "A job position is required (up to 200 characters).", field: "position")
        }
        guard (person.rank?.unicodeScalars.count ?? 0) <= 200 else {
            throw .invalid("Ngạch tối đa 200 ký tự.", english: "A rank is up to 200 characters.", field: "rank")
        }
        guard (person.leadershipPost?.unicodeScalars.count ?? 0) <= 200 else {
            throw .invalid("Chức vụ tối đa 200 ký tự.", english: "A post is up to 200 characters.", field: "leadershipPost")
        }
        guard rotationYears.map({ (2...5).contains($0) }) ?? true else {
            throw .invalid("Thời hạn chuyển đổi vị trí công tác từ 2 đến 5 năm.", english: "A rotation period is 2 to 5 years.", field: "rotationYears")
        }
        guard (1950...2100).contains(startedOn.year) else {
            throw .invalid("Ngày bắt đầu công tác không hợp lệ.", english: "Not a valid start date.", field: "startedOn")
        }
        return person
    }

    private static func optional(_ text: String?) -> String? {
        text.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Who may read and change people's records (Decree 13/2023/NĐ-CP on personal data): the
/// unit's leaders and personnel officers and Home Affairs (`viewPersonnel` on the unit), and
/// the person through their own staff account. Nothing of it is public.
public enum PersonnelAccess {
    /// Whether `principal` may read `person`'s record; `ancestry` is the person's unit and its parents.
    public static func mayRead(_ person: Person, principal: Principal, ancestry: [OrgUnit.ID]) -> Bool {
        person.userID == principal.userID || principal.may(.viewPersonnel, onUnitWithAncestry: ancestry)
    }
}
