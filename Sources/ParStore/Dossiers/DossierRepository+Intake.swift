import FluentKit
import Foundation
import ParCore
import SQLKit

extension DossierRepository {
    /// Receives a dossier (`Dossier.receive` decides): numbers it (unit code – yymmdd – daily sequence,
    /// unique across instances), stores it with its first step, its scans and reused copies, the counters,
    /// the applicant's notice and the audit row, and returns it with the lookup secret printed on the
    /// receipt (only its hash is stored). With an `IntakeQueue`, in one transaction with the intakes
    /// arriving meanwhile; it returns after that transaction committed.
    ///
    /// `authorize`, the caller's check of the receiving unit (`nil` when it does not exist), runs on the unit as
    /// read here, with the calendar's and the procedure's versions, before the intake is validated or written.
    public func receive(_ raw: DossierIntake, files: [FileDraft] = [], authorize: (@Sendable (UnitRecord?) throws -> Void)? = nil,
                        actor: AuditActor, now: Date) async throws -> ReceivedDossier {
        // Read before the write transaction, so that it (SQLite's one writer, PostgreSQL's ward rows) holds its
        // locks only for the writes. One statement reads the receiving unit, the versions of the calendar's years
        // and the procedure's version; the calendar and the procedure are decoded again only after they changed.
        // The unit's branch comes first: PostgreSQL types the other branches' NULLs by it.
        let nulls = Array(repeating: "NULL", count: UnitRepository.recordColumns.split(separator: ",").count - 1).joined(separator: ", ")
        let rows = try await db.sql.raw("""
            SELECT 2 AS part, id, \(unsafeRaw: UnitRepository.recordColumns) FROM units WHERE id = \(bind: raw.receivingUnitID.rawValue)
            UNION ALL SELECT 1, id, \(unsafeRaw: nulls), version FROM calendar_years
            UNION ALL SELECT 0, id, \(unsafeRaw: nulls), version FROM procedures WHERE id = \(bind: raw.procedureID.rawValue)
            """).all()
        var years: [any SQLRow] = [], procedureVersion: Int?, unit: UnitRecord?
        for row in rows {
            switch try row.decode(column: "part", as: Int.self) {
            case 2: unit = try UnitRepository.record(row, id: raw.receivingUnitID.rawValue)
            case 1: years.append(row)
            default: procedureVersion = try row.decode(column: "version", as: Int.self)
            }
        }
        try authorize?(unit)
        guard let unit else { throw DomainError.unknownReceivingUnit }
        let intake = try raw.validated()
        let calendar = try await CalendarRepository(db: db).calendar(current: years)
        guard let procedureVersion, let procedure = try await ProcedureModel.domain(intake.procedureID.rawValue, version: procedureVersion, on: db) else {
            throw DomainError.unknownProcedure
        }
        try intake.check(against: procedure)
        for draft in files { try DossierIntake.checkScan(kind: draft.kind, component: draft.component, of: procedure) }
        let plan = IntakePlan(intake: intake, procedure: procedure, calendar: calendar, unitCode: unit.unit.code,
                              lineage: unit.ancestry.reversed().map(\.rawValue), files: files,
                              actor: actor, now: now, id: .random(), secret: Self.newSecret())
        if let intakes { return try await intakes.receive(plan, on: db) }
        return try await Self.commit([plan], on: db)[0]
    }

    /// Writes `plans` in one transaction: their rows and roll-ups deferred to its end (`WriteBatch`), one
    /// statement per table.
    static func commit(_ plans: [IntakePlan], on db: any Database) async throws -> [ReceivedDossier] {
        try await db.writeTransaction { tx in
            let batch = WriteBatch()
            return try await batch.deferring {
                let received = try await write(plans, on: tx)
                try await batch.flush(on: tx)
                return received
            }
        }
    }

