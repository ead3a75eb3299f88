import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// The scans and results attached to dossiers, and the reuse of an applicant's digitised copies.
extension DossierRepository {
    public func files(of id: Dossier.ID) async throws -> [DossierFile] {
        try await DossierFileModel.query(on: db).filter(\.$dossierID == id.rawValue).sort(\.$uploadedAt).all().map { $0.toDomain() }
    }

    public func file(_ id: DossierFile.ID) async throws -> DossierFile? {
        try await DossierFileModel.find(id.rawValue, on: db)?.toDomain()
    }

    /// Digitised files of earlier dossiers filed under the same ID number, newest first.
    public func reusableFiles(idNumber: String?) async throws -> [DossierFile] {
        guard let key = Self.ownerKey(idNumber) else { return [] }
        return try await DossierFileModel.query(on: db).filter(\.$ownerKey == key).filter(\.$digitised == true)
            .filter(\.$reusedFrom == nil).sort(\.$uploadedAt, .descending).limit(50).all().map { $0.toDomain() }
    }

    /// Attaches a file to a dossier that is not closed (a result may be attached until it is returned); a
    /// component scan must name one of the procedure's components.
    public func addFile(_ draft: FileDraft, to id: Dossier.ID, actor: AuditActor, now: Date) async throws -> DossierFile {
        try await db.writeTransaction { tx in
            guard let dossier = try await DossierModel.find(id.rawValue, on: tx)?.toDomain() else {
                throw DossierRepository.notFound
            }
            let procedure = draft.kind == .component ? try await ProcedureModel.find(dossier.procedureID.rawValue, on: tx)?.toDomain() : nil
            try DossierFile.checkAttach(kind: draft.kind, component: draft.component, to: dossier, procedure: procedure)
            let file = try await Self.insertFile(draft, dossier: dossier, actor: actor, now: now, on: tx)
            if draft.digitised {
                try await ServiceCounterStore.add([draft.kind == .component ? .componentsDigitised : .resultsDigitised: 1], for: dossier, at: now, on: tx)
            }
            try await AuditLog.append(on: tx, actor: actor, action: "dossier.add_file", entityType: "dossier", entityID: id.description,
                                      after: ["file": file.id.description, "sha256": file.sha256, "kind": file.kind.rawValue], now: now)
            return file
        }
    }

    /// Flags a file digitised (or not); the digitisation counters follow.
    public func setDigitised(_ fileID: DossierFile.ID, _ digitised: Bool, actor: AuditActor, now: Date) async throws -> DossierFile {
        try await db.writeTransaction { tx in
            guard let row = try await DossierFileModel.find(fileID.rawValue, on: tx),
                  let dossier = try await DossierModel.find(row.dossierID, on: tx)?.toDomain() else {
                throw DomainError(.notFound, "Không tìm thấy tệp.", english: "File not found.")
            }
            try row.toDomain().checkDigitisedFlagChange()
            if row.digitised != digitised {
                row.digitised = digitised
                try await row.save(on: tx)
                let metric: ServiceMetric = row.kind == DossierFile.Kind.component.rawValue ? .componentsDigitised : .resultsDigitised
                // Counted on the day the file was uploaded, as the rebuild counts it.
                try await ServiceCounterStore.add([metric: digitised ? 1 : -1], for: dossier, at: row.uploadedAt, on: tx)
                try await AuditLog.append(on: tx, actor: actor, action: "dossier.digitise", entityType: "dossier", entityID: dossier.id.description,
                                          after: ["file": fileID.description, "digitised": String(digitised)], now: now)
            }
            return row.toDomain()
        }
    }

    // MARK: Internals

    @discardableResult
    static func insertFile(_ draft: FileDraft, dossier: Dossier, reusing source: UUID? = nil, actor: AuditActor, now: Date,
                           on tx: any Database) async throws -> DossierFile {
        let row = DossierFileModel()
        row.id = UUID()
        row.dossierID = dossier.id.rawValue
        row.kind = draft.kind.rawValue
        row.component = draft.kind == .component ? draft.component : nil
        row.sha256 = draft.blob.sha256
        row.size = draft.blob.size
        row.contentType = draft.contentType
        row.originalName = draft.originalName
        row.digitised = draft.digitised
        row.reusedFrom = source
        row.ownerKey = ownerKey(dossier.applicant.idNumber)
        row.uploadedAt = now
        row.uploadedBy = actor.name
        try await row.create(on: tx)
        return row.toDomain()
    }

    /// Takes an earlier digitised copy of the same applicant (matched by ID number) into this dossier.
    static func reuseFile(_ id: DossierFile.ID, into dossier: Dossier, actor: AuditActor, now: Date, on tx: any Database) async throws {
        guard let source = try await DossierFileModel.find(id.rawValue, on: tx) else { throw DossierFile.notReusable }
        try source.toDomain().checkReuse(owner: source.ownerKey, applicant: ownerKey(dossier.applicant.idNumber))
        let draft = FileDraft(kind: .component, component: source.component, blob: .init(sha256: source.sha256, size: source.size),
                              contentType: source.contentType, originalName: source.originalName, digitised: true)
        try await insertFile(draft, dossier: dossier, reusing: source.id, actor: actor, now: now, on: tx)
    }

    /// Files are matched to a person by a hash of the ID number (never the number itself).
    static func ownerKey(_ idNumber: String?) -> String? {
        guard let raw = idNumber?.uppercased().filter({ $0.isLetter || $0.isNumber }), !raw.isEmpty else { return nil }
        return Hex.string(SHA256.hash(data: Data("owner|\(raw)".utf8)))
    }
}
