/// Staff quotas (biên chế) of a unit for one year, and the actual headcount.
public struct StaffQuota: Hashable, Sendable, Codable {
    /// A quota or headcount split by kind of post.
    public struct Posts: Hashable, Sendable, Codable {
        /// Biên chế công chức — civil-servant posts.
        public var civilServants: Int
        /// Biên chế viên chức — public-employee posts (paid from the state budget).
        public var publicEmployees: Int
        /// Hợp đồng lao động — contract posts.
        public var contracts: Int
        /// Vị trí lãnh đạo, quản lý — leadership posts.
        public var leaders: Int

        public init(civilServants: Int, publicEmployees: Int, contracts: Int, leaders: Int) {
            self.civilServants = civilServants
            self.publicEmployees = publicEmployees
            self.contracts = contracts
            self.leaders = leaders
        }

        public static let zero = Posts(civilServants: 0, publicEmployees: 0, contracts: 0, leaders: 0)

        /// All posts except leaders, who are counted inside the other kinds.
        public var total: Int { civilServants + publicEmployees + contracts }

        public static func + (lhs: Posts, rhs: Posts) -> Posts {
            Posts(civilServants: lhs.civilServants + rhs.civilServants,
                  publicEmployees: lhs.publicEmployees + rhs.publicEmployees,
                  contracts: lhs.contracts + rhs.contracts,
                  leaders: lhs.leaders + rhs.leaders)
        }

        var all: [Int] { [civilServants, publicEmployees, contracts, leaders] }
    }

    public var unitID: OrgUnit.ID
    public var year: Int
    public var quota: Posts
    public var actual: Posts
    public var version: Int
    /// The actual headcount was counted from the unit's people records (`Headcount`) at the
    /// year's end, not entered; the entered figure stays for units without records.
    public var actualFromRecords: Bool

    public init(unitID: OrgUnit.ID, year: Int, quota: Posts, actual: Posts, version: Int = 1, actualFromRecords: Bool = false) {
        self.unitID = unitID
        self.year = year
        self.quota = quota
        self.actual = actual
        self.version = version
        self.actualFromRecords = actualFromRecords
    }

    /// This quota with its actual headcount counted from records, when `counted` has the unit.
    public func counted(_ counted: [OrgUnit.ID: Posts]) -> StaffQuota {
        guard let posts = counted[unitID] else { return self }
        var quota = self
        quota.actual = posts
        quota.actualFromRecords = true
        return quota
    }

    /// Quotas are whole, non-negative numbers of posts in a plausible year.
    public func validated() throws(DomainError) -> StaffQuota {
        guard (1945...2100).contains(year) else {
            throw .invalid("Năm phải trong khoảng 1945–2100.", english: "The year must be between 1945 and 2100.", field: "year")
        }
        guard (quota.all + actual.all).allSatisfy({ (0...1_000_000).contains($0) }) else {
            throw .invalid("Số biên chế phải là số nguyên từ 0 đến 1.000.000.", english: "Posts must be whole numbers from 0 to 1,000,000.", field: "quota")
        }
        guard quota.leaders <= quota.total || quota.total == 0 else {
            throw .invalid("Số lãnh đạo không được vượt tổng biên chế.", english: "Leadership posts cannot exceed the total quota.", field: "quota.leaders")
        }
        return self
    }
}
