import FluentKit
import SQLKit

/// Creates the procedure catalogue: `procedures` (current version, with the
/// columns lists filter on), `procedure_terms` (the search index),
/// `procedure_versions` (every earlier version) and `processing_time_changes`
/// (the simplification record).
struct CreateProcedures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("procedures")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("field", .string, .required)
            .field("level", .string, .required)
            .field("unit_id", .uuid, .references("units", "id"))
            .field("agency", .string, .required)
            .field("online_level", .string, .required)
            .field("is_complete", .bool, .required)
            .field("data", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.schema("procedure_terms")
            .field("procedure_id", .uuid, .required, .references("procedures", "id", onDelete: .cascade))
            .field("term", .string, .required)
            .create()
        try await database.schema("procedure_versions")
            .id()
            .field("procedure_id", .uuid, .required, .references("procedures", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("data", .string, .required)
            .field("decision", .string)
            .field("effective_from", .string)
            .field("changed_at", .datetime, .required)
            .field("actor_name", .string, .required)
            .unique(on: "procedure_id", "version")
            .create()
        try await database.schema("processing_time_changes")
            .id()
            .field("procedure_id", .uuid, .required, .references("procedures", "id", onDelete: .cascade))
            .field("before_amount", .double, .required)
            .field("before_unit", .string, .required)
            .field("after_amount", .double, .required)
            .field("after_unit", .string, .required)
            .field("effective_from", .string, .required)
            .field("decision", .string, .required)
            .field("shortened", .bool, .required)
            .create()
        let sql = try database.sql
        if SQLDialectKind(database) == .postgres {
            // Prefix search compares terms by code point (`term >= 'dang' AND term < 'dang~'`);
            // the C collation makes PostgreSQL order them as SQLite does, and lets the index serve it.
            try await sql.raw(#"ALTER TABLE procedure_terms ALTER COLUMN term TYPE text COLLATE "C""#).run()
        }
        try await sql.create(index: "procedure_terms_term_idx").on("procedure_terms").column("term").column("procedure_id").run()
        try await sql.create(index: "procedure_terms_proc_idx").on("procedure_terms").column("procedure_id").run()
        try await sql.create(index: "procedures_field_idx").on("procedures").column("field").run()
        try await sql.create(index: "procedures_unit_idx").on("procedures").column("unit_id").run()
        try await sql.create(index: "ptc_effective_idx").on("processing_time_changes").column("effective_from").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["processing_time_changes", "procedure_versions", "procedure_terms", "procedures"] {
            try await database.schema(table).delete()
        }
    }
}
