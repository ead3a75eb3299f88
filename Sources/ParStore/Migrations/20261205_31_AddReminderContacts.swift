import FluentKit

/// Where reminders go (issue 21): a member of staff's work e-mail (the officers' digest, feedback
/// limits, PAR index deadlines) and a booking's e-mail or phone for the reminder the day before
/// (erased once the day has passed).
struct AddReminderContacts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema("users").field("email", .string).update()
        try await database.schema("appointments").field("email", .string).update()
        try await database.schema("appointments").field("phone", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("appointments").deleteField("phone").update()
        try await database.schema("appointments").deleteField("email").update()
        try await database.schema("users").deleteField("email").update()
    }
}
