import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// A stored upload about to be attached to a dossier.
public struct FileDraft: Sendable {
    public var kind: DossierFile.Kind
    public var component: String?
    public var blob: FileStore.Blob
    public var contentType: String
    public var originalName: String
    public var digitised: Bool

    public init(kind: DossierFile.Kind, component: String?, blob: FileStore.Blob, contentType: String,
                originalName: String, digitised: Bool) {
        self.kind = kind
        self.component = component
        self.blob = blob
        self.contentType = contentType
        self.originalName = originalName
        self.digitised = digitised
    }
}

/// A dossier just received, with what the receipt needs: the lookup secret (only its hash is
/// stored) and the timeline and steps as written, so the answer needs no second read.
public struct ReceivedDossier: Sendable {
    public let dossier: Dossier
    public let secret: String
    public let timeline: [DossierTimelineEntry]
    public let steps: [DossierStep]
}

/// The one-stop dossier engine's store. Every action is one transaction writing
/// the new state, an event row and the audit row; actions carry the version
/// they were made against, so of two conflicting actions exactly one wins.
public struct DossierRepository: Sendable {
    let db: any Database
    /// Where intakes wait to share a transaction (`IntakeQueue`); nil: each intake commits alone.
    let intakes: IntakeQueue?

    public init(db: any Database, intakes: IntakeQueue? = nil) {
        self.db = db
        self.intakes = intakes
    }

    /// No dossier has the id (404).
    static let notFound = DomainError(.notFound, "Không tìm thấy hồ sơ.", english: "Dossier not found.")
    /// The dossier moved past the version the action was made against (412).
    static let changed = DomainError(.stale, "Hồ sơ vừa được người khác xử lý; hãy tải lại.", english: "The dossier was just changed by someone else; reload it.")

    /// Applies an action if the dossier is still at `expectedVersion` (stale → 412).
    /// `surveyLink`, when given, goes into the notice of a returned result (the SIPAS survey).
    public func act(_ id: Dossier.ID, expectedVersion: Int?, event: DossierEvent, actor: AuditActor,
                    now: Date, surveyLink: String? = nil) async throws -> Dossier {
        let calendar = try await CalendarRepository(db: db).calendar()
        let after = try await actInTransaction(id, expectedVersion: expectedVersion, event: event, actor: actor, now: now, calendar: calendar,
                                               surveyLink: surveyLink)
        PublicStatusCache.shared.forget(after.code)
        return after
    }

