import FluentKit
import Foundation
import ParCore
import SQLKit

/// An evidence file attached to a leaf.
public struct EvidenceFile: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var code: String
    public var sha256: String
    public var name: String
    public var contentType: String
    public var size: Int
}

/// A unit's assessment in a set: its leaf scores, evidence and whether it was submitted.
public struct ParAssessment: Sendable, Equatable {
    public var id: UUID
    public var setID: CriteriaSet.ID
    public var unitID: OrgUnit.ID
    public var submittedAt: Date?
    public var scores: [String: LeafScore]
    public var evidence: [EvidenceFile]
}

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

    static func clean(_ set: CriteriaSet) throws -> CriteriaSet {
        var s = set
        s.name = VietnameseText.clean(set.name)
        s.criteria = set.criteria.map {
            var c = $0
            c.title = VietnameseText.clean(c.title)
            c.guidance = VietnameseText.clean(c.guidance)
            c.evidence = VietnameseText.clean(c.evidence)
            return c
        }
        guard !s.name.isEmpty, s.name.unicodeScalars.count <= 300, (2000...2100).contains(s.year), (1...500).contains(s.criteria.count),
              s.totalPoints.isFinite, (1...1000).contains(s.totalPoints) else {
            throw DomainError.invalid("Cần tên, năm, tổng điểm (1–1.000) và từ 1 đến 500 tiêu chí.",
                                      english: "A name, a year, a total (1–1,000) and 1 to 500 criteria are required.", field: "name")
        }
        // Even a draft keeps the shapes the API promises; the tree itself is checked when the set is opened.
        guard s.criteria.allSatisfy({ !$0.code.isEmpty && $0.code.count <= 20 && !$0.title.isEmpty && $0.title.unicodeScalars.count <= 1000
                                      && $0.guidance.unicodeScalars.count <= 4000 && $0.evidence.unicodeScalars.count <= 2000
                                      && $0.maxPoints.isFinite && $0.maxPoints >= 0 && ($0.method?.metric?.count ?? 0) <= 80 }) else {
            throw DomainError.invalid("Mỗi tiêu chí cần mã (tối đa 20 ký tự), tên (tối đa 1.000 ký tự) và điểm không âm.",
                                      english: "Every criterion needs a code (up to 20 characters), a title (up to 1,000) and non-negative points.", field: "criteria")
        }
        s.bands = set.bands.map { ClassificationBand(minPercent: $0.minPercent, name: VietnameseText.clean($0.name)) }
        guard s.bands.count <= 10, s.bands.allSatisfy({ !$0.name.isEmpty && $0.name.unicodeScalars.count <= 100 && $0.minPercent.isFinite && (0...100).contains($0.minPercent) }) else {
            throw DomainError.invalid("Tối đa 10 mức xếp loại, tên tối đa 100 ký tự, ngưỡng 0–100%.", english: "At most 10 bands, names up to 100 characters, thresholds 0–100%.", field: "bands")
        }
        return s
    }

    /// Saves a new draft (one set per year and kind of unit).
    public func create(_ draft: CriteriaSet, actor: AuditActor, now: Date) async throws -> CriteriaSet {
        var set = try Self.clean(draft)
        set.phase = .draft
        let stored = set
        try await db.writeTransaction { tx in
            guard try await tx.sql.select().column("id").from("par_index_sets").where("year", .equal, stored.year)
                .where("target_kind", .equal, stored.targetKind.rawValue).first() == nil else {
                throw DomainError(.conflict, "Đã có bộ tiêu chí năm \(stored.year) cho loại đơn vị này.",
                                  english: "There is already a \(stored.year) set for this kind of unit.", field: "year")
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
        let set = try Self.clean(changed)
        return try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns("data", "phase").from("par_index_sets").where("id", .equal, set.id.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy bộ tiêu chí.", english: "No such criteria set.")
            }
            let before = try Self.load(row)
            guard before.phase == .draft else {
                throw DomainError(.conflict, "Bộ tiêu chí đang được sử dụng nên không sửa được; hãy sao chép sang năm sau.",
                                  english: "The set is in use and frozen; copy it to next year instead.")
            }
            var after = set
            after.phase = .draft
            after.year = before.year
            after.targetKind = before.targetKind
            try await tx.sql.update("par_index_sets").set("data", to: try StoredJSON.encode(after)).where("id", .equal, set.id.rawValue).run()
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.update_set", entityType: "par_index_set", entityID: set.id.description,
                                      after: ["criteria": String(after.criteria.count)], now: now)
            return after
        }
    }

    /// Moves the set to its next phase. Leaving the draft validates the tree (points must add up)
    /// and opens an assessment for every current unit of the set's kind; finalising computes the
    /// automatic criteria from `metrics`.
    public func advance(_ id: CriteriaSet.ID, metrics: Metrics, actor: AuditActor, now: Date) async throws -> CriteriaSet {
        guard let before = try await set(id) else { throw DomainError(.notFound, "Không tìm thấy bộ tiêu chí.", english: "No such criteria set.") }
        guard let next = before.phase.next else {
            throw DomainError(.conflict, "Bộ tiêu chí đã công bố.", english: "The set is already published.")
        }
        if before.phase == .draft { try before.validate() }
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
        guard let source = try await set(id) else { throw DomainError(.notFound, "Không tìm thấy bộ tiêu chí.", english: "No such criteria set.") }
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

    /// Changes one leaf of a unit's assessment inside a transaction, after checking the phase
    /// and the leaf; `change` may throw to refuse.
    func changeLeaf(_ setID: CriteriaSet.ID, unit: OrgUnit.ID, code: String, phase: CriteriaSet.Phase, action: String, actor: AuditActor, now: Date,
                    change: @escaping @Sendable (Criterion, ParAssessment, inout LeafScore) throws -> Void) async throws -> LeafScore {
        guard let set = try await set(setID) else { throw DomainError(.notFound, "Không tìm thấy bộ tiêu chí.", english: "No such criteria set.") }
        guard set.phase == phase else {
            throw DomainError(.conflict, "Bộ tiêu chí đang ở bước “\(set.phase.vietnamese)”.", english: "The set is in its \(set.phase.english.lowercased()) phase.")
        }
        guard let leaf = set.criterion(code), leaf.method != nil else {
            throw DomainError(.notFound, "Không có tiêu chí thành phần \(code).", english: "No leaf criterion \(code).")
        }
        return try await db.writeTransaction { tx in
            guard let assessment = try await ParIndexRepository(db: tx).assessment(setID, unit: unit) else {
                throw DomainError(.notFound, "Đơn vị không thuộc đối tượng đánh giá của bộ tiêu chí này.", english: "The unit is not assessed in this set.")
            }
            var score = assessment.scores[code] ?? LeafScore(code: code)
            try change(leaf, assessment, &score)
            try await Self.save(score, assessment: assessment.id, code: code, now: now, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.\(action)", entityType: "par_assessment", entityID: assessment.id.uuidString.lowercased(),
                                      after: ["code": code, "self": score.selfScore.map { String($0) } ?? "—", "appraised": score.appraisedScore.map { String($0) } ?? "—"],
                                      now: now)
            return score
        }
    }

    /// The unit scores a manual leaf with its explanation and references; refused once submitted.
    public func selfScore(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, score value: Double?, explanation: String, references: [String],
                          actor: AuditActor, now: Date) async throws -> LeafScore {
        let text = VietnameseText.clean(explanation), refs = references.map(VietnameseText.clean).filter { !$0.isEmpty }
        guard text.unicodeScalars.count <= 4000, refs.count <= 20, refs.allSatisfy({ $0.unicodeScalars.count <= 500 }) else {
            throw DomainError.invalid("Giải trình hoặc tài liệu kiểm chứng quá dài.", english: "The explanation or references are too long.", field: "explanation")
        }
        return try await changeLeaf(set, unit: unit, code: code, phase: .selfAssessment, action: "self_score", actor: actor, now: now) { leaf, assessment, score in
            guard assessment.submittedAt == nil else {
                throw DomainError(.conflict, "Đơn vị đã gửi bản tự đánh giá; không sửa được nữa.", english: "The self-assessment was submitted and can no longer be edited.")
            }
            guard leaf.method?.isSelfScored == true else {
                throw DomainError.invalid("Tiêu chí \(leaf.code) được chấm tự động hoặc qua điều tra.", english: "Criterion \(leaf.code) is scored automatically or by survey.", field: leaf.code)
            }
            if let value { try ParIndexScoring.check(value, for: leaf) }
            score.selfScore = value
            score.explanation = text
            score.references = refs
        }
    }

    /// Submits the unit's self-assessment: every manual leaf must be scored with evidence or an explanation.
    public func submit(_ setID: CriteriaSet.ID, unit: OrgUnit.ID, actor: AuditActor, now: Date) async throws {
        guard let set = try await set(setID), set.phase == .selfAssessment else {
            throw DomainError(.conflict, "Không trong thời gian tự đánh giá.", english: "Self-assessment is not open.")
        }
        guard let assessment = try await assessment(setID, unit: unit) else {
            throw DomainError(.notFound, "Đơn vị không thuộc đối tượng đánh giá.", english: "The unit is not assessed in this set.")
        }
        guard assessment.submittedAt == nil else {
            throw DomainError(.conflict, "Đã gửi rồi.", english: "Already submitted.")
        }
        let missing = set.leaves.filter { leaf in
            guard leaf.method?.isSelfScored == true else { return false }
            let score = assessment.scores[leaf.code]
            let hasEvidence = !(score?.explanation.isEmpty ?? true) || !(score?.references.isEmpty ?? true) || assessment.evidence.contains { $0.code == leaf.code }
            return score?.selfScore == nil || !hasEvidence
        }.map(\.code)
        guard missing.isEmpty else {
            throw DomainError.invalid("Chưa chấm điểm hoặc chưa có tài liệu kiểm chứng/giải trình: \(missing.joined(separator: ", ")).",
                                      english: "Not scored or without evidence or explanation: \(missing.joined(separator: ", ")).", field: missing.first)
        }
        try await db.writeTransaction { tx in
            let updated = try await tx.sql.update("par_assessments").set("submitted_at", to: now).set("submitted_by", to: actor.name)
                .where("id", .equal, assessment.id).where("submitted_at", .is, SQLLiteral.null).returning("id").all()
            guard !updated.isEmpty else { throw DomainError(.conflict, "Đã gửi rồi.", english: "Already submitted.") }
            try await AuditLog.append(on: tx, actor: actor, action: "par_index.submit", entityType: "par_assessment",
                                      entityID: assessment.id.uuidString.lowercased(), now: now)
        }
    }

    /// Home Affairs accepts (same score) or adjusts a manual leaf; an adjustment needs a comment.
    public func appraise(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, score value: Double, comment raw: String?,
                         actor: AuditActor, now: Date) async throws -> LeafScore {
        let comment = raw.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        guard (comment?.unicodeScalars.count ?? 0) <= 4000 else {
            throw DomainError.invalid("Nhận xét tối đa 4.000 ký tự.", english: "A comment is up to 4,000 characters.", field: "comment")
        }
        return try await changeLeaf(set, unit: unit, code: code, phase: .appraisal, action: "appraise", actor: actor, now: now) { leaf, _, score in
            guard leaf.method?.isSelfScored == true else {
                throw DomainError.invalid("Chỉ thẩm định tiêu chí tự chấm.", english: "Only self-scored criteria are appraised.", field: leaf.code)
            }
            try ParIndexScoring.check(value, for: leaf)
            if value != score.selfScore, comment == nil {
                throw DomainError.invalid("Điều chỉnh điểm cần nhận xét.", english: "An adjustment needs a comment.", field: "comment")
            }
            score.appraisedScore = value
            score.appraisalComment = comment
        }
    }

    /// The unit answers an adjustment, once.
    public func respond(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, text raw: String, actor: AuditActor, now: Date) async throws -> LeafScore {
        let text = VietnameseText.clean(raw)
        guard !text.isEmpty, text.unicodeScalars.count <= 4000 else {
            throw DomainError.invalid("Cần nội dung giải trình (tối đa 4.000 ký tự).", english: "An answer is required (up to 4,000 characters).", field: "response")
        }
        return try await changeLeaf(set, unit: unit, code: code, phase: .appraisal, action: "respond", actor: actor, now: now) { leaf, _, score in
            guard score.isAdjusted else {
                throw DomainError(.conflict, "Chỉ giải trình khi điểm bị điều chỉnh.", english: "Only an adjusted score can be answered.")
            }
            guard score.response == nil else {
                throw DomainError(.conflict, "Đơn vị chỉ giải trình một lần.", english: "A unit answers an adjustment once.")
            }
            score.response = text
        }
    }

    /// Imports a survey leaf's points for a unit (appraisal phase).
    public func importSurvey(_ set: CriteriaSet.ID, unit: OrgUnit.ID, code: String, score value: Double, actor: AuditActor, now: Date) async throws -> LeafScore {
        try await changeLeaf(set, unit: unit, code: code, phase: .appraisal, action: "import_survey", actor: actor, now: now) { leaf, _, score in
            guard leaf.method == .survey else {
                throw DomainError.invalid("Tiêu chí \(leaf.code) không lấy từ điều tra.", english: "Criterion \(leaf.code) is not a survey criterion.", field: leaf.code)
            }
            try ParIndexScoring.check(value, for: leaf)
            score.surveyScore = value
        }
    }

    /// Records an evidence file stored in the file store (self-assessment only, before submission).
    public func addEvidence(_ setID: CriteriaSet.ID, unit: OrgUnit.ID, code: String, blob: FileStore.Blob, name: String, contentType: String,
                            actor: AuditActor, now: Date) async throws -> EvidenceFile {
        let file = EvidenceFile(id: UUID(), code: code, sha256: blob.sha256, name: FileRules.safeName(name, contentType: contentType), contentType: contentType, size: blob.size)
        _ = try await changeLeaf(setID, unit: unit, code: code, phase: .selfAssessment, action: "add_evidence", actor: actor, now: now) { leaf, assessment, _ in
            guard assessment.submittedAt == nil else {
                throw DomainError(.conflict, "Đơn vị đã gửi bản tự đánh giá; không sửa được nữa.", english: "The self-assessment was submitted and can no longer be edited.")
            }
            guard leaf.method?.isSelfScored == true else {
                throw DomainError.invalid("Tiêu chí này không tự chấm.", english: "This criterion is not self-scored.", field: leaf.code)
            }
        }
        guard let assessment = try await assessment(setID, unit: unit) else { throw DomainError(.notFound, "Không tìm thấy.", english: "Not found.") }
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