    /// The intakes' writes in `tx`, in order: the day's numbers first (one counter statement for every unit and day).
    private static func write(_ plans: [IntakePlan], on tx: any Database) async throws -> [ReceivedDossier] {
        struct Counter: Hashable { let unit: OrgUnit.ID, day: LocalDate }
        var counters: [Counter: (count: Int, last: Int)] = [:]
        let days = plans.map { VietnamTime.localDate(of: $0.now) }
        for (plan, day) in zip(plans, days) { counters[Counter(unit: plan.intake.receivingUnitID, day: day), default: (0, 0)].count += 1 }
        // One statement, the rows in one order (unit, day) whatever the batch's: two instances' batches wait
        // for each other, never deadlock.
        let sorted = counters.keys.sorted { ($0.unit.rawValue.uuidString, $0.day.iso) < ($1.unit.rawValue.uuidString, $1.day.iso) }
        let lasts = try await nextDailyNumbers(in: "dossier_counters", sorted.map { ($0.unit, $0.day, counters[$0]!.count) }, on: tx)
        for (counter, last) in zip(sorted, lasts) { counters[counter]!.last = last - counters[counter]!.count }
        var received: [ReceivedDossier] = []
        for (plan, day) in zip(plans, days) {
            let counter = Counter(unit: plan.intake.receivingUnitID, day: day)
            counters[counter]!.last += 1
            received.append(try await write(plan, sequence: counters[counter]!.last, day: day, on: tx))
        }
        return received
    }

    private static func write(_ plan: IntakePlan, sequence: Int, day: LocalDate, on tx: any Database) async throws -> ReceivedDossier {
        let (intake, procedure, actor, now) = (plan.intake, plan.procedure, plan.actor, plan.now)
        IndexRollups.remember(lineage: plan.lineage, of: intake.receivingUnitID)
        let dossier = try Dossier.receive(intake, procedure: procedure, id: plan.id,
                                          code: DossierCode.make(unitCode: plan.unitCode, day: day, sequence: sequence), at: now,
                                          calendar: plan.calendar)
        let data = try DossierModel.encode(dossier)  // the row's and the timeline's snapshot: encoded once
        try await DossierModel.insert(dossier, data: data, lookupSecretHash: hash(plan.secret), on: tx)
        let received = ServiceCounters.intake(dossier)
        let entry = try await appendEvent(dossier, snapshot: data, name: Dossier.receiveEventName, from: nil, unit: intake.receivingUnitID,
                                          detail: DossierEvent.receiptDetail(dossier), payload: nil, metrics: received,
                                          actor: actor, at: now, on: tx)
        var counts = received
        if !plan.files.isEmpty || !intake.reuse.isEmpty {
            // Files are written at once (a reused copy is read first): the rows they reference first.
            try await WriteBatch.current?.flush(on: tx)
        }
        for draft in plan.files {
            try await insertFile(draft, dossier: dossier, actor: actor, now: now, on: tx)
            if draft.digitised { counts[draft.kind == .component ? .componentsDigitised : .resultsDigitised, default: 0] += 1 }
        }
        for reused in intake.reuse {
            try await reuseFile(reused, into: dossier, actor: actor, now: now, on: tx)
            counts[.componentsReused, default: 0] += 1
        }
        try await OutboxRepository.notifyApplicant(of: dossier, dossier.receiptNotice(procedureName: procedure.name), now: now, on: tx)
        try await AuditLog.append(on: tx, actor: actor, action: "dossier.receive", entityType: "dossier",
                                  entityID: dossier.id.description, after: ["code": dossier.code, "state": dossier.state.rawValue], now: now)
        // The roll-ups every intake of the province adds to (the province's own rows among them) are written
        // last, when the batch flushes: their row locks are held from there to COMMIT only.
        let step = try await openStep(dossier, sequence: 1, unit: intake.receivingUnitID, from: nil, electronic: true,
                                      procedure: procedure, actor: actor, now: now, calendar: plan.calendar, on: tx)
        try await OpenCounterStore.move(from: nil, to: dossier, at: now, on: tx)
        try await ServiceCounterStore.add(counts, for: dossier, at: now, on: tx)
        return ReceivedDossier(dossier: dossier, secret: plan.secret, timeline: [entry], steps: [step])
    }
}
