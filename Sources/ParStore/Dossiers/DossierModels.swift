import FluentKit
import Foundation
import ParCore
import SQLKit

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
    @OptionalField(key: "citizen_id") var citizenID: UUID?
    /// The open-dossier gauge row it sits in (`ServiceCounters.openKey`), nil once processing ended:
    /// the drill-down lists exactly the dossiers the gauge counts.
    @OptionalField(key: "gauge_key") var gaugeKey: String?
    /// The search columns (`DossierSearchKeys`).
    @OptionalField(key: "code_key") var codeKey: String?
    @OptionalField(key: "applicant_key") var applicantKey: String?
    @OptionalField(key: "applicant_id_hash") var applicantIDHash: String?
    @OptionalField(key: "applicant_phone_hash") var applicantPhoneHash: String?
    init() {}

    func toDomain() throws -> Dossier {
        var d = try StoredJSON.decode(Dossier.self, from: data)
        d.version = version
        return d
    }

    static func encode(_ d: Dossier) throws -> String { try StoredJSON.encode(d) }

    /// Inserts a new dossier's row as SQL text, now or with its batch (`WriteBatch`; no model reflection on
    /// intake's path; `DossierRepositoryTests` reads it back through the model).
    /// `data`: the dossier as `encode` writes it, when the caller has it already.
    static func insert(_ d: Dossier, data: String? = nil, lookupSecretHash: String, on tx: any Database) async throws {
        let keys = DossierSearchKeys(d)
        try await WriteBatch.append(into: schema, columns: [
            "id", "code", "procedure_id", "receiving_unit_id", "holder_unit_id", "state", "channel", "due_at", "received_at",
            "lookup_secret_hash", "data", "version", "citizen_id", "gauge_key", "code_key", "applicant_key", "applicant_id_hash", "applicant_phone_hash",
        ], rows: [[
            d.id.rawValue, d.code, d.procedureID.rawValue, d.receivingUnitID.rawValue, d.holderUnitID.rawValue, d.state.rawValue,
            d.channel.rawValue, d.dueAt, d.receivedAt, lookupSecretHash, try data ?? encode(d), d.version, d.citizenID?.rawValue,
            ServiceCounters.openKey(d), keys.code, keys.name, keys.idNumberHash, keys.phoneHash,
        ]], on: tx)
    }

    /// A dossier read by SQL: its `data` and `version` columns.
    static func decode(_ row: any SQLRow) throws -> Dossier {
        var dossier = try StoredJSON.decode(Dossier.self, from: try row.decode(column: "data", as: String.self))
        dossier.version = try row.decode(column: "version", as: Int.self)
        return dossier
    }
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
    @OptionalField(key: "payload") var payload: String?
    @OptionalField(key: "snapshot") var snapshot: String?
    @OptionalField(key: "metrics") var metrics: String?
    init() {}

    /// Appends a timeline row with the dossier after the event (`snapshot`), now or with its batch.
    /// `snapshot`: the dossier as `DossierModel.encode` writes it, when the caller has it already.
    static func insert(_ entry: DossierTimelineEntry, of dossier: Dossier, snapshot: String? = nil, payload: String?, metrics: String?,
                       on tx: any Database) async throws {
        try await WriteBatch.append(into: schema, columns: [
            "id", "dossier_id", "seq", "name", "at", "actor_name", "from_state", "to_state", "unit_id", "detail", "payload", "snapshot", "metrics",
        ], rows: [[
            UUID(), dossier.id.rawValue, entry.sequence, entry.name, entry.at, entry.actorName, entry.fromState?.rawValue,
            entry.toState.rawValue, entry.unitID?.rawValue, entry.detail, payload, try snapshot ?? DossierModel.encode(dossier), metrics,
        ]], on: tx)
    }
}

/// Row of `dossier_steps`.
final class DossierStepModel: Model, @unchecked Sendable {
    static let schema = "dossier_steps"
    @ID(key: .id) var id: UUID?
    @Field(key: "dossier_id") var dossierID: UUID
    @Field(key: "seq") var seq: Int
    @Field(key: "unit_id") var unitID: UUID
    @OptionalField(key: "from_unit_id") var fromUnitID: UUID?
    @Field(key: "electronic") var electronic: Bool
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "due_at") var dueAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "actor_name") var actorName: String
    init() {}

    /// Opens a step row, now or with its batch.
    static func insert(_ step: DossierStep, of dossier: Dossier.ID, on tx: any Database) async throws {
        try await WriteBatch.append(into: schema, columns: [
            "id", "dossier_id", "seq", "unit_id", "from_unit_id", "electronic", "started_at", "due_at", "finished_at", "actor_name",
        ], rows: [[
            UUID(), dossier.rawValue, step.sequence, step.unitID.rawValue, step.fromUnitID?.rawValue, step.electronic,
            step.startedAt, step.dueAt, step.finishedAt, step.actorName,
        ]], on: tx)
    }

    func toDomain() -> DossierStep {
        DossierStep(sequence: seq, unitID: .init(unitID), fromUnitID: fromUnitID.map { .init($0) }, electronic: electronic,
                    startedAt: startedAt, dueAt: dueAt, finishedAt: finishedAt, actorName: actorName)
    }
}

/// Row of `dossier_files`.
final class DossierFileModel: Model, @unchecked Sendable {
    static let schema = "dossier_files"
    @ID(key: .id) var id: UUID?
    @Field(key: "dossier_id") var dossierID: UUID
    @Field(key: "kind") var kind: String
    @OptionalField(key: "component") var component: String?
    @Field(key: "sha256") var sha256: String
    @Field(key: "size") var size: Int
    @Field(key: "content_type") var contentType: String
    @Field(key: "original_name") var originalName: String
    @Field(key: "digitised") var digitised: Bool
    @OptionalField(key: "reused_from") var reusedFrom: UUID?
    @OptionalField(key: "owner_key") var ownerKey: String?
    @Field(key: "uploaded_at") var uploadedAt: Date
    @Field(key: "uploaded_by") var uploadedBy: String
    init() {}

    func toDomain() -> DossierFile {
        DossierFile(id: .init(id ?? UUID()), dossierID: .init(dossierID), kind: DossierFile.Kind(rawValue: kind) ?? .component,
                    component: component, sha256: sha256, size: size, contentType: contentType, originalName: originalName,
                    digitised: digitised, reusedFrom: reusedFrom.map { .init($0) }, uploadedAt: uploadedAt, uploadedBy: uploadedBy)
    }
}
