import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// What the counter's search box and the public lookup match (`DossierSearch`): the code without its
/// dots (`code_key`), the applicant's name without diacritics (`applicant_key`), and the hashes of the
/// applicant's ID number and phone (`applicant_id_hash`, `applicant_phone_hash`, `DossierSearchKeys`),
/// each indexed. Filled from the stored dossiers, a thousand at a time.
struct UpdateDossiersAddSearchKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for column in ["code_key", "applicant_key", "applicant_id_hash", "applicant_phone_hash"] {
            try await database.schema("dossiers").field(.string(column), .string).update()
        }
        let sql = try database.sql
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        while true {
            let rows = try await sql.select().columns("id", "data").from("dossiers").where("id", .greaterThan, SQLBind(after))
                .orderBy("id").limit(1000).all()
            guard !rows.isEmpty else { break }
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                let keys = DossierSearchKeys(try StoredJSON.decode(Dossier.self, from: try row.decode(column: "data", as: String.self)))
                try await sql.update("dossiers").set("code_key", to: keys.code).set("applicant_key", to: keys.name)
                    .set("applicant_id_hash", to: keys.idNumberHash).set("applicant_phone_hash", to: keys.phoneHash)
                    .where("id", .equal, id).run()
                after = id
            }
        }
        try await sql.create(index: "dossiers_code_key_idx").on("dossiers").column("code_key").run()
        try await sql.create(index: "dossiers_applicant_id_idx").on("dossiers").column("applicant_id_hash").run()
        try await sql.create(index: "dossiers_applicant_phone_idx").on("dossiers").column("applicant_phone_hash").run()
    }

    func revert(on database: any Database) async throws {
        for index in ["dossiers_code_key_idx", "dossiers_applicant_id_idx", "dossiers_applicant_phone_idx"] {
            try await database.sql.drop(index: index).run()
        }
        for column in ["code_key", "applicant_key", "applicant_id_hash", "applicant_phone_hash"] {
            try await database.schema("dossiers").deleteField(.string(column)).update()
        }
    }
}

/// A dossier's search columns. ID numbers and phones are kept as SHA-256 hashes of their keys
/// (`DossierSearch.idNumberKey`/`phoneKey`) with a purpose prefix: the index answers "which dossiers
/// have this number" without holding the number (the dossier's own record still holds it, for the
/// officers who may read it).
struct DossierSearchKeys {
    let code: String
    let name: String
    let idNumberHash: String?
    let phoneHash: String?

    init(_ dossier: Dossier) {
        code = Self.codeKey(dossier.code)
        name = VietnameseText.searchKey(dossier.applicant.name)
        idNumberHash = DossierSearch.idNumberKey(dossier.applicant.idNumber).map { Self.hash("id", $0) }
        phoneHash = DossierSearch.phoneKey(dossier.applicant.phone).map { Self.hash("phone", $0) }
    }

    /// A code as matched: upper case, without dots or spaces.
    static func codeKey(_ code: String) -> String { code.uppercased().filter { $0 != "." && $0 != " " } }

    static func hash(_ purpose: String, _ key: String) -> String {
        Hex.string(SHA256.hash(data: Data("parhub-applicant-\(purpose)|\(key)".utf8)))
    }
}
