import ParCore
import ParStore
import Vapor

/// The one authorisation check every route group calls: a permission on a unit
/// (checked against the unit's ancestry) or a permission anywhere.
extension Principal {
    func require(_ permission: Permission, on record: UnitRecord) throws {
        guard may(permission, onUnitWithAncestry: record.ancestry) else { throw Problem.forbidden() }
    }

    func require(_ permission: Permission) throws {
        guard mayAnywhere(permission) else { throw Problem.forbidden() }
    }
}

/// The checks that need the registry, for one request: a unit its principal holds a permission on.
/// Route collections reach it through their stores: `stores.access(request).authorizedUnit(…)`.
struct Access {
    let request: Request
    let units: UnitRepository

    /// The unit, if it exists and the principal holds `permission` on it (404 / 403 otherwise).
    func authorizedUnit(_ rawID: String?, _ permission: Permission) async throws -> UnitRecord {
        let check = try unitCheck(permission)
        guard let rawID, let id = OrgUnit.ID(string: rawID), let record = try await units.find(id) else { throw Self.unitNotFound }
        try check(record)
        return record
    }

    /// The check `authorizedUnit` makes, for a store that reads the unit in a statement of its own (intake):
    /// 404 for a unit that does not exist (`nil`), 403 for one outside the principal's grants.
    func unitCheck(_ permission: Permission) throws -> @Sendable (UnitRecord?) throws -> Void {
        let principal = try request.requirePrincipal()
        return { record in
            guard let record else { throw Self.unitNotFound }
            try principal.require(permission, on: record)
        }
    }

    static let unitNotFound = Problem.notFound("Không tìm thấy đơn vị.", english: "Unit not found.")

    /// The highest unit the principal holds `permission` on (a leader's landing page).
    func topUnit(for permission: Permission) async throws -> UnitRecord {
        var best: UnitRecord?
        for id in try request.requirePrincipal().scopeRoots(for: permission) {
            if let record = try await units.find(id), best.map({ record.ancestry.count < $0.ancestry.count }) ?? true { best = record }
        }
        guard let best else { throw Problem.forbidden() }
        return best
    }

    /// The permission on at least one of the units (403 otherwise).
    func require(_ principal: Principal, _ permission: Permission, onAnyOf units: [OrgUnit.ID]) async throws {
        for unit in units {
            if let record = try await self.units.find(unit), principal.may(permission, onUnitWithAncestry: record.ancestry) { return }
        }
        throw Problem.forbidden()
    }
}

extension Stores {
    /// The registry's checks for `request` (`Access`).
    func access(_ request: Request) -> Access { Access(request: request, units: units) }
}
