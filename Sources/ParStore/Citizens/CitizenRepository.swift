import Crypto
import FluentKit
import Foundation
import ParCore
import SQLKit

/// Citizen accounts and their one-time sign-in codes. A code is sent through the
/// outbox, only its hash is stored, it expires after 10 minutes, burns after five
/// wrong tries, and an address gets at most three codes in 15 minutes.
public struct CitizenRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func find(_ id: Citizen.ID) async throws -> Citizen? {
        try await CitizenModel.find(id.rawValue, on: db)?.toDomain()
    }

    /// What a one-time code is for: it names the message that carries it.
    public typealias CodePurpose = OneTimeCodeRules.Purpose

    /// Issues a code for `email` and queues the message that carries it.
    public func issueCode(to rawEmail: String, now: Date, purpose: CodePurpose = .signIn) async throws {
        let email = try Citizen.checkedEmail(rawEmail)
        try await db.writeTransaction { tx in
            let recent = try await OneTimeCodeModel.query(on: tx).filter(\.$recipient == email)
                .filter(\.$createdAt > now.addingTimeInterval(-OneTimeCodeRules.issueWindow)).count()
            try OneTimeCodeRules.checkIssuable(issuedInWindow: recent)
            let code = OneTimeCodeRules.newCode()
            let row = OneTimeCodeModel()
            row.id = UUID()
            row.recipient = email
            row.codeHash = Self.hash(code, for: email)
            row.createdAt = now
            row.expiresAt = now.addingTimeInterval(OneTimeCodeRules.lifetime)
            row.attempts = 0
            try await row.create(on: tx)
            let message = purpose.message(code)
            try await OutboxRepository.enqueue(.email, to: email, subject: message.subject, body: message.body, dossier: nil, now: now, on: tx)
        }
    }

    /// Checks a code; on success returns the account for the address, creating it on
    /// first sign-in (with `name` when given).
    public func verify(email rawEmail: String, code rawCode: String, now: Date) async throws -> Citizen {
        guard let email = Citizen.normalisedEmail(rawEmail) else { throw OneTimeCodeRules.wrongOrExpired }
        // A wrong code commits its attempt count, so the transaction returns nil rather than throwing.
        let verified: Citizen? = try await db.writeTransaction { tx in
            guard try await Self.consume(email: email, code: rawCode, now: now, on: tx) else { return nil as Citizen? }
            if let existing = try await CitizenModel.query(on: tx).filter(\.$email == email).first() {
                return existing.toDomain()
            }
            let citizen = CitizenModel()
            citizen.id = UUID()
            citizen.email = email
            citizen.name = ""
            citizen.createdAt = now
            try await citizen.create(on: tx)
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: email, requestID: nil), action: "citizen.create",
                                      entityType: "citizen", entityID: citizen.id!.uuidString.lowercased(), after: ["email": email], now: now)
            return citizen.toDomain()
        }
        guard let verified else { throw OneTimeCodeRules.wrongOrExpired }
        return verified
    }

    /// Spends the latest live code of `email` if `code` is it; a wrong code counts an attempt
    /// (the caller commits it: return, don't throw). No live code, or too many attempts: the
    /// "wrong or expired" error.
    static func consume(email: String, code: String, now: Date, on tx: any Database) async throws -> Bool {
        guard let row = try await OneTimeCodeModel.query(on: tx).filter(\.$recipient == email).filter(\.$usedAt == nil)
            .filter(\.$expiresAt > now).sort(\.$createdAt, .descending).first() else { throw OneTimeCodeRules.wrongOrExpired }
        let digits = try OneTimeCodeRules.checkTry(code, attemptsSoFar: row.attempts)
        guard let digits, hash(digits, for: email) == row.codeHash else {
            row.attempts += 1
            try await row.save(on: tx)
            return false
        }
        row.usedAt = now
        try await row.save(on: tx)
        return true
    }

    /// Updates the name, phone and ID number the citizen's online dossiers are filed under.
    public func updateProfile(_ id: Citizen.ID, name: String, phone: String?, idNumber: String?, now: Date) async throws -> Citizen {
        let (name, phone, idNumber) = try Citizen.profile(name: name, phone: phone, idNumber: idNumber)
        return try await db.writeTransaction { tx in
            guard let row = try await CitizenModel.find(id.rawValue, on: tx) else {
                throw DomainError(.notFound, "Không tìm thấy tài khoản.", english: "Account not found.")
            }
            row.name = name
            row.phone = phone
            row.idNumber = idNumber
            try await row.save(on: tx)
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: row.email, requestID: nil), action: "citizen.update",
                                      entityType: "citizen", entityID: id.description, after: ["name": name], now: now)
            return row.toDomain()
        }
    }

    static func hash(_ code: String, for email: String) -> String {
        Hex.string(SHA256.hash(data: Data("\(email)|\(code)".utf8)))
    }
}

final class CitizenModel: Model, @unchecked Sendable {
    static let schema = "citizens"
    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "id_number") var idNumber: String?
    @Field(key: "created_at") var createdAt: Date
    init() {}

    func toDomain() -> Citizen {
        Citizen(id: .init(id ?? UUID()), email: email, name: name, phone: phone, idNumber: idNumber)
    }
}

final class OneTimeCodeModel: Model, @unchecked Sendable {
    static let schema = "one_time_codes"
    @ID(key: .id) var id: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
}
