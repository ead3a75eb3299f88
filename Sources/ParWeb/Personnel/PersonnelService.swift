import Foundation
import ParCore
import ParStore
import Vapor

/// What the personnel API and pages share: who may read or change which person's record
/// (Decree 13/2023 — the unit's leaders and personnel officers, Home Affairs, the person),
/// the audited read of one record, and a unit's rating statistics with last year's change.
struct PersonnelService {
    let stores: Stores

    /// One person's record with moves and ratings.
    struct Record: Sendable {
        var person: Person
        var moves: [PersonMove]
        var ratings: [QualityRating]
        var cases: [DisciplinaryCase]
        var training: [TrainingRecord]
    }

    /// A unit's statistics for a year per rated kind, with the same kind's figures the year before.
    struct Statistics: Sendable {
        var unit: UnitRecord
        var year: Int
        var items: [(current: RatingStatistics, previous: RatingStatistics)]
        /// The PAR index figures of the unit's subtree for the year.
        var figures: [(metric: PersonnelMetric, rate: Double?)]
    }

    func repository(_ request: Request) -> PersonnelRepository { stores.personnel }

    static let notFound = Problem.notFound("Không tìm thấy người này.", english: "No such person.")

    /// The record if the principal may read it — else 404, so a record's existence is not
    /// disclosed — and the read written to the audit log (`audited`; a refused form shows again
    /// the record its sender had opened, and a refused change writes nothing).
    func read(_ raw: String?, audited: Bool = true, request: Request) async throws -> Record {
        let principal = try request.requirePrincipal()
        let repository = repository(request)
        guard let raw, let id = Person.ID(string: raw), let person = try await repository.find(id),
              let unit = try await stores.units.find(person.unitID),
              PersonnelAccess.mayRead(person, principal: principal, ancestry: unit.ancestry) else { throw Self.notFound }
        return try await record(person, audited: audited, request: request)
    }

    /// The signed-in staff member's own record (404 when no record is linked to the account).
    func mine(_ request: Request) async throws -> Record {
        guard let person = try await repository(request).person(user: try request.requirePrincipal().userID) else {
            throw Problem.notFound("Tài khoản này chưa gắn với hồ sơ cán bộ nào.", english: "No personnel record is linked to this account.")
        }
        return try await record(person, request: request)
    }

    private func record(_ person: Person, audited: Bool = true, request: Request) async throws -> Record {
        let repository = repository(request)
        if audited { try await repository.recordRead(person.id, actor: request.auditActor, now: request.now) }
        return Record(person: person, moves: try await repository.moves(of: person.id), ratings: try await repository.ratings(of: person.id),
                      cases: try await stores.disciplinaryCases.cases(of: person.id),
                      training: try await repository.training(people: [person.id])[person.id] ?? [])
    }

    /// The person if the principal may change records at their unit (editPersonnel), else 404 / 403.
    func editable(_ raw: String?, request: Request) async throws -> Person {
        let principal = try request.requirePrincipal()
        guard let raw, let id = Person.ID(string: raw), let person = try await repository(request).find(id),
              let unit = try await stores.units.find(person.unitID) else { throw Self.notFound }
        guard principal.may(.editPersonnel, onUnitWithAncestry: unit.ancestry) else {
            throw PersonnelAccess.mayRead(person, principal: principal, ancestry: unit.ancestry) ? Problem.forbidden() : Self.notFound
        }
        return person
    }

    /// A new person at `unit` (editPersonnel), validated by ParCore, stored and audited.
    func add(_ draft: Person, request: Request) async throws -> Person {
        let unit = try await stores.access(request).authorizedUnit(draft.unitID.description, .editPersonnel)
        var person = try await placed(try draft.validated(), request: request)
        person.unitID = unit.unit.id
        try await linkable(person, request: request)
        return try await repository(request).add(person, actor: request.auditActor, now: request.now)
    }

    /// Replaces a record; moving the person needs editPersonnel on the new unit too.
    func update(_ raw: String?, draft: Person, expectedVersion: Int?, moveKind: PersonMove.Kind?, movedOn: LocalDate?,
                       request: Request) async throws -> Person {
        let before = try await editable(raw, request: request)
        if draft.unitID != before.unitID { _ = try await stores.access(request).authorizedUnit(draft.unitID.description, .editPersonnel) }
        var checked = try await placed(try draft.validated(), request: request)
        checked.id = before.id
        if checked.userID != before.userID { try await linkable(checked, request: request) }
        let replacement = checked
        return try await repository(request).update(before.id, expectedVersion: expectedVersion, moveKind: moveKind, movedOn: movedOn,
                                                    change: { _ in replacement }, actor: request.auditActor, now: request.now)
    }

