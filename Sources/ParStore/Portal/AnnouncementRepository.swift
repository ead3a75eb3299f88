import FluentKit
import Foundation
import ParCore
import SQLKit

/// A public announcement.
public struct Announcement: Sendable, Equatable {
    public var id: UUID
    public var title: String
    public var body: String
    public var publishedAt: Date
}

/// Announcements of the Department of Home Affairs, newest first (audited).
public struct AnnouncementRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func publish(title raw: String, body rawBody: String, actor: AuditActor, now: Date) async throws -> Announcement {
        let title = VietnameseText.clean(raw), body = VietnameseText.clean(rawBody)
        guard !title.isEmpty, title.unicodeScalars.count <= 300, !body.isEmpty, body.unicodeScalars.count <= 10_000 else {
            throw DomainError.invalid("Cần tiêu đề (tối đa 300 ký tự) và nội dung (tối đa 10.000 ký tự).",
                                      english: "A title (up to 300 characters) and a text (up to 10,000) are required.", field: "title")
        }
        let announcement = Announcement(id: UUID(), title: title, body: body, publishedAt: now)
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "announcements").columns("id", "title", "body", "published_at", "author")
                .values(SQLBind(announcement.id), SQLBind(title), SQLBind(body), SQLBind(now), SQLBind(actor.name)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "portal.announce", entityType: "announcement",
                                      entityID: announcement.id.uuidString.lowercased(), after: ["title": title], now: now)
        }
        return announcement
    }

    public func recent(limit: Int = 20) async throws -> [Announcement] {
        try await db.sql.select().columns("id", "title", "body", "published_at").from("announcements").orderBy("published_at", .descending)
            .limit(limit).all().map { row in
                Announcement(id: try row.decode(column: "id", as: UUID.self), title: try row.decode(column: "title", as: String.self),
                             body: try row.decode(column: "body", as: String.self), publishedAt: try row.decode(column: "published_at", as: Date.self))
            }
    }
}
