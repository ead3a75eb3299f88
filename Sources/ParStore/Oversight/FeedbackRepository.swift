import FluentKit
import Foundation
import ParCore
import SQLKit

/// Citizens' feedback (PAKN): received from the public form (contact optional, an e-mail
/// verified by a one-time code), classified, assigned, answered and published within the
/// working-day limits, then rated by the citizen. The public sees only published answers,
/// with the question's personal data removed.
public struct FeedbackRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    static func load(_ row: any SQLRow) throws -> Feedback {
        var feedback = try StoredJSON.decode(Feedback.self, from: try row.decode(column: "data", as: String.self))
        feedback.version = try row.decode(column: "version", as: Int.self)
        return feedback
    }

    /// Receives feedback; with an e-mail address it waits for the address's one-time code.
    /// Returns the feedback and the secret that, with its code, lets the sender follow it.
    public func submit(_ raw: FeedbackDraft, now: Date) async throws -> (Feedback, secret: String) {
        let draft = try raw.validated()
        let calendar = try await CalendarRepository(db: db).calendar()
        let limits = try Feedback.limits(receivedAt: now, calendar: calendar)
        let secret = DossierRepository.newSecret()
        let state: Feedback.State = draft.contact.email == nil ? .received : .unverified
        let feedback = try await db.writeTransaction { tx in
            let code = try await Self.nextCode(now: now, on: tx)
            let feedback = Feedback(id: .random(), code: code, kind: draft.kind, procedureCode: draft.procedureCode, subject: draft.subject,
                                    content: draft.content, contact: draft.contact, state: state, unitID: draft.unitID, receivedAt: now, refuseBy: limits.refuseBy,
                                    moreInfoBy: limits.moreInfoBy, answerBy: limits.answerBy, answer: nil, answeredAt: nil, publishBy: nil,
                                    publicContent: nil, publishedAt: nil, refusalReason: nil, rating: nil, version: 1)
            try await tx.sql.insert(into: "feedback")
                .columns("id", "code", "secret_hash", "state", "unit_id", "received_at", "answer_by", "publish_by", "published_at", "search_text", "data", "version")
                .values(SQLBind(feedback.id.rawValue), SQLBind(code), SQLBind(DossierRepository.hash(secret)), SQLBind(state.rawValue),
                        SQLBind(draft.unitID?.rawValue), SQLBind(now), SQLBind(limits.answerBy), SQLBind(nil as Date?), SQLBind(nil as Date?),
                        SQLBind(nil as String?), SQLBind(try StoredJSON.encode(feedback)), SQLBind(1))
                .run()
            // No personal data in the audit trail.
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "citizen (feedback form)", requestID: nil), action: "feedback.submit",
                                      entityType: "feedback", entityID: feedback.id.description, after: ["code": code, "kind": draft.kind.rawValue], now: now)
            return feedback
        }
        if let email = draft.contact.email { try await CitizenRepository(db: db).issueCode(to: email, now: now, purpose: .feedback) }
        return (feedback, secret)
    }

    /// `PA-yymmdd-nnnn`, the day's sequence.
    static func nextCode(now: Date, on tx: any Database) async throws -> String {
        let prefix = "PA-" + VietnamTime.localDate(of: now).yymmdd + "-"
        let row = try await tx.sql.select().column(SQLRaw("COUNT(*)"), as: "n").from("feedback").where("code", .like, prefix + "%").first()
        return prefix + ((try row?.decode(column: "n", as: Int.self) ?? 0) + 1).zeroPadded(4)
    }

    /// The sender's feedback if `secret` is the one shown when it was sent.
    public func lookup(code: String, secret: String) async throws -> Feedback? {
        guard code.count <= 40, secret.count <= 20,
              let row = try await db.sql.select().columns("data", "version", "secret_hash").from("feedback").where("code", .equal, code).first(),
              DossierRepository.constantTimeEqual(try row.decode(column: "secret_hash", as: String.self), DossierRepository.hash(secret)) else { return nil }
        return try Self.load(row)
    }

    public func find(_ id: Feedback.ID) async throws -> Feedback? {
        try await db.sql.select().columns("data", "version").from("feedback").where("id", .equal, id.rawValue).first().map(Self.load)
    }

    /// Confirms the sender's e-mail address with the code sent to it; the feedback is then received.
    public func verify(code: String, secret: String, otp: String, now: Date) async throws -> Feedback {
        guard let feedback = try await lookup(code: code, secret: secret), let email = feedback.contact.email else {
            throw DomainError(.notFound, "Không tìm thấy phản ánh.", english: "No such feedback.")
        }
        guard feedback.state == .unverified else { return feedback }
        let confirmed: Feedback? = try await db.writeTransaction { tx in
            guard try await CitizenRepository.consume(email: email, code: otp, now: now, on: tx) else { return nil as Feedback? }
            var after = feedback
            after.state = .received
            try await Self.save(after, before: feedback, on: tx)
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "citizen (feedback form)", requestID: nil), action: "feedback.verify",
                                      entityType: "feedback", entityID: feedback.id.description, now: now)
            return after
        }
        guard let confirmed else {
            throw DomainError.wrongCode
        }
        return confirmed
    }

    /// The sender answers the staff's question, with the code and secret of the feedback.
    public func reply(code: String, secret: String, text: String, now: Date) async throws -> Feedback {
        guard let before = try await lookup(code: code, secret: secret) else {
            throw DomainError(.notFound, "Không tìm thấy phản ánh.", english: "No such feedback.")
        }
        let after = try before.reply(text, at: now)
        try await db.writeTransaction { tx in
            try await Self.save(after, before: before, on: tx)
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "citizen (feedback status)", requestID: nil),
                                      action: "feedback.reply", entityType: "feedback", entityID: before.id.description, now: now)
        }
        var result = after
        result.version = before.version + 1
        return result
    }

    static func save(_ after: Feedback, before: Feedback, on tx: any Database) async throws {
        var stored = after
        stored.version = before.version + 1
        let searchText = after.state == .published
            ? VietnameseText.searchKey([after.subject, after.publicContent ?? "", after.answer ?? ""].joined(separator: " ")) : nil
        let updated = try await tx.sql.update("feedback").set("state", to: after.state.rawValue).set("unit_id", to: after.unitID?.rawValue)
            .set("answer_by", to: after.answerBy).set("handled_late", to: after.wasHandledLate).set("rating", to: after.rating)
            .set("publish_by", to: after.publishBy).set("published_at", to: after.publishedAt).set("search_text", to: searchText)
            .set("data", to: try StoredJSON.encode(stored)).set("version", to: stored.version)
            .where("id", .equal, after.id.rawValue).where("version", .equal, before.version).returning("version").all()
        guard updated.count == 1 else {
            throw DomainError(.stale, "Phản ánh vừa được người khác xử lý; hãy tải lại.", english: "The feedback was just changed by someone else; reload it.")
        }
    }

    /// Applies a staff action if the feedback is still at `expectedVersion`.
    public func act(_ id: Feedback.ID, expectedVersion: Int?, _ action: FeedbackAction, actor: AuditActor, now: Date) async throws -> Feedback {
        let calendar = try await CalendarRepository(db: db).calendar()
        return try await db.writeTransaction { tx in
            guard let row = try await tx.sql.select().columns("data", "version").from("feedback").where("id", .equal, id.rawValue).first() else {
                throw DomainError(.notFound, "Không tìm thấy phản ánh.", english: "No such feedback.")
            }
            let before = try Self.load(row)
            if let expectedVersion, expectedVersion != before.version {
                throw DomainError(.stale, "Phản ánh vừa được người khác xử lý; hãy tải lại.", english: "The feedback was just changed by someone else; reload it.")
            }
            switch action {
            case .assign(let unit), .transfer(let unit):
                guard try await tx.sql.select().column("id").from("units").where("id", .equal, unit.rawValue).first() != nil else {
                    throw DomainError.unknownUnit
                }
            default: break
            }
            let after = try before.apply(action, at: now, calendar: calendar)
            try await Self.save(after, before: before, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "feedback.\(action.name)", entityType: "feedback", entityID: id.description,
                                      before: ["state": before.state.rawValue], after: ["state": after.state.rawValue], now: now)
            if let email = after.contact.email, [.answered, .refused].contains(after.state) {
                let (subject, body) = after.state == .refused
                    ? ("Phản ánh \(after.code) không được thụ lý / Feedback not accepted", "Lý do: \(after.refusalReason ?? "")\n\nReason: \(after.refusalReason ?? "")")
                    : ("Phản ánh \(after.code) đã được trả lời / Your feedback was answered", (after.answer ?? "") + "\n\n— ParHub")
                try await OutboxRepository.enqueue(.email, to: email, subject: subject, body: body, dossier: nil, now: now, on: tx)
            }
            if let email = after.contact.email, case .requestInformation = action {
                try await OutboxRepository.enqueue(.email, to: email, subject: "Phản ánh \(after.code): cần thêm thông tin / More information needed",
                    body: "\(after.informationRequest ?? "")\n\nTrả lời tại trang tra cứu phản ánh bằng mã và mật mã đã nhận. / Reply on the feedback status page with your code and secret.",
                    dossier: nil, now: now, on: tx)
            }
            var result = after
            result.version = before.version + 1
            return result
        }
    }

    /// The sender rates a published answer, once.
    public func rate(code: String, secret: String, rating: Int, now: Date) async throws -> Feedback {
        try Feedback.checkRating(rating)
        guard let before = try await lookup(code: code, secret: secret) else {
            throw DomainError(.notFound, "Không tìm thấy phản ánh.", english: "No such feedback.")
        }
        var rated = try before.rated(rating)
        let after = rated
        try await db.writeTransaction { tx in
            try await Self.save(after, before: before, on: tx)
            try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "citizen (feedback form)", requestID: nil), action: "feedback.rate",
                                      entityType: "feedback", entityID: before.id.description, after: ["rating": String(rating)], now: now)
        }
        rated.version += 1
        return rated
    }

    /// Feedback for staff: of the units given (nil: all, including unassigned), newest first;
    /// `overdueAt` keeps only what is past a limit at that moment. Unverified feedback is not
    /// listed: it is not received until its sender confirms the address.
    public func list(units: [OrgUnit.ID]?, state: Feedback.State?, overdueAt: Date?, limit: Int = 500) async throws -> [Feedback] {
        var query = try db.sql.select().columns("data", "version").from("feedback").where("state", .notEqual, Feedback.State.unverified.rawValue)
        if let units {
            guard !units.isEmpty else { return [] }
            query = query.where("unit_id", .in, units.map(\.rawValue))
        }
        if let state { query = query.where("state", .equal, state.rawValue) }
        if let now = overdueAt {
            query = query.where { group in
                group.where { $0.where("state", .in, [Feedback.State.received.rawValue, Feedback.State.assigned.rawValue]).where("answer_by", .lessThan, now) }
                    .orWhere { $0.where("state", .equal, Feedback.State.answered.rawValue).where("publish_by", .lessThan, now) }
            }
        }
        return try await query.orderBy("received_at", .descending).limit(limit).all().map(Self.load)
    }

    /// Feedback still waiting for an answer or its publication (received, being handled, answered),
    /// earliest sent first: what the feedback reminders watch.
    public func awaiting(limit: Int = 10_000) async throws -> [Feedback] {
        try await db.sql.select().columns("data", "version").from("feedback")
            .where("state", .in, [Feedback.State.received, .assigned, .answered].map(\.rawValue))
            .orderBy("received_at").limit(limit).all().map(Self.load)
    }

    /// Published answers, newest first, matching every word of `query` (accents ignored).
    public func published(query: String?, limit: Int = 50) async throws -> [Feedback] {
        var select = try db.sql.select().columns("data", "version").from("feedback").where("state", .equal, Feedback.State.published.rawValue)
        for word in VietnameseText.searchKey(query ?? "").split(separator: " ").prefix(8) {
            select = select.where("search_text", .like, "%" + word + "%")
        }
        return try await select.orderBy("published_at", .descending).limit(limit).all().map(Self.load)
    }
}
