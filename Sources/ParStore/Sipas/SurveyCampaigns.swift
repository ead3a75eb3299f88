import FluentKit
import Foundation
import ParCore
import SQLKit

/// Where a drawn dossier stands in a sample survey.
public enum SampleStatus: String, Codable, CaseIterable, Sendable {
    case pending, answered, unreachable, declined

    public var vietnamese: String {
        switch self {
        case .pending: "Chưa khảo sát"
        case .answered: "Đã trả lời"
        case .unreachable: "Không liên lạc được"
        case .declined: "Từ chối trả lời"
        }
    }

    public var english: String {
        switch self {
        case .pending: "Not yet asked"
        case .answered: "Answered"
        case .unreachable: "Unreachable"
        case .declined: "Declined"
        }
    }
}

/// A sample survey: dossiers returned in a period under a unit, a sample drawn per receiving
/// unit with n = N/(1+N·e²) from a recorded seed, so the same draw can be made again.
public struct SurveyCampaign: Sendable, Equatable, Identifiable {
    /// One receiving unit's population and sample size.
    public struct Stratum: Codable, Sendable, Equatable {
        public var unitID: UUID
        public var population: Int
        public var size: Int
    }

    public var id: UUID
    public var name: String
    public var questionnaireVersion: String
    public var rootUnitID: OrgUnit.ID
    public var from: LocalDate
    public var through: LocalDate
    public var margin: Double
    public var seed: UInt64
    public var population: Int
    public var sampleSize: Int
    public var strata: [Stratum]
    public var createdBy: String
    public var createdAt: Date
}

/// A drawn dossier with what the surveyor needs to call the citizen.
public struct SampleEntry: Sendable, Equatable {
    public var dossier: Dossier
    public var unitID: OrgUnit.ID
    public var position: Int
    public var status: SampleStatus
    public var note: String?
}