    private func actInTransaction(_ id: Dossier.ID, expectedVersion: Int?, event: DossierEvent, actor: AuditActor,
                                  now: Date, calendar: WorkingCalendar, surveyLink: String?) async throws -> Dossier {
        try await db.writeTransaction { tx in
            // Read by SQL, not through the model: this runs under the write lock.
            guard let row = try await tx.sql.raw("SELECT data, version FROM dossiers WHERE id = \(bind: id.rawValue)").first() else {
                throw DossierRepository.notFound
            }
            let before = try DossierModel.decode(row)
            if let expectedVersion, expectedVersion != before.version {
                throw DossierRepository.changed
            }
            var after: Dossier
            do {
                after = try before.apply(event, at: now, calendar: calendar)
            } catch let error as DossierError {
                throw error.domainError
            }
            if case .markProcessed = event {
                // Whether its components were digitised when processing ended, kept with the dossier
                // (the counters and their rebuild read it from there).
                let copies = try await tx.sql.select().column("component").from("dossier_files")
                    .where("dossier_id", .equal, id.rawValue).where("kind", .equal, DossierFile.Kind.component.rawValue)
                    .where("digitised", .equal, true).all()
                    .compactMap { try $0.decode(column: "component", as: String?.self) }
                after.componentsDigitised = Digitisation.componentsDigitised(after.components, digitisedCopies: Set(copies))
            }
            // Compare-and-set on the version: two instances racing on one dossier cannot both win.
            let updated = try await tx.sql.update("dossiers")
                .set("state", to: after.state.rawValue).set("holder_unit_id", to: after.holderUnitID.rawValue)
                .set("due_at", to: after.dueAt).set("data", to: try DossierModel.encode(after)).set("version", to: after.version)
                .set("gauge_key", to: ServiceCounters.openKey(after))
                .where("id", .equal, id.rawValue).where("version", .equal, before.version)
                .returning("version").all()
            guard updated.count == 1 else {
                throw DossierRepository.changed
            }
            let deltas = ServiceCounters.deltas(for: event, before: before, after: after, at: now)
            try await Self.appendEvent(after, name: event.name, from: before.state, unit: after.holderUnitID,
                                       detail: event.detail, payload: event, metrics: deltas, actor: actor, at: now, on: tx)
            if let notice = after.notice(after: event, surveyLink: surveyLink) {
                try await OutboxRepository.notifyApplicant(of: after, notice, now: now, on: tx)
            }
            try await AuditLog.append(on: tx, actor: actor, action: "dossier.\(event.name)", entityType: "dossier",
                                      entityID: id.description, before: ["state": before.state.rawValue, "version": String(before.version)],
                                      after: ["state": after.state.rawValue, "version": String(after.version)], now: now)
            // Last, the shared roll-up rows (as in `receive`).
            try await Self.moveSteps(event, before: before, after: after, actor: actor, now: now, calendar: calendar, on: tx)
            try await ServiceCounterStore.add(deltas, for: after, at: now, on: tx)
            try await OpenCounterStore.move(from: before, to: after, at: now, on: tx)
            return after
        }
    }

    public func find(_ id: Dossier.ID) async throws -> Dossier? {
        try await DossierModel.find(id.rawValue, on: db)?.toDomain()
    }

