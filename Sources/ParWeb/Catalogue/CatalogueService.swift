import Foundation
import ParCore
import ParStore
import Vapor

/// The catalogue feature's checks, shared by its API handlers and its pages.
enum CatalogueService {
    /// Publishing a province-level procedure needs editCatalogue on its unit; a commune-level one, anywhere.
    static func requireEdit(_ unitID: OrgUnit.ID?, access: Access) async throws {
        if let unitID {
            _ = try await access.authorizedUnit(unitID.description, .editCatalogue)
        } else {
            try access.request.requirePrincipal().require(.editCatalogue)
        }
    }
}