    /// The record checked against its unit's approved positions (`JobPosition.placed`).
    func placed(_ person: Person, request: Request) async throws -> Person {
        try JobPosition.placed(person, list: try await repository(request).positions(units: [person.unitID])[person.unitID] ?? [])
    }

    /// Replaces a unit's approved position list (editPersonnel).
    func setPositions(_ unit: UnitRecord, _ list: [JobPosition], request: Request) async throws -> [JobPosition] {
        let checked = try JobPosition.validatedList(list)
        try await repository(request).setPositions(checked, unit: unit.unit.id, actor: request.auditActor, now: request.now)
        return checked
    }

    /// A staff account may be linked to one record only.
    private func linkable(_ person: Person, request: Request) async throws {
        guard let user = person.userID else { return }
        guard try await stores.users.find(user) != nil else {
            throw Problem(DomainError.invalid("Không có tài khoản này.", english: "No such account.", field: "userId"))
        }
        if let other = try await repository(request).person(user: user), other.id != person.id {
            throw Problem(DomainError(.conflict, "Tài khoản này đã gắn với hồ sơ khác.", english: "This account is linked to another record.",
                                      field: "userId"))
        }
    }

    /// Enters a rating (editPersonnel on the person's unit); the level rules are ParCore's.
    func rate(_ raw: String?, year: Int, score: Double?, disqualification: Disqualification?, level: QualityLevel?,
                     request: Request) async throws -> QualityRating {
        let person = try await editable(raw, request: request)
        let cases = try await stores.disciplinaryCases.cases(of: person.id)
        let rating = try QualityRating.entered(for: person, year: year, score: score, disqualification: disqualification, level: level, cases: cases,
                                               today: VietnamTime.localDate(of: request.now))
        try await repository(request).saveRating(rating, person: person, actor: request.auditActor, now: request.now)
        return rating
    }

    /// Approves the entered ratings of the unit and the units below it for `year` (approveRatings on the unit).
    func approve(_ unit: UnitRecord, year: Int, request: Request) async throws -> Int {
        try await repository(request).approveRatings(units: try await stores.units.subtreeIDs(of: [unit.unit.id]), year: year,
                                                     actor: request.auditActor, now: request.now)
    }

    /// The unit's (and its subtree's) statistics for `year` and `year − 1` (viewPersonnel).
    func statistics(_ unit: UnitRecord, year: Int, request: Request) async throws -> Statistics {
        let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
        let repository = repository(request)
        let previous = try await repository.statistics(units: units, year: year - 1)
        let counts = try await counts(unit, year: year, request: request)
        let figures = PersonnelMetric.allCases.map { (metric: $0, rate: $0.rate(counts)) }
        return Statistics(unit: unit, year: year, items: counts.statistics.map { item in
            (item, previous.first { $0.kind == item.kind } ?? RatingStatistics(kind: item.kind, year: year - 1, levels: [], unrated: 0))
        }, figures: figures)
    }

    /// What the civil-service figures of the unit's subtree for `year` are computed from.
    func counts(_ unit: UnitRecord, year: Int, request: Request) async throws -> PersonnelCounts {
        let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
        let repository = repository(request)
        let people = try await repository.people(units: units).filter { $0.startedOn.year <= year }
        let mustTrain = people.filter(\.kind.isRated)
        let training = try await repository.training(people: mustTrain.map(\.id))
        let positions = try await repository.positions(units: units)
        func required(_ person: Person) -> Int {
            positions[person.unitID]?.first { $0.name == person.position }?.trainingHours ?? TrainingRequirement.yearlyHours
        }
        let disciplined = Set(try await stores.disciplinaryCases.cases(units: units, closedIn: year)
            .filter { $0.disqualifies(year: year) }.map(\.personID))
        return PersonnelCounts(statistics: try await repository.statistics(units: units, year: year), people: people.count,
                               disciplined: people.filter { disciplined.contains($0.id) }.count, mustTrain: mustTrain.count,
                               trained: mustTrain.filter { TrainingRequirement.isMet(training[$0.id] ?? [], year: year, required: required($0)) }.count)
    }

    /// A civil-service figure of the unit's subtree for `year` (PAR index automatic criteria, commitments).
    func figure(_ metric: PersonnelMetric, unit: UnitRecord, year: Int, request: Request) async throws -> Double? {
        metric.rate(try await counts(unit, year: year, request: request))
    }