    /// What the public status page shows: the dossier, its procedure's name and its timeline —
    /// if `secret` is the receipt's. Served from a per-process cache (`PublicStatusCache`): as it is
    /// for two seconds, then after one read that finds the dossier's version and secret unchanged;
    /// this process forgets a dossier the moment it changes it.
    public func publicStatus(code: String, secret: String, now: Date) async throws -> PublicStatus? {
        let given = Self.hash(secret)
        switch PublicStatusCache.shared.status(code: code, secretHash: given, now: now) {
        case .fresh(let cached):
            return cached
        case .stale(let cached):
            let row = try await db.sql.select().column("version").column("lookup_secret_hash").from("dossiers")
                .where("code_key", .equal, DossierSearchKeys.codeKey(code)).first()
            if let row, try row.decode(column: "version", as: Int.self) == cached.dossier.version,
               Self.constantTimeEqual(try row.decode(column: "lookup_secret_hash", as: String.self), given) {
                PublicStatusCache.shared.store(cached, secretHash: given, now: now)
                return cached
            }
        case .none:
            break
        }
        guard let model = try await DossierModel.query(on: db).filter(\.$codeKey == DossierSearchKeys.codeKey(code)).first(),
              Self.constantTimeEqual(model.lookupSecretHash, given) else { return nil }
        let dossier = try model.toDomain()
        let procedure = try await db.sql.select().column("name").from("procedures").where("id", .equal, dossier.procedureID.rawValue)
            .first()?.decode(column: "name", as: String.self)
        let status = PublicStatus(dossier: dossier, procedureName: procedure, timeline: try await timeline(of: dossier.id))
        PublicStatusCache.shared.store(status, secretHash: given, now: now)
        return status
    }

    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        return x.count == y.count && zip(x, y).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
    }

    public func find(code: String) async throws -> Dossier? {
        try await DossierModel.query(on: db).filter(\.$code == code).first()?.toDomain()
    }

    /// The dossier with this code (typed with or without its dots) and receipt secret.
    public func lookup(code: String, secret: String) async throws -> Dossier? {
        guard let model = try await DossierModel.query(on: db).filter(\.$codeKey == DossierSearchKeys.codeKey(code)).first() else { return nil }
        guard Self.constantTimeEqual(model.lookupSecretHash, Self.hash(secret)) else { return nil }
        return try model.toDomain()
    }

    /// The timeline, oldest first.
    public func timeline(of id: Dossier.ID) async throws -> [DossierTimelineEntry] {
        try await DossierEventModel.query(on: db).filter(\.$dossierID == id.rawValue).sort(\.$seq).all().compactMap { row in
            guard let to = DossierState(rawValue: row.toState) else { return nil }
            return DossierTimelineEntry(sequence: row.seq, name: row.name, at: row.at, actorName: row.actorName,
                                        fromState: row.fromState.flatMap(DossierState.init(rawValue:)), toState: to,
                                        unitID: row.unitID.map { .init($0) }, detail: row.detail)
        }
    }

    /// The processing steps, oldest first.
    public func steps(of id: Dossier.ID) async throws -> [DossierStep] {
        try await DossierStepModel.query(on: db).filter(\.$dossierID == id.rawValue).sort(\.$seq).all().map { $0.toDomain() }
    }

    /// A new lookup secret for the receipt (the old one stops working); audited.
    public func reissueSecret(_ id: Dossier.ID, actor: AuditActor, now: Date) async throws -> String {
        let secret = Self.newSecret()
        defer { PublicStatusCache.shared.forgetAll() }
        try await db.writeTransaction { tx in
            let rows = try await tx.sql.update("dossiers").set("lookup_secret_hash", to: Self.hash(secret))
                .where("id", .equal, id.rawValue).returning("id").all()
            guard rows.count == 1 else { throw DossierRepository.notFound }
            try await AuditLog.append(on: tx, actor: actor, action: "dossier.reissue_receipt", entityType: "dossier",
                                      entityID: id.description, now: now)
        }
        return secret
    }

    /// What a work queue shows: open dossiers held by the units, the earliest due first
    /// (so overdue ones lead), filtered as asked.
    /// The register (form 06): dossiers received by the units between two instants, in order of receipt.
    public func register(receivingUnits: [OrgUnit.ID], from: Date, until: Date, limit: Int) async throws -> [Dossier] {
        guard !receivingUnits.isEmpty else { return [] }
        return try await DossierModel.query(on: db).filter(\.$receivingUnitID ~~ receivingUnits.map(\.rawValue))
            .filter(\.$receivedAt >= from).filter(\.$receivedAt < until)
            .sort(\.$receivedAt).sort(\.$code).limit(limit).all().map { try $0.toDomain() }
    }

    /// A citizen's own dossiers, newest first.
    public func dossiers(ofCitizen citizen: Citizen.ID, limit: Int = 100) async throws -> [Dossier] {
        try await DossierModel.query(on: db).filter(\.$citizenID == citizen.rawValue)
            .sort(\.$receivedAt, .descending).limit(limit).all().map { try $0.toDomain() }
    }

    // MARK: Internals

    /// Opens a processing step at `unit`, due at its share (`Procedure.stepDue`), and returns it as written.
    @discardableResult
    static func openStep(_ dossier: Dossier, sequence: Int, unit: OrgUnit.ID, from: OrgUnit.ID?, electronic: Bool,
                         procedure: Procedure, actor: AuditActor, now: Date, calendar: WorkingCalendar, on tx: any Database) async throws -> DossierStep {
        let step = DossierStep(sequence: sequence, unitID: unit, fromUnitID: from, electronic: electronic, startedAt: now,
                               dueAt: procedure.stepDue(sequence: sequence, from: now, dossierDue: dossier.dueAt, calendar: calendar),
                               finishedAt: nil, actorName: actor.name)
        try await DossierStepModel.insert(step, of: dossier.id, on: tx)
        return step
    }

    /// Closes the current step on a hand-over (opening the next) or when processing ends.
    static func moveSteps(_ event: DossierEvent, before: Dossier, after: Dossier, actor: AuditActor, now: Date,
                          calendar: WorkingCalendar, on tx: any Database) async throws {
        guard event.closesStep else { return }
        // The current step closed (if still open) in one statement, by SQL as the rest of this transaction.
        let closed = try await tx.sql.raw("""
            UPDATE dossier_steps SET finished_at = COALESCE(finished_at, \(bind: now))
            WHERE dossier_id = \(bind: after.id.rawValue)
              AND seq = (SELECT MAX(seq) FROM dossier_steps WHERE dossier_id = \(bind: after.id.rawValue))
            RETURNING seq
            """).first()
        guard let current = try closed?.decode(column: "seq", as: Int.self) else { return }
        guard let (unit, electronic) = event.handOver,
              let procedure = try await ProcedureModel.domain(after.procedureID.rawValue, on: tx) else { return }
        try await openStep(after, sequence: current + 1, unit: unit, from: before.holderUnitID, electronic: electronic,
                           procedure: procedure, actor: actor, now: now, calendar: calendar, on: tx)
    }

    /// The next number of the day for a unit in a `(unit_id, day, n)` counter table (`dossier_counters`,
    /// `queue_sequences`). One statement that inserts the day's first number or bumps the counter under its
    /// row lock: the same UPSERT on SQLite and PostgreSQL, so instances racing on the first of a day still
    /// get 1 and 2, and never the same number.
    static func nextDailyNumber(in table: String, unit: OrgUnit.ID, day: LocalDate, on tx: any Database) async throws -> Int {
        try await nextDailyNumbers(in: table, [(unit, day, 1)], on: tx)[0]
    }

    /// The last of the next `count` numbers of each unit and day (given once each), in one statement; the
    /// rows are locked in the order given.
    static func nextDailyNumbers(in table: String, _ counts: [(unit: OrgUnit.ID, day: LocalDate, count: Int)],
                                 on tx: any Database) async throws -> [Int] {
        guard !counts.isEmpty else { return [] }
        let values: [SQLQueryString] = counts.map { "(\(bind: $0.unit.rawValue), \(bind: $0.day.iso), \(bind: $0.count))" }
        let rows = try await tx.sql.raw("""
            INSERT INTO \(ident: table) (unit_id, day, n) VALUES \(values.joined(separator: ", "))
            ON CONFLICT (unit_id, day) DO UPDATE SET n = \(ident: table).n + excluded.n
            RETURNING unit_id, day, n
            """).all()
        var last: [String: Int] = [:]
        for row in rows {
            last["\(try row.decode(column: "unit_id", as: UUID.self))|\(try row.decode(column: "day", as: String.self))"] = try row.decode(column: "n", as: Int.self)
        }
        return try counts.map { counter in
            guard let n = last["\(counter.unit.rawValue)|\(counter.day.iso)"] else { throw DomainStoreError.corruptRow(table) }
            return n
        }
    }

    /// Appends the timeline row with what the rebuild and the drill-down need: the event itself, the
    /// dossier after it, and the counters it added (`,received,` — searchable with LIKE). Returns the
    /// entry as the timeline shows it.
    @discardableResult
    static func appendEvent(_ dossier: Dossier, snapshot: String? = nil, name: String, from: DossierState?, unit: OrgUnit.ID?, detail: String,
                            payload: DossierEvent?, metrics: [ServiceMetric: Int],
                            actor: AuditActor, at: Date, on tx: any Database) async throws -> DossierTimelineEntry {
        let entry = DossierTimelineEntry(sequence: dossier.version, name: name, at: at, actorName: actor.name, fromState: from,
                                         toState: dossier.state, unitID: unit, detail: detail)
        try await DossierEventModel.insert(entry, of: dossier, snapshot: snapshot, payload: try payload.map { try StoredJSON.encode($0) },
                                           metrics: ServiceCounters.tag(metrics), on: tx)
        return entry
    }

    /// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        return String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    static func hash(_ secret: String) -> String {
        Hex.string(SHA256.hash(data: Data(secret.uppercased().utf8)))
    }
}
