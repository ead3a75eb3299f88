import FluentKit
import Foundation
import ParCore

/// Row of `units`. `path` is the materialised chain of ids from the root
/// ("/root/…/self/"), so ancestry and subtree checks need no recursive query.
public final class UnitModel: Model, @unchecked Sendable {
    public static let schema = "units"

    @ID(key: .id) public var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "code") var code: String
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @Field(key: "name_search") var nameSearch: String
    @OptionalField(key: "parent_id") var parentID: UUID?
    @Field(key: "path") var path: String
    @OptionalField(key: "valid_from") var validFrom: String?
    @OptionalField(key: "valid_to") var validTo: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    public init() {}

    init(_ unit: OrgUnit, path: String) {
        id = unit.id.rawValue
        apply(unit)
        self.path = path
    }

    func apply(_ unit: OrgUnit) {
        key = unit.key
        code = unit.code
        kind = unit.kind.rawValue
        name = unit.name
        nameSearch = VietnameseText.searchKey(unit.name + " " + unit.code)
        parentID = unit.parentID?.rawValue
        validFrom = unit.validFrom?.iso
        validTo = unit.validTo?.iso
        version = unit.version
    }

    func toDomain() throws -> OrgUnit {
        guard let id else { throw DomainStoreError.corruptRow("units \(key)") }
        return try Self.domain(id: id, key: key, code: code, kind: kind, name: name, parentID: parentID, validFrom: validFrom,
                               validTo: validTo, version: version)
    }

    /// A unit from its stored columns: the model's and a plain SQL read's one decoder.
    static func domain(id: UUID, key: String, code: String, kind: String, name: String, parentID: UUID?, validFrom: String?,
                       validTo: String?, version: Int) throws -> OrgUnit {
        guard let kind = UnitKind(rawValue: kind) else { throw DomainStoreError.corruptRow("units \(key)") }
        return OrgUnit(id: .init(id), key: key, code: code, kind: kind, name: name, parentID: parentID.map { .init($0) },
                       validFrom: validFrom.flatMap(LocalDate.init(iso:)), validTo: validTo.flatMap(LocalDate.init(iso:)),
                       version: version)
    }

    /// Ancestor ids from this unit up to the root.
    var ancestry: [OrgUnit.ID] {
        UnitModel.ancestry(ofPath: path)
    }

    static func ancestry(ofPath path: String) -> [OrgUnit.ID] {
        lineage(ofPath: path).reversed().map(OrgUnit.ID.init)
    }

    /// The ids of a materialised path, root first (`/root/…/unit/`): the one reader of the path format.
    static func lineage(ofPath path: String) -> [UUID] {
        Array(path.utf8).split(separator: UInt8(ascii: "/")).compactMap(Hex.uuid)
    }

    static func pathSegment(_ id: UUID) -> String { Hex.lowercaseUUIDString(id) + "/" }
}

/// Row of `reorganisations`.
final class ReorganisationModel: Model, @unchecked Sendable {
    static let schema = "reorganisations"
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "effective_date") var effectiveDate: String
    @Field(key: "decision") var decision: String
    /// kind|date|decision|predecessor keys|successor keys: the same event imported twice is one row.
    @Field(key: "natural_key") var naturalKey: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// Row of `unit_lineage`: one predecessor → successor link of a reorganisation.
final class LineageModel: Model, @unchecked Sendable {
    static let schema = "unit_lineage"
    @ID(key: .id) var id: UUID?
    @Field(key: "reorganisation_id") var reorganisationID: UUID
    @OptionalField(key: "predecessor_id") var predecessorID: UUID?
    @OptionalField(key: "successor_id") var successorID: UUID?
    @Field(key: "whole") var whole: Bool
    @Field(key: "effective_date") var effectiveDate: String
    init() {}
}

/// Row of `staff_quotas`: one unit, one year.
final class StaffQuotaModel: Model, @unchecked Sendable {
    static let schema = "staff_quotas"
    @ID(key: .id) var id: UUID?
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "year") var year: Int
    @Field(key: "quota_civil_servants") var quotaCivilServants: Int
    @Field(key: "quota_public_employees") var quotaPublicEmployees: Int
    @Field(key: "quota_contracts") var quotaContracts: Int
    @Field(key: "quota_leaders") var quotaLeaders: Int
    @Field(key: "actual_civil_servants") var actualCivilServants: Int
    @Field(key: "actual_public_employees") var actualPublicEmployees: Int
    @Field(key: "actual_contracts") var actualContracts: Int
    @Field(key: "actual_leaders") var actualLeaders: Int
    @Field(key: "version") var version: Int
    init() {}

    func apply(_ quota: StaffQuota) {
        unitID = quota.unitID.rawValue
        year = quota.year
        quotaCivilServants = quota.quota.civilServants
        quotaPublicEmployees = quota.quota.publicEmployees
        quotaContracts = quota.quota.contracts
        quotaLeaders = quota.quota.leaders
        actualCivilServants = quota.actual.civilServants
        actualPublicEmployees = quota.actual.publicEmployees
        actualContracts = quota.actual.contracts
        actualLeaders = quota.actual.leaders
        version = quota.version
    }

    func toDomain() -> StaffQuota {
        StaffQuota(unitID: .init(unitID), year: year,
                   quota: .init(civilServants: quotaCivilServants, publicEmployees: quotaPublicEmployees,
                                contracts: quotaContracts, leaders: quotaLeaders),
                   actual: .init(civilServants: actualCivilServants, publicEmployees: actualPublicEmployees,
                                 contracts: actualContracts, leaders: actualLeaders),
                   version: version)
    }
}