    /// Records a course a person attended (editPersonnel on their unit).
    func addTraining(_ raw: String?, course: String, startedOn: LocalDate, endedOn: LocalDate, hours: Int, certificate: String?,
                            request: Request) async throws -> TrainingRecord {
        let person = try await editable(raw, request: request)
        let record = try TrainingRecord.recorded(for: person, course: course, startedOn: startedOn, endedOn: endedOn, hours: hours,
                                                 certificate: certificate, today: VietnamTime.localDate(of: request.now))
        try await repository(request).addTraining(record, actor: request.auditActor, now: request.now)
        return record
    }

    /// The rotation plan of the unit's subtree for `year`: who is due, and who moved.
    struct RotationPlan: Sendable {
        var due: [Rotation.Due]
        var moved: [(person: Person?, move: PersonMove)]
    }

    func rotationPlan(_ unit: UnitRecord, year: Int, request: Request) async throws -> RotationPlan {
        let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
        let repository = repository(request)
        let people = try await repository.people(units: units)
        let since = try await repository.latestMoves(people: people.filter { $0.rotationYears != nil }.map(\.id))
        let moves = try await repository.moves(units: units, year: year)
        var known = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for line in moves where known[line.personID] == nil { known[line.personID] = try await repository.find(line.personID) }
        return RotationPlan(due: Rotation.due(people, since: since, year: year), moved: moves.map { (known[$0.personID], $0.move) })
    }

    // MARK: Discipline

    /// The case if the principal may change records at its person's unit.
    func editableCase(_ raw: String?, request: Request) async throws -> (DisciplinaryCase, Person) {
        guard let raw, let id = DisciplinaryCase.ID(string: raw), let found = try await stores.disciplinaryCases.find(id) else {
            throw Problem.notFound("Không tìm thấy vụ việc kỷ luật.", english: "No such disciplinary case.")
        }
        return (found, try await editable(found.personID.description, request: request))
    }

    func openCase(_ raw: String?, discoveredOn: LocalDate, complex: Bool, summary: String,
                         request: Request) async throws -> (DisciplinaryCase, Person) {
        let person = try await editable(raw, request: request)
        let opened = try DisciplinaryCase.opened(against: person, discoveredOn: discoveredOn, complex: complex, summary: summary,
                                                 today: VietnamTime.localDate(of: request.now))
        try await stores.disciplinaryCases.add(opened, unit: person.unitID, actor: request.auditActor, now: request.now)
        return (opened, person)
    }

    /// Decides (with a form) or drops (without) an open case.
    func closeCase(_ raw: String?, form: DisciplinaryCase.Form?, on day: LocalDate, number: String?, expectedVersion: Int?,
                          request: Request) async throws -> (DisciplinaryCase, Person) {
        let (found, person) = try await editableCase(raw, request: request)
        let today = VietnamTime.localDate(of: request.now)
        let closed = try await stores.disciplinaryCases.update(found.id, expectedVersion: expectedVersion, change: { stored in
            if let form { return try stored.decided(form, on: day, number: number ?? "", person: person, today: today) }
            return try stored.dropped(on: day, today: today)
        }, actor: request.auditActor, now: request.now)
        return (closed, person)
    }

    // MARK: Import

    /// Imports a people file into the units where the principal holds editPersonnel; a rejected
    /// file is a 422 problem listing every bad row.
    func importPeople(_ file: PersonImportFile, request: Request) async throws -> PersonImportReport {
        let roots = try request.requirePrincipal().scopeRoots(for: .editPersonnel)
        guard !roots.isEmpty else { throw Problem.forbidden() }
        let allowed = Set(try await stores.units.subtreeIDs(of: roots))
        do {
            return try await PersonImporter(db: request.db).run(file, allowed: allowed, actor: request.auditActor, now: request.now)
        } catch let rejected as PersonImportRejected {
            throw Problem(status: .unprocessableEntity, detail: "Tệp có \(rejected.report.rejected.count) dòng không hợp lệ; chưa nhập gì.",
                          detailEn: "The file has \(rejected.report.rejected.count) bad row(s); nothing was imported.",
                          errors: rejected.report.rejected.map {
                              .init(field: "row \($0.row)", message: "\($0.key): \($0.reason)", messageEn: "\($0.key): \($0.reason)")
                          })
        }
    }
}

extension Stores {
    /// The `PersonnelService` feature service, on these stores.
    var personnelService: PersonnelService { PersonnelService(stores: self) }
}