extension SatisfactionRepository {
    /// Dossiers of the scope whose result was returned `from` … `through`, per receiving
    /// unit, in code order (the order the draw starts from).
    public func returnedPopulation(_ scope: IndexScope, from: LocalDate, through: LocalDate) async throws -> [UUID: [UUID]] {
        guard !scope.units.isEmpty else { return [:] }
        let rows = try await db.sql.select()
            .column(SQLColumn("id", table: "d")).column(SQLColumn("receiving_unit_id", table: "d"))
            .from(SQLAlias(SQLIdentifier("dossier_events"), as: SQLIdentifier("e")))
            .join(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")), on: SQLColumn("dossier_id", table: "e"), .equal, SQLColumn("id", table: "d"))
            .where(SQLColumn("name", table: "e"), .equal, SQLBind("return_result"))
            .where(SQLColumn("at", table: "e"), .greaterThanOrEqual, SQLBind(VietnamTime.instant(from, .midnight)))
            .where(SQLColumn("at", table: "e"), .lessThan, SQLBind(VietnamTime.instant(through, .endOfDay)))
            .where(SQLColumn("state", table: "d"), .equal, SQLBind(DossierState.returned.rawValue))
            .where(SQLColumn("receiving_unit_id", table: "d"), .in, SQLBind.group(scope.units.map(\.rawValue)))
            .orderBy(SQLColumn("code", table: "d"))
            .all()
        var population: [UUID: [UUID]] = [:]
        for row in rows {
            population[try row.decode(column: "receiving_unit_id", as: UUID.self), default: []].append(try row.decode(column: "id", as: UUID.self))
        }
        return population
    }

    /// Draws the sample of every receiving unit under `scope` and stores the campaign (audited).
    public func createCampaign(name raw: String, scope: IndexScope, from: LocalDate, through: LocalDate, margin: Double, seed: UInt64,
                               actor: AuditActor, now: Date) async throws -> SurveyCampaign {
        let name = VietnameseText.clean(raw)
        guard !name.isEmpty, name.unicodeScalars.count <= 200 else {
            throw DomainError.invalid("Cần tên đợt khảo sát (tối đa 200 ký tự).", english: "A name is required (up to 200 characters).", field: "name")
        }
        guard margin.isFinite, margin >= 0.01, margin <= 0.2 else {
            throw DomainError.invalid("Sai số cho phép từ 1% đến 20%.", english: "The margin of error is 1% to 20%.", field: "margin")
        }
        guard from <= through, from.days(to: through) <= 731 else {
            throw DomainError.invalid("Kỳ khảo sát không hợp lệ (tối đa 2 năm).", english: "Not a valid period (at most two years).", field: "to")
        }
        let population = try await returnedPopulation(scope, from: from, through: through)
        guard !population.isEmpty else {
            throw DomainError.invalid("Không có hồ sơ đã trả kết quả trong kỳ này.", english: "No dossier was returned in this period.", field: "from")
        }
        var strata: [SurveyCampaign.Stratum] = [], drawn: [(UUID, UUID, Int)] = []
        for unit in population.keys.sorted(by: { $0.uuidString < $1.uuidString }) {
            let dossiers = population[unit] ?? []
            let size = SampleDesign.size(population: dossiers.count, margin: margin)
            strata.append(.init(unitID: unit, population: dossiers.count, size: size))
            for (i, dossier) in SampleDesign.draw(dossiers, count: size, seed: seed).enumerated() { drawn.append((unit, dossier, i + 1)) }
        }
        let questionnaire = try await activeQuestionnaire()
        let campaign = SurveyCampaign(id: UUID(), name: name, questionnaireVersion: questionnaire.version, rootUnitID: scope.root,
                                      from: from, through: through, margin: margin, seed: seed,
                                      population: strata.reduce(0) { $0 + $1.population }, sampleSize: drawn.count, strata: strata,
                                      createdBy: actor.name, createdAt: now)
        let samples = drawn
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "survey_campaigns")
                .columns("id", "name", "questionnaire_version", "root_unit_id", "from_day", "through_day", "margin", "seed", "population",
                         "sample_size", "strata", "created_by", "created_at")
                .values(SQLBind(campaign.id), SQLBind(campaign.name), SQLBind(campaign.questionnaireVersion), SQLBind(scope.root.rawValue),
                        SQLBind(from.iso), SQLBind(through.iso), SQLBind(margin), SQLBind(Int64(bitPattern: seed)), SQLBind(campaign.population),
                        SQLBind(campaign.sampleSize), SQLBind(try StoredJSON.encode(campaign.strata)), SQLBind(actor.name), SQLBind(now))
                .run()
            for chunk in stride(from: 0, to: samples.count, by: 200) {
                var insert = try tx.sql.insert(into: "survey_samples").columns("campaign_id", "dossier_id", "unit_id", "position", "status", "updated_at")
                for (unit, dossier, position) in samples[chunk..<min(chunk + 200, samples.count)] {
                    insert = insert.values(SQLBind(campaign.id), SQLBind(dossier), SQLBind(unit), SQLBind(position),
                                           SQLBind(SampleStatus.pending.rawValue), SQLBind(now))
                }
                try await insert.run()
            }
            try await AuditLog.append(on: tx, actor: actor, action: "sipas.create_campaign", entityType: "survey_campaign",
                                      entityID: campaign.id.uuidString.lowercased(),
                                      after: ["name": name, "seed": String(seed), "population": String(campaign.population),
                                              "sample": String(campaign.sampleSize)], now: now)
        }
        return campaign
    }

    public func campaigns(limit: Int = 100) async throws -> [SurveyCampaign] {
        try await campaignQuery().orderBy("created_at", .descending).limit(limit).all().map(Self.campaign)
    }

    public func campaign(_ id: UUID) async throws -> SurveyCampaign? {
        try await campaignQuery().where("id", .equal, id).first().map(Self.campaign)
    }

    func campaignQuery() throws -> SQLSelectBuilder {
        try db.sql.select().columns("id", "name", "questionnaire_version", "root_unit_id", "from_day", "through_day", "margin", "seed",
                                    "population", "sample_size", "strata", "created_by", "created_at").from("survey_campaigns")
    }

    static func campaign(_ row: any SQLRow) throws -> SurveyCampaign {
        SurveyCampaign(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                       questionnaireVersion: try row.decode(column: "questionnaire_version", as: String.self),
                       rootUnitID: OrgUnit.ID(try row.decode(column: "root_unit_id", as: UUID.self)),
                       from: LocalDate(iso: try row.decode(column: "from_day", as: String.self)) ?? LocalDate(year: 2000, month: 1, day: 1)!,
                       through: LocalDate(iso: try row.decode(column: "through_day", as: String.self)) ?? LocalDate(year: 2000, month: 1, day: 1)!,
                       margin: try row.decode(column: "margin", as: Double.self),
                       seed: UInt64(bitPattern: try row.decode(column: "seed", as: Int64.self)),
                       population: try row.decode(column: "population", as: Int.self), sampleSize: try row.decode(column: "sample_size", as: Int.self),
                       strata: try StoredJSON.decode([SurveyCampaign.Stratum].self, from: try row.decode(column: "strata", as: String.self)),
                       createdBy: try row.decode(column: "created_by", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    /// The drawn dossiers, by unit and draw order.
    public func samples(_ campaign: UUID) async throws -> [SampleEntry] {
        let rows = try await db.sql.select()
            .column(SQLColumn("unit_id", table: "s")).column(SQLColumn("position", table: "s")).column(SQLColumn("status", table: "s"))
            .column(SQLColumn("note", table: "s")).column(SQLColumn("data", table: "d"))
            .from(SQLAlias(SQLIdentifier("survey_samples"), as: SQLIdentifier("s")))
            .join(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")), on: SQLColumn("dossier_id", table: "s"), .equal, SQLColumn("id", table: "d"))
            .where(SQLColumn("campaign_id", table: "s"), .equal, SQLBind(campaign))
            .orderBy(SQLColumn("unit_id", table: "s")).orderBy(SQLColumn("position", table: "s"))
            .all()
        return try rows.map { row in
            SampleEntry(dossier: try StoredJSON.decode(Dossier.self, from: try row.decode(column: "data", as: String.self)),
                        unitID: OrgUnit.ID(try row.decode(column: "unit_id", as: UUID.self)),
                        position: try row.decode(column: "position", as: Int.self),
                        status: SampleStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                        note: try row.decode(column: "note", as: String?.self))
        }
    }

    /// Records that a drawn citizen could not be reached or declined (audited); an answered
    /// sample keeps its answer.
    public func markSample(_ campaign: UUID, dossier: Dossier.ID, status: SampleStatus, note raw: String?,
                           actor: AuditActor, now: Date) async throws {
        guard status == .unreachable || status == .declined || status == .pending else {
            throw DomainError.invalid("Trạng thái không hợp lệ.", english: "Not a valid status.", field: "status")
        }
        let note = raw.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().column("status").from("survey_samples")
                .where("campaign_id", .equal, campaign).where("dossier_id", .equal, dossier.rawValue).first() else {
                throw DomainError(.notFound, "Hồ sơ không có trong mẫu khảo sát này.", english: "The dossier is not in this sample.")
            }
            guard try row.decode(column: "status", as: String.self) != SampleStatus.answered.rawValue else {
                throw DomainError(.conflict, "Hồ sơ này đã có câu trả lời.", english: "This dossier has been answered.")
            }
            try await tx.sql.update("survey_samples").set("status", to: status.rawValue).set("note", to: note).set("updated_at", to: now)
                .where("campaign_id", .equal, campaign).where("dossier_id", .equal, dossier.rawValue).run()
            try await AuditLog.append(on: tx, actor: actor, action: "sipas.mark_sample", entityType: "dossier", entityID: dossier.description,
                                      after: ["campaign": campaign.uuidString.lowercased(), "status": status.rawValue], now: now)
        }
    }
}
