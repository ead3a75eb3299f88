import FluentKit
import SQLKit

/// The people of each unit (`people`), where they worked before (`person_moves`) and their
/// yearly quality ratings (`quality_ratings`, one per person and year) — issue 23.
struct CreatePersonnel: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("people")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("full_name", .string, .required)
            .field("kind", .string, .required)
            .field("position", .string, .required)
            .field("rank", .string)
            .field("leadership_post", .string)
            .field("started_on", .string, .required)
            .field("user_id", .uuid, .references("users", "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("person_moves")
            .id()
            .field("person_id", .uuid, .required, .references("people", "id"))
            .field("from_unit_id", .uuid)
            .field("to_unit_id", .uuid, .required)
            .field("on_date", .string, .required)
            .field("kind", .string, .required)
            .field("note", .string)
            .create()
        try await database.schema("quality_ratings")
            .field("person_id", .uuid, .required, .references("people", "id"))
            .field("year", .int, .required)
            .field("unit_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("score", .double)
            .field("disqualification", .string)
            .field("level", .string, .required)
            .field("state", .string, .required)
            .field("entered_by", .string, .required)
            .field("approved_by", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "person_id", "year")
            .create()
        let sql = try database.sql
        try await sql.raw("CREATE INDEX people_unit_idx ON people (unit_id)").run()
        try await sql.raw("CREATE INDEX people_user_idx ON people (user_id)").run()
        try await sql.raw("CREATE INDEX person_moves_person_idx ON person_moves (person_id)").run()
        try await sql.raw("CREATE INDEX quality_ratings_unit_idx ON quality_ratings (unit_id, year)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("quality_ratings").delete()
        try await database.schema("person_moves").delete()
        try await database.schema("people").delete()
    }
}
