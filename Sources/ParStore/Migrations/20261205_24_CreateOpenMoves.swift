import FluentKit
import Foundation
import ParCore
import SQLKit

/// The history of the open-dossier gauge (`open_moves`): each time a dossier enters or leaves a
/// gauge row (a due day, paused on time or late, always late), ±1 on the day it happened, for its
/// receiving unit and every ancestor (like `open_rollups`) and its procedure. The gauge at the end
/// of a past period is the gauge now minus the moves after that day, so a closed period keeps the
/// dossiers that were open when it ended (Decision 766, indicator 2.1).
///
/// The gauge's keys changed with it (a waiting dossier is measured at the request, one with two
/// supplement requests is late): the counters, the gauge and their history are replayed from the
/// dossiers' events once, here, as `parhub index rebuild --apply` does.
struct CreateOpenMoves: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("open_moves")
            .field("unit_id", .uuid, .required)
            .field("procedure_id", .uuid, .required)
            .field("day", .string, .required)
            .field("bucket", .string, .required)
            .field("n", .int64, .required)
            .unique(on: "unit_id", "procedure_id", "day", "bucket")
            .create()
        try await database.sql.create(index: "open_moves_unit_day_idx").on("open_moves").column("unit_id").column("day").run()
        // Each dossier's gauge row, for the drill-down: filled from the stored dossiers.
        try await database.schema("dossiers").field("gauge_key", .string).update()
        let sql = try database.sql
        for row in try await sql.select().columns("id", "data").from("dossiers").where("state", .notIn, ["processed", "returned", "refused", "withdrawn", "stopped"]).all() {
            let dossier = try StoredJSON.decode(Dossier.self, from: try row.decode(column: "data", as: String.self))
            try await sql.update("dossiers").set("gauge_key", to: ServiceCounters.openKey(dossier))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
        try await sql.create(index: "dossiers_gauge_key_idx").on("dossiers").column("receiving_unit_id").column("gauge_key").run()
        // Replayed only when something differs and every event can be replayed (a database with
        // events from before they carried their payload keeps its counters: `parhub index rebuild` reports it).
        let rebuild = IndexRebuild(db: database)
        let report = try await rebuild.run(now: SystemClock.now(), legacy: true)
        if !report.differences.isEmpty, report.unreplayable == 0 {
            _ = try await rebuild.run(apply: true, now: SystemClock.now(), legacy: true)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "dossiers_gauge_key_idx").run()
        try await database.schema("dossiers").deleteField("gauge_key").update()
        try await database.schema("open_moves").delete()
    }
}
