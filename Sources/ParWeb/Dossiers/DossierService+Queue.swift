import Foundation
import ParCore
import ParStore
import Vapor

/// The counter's queue, for the page and `listDossiers`/`searchDossiers` alike.
extension DossierService {
    /// The units whose dossiers the queue lists: the officer's own desk units (`Principal.deskUnits`) and
    /// their divisions by default; with `all`, or for a reader without a desk (a leader), every unit below
    /// their viewDossiers grants. `unit` narrows to one unit and its subtree (viewDossiers on it).
    func queueUnits(all: Bool, unit: String? = nil, request: Request) async throws -> [OrgUnit.ID] {
        let principal = try request.requirePrincipal()
        if let unit {
            return try await stores.units.subtreeIDs(of: [try await stores.access(request).authorizedUnit(unit, .viewDossiers).unit.id])
        }
        let roots = principal.scopeRoots(for: .viewDossiers)
        guard !roots.isEmpty else { throw Problem.forbidden() }
        let desks = principal.deskUnits
        if !all, !desks.isEmpty { return try await stores.units.subtreeIDs(of: desks) }
        return try await stores.units.subtreeIDs(of: roots)
    }

    /// The filter of one of the queue's tabs at `now`.
    func queueFilter(_ view: DossierQueueView, units: [OrgUnit.ID], limit: Int, offset: Int,
                            request: Request) async throws -> DossierRepository.QueueFilter {
        try await DossierRepository.QueueFilter(view: view, holderUnits: units, now: request.now,
                                                calendar: try await stores.calendar.calendar(), limit: limit, offset: offset)
    }

    /// Search results are few: a name matches a handful of applicants at one unit.
    static let searchLimit = 50

    /// What was typed in the search box, read (`DossierSearch`), or a 422 problem naming the field.
    func search(_ raw: String, field: String) throws -> DossierSearch {
        guard let search = DossierSearch(raw) else {
            throw Problem(DomainError.invalid("Nhập ít nhất 3 ký tự: mã hồ sơ, tên, số định danh hoặc số điện thoại.",
                                              english: "Type at least 3 characters: a dossier code, a name, an ID number or a phone number.",
                                              field: field))
        }
        return search
    }
}
