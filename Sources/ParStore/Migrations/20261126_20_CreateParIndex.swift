import FluentKit
import SQLKit

/// The PAR index (Chỉ số CCHC): criteria sets per year and kind of unit, each unit's
/// assessment, its leaf scores, and the evidence files attached to them.
struct CreateParIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("par_index_sets")
            .id()
            .field("year", .int, .required)
            .field("target_kind", .string, .required)
            .field("phase", .string, .required)
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "year", "target_kind")
            .create()
        try await database.schema("par_assessments")
            .id()
            .field("set_id", .uuid, .required, .references("par_index_sets", "id"))
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("submitted_at", .datetime)
            .field("submitted_by", .string)
            .unique(on: "set_id", "unit_id")
            .create()
        try await database.schema("par_scores")
            .field("assessment_id", .uuid, .required, .references("par_assessments", "id"))
            .field("code", .string, .required)
            .field("data", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "assessment_id", "code")
            .create()
        try await database.schema("par_evidence")
            .id()
            .field("assessment_id", .uuid, .required, .references("par_assessments", "id"))
            .field("code", .string, .required)
            .field("sha256", .string, .required)
            .field("name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("uploaded_by", .string, .required)
            .field("uploaded_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["par_evidence", "par_scores", "par_assessments", "par_index_sets"] { try await database.schema(table).delete() }
    }
}
