/// A role granted to a user on a unit and everything below it.
public struct RoleGrant: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<RoleGrant>
    public var id: ID
    public var role: Role
    public var unitID: OrgUnit.ID

    public init(id: ID, role: Role, unitID: OrgUnit.ID) {
        self.id = id
        self.role = role
        self.unitID = unitID
    }
}

/// Who is acting, with the grants that decide what they may do.
public struct Principal: Sendable, Hashable {
    public var userID: EntityID<UserAccount>
    public var username: String
    public var displayName: String
    public var grants: [RoleGrant]

    public init(userID: EntityID<UserAccount>, username: String, displayName: String, grants: [RoleGrant]) {
        self.userID = userID
        self.username = username
        self.displayName = displayName
        self.grants = grants
    }

    /// Units whose subtrees hold `permission` for this principal.
    public func scopeRoots(for permission: Permission) -> Set<OrgUnit.ID> {
        Set(grants.filter { $0.role.permissions.contains(permission) }.map(\.unitID))
    }

    /// Whether the principal may perform `permission` on a unit, given the unit's
    /// ancestor chain (the unit itself first, then its parent, up to the root).
    public func may(_ permission: Permission, onUnitWithAncestry ancestry: [OrgUnit.ID]) -> Bool {
        let roots = scopeRoots(for: permission)
        return ancestry.contains { roots.contains($0) }
    }

    /// Whether any grant holds `permission` (for actions that are not about one unit).
    public func mayAnywhere(_ permission: Permission) -> Bool {
        !scopeRoots(for: permission).isEmpty
    }
}

/// A user account (the credentials live in the store, never here).
public struct UserAccount: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<UserAccount>
    public var id: ID
    public var username: String
    public var displayName: String
    public var isActive: Bool
    public var grants: [RoleGrant]
    public var version: Int
    /// Where staff reminders go (the officers' digest, feedback limits, PAR index deadlines); none
    /// without it.
    public var email: String?

    public init(id: ID, username: String, displayName: String, isActive: Bool, grants: [RoleGrant], version: Int = 1, email: String? = nil) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.isActive = isActive
        self.grants = grants
        self.version = version
        self.email = email
    }

    /// A work e-mail address as typed: empty is none, else `Citizen.checkedEmail`.
    public static func checkedEmail(_ raw: String?) throws(DomainError) -> String? {
        guard let raw, !VietnameseText.clean(raw).isEmpty else { return nil }
        return try Citizen.checkedEmail(raw)
    }

    /// The roles whose holders get the officers' daily digest of the dossiers held by their units.
    public static let digestRoles: Set<Role> = [.counterOfficer, .processingOfficer, .unitLeader]

    /// Usernames are 3–64 characters of lower-case letters, digits, dot, dash, underscore or @.
    public static func validUsername(_ raw: String) throws(DomainError) -> String {
        let name = VietnameseText.clean(raw).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-@")
        guard (3...64).contains(name.count), name.allSatisfy({ allowed.contains($0) }) else {
            throw .invalid("Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch, @.",
                           english: "A username has 3–64 characters: a–z, digits, dot, dash, underscore or @.", field: "username")
        }
        return name
    }

    /// A display name as typed, cleaned: 1 to 200 characters.
    public static func validDisplayName(_ raw: String) throws(DomainError) -> String {
        let name = VietnameseText.clean(raw)
        guard (1...200).contains(name.count) else {
            throw .invalid("Họ tên phải có từ 1 đến 200 ký tự.", english: "The display name must be 1 to 200 characters.", field: "displayName")
        }
        return name
    }

    /// An API token's label as typed, cleaned: 1 to 100 characters.
    public static func validTokenName(_ raw: String) throws(DomainError) -> String {
        let label = VietnameseText.clean(raw)
        guard (1...100).contains(label.count) else {
            throw .invalid("Tên token phải có từ 1 đến 100 ký tự.", english: "The token name must be 1 to 100 characters.", field: "name")
        }
        return label
    }

    /// Passwords are at least 10 characters and at most 128 (bcrypt reads 72 bytes).
    public static func checkPassword(_ password: String) throws(DomainError) {
        guard (10...128).contains(password.count), password.utf8.count <= 72 else {
            throw .invalid("Mật khẩu phải có từ 10 đến 72 byte.", english: "A password must be 10 to 72 bytes long.", field: "password")
        }
    }
}
