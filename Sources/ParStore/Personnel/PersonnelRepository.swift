import FluentKit
import Foundation
import ParCore
import SQLKit

/// A move with the person who made it (the rotation plan's "who moved").
public struct PersonMoveLine: Hashable, Sendable {
    public var personID: Person.ID
    public var move: PersonMove
}

/// People, their moves and their yearly quality ratings. Loads and persists; the rules
/// (what a record and a rating must hold, the levels and the statistics) are ParCore's.
/// Every change is audited; so is every read of one person's record (`recordRead`).
public struct PersonnelRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    static let columns = ["id", "unit_id", "full_name", "kind", "position", "rank", "leadership_post", "started_on", "user_id", "rotation_years",
                          "version"]

    // MARK: People

    /// Stores a new, validated person and their arrival at the unit.
    public func add(_ person: Person, actor: AuditActor, now: Date) async throws -> Person {
        try await db.writeTransaction { tx in try await Self.insert(person, actor: actor, on: tx, now: now) }
        return person
    }

    /// Replaces a person's record if it is still at `expectedVersion`; a change of unit or of
    /// position is recorded as a move of `moveKind` (default: a transfer when the unit changes, a
    /// rotation when only the position does) on `movedOn`. `change` validates (ParCore).
    public func update(_ id: Person.ID, expectedVersion: Int?, moveKind: PersonMove.Kind? = nil, movedOn: LocalDate? = nil,
                       change: @escaping @Sendable (Person) throws -> Person, actor: AuditActor, now: Date) async throws -> Person {
        try await db.writeTransaction { tx in
            guard let before = try await Self.find(id, on: tx) else { throw Self.notFound }
            if let expectedVersion, expectedVersion != before.version { throw Self.stale }
            return try await Self.replace(before, with: try change(before), moveKind: moveKind, movedOn: movedOn, actor: actor, on: tx, now: now)
        }
    }

    /// Inserts a person and their arrival (inside the caller's transaction), audited.
    static func insert(_ person: Person, actor: AuditActor, on tx: any Database, now: Date) async throws {
        try await tx.sql.insert(into: "people").columns(columns + ["created_at", "updated_at"])
            .values(binds(person) + [SQLBind(now), SQLBind(now)]).run()
        try await insertMove(PersonMove(fromUnitID: nil, toUnitID: person.unitID, on: person.startedOn, kind: .joined, position: person.position),
                             of: person.id, on: tx)
        try await AuditLog.append(on: tx, actor: actor, action: "person.add", entityType: "person", entityID: person.id.description,
                                  after: ["unit": person.unitID.description, "kind": person.kind.rawValue], now: now)
    }

    /// Writes `after` over `before` (inside the caller's transaction) with the next version and
    /// the move a change of unit or position makes, audited.
    static func replace(_ before: Person, with changed: Person, moveKind: PersonMove.Kind?, movedOn: LocalDate?, actor: AuditActor,
                        on tx: any Database, now: Date) async throws -> Person {
        var after = changed
        after.id = before.id
        after.version = before.version + 1
        let updated = try await tx.sql.update("people")
            .set("unit_id", to: after.unitID.rawValue).set("full_name", to: after.fullName).set("kind", to: after.kind.rawValue)
            .set("position", to: after.position).set("rank", to: after.rank).set("leadership_post", to: after.leadershipPost)
            .set("started_on", to: after.startedOn.iso).set("user_id", to: after.userID?.rawValue).set("rotation_years", to: after.rotationYears)
            .set("version", to: after.version).set("updated_at", to: now)
            .where("id", .equal, before.id.rawValue).where("version", .equal, before.version).returning("version").all()
        guard updated.count == 1 else { throw stale }
        if after.unitID != before.unitID || after.position != before.position {
            try await insertMove(PersonMove(fromUnitID: before.unitID, toUnitID: after.unitID, on: movedOn ?? VietnamTime.localDate(of: now),
                                            kind: moveKind ?? (after.unitID != before.unitID ? .transfer : .rotation), position: after.position),
                                 of: before.id, on: tx)
        }
        try await AuditLog.append(on: tx, actor: actor, action: "person.update", entityType: "person", entityID: before.id.description,
                                  before: ["unit": before.unitID.description, "position": before.position],
                                  after: ["unit": after.unitID.description, "position": after.position], now: now)
        return after
    }

    public func find(_ id: Person.ID) async throws -> Person? { try await Self.find(id, on: db) }

    /// The person whose record is linked to a staff account.
    public func person(user: UserAccount.ID) async throws -> Person? {
        try await db.sql.select().columns(Self.columns).from("people").where("user_id", .equal, user.rawValue).first().map(Self.person)
    }

    /// The people of `units`, in Vietnamese alphabetical order of their names.
    public func people(units: [OrgUnit.ID]) async throws -> [Person] {
        guard !units.isEmpty else { return [] }
        return try await db.sql.select().columns(Self.columns).from("people").where("unit_id", .in, units.map(\.rawValue)).all()
            .map(Self.person).sorted { VietnameseText.precedes($0.fullName, $1.fullName) }
    }

    static let moveColumns = ["person_id", "from_unit_id", "to_unit_id", "on_date", "kind", "position", "note"]

    /// The person's moves, oldest first.
    public func moves(of id: Person.ID) async throws -> [PersonMove] {
        try await db.sql.select().columns(Self.moveColumns).from("person_moves")
            .where("person_id", .equal, id.rawValue).orderBy("on_date").all().map { try Self.move($0).move }
    }

    /// The day each of `people` took up their present position (their latest move or arrival).
    public func latestMoves(people: [Person.ID]) async throws -> [Person.ID: LocalDate] {
        guard !people.isEmpty else { return [:] }
        var result: [Person.ID: LocalDate] = [:]
        for row in try await db.sql.select().column("person_id").column(SQLFunction("MAX", args: SQLIdentifier("on_date")), as: "on_date")
            .from("person_moves").where("person_id", .in, people.map(\.rawValue)).groupBy("person_id").all() {
            guard let day = LocalDate(iso: try row.decode(column: "on_date", as: String.self)) else { throw DomainStoreError.corruptRow("person_moves") }
            result[Person.ID(try row.decode(column: "person_id", as: UUID.self))] = day
        }
        return result
    }

    /// Transfers and rotations in `year` into or out of `units`, oldest first.
    public func moves(units: [OrgUnit.ID], year: Int) async throws -> [PersonMoveLine] {
        guard !units.isEmpty else { return [] }
        let ids = units.map(\.rawValue)
        return try await db.sql.select().columns(Self.moveColumns).from("person_moves")
            .where { $0.where("to_unit_id", .in, ids).orWhere("from_unit_id", .in, ids) }
            .where("on_date", .like, "\(year)-%").where("kind", .in, [PersonMove.Kind.transfer.rawValue, PersonMove.Kind.rotation.rawValue])
            .orderBy("on_date").all().map(Self.move)
    }

    static func move(_ row: any SQLRow) throws -> PersonMoveLine {
        guard let on = LocalDate(iso: try row.decode(column: "on_date", as: String.self)),
              let kind = PersonMove.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else {
            throw DomainStoreError.corruptRow("person_moves")
        }
        return PersonMoveLine(personID: Person.ID(try row.decode(column: "person_id", as: UUID.self)),
                              move: PersonMove(fromUnitID: try row.decode(column: "from_unit_id", as: UUID?.self).map(OrgUnit.ID.init),
                                               toUnitID: OrgUnit.ID(try row.decode(column: "to_unit_id", as: UUID.self)), on: on, kind: kind,
                                               position: try row.decode(column: "position", as: String?.self),
                                               note: try row.decode(column: "note", as: String?.self)))
    }

    /// Audits one read of a person's record (Decree 13/2023: who saw whose data, and when).
    public func recordRead(_ id: Person.ID, actor: AuditActor, now: Date) async throws {
        try await db.writeTransaction { tx in
            try await AuditLog.append(on: tx, actor: actor, action: "person.read", entityType: "person", entityID: id.description, now: now)
        }
    }

    // MARK: Ratings

    public func ratings(of id: Person.ID) async throws -> [QualityRating] {
        try await db.sql.select().columns(Self.ratingColumns).from("quality_ratings").where("person_id", .equal, id.rawValue)
            .orderBy("year", .descending).all().map(Self.rating)
    }

    /// The ratings of `people` for `year`, by person.
    public func ratings(people: [Person.ID], year: Int) async throws -> [Person.ID: QualityRating] {
        guard !people.isEmpty else { return [:] }
        var result: [Person.ID: QualityRating] = [:]
        for row in try await db.sql.select().columns(Self.ratingColumns).from("quality_ratings")
            .where("person_id", .in, people.map(\.rawValue)).where("year", .equal, year).all() {
            let rating = try Self.rating(row)
            result[rating.personID] = rating
        }
        return result
    }

    /// Stores an entered rating, replacing an entered one of the same year
    /// (`QualityRating.checkReplacing`). The rating is filed under the person's unit of the moment.
    public func saveRating(_ rating: QualityRating, person: Person, actor: AuditActor, now: Date) async throws {
        try await db.writeTransaction { tx in
            let existing = try await tx.sql.select().column("state").from("quality_ratings").where("person_id", .equal, rating.personID.rawValue)
                .where("year", .equal, rating.year).first()
            try rating.checkReplacing(try existing.flatMap { QualityRating.State(rawValue: try $0.decode(column: "state", as: String.self)) })
            try await tx.sql.delete(from: "quality_ratings").where("person_id", .equal, rating.personID.rawValue).where("year", .equal, rating.year).run()
            try await tx.sql.insert(into: "quality_ratings")
                .columns("person_id", "year", "unit_id", "kind", "score", "disqualification", "level", "state", "entered_by", "updated_at")
                .values(SQLBind(rating.personID.rawValue), SQLBind(rating.year), SQLBind(person.unitID.rawValue), SQLBind(person.kind.rawValue),
                        SQLBind(rating.score), SQLBind(rating.disqualification?.rawValue), SQLBind(rating.level.rawValue),
                        SQLBind(QualityRating.State.entered.rawValue), SQLBind(actor.name), SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "rating.enter", entityType: "person", entityID: rating.personID.description,
                                      after: ["year": String(rating.year), "level": rating.level.rawValue], now: now)
        }
    }

    /// Approves every entered rating filed under `units` for `year`; returns how many were approved.
    public func approveRatings(units: [OrgUnit.ID], year: Int, actor: AuditActor, now: Date) async throws -> Int {
        guard let root = units.first else { return 0 }
        return try await db.writeTransaction { tx in
            let approved = try await tx.sql.update("quality_ratings").set("state", to: QualityRating.State.approved.rawValue)
                .set("approved_by", to: actor.name).set("updated_at", to: now)
                .where("unit_id", .in, units.map(\.rawValue)).where("year", .equal, year)
                .where("state", .equal, QualityRating.State.entered.rawValue).returning("person_id").all().count
            try await AuditLog.append(on: tx, actor: actor, action: "rating.approve", entityType: "unit", entityID: root.description,
                                      after: ["year": String(year), "approved": String(approved), "units": String(units.count)], now: now)
            return approved
        }
    }

    /// The approved ratings of `units` for `year` per kind of staff, with the people of each
    /// rated kind now at those units who have none (unrated).
    public func statistics(units: [OrgUnit.ID], year: Int) async throws -> [RatingStatistics] {
        guard !units.isEmpty else { return Person.Kind.allCases.filter(\.isRated).map { RatingStatistics(kind: $0, year: year, levels: [], unrated: 0) } }
        let ids = units.map(\.rawValue)
        let rows = try await db.sql.select().columns("kind", "level", "person_id").from("quality_ratings")
            .where("unit_id", .in, ids).where("year", .equal, year).where("state", .equal, QualityRating.State.approved.rawValue).all()
        var levels: [Person.Kind: [QualityLevel]] = [:], rated = Set<UUID>()
        for row in rows {
            guard let kind = Person.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
                  let level = QualityLevel(rawValue: try row.decode(column: "level", as: String.self)) else {
                throw DomainStoreError.corruptRow("quality_ratings")
            }
            levels[kind, default: []].append(level)
            rated.insert(try row.decode(column: "person_id", as: UUID.self))
        }
        var unrated: [Person.Kind: Int] = [:]
        for row in try await db.sql.select().columns("id", "kind", "started_on").from("people").where("unit_id", .in, ids).all() {
            guard let kind = Person.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
                  let started = LocalDate(iso: try row.decode(column: "started_on", as: String.self)) else {
                throw DomainStoreError.corruptRow("people")
            }
            if started.year <= year, !rated.contains(try row.decode(column: "id", as: UUID.self)) { unrated[kind, default: 0] += 1 }
        }
        return Person.Kind.allCases.filter(\.isRated).map { RatingStatistics(kind: $0, year: year, levels: levels[$0] ?? [], unrated: unrated[$0] ?? 0) }
    }

    // MARK: Training

    /// Stores a course a person attended (validated by ParCore).
    public func addTraining(_ record: TrainingRecord, actor: AuditActor, now: Date) async throws {
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "training_records")
                .columns("id", "person_id", "course", "started_on", "ended_on", "hours", "certificate", "created_at")
                .values(SQLBind(record.id.rawValue), SQLBind(record.personID.rawValue), SQLBind(record.course), SQLBind(record.startedOn.iso),
                        SQLBind(record.endedOn.iso), SQLBind(record.hours), SQLBind(record.certificate), SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "training.add", entityType: "person", entityID: record.personID.description,
                                      after: ["hours": String(record.hours), "ended": record.endedOn.iso], now: now)
        }
    }

    /// The courses of `people`, by person, latest first.
    public func training(people: [Person.ID]) async throws -> [Person.ID: [TrainingRecord]] {
        guard !people.isEmpty else { return [:] }
        var result: [Person.ID: [TrainingRecord]] = [:]
        for row in try await db.sql.select().columns("id", "person_id", "course", "started_on", "ended_on", "hours", "certificate")
            .from("training_records").where("person_id", .in, people.map(\.rawValue)).orderBy("ended_on", .descending).all() {
            guard let started = LocalDate(iso: try row.decode(column: "started_on", as: String.self)),
                  let ended = LocalDate(iso: try row.decode(column: "ended_on", as: String.self)) else {
                throw DomainStoreError.corruptRow("training_records")
            }
            let record = TrainingRecord(id: TrainingRecord.ID(try row.decode(column: "id", as: UUID.self)),
                                        personID: Person.ID(try row.decode(column: "person_id", as: UUID.self)),
                                        course: try row.decode(column: "course", as: String.self), startedOn: started, endedOn: ended,
                                        hours: try row.decode(column: "hours", as: Int.self),
                                        certificate: try row.decode(column: "certificate", as: String?.self))
            result[record.personID, default: []].append(record)
        }
        return result
    }

    // MARK: Job positions

    /// The approved job positions of `units`, by unit (units without a list are absent).
    public func positions(units: [OrgUnit.ID]) async throws -> [OrgUnit.ID: [JobPosition]] {
        guard !units.isEmpty else { return [:] }
        var result: [OrgUnit.ID: [JobPosition]] = [:]
        for row in try await db.sql.select().columns("unit_id", "name", "training_hours", "rotation_years").from("job_positions")
            .where("unit_id", .in, units.map(\.rawValue)).all() {
            result[OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)), default: []].append(
                JobPosition(name: try row.decode(column: "name", as: String.self), trainingHours: try row.decode(column: "training_hours", as: Int.self),
                            rotationYears: try row.decode(column: "rotation_years", as: Int?.self)))
        }
        return result.mapValues { $0.sorted { VietnameseText.precedes($0.name, $1.name) } }
    }

    /// Replaces a unit's approved list (validated by ParCore), audited.
    public func setPositions(_ list: [JobPosition], unit: OrgUnit.ID, actor: AuditActor, now: Date) async throws {
        try await db.writeTransaction { tx in
            try await tx.sql.delete(from: "job_positions").where("unit_id", .equal, unit.rawValue).run()
            for position in list {
                try await tx.sql.insert(into: "job_positions").columns("unit_id", "name", "training_hours", "rotation_years")
                    .values(SQLBind(unit.rawValue), SQLBind(position.name), SQLBind(position.trainingHours), SQLBind(position.rotationYears)).run()
            }
            try await AuditLog.append(on: tx, actor: actor, action: "positions.set", entityType: "unit", entityID: unit.description,
                                      after: ["positions": String(list.count)], now: now)
        }
    }

    // MARK: Headcounts

    /// The headcount of each unit among `units` (nil: every unit) at the end of `year`, from the
    /// records of the people who ever arrived there (`Headcount`); units without records are absent.
    public func headcounts(units: [OrgUnit.ID]?, year: Int) async throws -> [OrgUnit.ID: StaffQuota.Posts] {
        let arrivals = try db.sql.select().distinct().column("person_id").from("person_moves")
        if let units {
            guard !units.isEmpty else { return [:] }
            arrivals.where("to_unit_id", .in, units.map(\.rawValue))
        }
        let ids = try await arrivals.all().map { Person.ID(try $0.decode(column: "person_id", as: UUID.self)) }
        guard !ids.isEmpty else { return [:] }
        var people: [Person] = [], moves: [Person.ID: [PersonMove]] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let raw = chunk.map(\.rawValue)
            people += try await db.sql.select().columns(Self.columns).from("people").where("id", .in, raw).all().map(Self.person)
            for line in try await db.sql.select().columns(Self.moveColumns).from("person_moves").where("person_id", .in, raw)
                .orderBy("on_date").all().map(Self.move) {
                moves[line.personID, default: []].append(line.move)
            }
        }
        let counted = Headcount.posts(people: people, moves: moves, on: LocalDate(year: year, month: 12, day: 31)!)
        guard let units else { return counted }
        let wanted = Set(units)
        return counted.filter { wanted.contains($0.key) }
    }

    // MARK: Reorganisations

    /// Inside the reorganisation's transaction: the people of each predecessor that passed wholly
    /// into one successor move there on the effective date (a `reorganisation` move in their
    /// history), with their open cases and the ratings of the effective year on.
    static func follow(_ event: Reorganisation, on tx: any Database, actor: AuditActor, now: Date) async throws {
        for part in event.predecessors {
            guard let successor = event.staffSuccessor(of: part.unitID) else { continue }
            let people = try await tx.sql.select().columns("id", "position").from("people").where("unit_id", .equal, part.unitID.rawValue).all()
            for row in people {
                let id = Person.ID(try row.decode(column: "id", as: UUID.self))
                try await insertMove(PersonMove(fromUnitID: part.unitID, toUnitID: successor, on: event.effectiveDate, kind: .reorganisation,
                                                position: try row.decode(column: "position", as: String.self)), of: id, on: tx)
            }
            guard !people.isEmpty else { continue }
            try await tx.sql.update("people").set("unit_id", to: successor.rawValue).set(SQLIdentifier("version"), to: SQLRaw("version + 1"))
                .set("updated_at", to: now).where("unit_id", .equal, part.unitID.rawValue).run()
            try await tx.sql.update("quality_ratings").set("unit_id", to: successor.rawValue).where("unit_id", .equal, part.unitID.rawValue)
                .where("year", .greaterThanOrEqual, event.effectiveDate.year).run()
            try await tx.sql.update("disciplinary_cases").set("unit_id", to: successor.rawValue).where("unit_id", .equal, part.unitID.rawValue)
                .where("state", .equal, DisciplinaryCase.State.open.rawValue).run()
            try await AuditLog.append(on: tx, actor: actor, action: "person.follow_reorganisation", entityType: "unit", entityID: part.unitID.description,
                                      after: ["successor": successor.description, "people": String(people.count)], now: now)
        }
    }

    // MARK: Rows

    static let notFound = DomainError(.notFound, "Không tìm thấy người này.", english: "No such person.")
    static let stale = DomainError(.stale, "Hồ sơ vừa được người khác cập nhật; hãy tải lại.", english: "The record was just changed by someone else; reload it.")
    static let ratingColumns = ["person_id", "year", "score", "disqualification", "level", "state"]

    static func find(_ id: Person.ID, on db: any Database) async throws -> Person? {
        try await db.sql.select().columns(columns).from("people").where("id", .equal, id.rawValue).first().map(person)
    }

    static func binds(_ p: Person) -> [SQLBind] {
        [SQLBind(p.id.rawValue), SQLBind(p.unitID.rawValue), SQLBind(p.fullName), SQLBind(p.kind.rawValue), SQLBind(p.position), SQLBind(p.rank),
         SQLBind(p.leadershipPost), SQLBind(p.startedOn.iso), SQLBind(p.userID?.rawValue), SQLBind(p.rotationYears), SQLBind(p.version)]
    }

    static func person(_ row: any SQLRow) throws -> Person {
        guard let kind = Person.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
              let started = LocalDate(iso: try row.decode(column: "started_on", as: String.self)) else {
            throw DomainStoreError.corruptRow("people")
        }
        return Person(id: Person.ID(try row.decode(column: "id", as: UUID.self)), unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)),
                      fullName: try row.decode(column: "full_name", as: String.self), kind: kind,
                      position: try row.decode(column: "position", as: String.self), rank: try row.decode(column: "rank", as: String?.self),
                      leadershipPost: try row.decode(column: "leadership_post", as: String?.self), startedOn: started,
                      userID: try row.decode(column: "user_id", as: UUID?.self).map(UserAccount.ID.init),
                      rotationYears: try row.decode(column: "rotation_years", as: Int?.self), version: try row.decode(column: "version", as: Int.self))
    }

    static func rating(_ row: any SQLRow) throws -> QualityRating {
        guard let level = QualityLevel(rawValue: try row.decode(column: "level", as: String.self)),
              let state = QualityRating.State(rawValue: try row.decode(column: "state", as: String.self)) else {
            throw DomainStoreError.corruptRow("quality_ratings")
        }
        return QualityRating(personID: Person.ID(try row.decode(column: "person_id", as: UUID.self)), year: try row.decode(column: "year", as: Int.self),
                             score: try row.decode(column: "score", as: Double?.self),
                             disqualification: try row.decode(column: "disqualification", as: String?.self).flatMap(Disqualification.init(rawValue:)),
                             level: level, state: state)
    }

    static func insertMove(_ move: PersonMove, of person: Person.ID, on db: any Database) async throws {
        try await db.sql.insert(into: "person_moves").columns(["id"] + moveColumns)
            .values(SQLBind(UUID()), SQLBind(person.rawValue), SQLBind(move.fromUnitID?.rawValue), SQLBind(move.toUnitID.rawValue),
                    SQLBind(move.on.iso), SQLBind(move.kind.rawValue), SQLBind(move.position), SQLBind(move.note)).run()
    }
}
