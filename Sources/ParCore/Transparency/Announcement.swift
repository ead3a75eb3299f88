import Foundation

/// A public announcement of the Department of Home Affairs on the transparency portal.
public struct Announcement: Sendable, Equatable {
    public var id: UUID
    public var title: String
    public var body: String
    public var publishedAt: Date

    public init(id: UUID, title: String, body: String, publishedAt: Date) {
        self.id = id
        self.title = title
        self.body = body
        self.publishedAt = publishedAt
    }

    /// A new announcement from what an officer typed: NFC-cleaned, a title of at most 300 characters
    /// and a text of at most 10,000 (counted in code points, as the API schema counts them).
    public static func draft(id: UUID, title raw: String, body rawBody: String, at now: Date) throws(DomainError) -> Announcement {
        let title = VietnameseText.clean(raw), body = VietnameseText.clean(rawBody)
        guard !title.isEmpty, title.unicodeScalars.count <= 300, !body.isEmpty, body.unicodeScalars.count <= 10_000 else {
            throw DomainError.invalid("Cần tiêu đề (tối đa 300 ký tự) và nội dung (tối đa 10.000 ký tự).",
                                      english: "A title (up to 300 characters) and a text (up to 10,000) are required.", field: "title")
        }
        return Announcement(id: id, title: title, body: body, publishedAt: now)
    }
}
