import Foundation
import ParCore
import ParStore
import Vapor

/// The transparency portal's announcements through the API (`TransparencyService`, as the pages).
extension ParAPI {
    static func announcement(_ a: Announcement) -> Components.Schemas.Announcement {
        .init(id: a.id.uuidString.lowercased(), title: a.title, body: a.body, publishedAt: a.publishedAt)
    }

    func listAnnouncements(_ input: Operations.ListAnnouncements.Input) async throws -> Operations.ListAnnouncements.Output {
        return .ok(.init(body: .json(.init(items: try await (await stores.announcementsForReading).recent().map(Self.announcement)))))
    }

    func publishAnnouncement(_ input: Operations.PublishAnnouncement.Input) async throws -> Operations.PublishAnnouncement.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let published = try await stores.transparencyService.announce(title: body.title, body: body.body, request: request)
        return .created(.init(body: .json(Self.announcement(published))))
    }
}
