import FluentKit
import Foundation
import ParCore
import SQLKit

/// Announcements of the Department of Home Affairs, newest first (audited).
public struct AnnouncementRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func publish(title raw: String, body rawBody: String, actor: AuditActor, now: Date) async throws -> Announcement {
        let announcement = try Announcement.draft(id: UUID(), title: raw, body: rawBody, at: now)
        try await db.writeTransaction { tx in
            try await tx.sql.insert(into: "announcements").columns("id", "title", "body", "published_at", "author")
                .values(SQLBind(announcement.id), SQLBind(announcement.title), SQLBind(announcement.body), SQLBind(now), SQLBind(actor.name)).run()
            try await AuditLog.append(on: tx, actor: actor, action: "portal.announce", entityType: "announcement",
                                      entityID: announcement.id.uuidString.lowercased(), after: ["title": announcement.title], now: now)
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
