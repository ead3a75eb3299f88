import FluentKit
import ParCore
import SQLKit

/// Citizen satisfaction (SIPAS): questionnaire versions, one response per returned dossier
/// (the aspects' levels in columns so the index is one grouped query), the expectations
/// ticked, and sample-survey campaigns with their drawn dossiers.
struct CreateSatisfaction: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("questionnaires")
            .field("version", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("data", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("survey_campaigns")
            .id()
            .field("name", .string, .required)
            .field("questionnaire_version", .string, .required)
            .field("root_unit_id", .uuid, .required, .references("units", "id"))
            .field("from_day", .string, .required)
            .field("through_day", .string, .required)
            .field("margin", .double, .required)
            .field("seed", .int64, .required)
            .field("population", .int, .required)
            .field("sample_size", .int, .required)
            .field("strata", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        var responses = database.schema("sipas_responses")
            .id()
            .field("dossier_id", .uuid, .required, .references("dossiers", "id"))
            .field("unit_id", .uuid, .required)
            .field("procedure_id", .uuid, .required)
            .field("field", .string, .required)
            .field("dossier_channel", .string, .required)
            .field("method", .string, .required)
            .field("questionnaire_version", .string, .required)
            .field("campaign_id", .uuid, .references("survey_campaigns", "id"))
            .field("returned_at", .datetime, .required)
            .field("returned_day", .string, .required)
            .field("answered_at", .datetime, .required)
            .field("negative", .bool, .required)
            .field("comment", .string)
            .field("data", .string, .required)
        for column in SatisfactionColumns.levels { responses = responses.field(.string(column), .int) }
        try await responses.unique(on: "dossier_id").create()
        try await database.schema("sipas_expectations")
            .field("response_id", .uuid, .required, .references("sipas_responses", "id"))
            .field("aspect", .string, .required)
            .field("choice", .string, .required)
            .create()
        try await database.schema("survey_samples")
            .field("campaign_id", .uuid, .required, .references("survey_campaigns", "id"))
            .field("dossier_id", .uuid, .required, .references("dossiers", "id"))
            .field("unit_id", .uuid, .required)
            .field("position", .int, .required)
            .field("status", .string, .required)
            .field("note", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "campaign_id", "dossier_id")
            .create()
        let sql = try database.sql
        try await sql.create(index: "sipas_responses_unit_day_idx").on("sipas_responses").column("unit_id").column("returned_day").run()
        try await sql.create(index: "sipas_expectations_response_idx").on("sipas_expectations").column("response_id").run()
        try await sql.create(index: "dossier_events_name_at_idx").on("dossier_events").column("name").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "dossier_events_name_at_idx").run()
        for table in ["survey_samples", "sipas_expectations", "sipas_responses", "survey_campaigns", "questionnaires"] {
            try await database.schema(table).delete()
        }
    }
}

/// The level columns of `sipas_responses`, one per aspect and one for the overall question.
enum SatisfactionColumns {
    static func level(_ aspect: SipasAspect) -> String { "level_" + aspect.rawValue }
    static let overall = "level_overall"
    static let levels = SipasAspect.allCases.map(level) + [overall]
}
