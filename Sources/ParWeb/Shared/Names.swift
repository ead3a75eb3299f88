import Foundation
import ParCore
import ParStore
import Vapor

/// Names of procedures and units, looked up once per page.
struct Names {
    let stores: Stores

    var procedures: [Procedure.ID: Procedure] = [:]
    var units: [OrgUnit.ID: OrgUnit] = [:]

    init(_ stores: Stores) { self.stores = stores }

    mutating func procedure(_ id: Procedure.ID) async throws -> Procedure? {
        if let known = procedures[id] { return known }
        let found = try await stores.procedures.find(id)
        procedures[id] = found
        return found
    }

    mutating func unit(_ id: OrgUnit.ID?) async throws -> String {
        guard let id else { return "" }
        if let known = units[id] { return known.name }
        guard let found = try await stores.units.find(id)?.unit else { return "" }
        units[id] = found
        return found.name
    }
}
