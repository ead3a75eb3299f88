import FluentKit
import Foundation
import ParCore
import SQLKit

/// `feedback.handled_late`: refused, answered or published after its limit (`Feedback.wasHandledLate`),
/// so the index counts late handling in any period, not only what is overdue now; `feedback.rating`:
/// the sender's rating (1–5), for the satisfaction with feedback handling. Filled from the stored feedback.
struct UpdateFeedbackAddHandledLateAndRating: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("feedback").field("handled_late", .bool, .required, .sql(.default(false))).update()
        try await database.schema("feedback").field("rating", .int).update()
        let sql = try database.sql
        for row in try await sql.select().columns("id", "data").from("feedback").all() {
            let feedback = try StoredJSON.decode(Feedback.self, from: try row.decode(column: "data", as: String.self))
            if feedback.wasHandledLate || feedback.rating != nil {
                try await sql.update("feedback").set("handled_late", to: feedback.wasHandledLate).set("rating", to: feedback.rating)
                    .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("feedback").deleteField("rating").update()
        try await database.schema("feedback").deleteField("handled_late").update()
    }
}
