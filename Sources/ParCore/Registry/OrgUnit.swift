/// The kinds of organisation ParHub registers (DOMAIN.md "Organisation").
public enum UnitKind: String, CaseIterable, Codable, Sendable {
    /// UBND tỉnh/thành phố — province or centrally-run city.
    case province
    /// Quận/huyện/thị xã — district level, abolished on 1 July 2025; kept for history.
    case district
    /// Sở, ban, ngành — department or equivalent.
    case department
    /// UBND xã/phường/đặc khu — commune, ward or special zone.
    case commune
    /// Phòng — division inside a unit.
    case division
    /// Đơn vị sự nghiệp công lập — public service unit.
    case publicServiceUnit = "public_service_unit"
    /// Thôn, tổ dân phố — village or residential group.
    case village
    /// Cơ quan ngành dọc — vertically-managed agency located in the area.
    case verticalAgency = "vertical_agency"

    /// Vietnamese label shown in pages.
    public var vietnamese: String {
        switch self {
        case .province: "Tỉnh/thành phố"
        case .district: "Quận/huyện/thị xã"
        case .department: "Sở, ban, ngành"
        case .commune: "Xã/phường/đặc khu"
        case .division: "Phòng"
        case .publicServiceUnit: "Đơn vị sự nghiệp công lập"
        case .village: "Thôn, tổ dân phố"
        case .verticalAgency: "Cơ quan ngành dọc"
        }
    }

    /// English label.
    public var english: String {
        switch self {
        case .province: "Province/city"
        case .district: "District"
        case .department: "Department"
        case .commune: "Commune/ward"
        case .division: "Division"
        case .publicServiceUnit: "Public service unit"
        case .village: "Village/residential group"
        case .verticalAgency: "Vertical agency"
        }
    }
}

/// An organisation unit with its validity period.
///
/// Units are never deleted: a unit abolished by a reorganisation gets a `validTo`
/// date and lineage links to its successors, so history and statistics survive.
public struct OrgUnit: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<OrgUnit>

    public var id: ID
    /// Stable import key, unique in the registry (the official code for current units).
    public var key: String
    /// Official code (GSO code for administrative units, identifier code for agencies).
    public var code: String
    public var kind: UnitKind
    /// Vietnamese name, NFC.
    public var name: String
    public var parentID: ID?
    /// First day the unit exists; `nil` when unknown (before records began).
    public var validFrom: LocalDate?
    /// Last day the unit exists; `nil` while it still exists.
    public var validTo: LocalDate?
    /// Optimistic concurrency version, exposed as the ETag.
    public var version: Int

    public init(id: ID, key: String, code: String, kind: UnitKind, name: String, parentID: ID?,
                validFrom: LocalDate?, validTo: LocalDate?, version: Int = 1) {
        self.id = id
        self.key = key
        self.code = code
        self.kind = kind
        self.name = name
        self.parentID = parentID
        self.validFrom = validFrom
        self.validTo = validTo
        self.version = version
    }

    /// Whether the unit exists on `date` (both ends inclusive).
    public func isValid(on date: LocalDate) -> Bool {
        if let from = validFrom, date < from { return false }
        if let to = validTo, to < date { return false }
        return true
    }

    /// Checks the fields a person enters; returns the unit with cleaned text.
    public func validated() throws(DomainError) -> OrgUnit {
        var unit = self
        unit.key = VietnameseText.clean(key)
        unit.code = VietnameseText.clean(code)
        unit.name = VietnameseText.clean(name)
        guard !unit.key.isEmpty, unit.key.count <= 64 else {
            throw .invalid("Mã khoá phải có từ 1 đến 64 ký tự.", english: "The key must be 1 to 64 characters.", field: "key")
        }
        guard !unit.code.isEmpty, unit.code.count <= 64 else {
            throw .invalid("Mã đơn vị phải có từ 1 đến 64 ký tự.", english: "The code must be 1 to 64 characters.", field: "code")
        }
        guard !unit.name.isEmpty, unit.name.count <= 300 else {
            throw .invalid("Tên đơn vị phải có từ 1 đến 300 ký tự.", english: "The name must be 1 to 300 characters.", field: "name")
        }
        if let from = validFrom, let to = validTo, to < from {
            throw .invalid("Ngày hết hiệu lực phải sau ngày có hiệu lực.", english: "validTo must not be before validFrom.", field: "validTo")
        }
        if parentID == id {
            throw .invalid("Đơn vị không thể là cấp trên của chính nó.", english: "A unit cannot be its own parent.", field: "parentId")
        }
        return unit
    }

    /// Checks a move of `unit` under a parent whose lineage (root first, the parent last) is
    /// `parentLineage`: never under itself or anything of its own subtree.
    public static func checkMove(of unit: ID, underLineage parentLineage: [ID]) throws(DomainError) {
        guard !parentLineage.contains(unit) else {
            throw .invalid("Không thể chuyển đơn vị vào cấp dưới của chính nó.", english: "A unit cannot move under its own subtree.", field: "parentId")
        }
    }
}
