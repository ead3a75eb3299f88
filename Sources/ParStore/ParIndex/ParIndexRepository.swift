import FluentKit
import Foundation
import ParCore
import SQLKit

/// The PAR index cycle: sets (a draft is edited; leaving draft validates and freezes it),
/// assessments for every current unit of the set's kind, self-scores with evidence, submission
/// (which locks the unit's scores), appraisal leaf by leaf with one answer from the unit,
/// automatic and survey points at finalisation, and publication. Every step is audited.
public struct ParIndexRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// What automatic criteria read: a ParHub rate (0…1) for a unit, metric and year.
    public typealias Metrics = @Sendable (OrgUnit.ID, String, Int) async throws -> Double?

    static func load(_ row: any SQLRow) throws -> CriteriaSet {
        var set = try StoredJSON.decode(CriteriaSet.self, from: try row.decode(column: "data", as: String.self))
        set.phase = CriteriaSet.Phase(rawValue: try row.decode(column: "phase", as: String.self)) ?? set.phase
        return set
    }

    public func set(_ id: CriteriaSet.ID) async throws -> CriteriaSet? {
        try await db.sql.select().columns("data", "phase").from("par_index_sets").where("id", .equal, id.rawValue).first().map(Self.load)
    }

    public func set(year: Int, kind: UnitKind) async throws -> CriteriaSet? {
        try await db.sql.select().columns("data", "phase").from("par_index_sets").where("year", .equal, year)
            .where("target_kind", .equal, kind.rawValue).first().map(Self.load)
    }

    public func sets() async throws -> [CriteriaSet] {
        try await db.sql.select().columns("data", "phase").from("par_index_sets").orderBy("year", .descending).orderBy("target_kind").all().map(Self.load)
    }

    /// Saves a new draft (one set per year and kind of unit).
    public func create(_ draft: CriteriaSet, actor: AuditActor, now: Date) async throws -> CriteriaSet {
        var set = try draft.cleaned()
        set.phase = .draft
        let stored = set
        try await db.writeTransaction { tx in
            guard try await tx.sql.select().column("id").from("par_index_sets").where("year", .equal, stored.year)
                .where("target_kind", .equal, stored.targetKind.rawValue).first() == nil else {
                throw DomainError.duplicateCriteriaSet(year: stored.year)
            }
            try await tx.sql.insert(into: "par_index_sets").columns("id", "year", "target_kind", "phase", "data", "created_at")
                .values(SQLBind(stored.id.rawValue), SQLBind(stored.year), SQLBind(stored.targetKind.rawValue), SQLBind(stored.phase.rawValue),
                        SQLBind(try StoredJSON.encode(stored)), SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.create_set", entityType: "par_index_set", entityID: stored.id.description,
                                      after: ["year": String(stored.year), "kind": stored.targetKind.rawValue], now: now)
        }
        return stored
    }

    /// Replaces a draft's tree, bands and deadlines; a set in use is frozen (409).
    public func update(_ changed: CriteriaSet, actor: AuditActor, now: Date) async throws -> CriteriaSet {
        let set = try changed.cleaned()
        return try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns("data", "phase").from("par_index_sets").where("id", .equal, set.id.rawValue).first() else {
                throw DomainError.criteriaSetNotFound
            }
            let after = try Self.load(row).replaced(by: set)
            try await tx.sql.update("par_index_sets").set("data", to: try StoredJSON.encode(after)).where("id", .equal, set.id.rawValue).run()
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.update_set", entityType: "par_index_set", entityID: set.id.description,
                                      after: ["criteria": String(after.criteria.count)], now: now)
            return after
        }
    }

    /// Sets the last days of the self-assessment and the appraisal (`CriteriaSet.withDeadlines`).
    public func setDeadlines(_ id: CriteriaSet.ID, selfAssessment: LocalDate?, appraisal: LocalDate?, actor: AuditActor, now: Date) async throws -> CriteriaSet {
        try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns("data", "phase").from("par_index_sets").where("id", .equal, id.rawValue).first() else {
                throw DomainError.criteriaSetNotFound
            }
            let before = try Self.load(row)
            let after = try before.withDeadlines(selfAssessment: selfAssessment, appraisal: appraisal)
            guard after.deadlines != before.deadlines else { return after }
            try await tx.sql.update("par_index_sets").set("data", to: try StoredJSON.encode(after)).where("id", .equal, id.rawValue).run()
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.deadlines", entityType: "par_index_set", entityID: id.description,
                                      before: before.deadlines.mapValues(\.iso), after: after.deadlines.mapValues(\.iso), now: now)
            return after
        }
    }

    /// Moves the set to its next phase. Leaving the draft validates the tree (points must add up)
    /// and opens an assessment for every current unit of the set's kind; finalising computes the
    /// automatic criteria from `metrics`.
    public func advance(_ id: CriteriaSet.ID, metrics: Metrics, actor: AuditActor, now: Date) async throws -> CriteriaSet {
        guard let before = try await set(id) else { throw DomainError.criteriaSetNotFound }
        let next = try before.nextPhase()
        // Automatic points are read before the transaction (they read the index, not this set).
        var automatic: [(UUID, String, LeafScore)] = []
        if next == .finalised {
            for assessment in try await assessments(id) {
                for leaf in before.leaves {
                    guard let method = leaf.method, let metric = method.metric else { continue }
                    var score = assessment.scores[leaf.code] ?? LeafScore(code: leaf.code)
                    score.autoScore = method.points(rate: try await metrics(assessment.unitID, metric, before.year), maxPoints: leaf.maxPoints) ?? 0
                    automatic.append((assessment.id, leaf.code, score))
                }
            }
        }
        let computed = automatic
        return try await db.writeTransaction { tx in
            let updated = try await tx.sql.update("par_index_sets").set("phase", to: next.rawValue)
                .where("id", .equal, id.rawValue).where("phase", .equal, before.phase.rawValue).returning("id").all()
            guard !updated.isEmpty else {
                throw DomainError(.stale, "Bộ tiêu chí vừa được chuyển bước; hãy tải lại.", english: "The set just moved on; reload it.")
            }
            if next == .selfAssessment {
                let units = try await tx.sql.select().column("id").from("units").where("kind", .equal, before.targetKind.rawValue)
                    .where("valid_to", .is, SQLLiteral.null).all()
                for row in units {
                    try await tx.sql.insert(into: "par_assessments").columns("id", "set_id", "unit_id")
                        .values(SQLBind(UUID()), SQLBind(id.rawValue), SQLBind(try row.decode(column: "id", as: UUID.self))).run()
                }
            }
            for (assessment, code, score) in computed { try await Self.save(score, assessment: assessment, code: code, now: now, on: tx) }
            var after = before
            after.phase = next
            if next == .published { after.publishedAt = now }
            try await tx.sql.update("par_index_sets").set("data", to: try StoredJSON.encode(after)).where("id", .equal, id.rawValue).run()
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.advance", entityType: "par_index_set", entityID: id.description,
                                      before: ["phase": before.phase.rawValue], after: ["phase": next.rawValue], now: now)
            return after
        }
    }

    static func save(_ score: LeafScore, assessment: UUID, code: String, now: Date, on tx: any Database) async throws {
        try await tx.sql.raw("""
            INSERT INTO par_scores (assessment_id, code, data, updated_at) VALUES (\(bind: assessment), \(bind: code), \(bind: try StoredJSON.encode(score)), \(bind: now))
            ON CONFLICT (assessment_id, code) DO UPDATE SET data = \(bind: try StoredJSON.encode(score)), updated_at = \(bind: now)
            """).run()
    }

    /// Copies a set's tree to another year as a new draft.
    public func copy(_ id: CriteriaSet.ID, to year: Int, actor: AuditActor, now: Date) async throws -> CriteriaSet {
        guard let source = try await set(id) else { throw DomainError.criteriaSetNotFound }
        return try await create(source.copy(to: year), actor: actor, now: now)
    }

    // MARK: Assessments

    public func assessments(_ set: CriteriaSet.ID) async throws -> [ParAssessment] {
        let rows = try await db.sql.select().columns("id", "unit_id", "submitted_at").from("par_assessments").where("set_id", .equal, set.rawValue).all()
        var result: [ParAssessment] = []
        var byID: [UUID: Int] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            byID[id] = result.count
            result.append(ParAssessment(id: id, setID: set, unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)),
                                        submittedAt: try row.decode(column: "submitted_at", as: Date?.self), scores: [:], evidence: []))
        }
        guard !result.isEmpty else { return [] }
        for row in try await db.sql.select().columns(SQLColumn("assessment_id", table: "s"), SQLColumn("code", table: "s"), SQLColumn("data", table: "s"))
            .from(SQLAlias(SQLIdentifier("par_scores"), as: SQLIdentifier("s")))
            .join(SQLAlias(SQLIdentifier("par_assessments"), as: SQLIdentifier("a")), on: SQLColumn("assessment_id", table: "s"), .equal, SQLColumn("id", table: "a"))
            .where(SQLColumn("set_id", table: "a"), .equal, SQLBind(set.rawValue)).all() {
            guard let i = byID[try row.decode(column: "assessment_id", as: UUID.self)] else { continue }
            result[i].scores[try row.decode(column: "code", as: String.self)] = try StoredJSON.decode(LeafScore.self, from: try row.decode(column: "data", as: String.self))
        }
        return result
    }

    public func assessment(_ set: CriteriaSet.ID, unit: OrgUnit.ID) async throws -> ParAssessment? {
        guard let row = try await db.sql.select().columns("id", "submitted_at").from("par_assessments").where("set_id", .equal, set.rawValue)
            .where("unit_id", .equal, unit.rawValue).first() else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        var scores: [String: LeafScore] = [:]
        for score in try await db.sql.select().columns("code", "data").from("par_scores").where("assessment_id", .equal, id).all() {
            scores[try score.decode(column: "code", as: String.self)] = try StoredJSON.decode(LeafScore.self, from: try score.decode(column: "data", as: String.self))
        }
        let evidence = try await db.sql.select().columns("id", "code", "sha256", "name", "content_type", "size").from("par_evidence")
            .where("assessment_id", .equal, id).orderBy("uploaded_at").all().map { row in
                EvidenceFile(id: try row.decode(column: "id", as: UUID.self), code: try row.decode(column: "code", as: String.self),
                             sha256: try row.decode(column: "sha256", as: String.self), name: try row.decode(column: "name", as: String.self),
                             contentType: try row.decode(column: "content_type", as: String.self), size: try row.decode(column: "size", as: Int.self))
            }
        return ParAssessment(id: id, setID: set, unitID: unit, submittedAt: try row.decode(column: "submitted_at", as: Date?.self), scores: scores, evidence: evidence)
    }

    /// Applies a change to one leaf of a unit's assessment (`LeafChange.apply` decides) in one
    /// transaction with its audit row.
    public func change(_ setID: CriteriaSet.ID, unit: OrgUnit.ID, code: String, _ raw: LeafChange, actor: AuditActor, now: Date) async throws -> LeafScore {
        let change = try raw.validated()
        guard let set = try await set(setID) else { throw DomainError.criteriaSetNotFound }
        guard let leaf = set.criterion(code), leaf.method != nil else {
            throw DomainError(.notFound, "Không có tiêu chí thành phần \(code).", english: "No leaf criterion \(code).")
        }
        return try await db.writeTransaction { tx in
            guard let assessment = try await ParIndexRepository(db: tx).assessment(setID, unit: unit) else { throw DomainError.notAssessed }
            var score = assessment.scores[code] ?? LeafScore(code: code)
            try change.apply(to: &score, leaf: leaf, assessment: assessment, set: set)
            try await Self.save(score, assessment: assessment.id, code: code, now: now, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.\(change.name)", entityType: "par_assessment", entityID: assessment.id.uuidString.lowercased(),
                                      after: ["code": code, "self": score.selfScore.map { String($0) } ?? "—", "appraised": score.appraisedScore.map { String($0) } ?? "—"],
                                      now: now)
            return score
        }
    }

    /// The unit scores a manual leaf with its explanation and references; refused once submitted.
    public func selfScore(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, score value: Double?, explanation: String, references: [String],
                          actor: AuditActor, now: Date) async throws -> LeafScore {
        try await change(set, unit: unit, code: code, .selfScore(value, explanation: explanation, references: references), actor: actor, now: now)
    }

    /// Submits the unit's self-assessment (`ParAssessment.checkSubmittable`); it locks the unit's scores.
    public func submit(_ setID: CriteriaSet.ID, unit: OrgUnit.ID, actor: AuditActor, now: Date) async throws {
        guard let set = try await set(setID) else { throw DomainError.selfAssessmentClosed }
        guard let assessment = try await assessment(setID, unit: unit) else { throw DomainError.notAssessed }
        try assessment.checkSubmittable(in: set)
        try await db.writeTransaction { tx in
            let updated = try await tx.sql.update("par_assessments").set("submitted_at", to: now).set("submitted_by", to: actor.name)
                .where("id", .equal, assessment.id).where("submitted_at", .is, SQLLiteral.null).returning("id").all()
            guard !updated.isEmpty else { throw DomainError.alreadySubmitted }
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.submit", entityType: "par_assessment",
                                      entityID: assessment.id.uuidString.lowercased(), now: now)
        }
    }

    /// Home Affairs accepts (same score) or adjusts a manual leaf; an adjustment needs a comment.
    public func appraise(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, score value: Double, comment: String?,
                         actor: AuditActor, now: Date) async throws -> LeafScore {
        try await change(set, unit: unit, code: code, .appraise(value, comment: comment), actor: actor, now: now)
    }

    /// The unit answers an adjustment, once.
    public func respond(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, text: String, actor: AuditActor, now: Date) async throws -> LeafScore {
        try await change(set, unit: unit, code: code, .respond(text), actor: actor, now: now)
    }

    /// Imports a survey leaf's points for a unit (appraisal phase).
    public func importSurvey(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, score value: Double, actor: AuditActor, now: Date) async throws -> LeafScore {
        try await change(set, unit: unit, code: code, .importSurvey(value), actor: actor, now: now)
    }

    /// Records an evidence file stored in the file store (self-assessment only, before submission).
    public func addEvidence(_ setID: CriteriaSet.ID, unit: OrgUnit.ID, code: String, blob: FileStore.Blob, name: String, contentType: String,
                            actor: AuditActor, now: Date) async throws -> EvidenceFile {
        let file = EvidenceFile(id: UUID(), code: code, sha256: blob.sha256, name: FileRules.safeName(name, contentType: contentType), contentType: contentType, size: blob.size)
        _ = try await change(setID, unit: unit, code: code, .addEvidence, actor: actor, now: now)
        guard let assessment = try await assessment(setID, unit: unit) else { throw DomainError.notAssessed }
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "par_evidence").columns("id", "assessment_id", "code", "sha256", "name", "content_type", "size", "uploaded_by", "uploaded_at")
                .values(SQLBind(file.id), SQLBind(assessment.id), SQLBind(code), SQLBind(file.sha256), SQLBind(file.name), SQLBind(file.contentType),
                        SQLBind(file.size), SQLBind(actor.name), SQLBind(now)).run()
        }
        return file
    }

    /// An evidence file with the set and unit it belongs to.
    public func evidence(_ id: UUID) async throws -> (EvidenceFile, CriteriaSet.ID, OrgUnit.ID)? {
        guard let row = try await db.sql.select()
            .columns(["id", "code", "sha256", "name", "content_type", "size"].map { SQLColumn($0, table: "e") })
            .column(SQLColumn("set_id", table: "a")).column(SQLColumn("unit_id", table: "a"))
            .from(SQLAlias(SQLIdentifier("par_evidence"), as: SQLIdentifier("e")))
            .join(SQLAlias(SQLIdentifier("par_assessments"), as: SQLIdentifier("a")), on: SQLColumn("assessment_id", table: "e"), .equal, SQLColumn("id", table: "a"))
            .where(SQLColumn("id", table: "e"), .equal, SQLBind(id)).first() else { return nil }
        return (EvidenceFile(id: id, code: try row.decode(column: "code", as: String.self), sha256: try row.decode(column: "sha256", as: String.self),
                             name: try row.decode(column: "name", as: String.self), contentType: try row.decode(column: "content_type", as: String.self),
                             size: try row.decode(column: "size", as: Int.self)),
                CriteriaSet.ID(try row.decode(column: "set_id", as: UUID.self)), OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)))
    }

    /// Results of a finalised or published set, with last year's published percentages.
    public func results(_ set: CriteriaSet) async throws -> [ParIndexResult] {
        let scores = Dictionary(try await assessments(set.id).map { ($0.unitID, $0.scores) }, uniquingKeysWith: { a, _ in a })
        var previous: [OrgUnit.ID: Double] = [:]
        if let last = try await self.set(year: set.year - 1, kind: set.targetKind), last.phase == .published {
            let lastScores = Dictionary(try await assessments(last.id).map { ($0.unitID, $0.scores) }, uniquingKeysWith: { a, _ in a })
            for result in ParIndexScoring.results(last, scores: lastScores) { previous[result.unitID] = result.percent }
        }
        return ParIndexScoring.results(set, scores: scores, previous: previous)
    }
}
