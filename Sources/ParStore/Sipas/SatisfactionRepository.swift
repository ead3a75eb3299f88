import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// A stored response, as much as staff may see of it: never the dossier's applicant.
public struct SurveyComment: Sendable, Equatable {
    public var answeredAt: Date
    public var unitID: OrgUnit.ID
    public var procedureID: Procedure.ID
    public var method: SurveyMethod
    public var overall: SatisfactionLevel?
    public var text: String
}

/// How often an improvement was asked for.
public struct ExpectationCount: Sendable, Equatable {
    public var aspect: SipasAspect
    public var choice: String
    public var count: Int
}

/// Citizen satisfaction (SIPAS): questionnaire versions, responses (one per returned
/// dossier, from a link, the counter kiosk or a sample survey), the index's tallies and the
/// expectations and comments behind it. Each response also adds `ratings` and
/// `negative_ratings` to the Decision 766 counters on the day the result was returned.
public struct SatisfactionRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: Questionnaires

    /// The version in force: the active stored one, or SIPAS 2023 as shipped.
    public func activeQuestionnaire() async throws -> Questionnaire {
        guard let row = try await db.sql.select().column("data").from("questionnaires").where("active", .equal, true)
            .orderBy("created_at", .descending).first() else { return .sipas2023 }
        return try StoredJSON.decode(Questionnaire.self, from: try row.decode(column: "data", as: String.self))
    }

    public func questionnaire(version: String) async throws -> Questionnaire? {
        if version == Questionnaire.sipas2023.version { return .sipas2023 }
        guard let row = try await db.sql.select().column("data").from("questionnaires").where("version", .equal, version).first() else { return nil }
        return try StoredJSON.decode(Questionnaire.self, from: try row.decode(column: "data", as: String.self))
    }

    /// Stores a new version and puts it in force (audited). A version is published once and
    /// never edited: responses keep naming the version they answered.
    public func publish(_ questionnaire: Questionnaire, actor: AuditActor, now: Date) async throws {
        let q = questionnaire.cleaned()
        try q.validate()
        try await db.writeTransaction { tx in
            let existing = try await tx.sql.select().column("version").from("questionnaires").where("version", .equal, q.version).first()
            guard existing == nil, q.version != Questionnaire.sipas2023.version else {
                throw DomainError(.conflict, "Phiên bản \(q.version) đã có; bảng hỏi đã công bố không sửa được, hãy đặt phiên bản mới.",
                                  english: "Version \(q.version) exists; a published questionnaire cannot change, name a new version.", field: "version")
            }
            try await tx.sql.update("questionnaires").set("active", to: false).run()
            try await tx.sql.insert(into: "questionnaires").columns("version", "name", "data", "active", "created_at")
                .values(SQLBind(q.version), SQLBind(q.name), SQLBind(try StoredJSON.encode(q)), SQLBind(true), SQLBind(now)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "sipas.publish_questionnaire", entityType: "questionnaire",
                                      entityID: q.version, after: ["name": q.name], now: now)
        }
    }

    // MARK: Responses

    /// When the dossier was rated, if it was.
    public func answeredAt(_ dossier: Dossier.ID) async throws -> Date? {
        try await db.sql.select().column("answered_at").from("sipas_responses").where("dossier_id", .equal, dossier.rawValue)
            .first()?.decode(column: "answered_at", as: Date.self)
    }

    /// Records one response about a returned dossier: refused (409) when the result has not
    /// been returned or the dossier was already rated — two concurrent answers cannot both
    /// land, the unique dossier id decides. The applicant's identity is not stored with it.
    @discardableResult
    public func submit(_ dossierID: Dossier.ID, answers raw: SurveyAnswers, method: SurveyMethod, campaign: UUID? = nil,
                       actor: AuditActor, now: Date) async throws -> UUID {
        let questionnaire = try await activeQuestionnaire()
        let answers = try raw.validated(against: questionnaire)
        return try await db.writeTransaction { tx in
            guard let dossier = try await DossierModel.find(dossierID.rawValue, on: tx)?.toDomain() else {
                throw DomainError(.notFound, "Không tìm thấy hồ sơ.", english: "No such dossier.")
            }
            let answered = try await tx.sql.select().column("id").from("sipas_responses").where("dossier_id", .equal, dossierID.rawValue).first()
            let returnedAt = try SurveyAnswers.checkRatable(dossier, answered: answered != nil)
            if let campaign {
                let drawn = try await tx.sql.select().column("status").from("survey_samples")
                    .where("campaign_id", .equal, campaign).where("dossier_id", .equal, dossierID.rawValue).first()
                guard drawn != nil else {
                    throw DomainError(.notFound, "Hồ sơ không có trong mẫu khảo sát này.", english: "The dossier is not in this sample.")
                }
            }
            let field = try await ProcedureModel.find(dossier.procedureID.rawValue, on: tx)?.field ?? ""
            let id = UUID()
            var columns = ["id", "dossier_id", "unit_id", "procedure_id", "field", "dossier_channel", "method", "questionnaire_version",
                           "campaign_id", "returned_at", "returned_day", "answered_at", "negative", "comment", "data"]
            var values: [any SQLExpression] = [
                SQLBind(id), SQLBind(dossierID.rawValue), SQLBind(dossier.receivingUnitID.rawValue), SQLBind(dossier.procedureID.rawValue),
                SQLBind(field), SQLBind(dossier.channel.rawValue), SQLBind(method.rawValue), SQLBind(questionnaire.version), SQLBind(campaign),
                SQLBind(returnedAt), SQLBind(VietnamTime.localDate(of: returnedAt).iso), SQLBind(now), SQLBind(answers.isNegative),
                SQLBind(answers.comment), SQLBind(try StoredJSON.encode(answers)),
            ]
            for aspect in SipasAspect.allCases {
                columns.append(SatisfactionColumns.level(aspect))
                values.append(SQLBind(answers.level(aspect)?.rawValue))
            }
            columns.append(SatisfactionColumns.overall)
            values.append(SQLBind(answers.overall?.rawValue))
            let inserted = try await tx.sql.insert(into: "sipas_responses").columns(columns).values(values)
                .ignoringConflicts(with: ["dossier_id"]).returning("id").all()
            guard !inserted.isEmpty else { throw SurveyAnswers.alreadyAnswered }  // answered meanwhile (the unique dossier id decides)
            for answer in answers.aspects {
                for choice in answer.expectations {
                    try await tx.sql.insert(into: "sipas_expectations").columns("response_id", "aspect", "choice")
                        .values(SQLBind(id), SQLBind(answer.aspect.rawValue), SQLBind(choice)).run()
                }
            }
            try await ServiceCounterStore.add([.ratings: 1, .negativeRatings: answers.isNegative ? 1 : 0], for: dossier, at: returnedAt, on: tx)
            if let campaign {
                try await tx.sql.update("survey_samples").set("status", to: SampleStatus.answered.rawValue).set("updated_at", to: now)
                    .where("campaign_id", .equal, campaign).where("dossier_id", .equal, dossierID.rawValue).run()
            }
            try await AuditLog.append(on: tx, actor: actor, action: "sipas.respond", entityType: "dossier", entityID: dossierID.description,
                                      after: ["method": method.rawValue, "questionnaire": questionnaire.version], now: now)
            return id
        }
    }

    // MARK: The index

    /// What the index can be broken down by.
    public enum Breakdown: String, CaseIterable, Sendable {
        case none, unit, field, procedure, channel, method
    }

    /// Tallies of the responses about dossiers of the scope returned `from` … `through`
    /// (Việt Nam days), by the breakdown's key: for `unit`, the child of the scope's root the
    /// receiving unit belongs to (the root itself for its own dossiers); for `none`, "all".
    public func tallies(_ scope: IndexScope, from: LocalDate, through: LocalDate, by breakdown: Breakdown = .none,
                        procedure: Procedure.ID? = nil, campaign: UUID? = nil) async throws -> [String: SatisfactionTally] {
        guard !scope.units.isEmpty else { return [:] }
        let keyColumn: String? = switch breakdown {
        case .none: nil
        case .unit: "unit_id"
        case .field: "field"
        case .procedure: "procedure_id"
        case .channel: "dossier_channel"
        case .method: "method"
        }
        var query = try db.sql.select().column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "responses")
        if let keyColumn { query = query.column(SQLColumn(keyColumn), as: "k") }
        func sums(_ column: String, _ alias: String) {
            query = query
                .column(SQLRaw("CAST(SUM(CASE WHEN \(column) IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)"), as: "a_" + alias)
                .column(SQLRaw("CAST(SUM(CASE WHEN \(column) >= 4 THEN 1 ELSE 0 END) AS BIGINT)"), as: "s_" + alias)
        }
        for aspect in SipasAspect.allCases { sums(SatisfactionColumns.level(aspect), aspect.rawValue) }
        sums(SatisfactionColumns.overall, "overall")
        query = query.from("sipas_responses")
            .where("unit_id", .in, scope.units.map(\.rawValue))
            .where("returned_day", .greaterThanOrEqual, from.iso).where("returned_day", .lessThanOrEqual, through.iso)
        if let procedure { query = query.where("procedure_id", .equal, procedure.rawValue) }
        if let campaign { query = query.where("campaign_id", .equal, campaign) }
        if let keyColumn { query = query.groupBy(keyColumn) }
        let children = breakdown == .unit ? try await childOfRoot(scope) : [:]
        var result: [String: SatisfactionTally] = [:]
        for row in try await query.all() {
            func int(_ column: String) throws -> Int { Int(try row.decode(column: column, as: Int64?.self) ?? 0) }
            let responses = try int("responses")
            guard responses > 0 else { continue }
            var tally = SatisfactionTally(responses: responses)
            for aspect in SipasAspect.allCases {
                let answered = try int("a_" + aspect.rawValue)
                if answered > 0 { tally.aspects[aspect] = AnswerTally(answered: answered, satisfied: try int("s_" + aspect.rawValue)) }
            }
            tally.overall = AnswerTally(answered: try int("a_overall"), satisfied: try int("s_overall"))
            let key: String
            switch breakdown {
            case .none: key = "all"
            case .unit:
                let unit = try row.decode(column: "k", as: UUID.self)
                key = (children[unit] ?? unit).uuidString.lowercased()
            case .procedure: key = try row.decode(column: "k", as: UUID.self).uuidString.lowercased()
            default: key = try row.decode(column: "k", as: String.self)
            }
            result[key] = (result[key] ?? SatisfactionTally()) + tally
        }
        return result
    }

    /// Each unit of the scope mapped to the child of the root it lies under.
    func childOfRoot(_ scope: IndexScope) async throws -> [UUID: UUID] {
        let root = scope.root.rawValue
        var map: [UUID: UUID] = [:]
        for row in try await db.sql.select().columns("id", "path").from("units")
            .where("path", .like, "%/" + root.uuidString.lowercased() + "/%").all() {
            let path = UnitModel.lineage(ofPath: try row.decode(column: "path", as: String.self))
            guard let at = path.firstIndex(of: root) else { continue }
            map[try row.decode(column: "id", as: UUID.self)] = at + 1 < path.count ? path[at + 1] : root
        }
        return map
    }

    /// The improvements citizens asked for most, in the scope and period.
    public func expectations(_ scope: IndexScope, from: LocalDate, through: LocalDate) async throws -> [ExpectationCount] {
        guard !scope.units.isEmpty else { return [] }
        let rows = try await db.sql.select()
            .column(SQLColumn("aspect", table: "x")).column(SQLColumn("choice", table: "x"))
            .column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n")
            .from(SQLAlias(SQLIdentifier("sipas_expectations"), as: SQLIdentifier("x")))
            .join(SQLAlias(SQLIdentifier("sipas_responses"), as: SQLIdentifier("r")),
                  on: SQLColumn("response_id", table: "x"), .equal, SQLColumn("id", table: "r"))
            .where(SQLColumn("unit_id", table: "r"), .in, SQLBind.group(scope.units.map(\.rawValue)))
            .where(SQLColumn("returned_day", table: "r"), .greaterThanOrEqual, SQLBind(from.iso))
            .where(SQLColumn("returned_day", table: "r"), .lessThanOrEqual, SQLBind(through.iso))
            .groupBy(SQLColumn("aspect", table: "x")).groupBy(SQLColumn("choice", table: "x"))
            .all()
        return try rows.compactMap { row in
            guard let aspect = SipasAspect(rawValue: try row.decode(column: "aspect", as: String.self)) else { return nil }
            return ExpectationCount(aspect: aspect, choice: try row.decode(column: "choice", as: String.self),
                                    count: Int(try row.decode(column: "n", as: Int64.self)))
        }.sorted { ($0.count, $1.aspect.rawValue, $1.choice) > ($1.count, $0.aspect.rawValue, $0.choice) }
    }

    /// Free-text answers, newest first, without anything that names the citizen.
    public func comments(_ scope: IndexScope, from: LocalDate, through: LocalDate, limit: Int = 200) async throws -> [SurveyComment] {
        guard !scope.units.isEmpty else { return [] }
        let rows = try await db.sql.select().columns("answered_at", "unit_id", "procedure_id", "method", "comment", SatisfactionColumns.overall)
            .from("sipas_responses")
            .where("unit_id", .in, scope.units.map(\.rawValue))
            .where("returned_day", .greaterThanOrEqual, from.iso).where("returned_day", .lessThanOrEqual, through.iso)
            .where("comment", .isNot, SQLLiteral.null)
            .orderBy("answered_at", .descending).limit(limit).all()
        return try rows.map { row in
            SurveyComment(answeredAt: try row.decode(column: "answered_at", as: Date.self),
                          unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)),
                          procedureID: Procedure.ID(try row.decode(column: "procedure_id", as: UUID.self)),
                          method: SurveyMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .link,
                          overall: try row.decode(column: SatisfactionColumns.overall, as: Int?.self).flatMap(SatisfactionLevel.init(rawValue:)),
                          text: try row.decode(column: "comment", as: String.self))
        }
    }

    // MARK: Per-dossier links

    /// The token of a dossier's survey link: HMAC-SHA256 of the dossier id under the
    /// server's secret, 20 base-32 characters (100 bits). Nothing to store, the same on every
    /// instance, impossible to forge without the secret; it is spent by the one response a
    /// dossier may have.
    public static func surveyToken(_ dossier: Dossier.ID, key: String) -> String {
        SignedToken.make("sipas", dossier.description, key: key)
    }

    /// Whether `token` is the dossier's, compared in constant time.
    public static func verify(_ token: String, for dossier: Dossier.ID, key: String) -> Bool {
        DossierRepository.constantTimeEqual(surveyToken(dossier, key: key), token.lowercased())
    }
}
