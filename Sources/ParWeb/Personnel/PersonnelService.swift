import Foundation
import ParCore
import ParStore
import Vapor

/// What the personnel API and pages share: who may read or change which person's record
/// (Decree 13/2023 — the unit's leaders and personnel officers, Home Affairs, the person),
/// the audited read of one record, and a unit's rating statistics with last year's change.
enum PersonnelService {
    /// One person's record with moves and ratings.
    struct Record: Sendable {
        var person: Person
        var moves: [PersonMove]
        var ratings: [QualityRating]
    }

    /// A unit's statistics for a year per rated kind, with the same kind's figures the year before.
    struct Statistics: Sendable {
        var unit: UnitRecord
        var year: Int
        var items: [(current: RatingStatistics, previous: RatingStatistics)]
    }

    static func repository(_ request: Request) -> PersonnelRepository { PersonnelRepository(db: request.db) }

    static let notFound = Problem.notFound("Không tìm thấy người này.", english: "No such person.")

    /// The record if the principal may read it — else 404, so a record's existence is not
    /// disclosed — and the read written to the audit log.
    static func read(_ raw: String?, request: Request) async throws -> Record {
        let principal = try request.requirePrincipal()
        let repository = repository(request)
        guard let raw, let id = Person.ID(string: raw), let person = try await repository.find(id),
              let unit = try await request.units.find(person.unitID),
              PersonnelAccess.mayRead(person, principal: principal, ancestry: unit.ancestry) else { throw notFound }
        return try await record(person, request: request)
    }

    /// The signed-in staff member's own record (404 when no record is linked to the account).
    static func mine(_ request: Request) async throws -> Record {
        guard let person = try await repository(request).person(user: try request.requirePrincipal().userID) else {
            throw Problem.notFound("Tài khoản này chưa gắn với hồ sơ cán bộ nào.", english: "No personnel record is linked to this account.")
        }
        return try await record(person, request: request)
    }

    private static func record(_ person: Person, request: Request) async throws -> Record {
        let repository = repository(request)
        try await repository.recordRead(person.id, actor: request.auditActor, now: request.now)
        return Record(person: person, moves: try await repository.moves(of: person.id), ratings: try await repository.ratings(of: person.id))
    }

    /// The person if the principal may change records at their unit (editPersonnel), else 404 / 403.
    static func editable(_ raw: String?, request: Request) async throws -> Person {
        let principal = try request.requirePrincipal()
        guard let raw, let id = Person.ID(string: raw), let person = try await repository(request).find(id),
              let unit = try await request.units.find(person.unitID) else { throw notFound }
        guard principal.may(.editPersonnel, onUnitWithAncestry: unit.ancestry) else {
            throw PersonnelAccess.mayRead(person, principal: principal, ancestry: unit.ancestry) ? Problem.forbidden() : notFound
        }
        return person
    }

    /// A new person at `unit` (editPersonnel), validated by ParCore, stored and audited.
    static func add(_ draft: Person, request: Request) async throws -> Person {
        let unit = try await request.authorizedUnit(draft.unitID.description, .editPersonnel)
        var person = try draft.validated()
        person.unitID = unit.unit.id
        try await linkable(person, request: request)
        return try await repository(request).add(person, actor: request.auditActor, now: request.now)
    }

    /// Replaces a record; moving the person needs editPersonnel on the new unit too.
    static func update(_ raw: String?, draft: Person, expectedVersion: Int?, moveKind: PersonMove.Kind, movedOn: LocalDate?,
                       request: Request) async throws -> Person {
        let before = try await editable(raw, request: request)
        if draft.unitID != before.unitID { _ = try await request.authorizedUnit(draft.unitID.description, .editPersonnel) }
        var checked = try draft.validated()
        checked.id = before.id
        if checked.userID != before.userID { try await linkable(checked, request: request) }
        let replacement = checked
        return try await repository(request).update(before.id, expectedVersion: expectedVersion, moveKind: moveKind, movedOn: movedOn,
                                                    change: { _ in replacement }, actor: request.auditActor, now: request.now)
    }

    /// A staff account may be linked to one record only.
    private static func linkable(_ person: Person, request: Request) async throws {
        guard let user = person.userID else { return }
        guard try await UserRepository(db: request.db).find(user) != nil else {
            throw Problem(DomainError.invalid("Không có tài khoản này.", english: "No such account.", field: "userId"))
        }
        if let other = try await repository(request).person(user: user), other.id != person.id {
            throw Problem(DomainError(.conflict, "Tài khoản này đã gắn với hồ sơ khác.", english: "This account is linked to another record.",
                                      field: "userId"))
        }
    }

    /// Enters a rating (editPersonnel on the person's unit); the level rules are ParCore's.
    static func rate(_ raw: String?, year: Int, score: Double?, disqualification: Disqualification?, level: QualityLevel?,
                     request: Request) async throws -> QualityRating {
        let person = try await editable(raw, request: request)
        let rating = try QualityRating.entered(for: person, year: year, score: score, disqualification: disqualification, level: level)
        try await repository(request).saveRating(rating, person: person, actor: request.auditActor, now: request.now)
        return rating
    }

    /// The unit's (and its subtree's) statistics for `year` and `year − 1` (viewPersonnel).
    static func statistics(_ unit: UnitRecord, year: Int, request: Request) async throws -> Statistics {
        let units = try await request.units.subtreeIDs(of: [unit.unit.id])
        let repository = repository(request)
        let current = try await repository.statistics(units: units, year: year)
        let previous = try await repository.statistics(units: units, year: year - 1)
        return Statistics(unit: unit, year: year, items: current.map { item in
            (item, previous.first { $0.kind == item.kind } ?? RatingStatistics(kind: item.kind, year: year - 1, levels: [], unrated: 0))
        })
    }
}
