import FluentKit
import Foundation
import NIOConcurrencyHelpers
import ParCore
import SQLKit

/// Row of `procedures`: the current version as JSON plus the columns lists filter and sort on.
final class ProcedureModel: Model, @unchecked Sendable {
    static let schema = "procedures"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "name_key") var nameKey: String
    @Field(key: "field") var field: String
    @Field(key: "level") var level: String
    @OptionalField(key: "unit_id") var unitID: UUID?
    @Field(key: "agency") var agency: String
    @Field(key: "online_level") var onlineLevel: String
    @Field(key: "is_complete") var isComplete: Bool
    @Field(key: "data") var data: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    func apply(_ procedure: Procedure) throws {
        id = procedure.id.rawValue
        code = procedure.code
        name = procedure.name
        nameKey = CatalogueSearch.key(procedure.name)
        field = procedure.field
        level = procedure.level.rawValue
        unitID = procedure.unitID?.rawValue
        agency = procedure.agency
        onlineLevel = procedure.onlineLevel.rawValue
        isComplete = procedure.isComplete
        data = try ProcedureCoding.encode(procedure)
        version = procedure.version
    }

    func toDomain() throws -> Procedure {
        try Self.decode(data: data, version: version)
    }

    /// One procedure as the domain knows it, read by SQL (intake's path: no model reflection).
    /// Every change of a procedure's `data` bumps its `version` (`ProcedureRepository.publish`), so a
    /// procedure decoded once is kept by id and version: an intake reads the version only, and decodes the
    /// JSON again only after a change (ids are random UUIDs, so apps on different databases in one process
    /// do not meet in the cache).
    static func domain(_ id: UUID, on db: any Database) async throws -> Procedure? {
        guard let current = try await db.sql.raw("SELECT version FROM procedures WHERE id = \(bind: id)").first() else { return nil }
        return try await domain(id, version: try current.decode(column: "version", as: Int.self), on: db)
    }

    /// The procedure, given its current version just read.
    static func domain(_ id: UUID, version: Int, on db: any Database) async throws -> Procedure? {
        let sql = try db.sql
        if let kept = decoded.withLockedValue({ $0[id] }), kept.version == version { return kept }
        guard let row = try await sql.raw("SELECT data, version FROM procedures WHERE id = \(bind: id)").first() else { return nil }
        let procedure = try decode(data: try row.decode(column: "data", as: String.self), version: try row.decode(column: "version", as: Int.self))
        decoded.withLockedValue { kept in
            if kept.count >= 4_096 { kept.removeAll(keepingCapacity: true) }   // a catalogue is a few thousand procedures
            kept[id] = procedure
        }
        return procedure
    }

    /// Procedures decoded by `domain`, by id (each at the version it was read).
    private static let decoded = NIOLockedValueBox<[UUID: Procedure]>([:])

    /// A row's `data` and `version` as the procedure.
    static func decode(data: String, version: Int) throws -> Procedure {
        var procedure = try ProcedureCoding.decode(data)
        procedure.version = version
        return procedure
    }
}

/// Row of `procedure_versions`: a version as it was, with the decision that made it.
final class ProcedureVersionModel: Model, @unchecked Sendable {
    static let schema = "procedure_versions"
    @ID(key: .id) var id: UUID?
    @Field(key: "procedure_id") var procedureID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "data") var data: String
    @OptionalField(key: "decision") var decision: String?
    @OptionalField(key: "effective_from") var effectiveFrom: String?
    @Field(key: "changed_at") var changedAt: Date
    @Field(key: "actor_name") var actorName: String
    init() {}
}

/// Row of `processing_time_changes`.
final class ProcessingTimeChangeModel: Model, @unchecked Sendable {
    static let schema = "processing_time_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "procedure_id") var procedureID: UUID
    @Field(key: "before_amount") var beforeAmount: Double
    @Field(key: "before_unit") var beforeUnit: String
    @Field(key: "after_amount") var afterAmount: Double
    @Field(key: "after_unit") var afterUnit: String
    @Field(key: "effective_from") var effectiveFrom: String
    @Field(key: "decision") var decision: String
    @Field(key: "shortened") var shortened: Bool
    init() {}
}

enum ProcedureCoding {
    static func encode(_ procedure: Procedure) throws -> String { try StoredJSON.encode(procedure) }
    static func decode(_ text: String) throws -> Procedure { try StoredJSON.decode(Procedure.self, from: text) }
}
