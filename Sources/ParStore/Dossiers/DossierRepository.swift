import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// One entry of a dossier's timeline (the processing control sheet, form 05).
public struct DossierTimelineEntry: Sendable, Equatable {
    public var sequence: Int
    public var name: String
    public var at: Date
    public var actorName: String
    public var fromState: DossierState?
    public var toState: DossierState
    public var unitID: OrgUnit.ID?
    public var detail: String
}

/// What a counter officer enters to receive a dossier.
public struct DossierIntake: Sendable {
    public var procedureID: Procedure.ID
    public var receivingUnitID: OrgUnit.ID
    public var channel: DossierChannel
    public var applicant: Dossier.Applicant
    public var components: [String]

    public init(procedureID: Procedure.ID, receivingUnitID: OrgUnit.ID, channel: DossierChannel,
                applicant: Dossier.Applicant, components: [String]) {
        self.procedureID = procedureID
        self.receivingUnitID = receivingUnitID
        self.channel = channel
        self.applicant = applicant
        self.components = components
    }
}

/// The one-stop dossier engine's store. Every action is one transaction writing
/// the new state, an event row and the audit row; actions carry the version
/// they were made against, so of two conflicting actions exactly one wins.
public struct DossierRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Receives a dossier: checks it against the procedure, numbers it
    /// (unit code – yymmdd – daily sequence, unique across instances), sets the
    /// appointment on the working-day calendar, and returns it with the lookup
    /// secret printed on the receipt (only its hash is stored).
    public func receive(_ intake: DossierIntake, actor: AuditActor, now: Date) async throws -> (Dossier, secret: String) {
        let name = VietnameseText.clean(intake.applicant.name)
        guard !name.isEmpty, name.unicodeScalars.count <= 200 else {
            throw DomainError.invalid("Cần họ tên người nộp (tối đa 200 ký tự).", english: "The applicant's name (up to 200 characters) is required.", field: "applicant.name")
        }
        let limits: [(String?, Int, String)] = [(intake.applicant.idNumber, 20, "applicant.idNumber"),
                                                (intake.applicant.phone, 20, "applicant.phone"),
                                                (intake.applicant.address, 300, "applicant.address")]
        // Counted in code points, as the API schema's maxLength counts them.
        for (value, limit, field) in limits where (value.map(VietnameseText.clean)?.unicodeScalars.count ?? 0) > limit {
            throw DomainError.invalid("\(field) tối đa \(limit) ký tự.", english: "\(field) is at most \(limit) characters.", field: field)
        }
        let components = intake.components.map(VietnameseText.clean).filter { !$0.isEmpty }
        let calendar = try await CalendarRepository(db: db).calendar()
        return try await db.writeTransaction { tx in
            guard let procedure = try await ProcedureModel.find(intake.procedureID.rawValue, on: tx)?.toDomain() else {
                throw DomainError.invalid("Không có thủ tục này trong danh mục.", english: "No such procedure in the catalogue.", field: "procedureId")
            }
            guard let unit = try await UnitModel.find(intake.receivingUnitID.rawValue, on: tx) else {
                throw DomainError.invalid("Không tìm thấy đơn vị tiếp nhận.", english: "The receiving unit does not exist.", field: "receivingUnitId")
            }
            let required = Set(procedure.documents.map(\.name))
            let missing = required.subtracting(components)
            if !missing.isEmpty {
                throw DomainError.invalid("Thiếu thành phần hồ sơ: \(missing.sorted().joined(separator: "; ")).",
                                          english: "Missing components: \(missing.sorted().joined(separator: "; ")).", field: "components")
            }
            if let unknown = components.first(where: { !required.contains($0) }), !required.isEmpty {
                throw DomainError.invalid("Thành phần không có trong thủ tục: \(unknown).", english: "Not a component of this procedure: \(unknown).", field: "components")
            }
            if intake.channel == .online && !procedure.methods.contains(.online) {
                throw DomainError.invalid("Thủ tục này không nhận hồ sơ trực tuyến.", english: "This procedure does not accept online dossiers.", field: "channel")
            }
            let due: Date
            do {
                due = try Self.due(procedure.processingTime, from: now, calendar: calendar)
            } catch let error as CalendarError {
                throw DomainError(error)
            }
            let day = VietnamTime.localDate(of: now)
            let sequence = try await Self.nextSequence(unit: intake.receivingUnitID, day: day, on: tx)
            let code = DossierCode.make(unitCode: unit.code, day: day, sequence: sequence)
            var dossier = Dossier(id: .random(), code: code, procedureID: procedure.id, receivingUnitID: intake.receivingUnitID,
                                  channel: intake.channel, applicant: .init(name: name,
                                  idNumber: intake.applicant.idNumber.map(VietnameseText.clean),
                                  phone: intake.applicant.phone.map(VietnameseText.clean),
                                  address: intake.applicant.address.map(VietnameseText.clean)),
                                  components: components, state: intake.channel == .counter ? .received : .submitted,
                                  receivedAt: now, dueAt: due)
            dossier.version = 1
            let secret = Self.newSecret()
            let model = DossierModel()
            try model.apply(dossier)
            model.lookupSecretHash = Self.hash(secret)
            try await model.create(on: tx)
            try await Self.appendEvent(dossier, name: "receive", from: nil, unit: intake.receivingUnitID,
                                       detail: "\(intake.channel.rawValue): \(components.count) thành phần", actor: actor, at: now, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "dossier.receive", entityType: "dossier",
                                      entityID: dossier.id.description, after: ["code": code, "state": dossier.state.rawValue], now: now)
            return (dossier, secret)
        }
    }

    /// The due instant of a processing time counted from `start`.
    static func due(_ time: ProcessingTime, from start: Date, calendar: WorkingCalendar) throws -> Date {
        switch time.unit {
        case .workingDays: try calendar.deadline(from: start, workingDays: Int(time.amount)).due
        case .workingHours: try calendar.deadline(from: start, workingHours: time.amount).due
        case .calendarDays: try calendar.deadline(from: start, calendarDays: Int(time.amount)).due
        case .months: try calendar.deadline(from: start, months: Int(time.amount)).due
        }
    }

    /// Applies an action if the dossier is still at `expectedVersion` (stale → 412).
    public func act(_ id: Dossier.ID, expectedVersion: Int?, event: DossierEvent, actor: AuditActor,
                    now: Date) async throws -> Dossier {
        let calendar = try await CalendarRepository(db: db).calendar()
        return try await db.writeTransaction { tx in
            guard let model = try await DossierModel.find(id.rawValue, on: tx) else {
                throw DomainError(.notFound, "Không tìm thấy hồ sơ.", english: "Dossier not found.")
            }
            let before = try model.toDomain()
            if let expectedVersion, expectedVersion != before.version {
                throw DomainError(.stale, "Hồ sơ vừa được người khác xử lý; hãy tải lại.", english: "The dossier was just changed by someone else; reload it.")
            }
            let after: Dossier
            do {
                after = try before.apply(event, at: now, calendar: calendar)
            } catch let error as DossierError {
                throw error.domainError
            }
            // Compare-and-set on the version: two instances racing on one dossier cannot both win.
            let updated = try await tx.sql.update("dossiers")
                .set("state", to: after.state.rawValue).set("holder_unit_id", to: after.holderUnitID.rawValue)
                .set("due_at", to: after.dueAt).set("data", to: try DossierModel.encode(after)).set("version", to: after.version)
                .where("id", .equal, id.rawValue).where("version", .equal, before.version)
                .returning("version").all()
            guard updated.count == 1 else {
                throw DomainError(.stale, "Hồ sơ vừa được người khác xử lý; hãy tải lại.", english: "The dossier was just changed by someone else; reload it.")
            }
            try await Self.appendEvent(after, name: event.name, from: before.state, unit: after.holderUnitID,
                                       detail: Self.detail(event), actor: actor, at: now, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "dossier.\(event.name)", entityType: "dossier",
                                      entityID: id.description, before: ["state": before.state.rawValue, "version": String(before.version)],
                                      after: ["state": after.state.rawValue, "version": String(after.version)], now: now)
            return after
        }
    }

    public func find(_ id: Dossier.ID) async throws -> Dossier? {
        try await DossierModel.find(id.rawValue, on: db)?.toDomain()
    }

    /// The dossier with this code if `secret` is the one printed on its receipt.
    public func lookup(code: String, secret: String) async throws -> Dossier? {
        guard let model = try await DossierModel.query(on: db).filter(\.$code == code).first() else { return nil }
        let expected = Data(model.lookupSecretHash.utf8), given = Data(Self.hash(secret).utf8)
        guard expected.count == given.count, zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
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

    // MARK: Internals

    static func nextSequence(unit: OrgUnit.ID, day: LocalDate, on tx: any Database) async throws -> Int {
        // One statement that inserts the day's first number or bumps the counter under its row lock:
        // the same UPSERT on SQLite and PostgreSQL, so instances racing on the first dossier of a day
        // still get 1 and 2.
        let row = try await tx.sql.raw("""
            INSERT INTO dossier_counters (unit_id, day, n) VALUES (\(bind: unit.rawValue), \(bind: day.iso), 1)
            ON CONFLICT (unit_id, day) DO UPDATE SET n = dossier_counters.n + 1
            RETURNING n
            """).first()
        guard let row else { throw DomainStoreError.corruptRow("dossier_counters") }
        return try row.decode(column: "n", as: Int.self)
    }

    static func appendEvent(_ dossier: Dossier, name: String, from: DossierState?, unit: OrgUnit.ID?, detail: String,
                            actor: AuditActor, at: Date, on tx: any Database) async throws {
        let event = DossierEventModel()
        event.dossierID = dossier.id.rawValue
        event.seq = dossier.version
        event.name = name
        event.at = at
        event.actorName = actor.name
        event.fromState = from?.rawValue
        event.toState = dossier.state.rawValue
        event.unitID = unit?.rawValue
        event.detail = detail
        try await event.create(on: tx)
    }

    static func detail(_ event: DossierEvent) -> String {
        switch event {
        case .forward(_, let electronic, let note): (electronic ? "điện tử" : "giấy") + (note.map { ": \($0)" } ?? "")
        case .sendBack(_, let reason), .refuse(let reason), .stop(let reason): reason
        case .requestSupplement(let items): items.joined(separator: "; ")
        case .apologise(let reason, let due): "\(reason) → \(ISO8601DateFormatter().string(from: due))"
        case .markProcessed(let electronic): electronic ? "kết quả điện tử" : "kết quả giấy"
        case .returnResult(let method): method
        case .withdraw(let reason): reason ?? ""
        case .accept, .completeSupplement: ""
        }
    }

    /// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        return String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.uppercased().utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Row of `dossiers`.
final class DossierModel: Model, @unchecked Sendable {
    static let schema = "dossiers"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "procedure_id") var procedureID: UUID
    @Field(key: "receiving_unit_id") var receivingUnitID: UUID
    @Field(key: "holder_unit_id") var holderUnitID: UUID
    @Field(key: "state") var state: String
    @Field(key: "channel") var channel: String
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "lookup_secret_hash") var lookupSecretHash: String
    @Field(key: "data") var data: String
    @Field(key: "version") var version: Int
    init() {}

    func apply(_ d: Dossier) throws {
        id = d.id.rawValue
        code = d.code
        procedureID = d.procedureID.rawValue
        receivingUnitID = d.receivingUnitID.rawValue
        holderUnitID = d.holderUnitID.rawValue
        state = d.state.rawValue
        channel = d.channel.rawValue
        dueAt = d.dueAt
        receivedAt = d.receivedAt
        data = try Self.encode(d)
        version = d.version
    }

    func toDomain() throws -> Dossier {
        var d = try StoredJSON.decode(Dossier.self, from: data)
        d.version = version
        return d
    }

    static func encode(_ d: Dossier) throws -> String { try StoredJSON.encode(d) }
}

/// Row of `dossier_events`.
final class DossierEventModel: Model, @unchecked Sendable {
    static let schema = "dossier_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "dossier_id") var dossierID: UUID
    @Field(key: "seq") var seq: Int
    @Field(key: "name") var name: String
    @Field(key: "at") var at: Date
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "from_state") var fromState: String?
    @Field(key: "to_state") var toState: String
    @OptionalField(key: "unit_id") var unitID: UUID?
    @Field(key: "detail") var detail: String
    init() {}
}
