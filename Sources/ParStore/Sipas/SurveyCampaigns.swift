import FluentKit
import Foundation
import ParCore
import SQLKit

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
        let name = try SurveyCampaign.checkDraft(name: raw, margin: margin, from: from, through: through)
        let (strata, drawn) = try SurveyCampaign.draw(try await returnedPopulation(scope, from: from, through: through), margin: margin, seed: seed)
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
        try status.checkMarkable()
        let note = raw.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().column("status").from("survey_samples")
                .where("campaign_id", .equal, campaign).where("dossier_id", .equal, dossier.rawValue).first() else {
                throw DomainError(.notFound, "Hồ sơ không có trong mẫu khảo sát này.", english: "The dossier is not in this sample.")
            }
            try SampleStatus(rawValue: try row.decode(column: "status", as: String.self))?.checkChangeable()
            try await tx.sql.update("survey_samples").set("status", to: status.rawValue).set("note", to: note).set("updated_at", to: now)
                .where("campaign_id", .equal, campaign).where("dossier_id", .equal, dossier.rawValue).run()
            try await AuditLog.append(on: tx, actor: actor, action: "sipas.mark_sample", entityType: "dossier", entityID: dossier.description,
                                      after: ["campaign": campaign.uuidString.lowercased(), "status": status.rawValue], now: now)
        }
    }
}
