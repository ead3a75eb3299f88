import FluentKit
import Foundation

/// The stored answers of idempotent creates.
public struct IdempotencyStore: Sendable {
    public struct Stored: Sendable {
        public var fingerprint: String
        public var status: Int
        public var contentType: String
        public var body: String
    }

    let db: any Database

    public init(db: any Database) { self.db = db }

    public func find(owner: UUID, key: String) async throws -> Stored? {
        guard let model = try await IdempotencyModel.query(on: db).filter(\.$userID == owner).filter(\.$key == key).first() else {
            return nil
        }
        return Stored(fingerprint: model.fingerprint, status: model.status, contentType: model.contentType, body: model.body)
    }

    /// Saves an answer; a concurrent twin with the same key loses quietly (the unique index decides).
    public func save(owner: UUID, key: String, fingerprint: String, status: Int, contentType: String, body: String) async throws {
        let model = IdempotencyModel()
        model.userID = owner
        model.key = key
        model.fingerprint = fingerprint
        model.status = status
        model.contentType = contentType
        model.body = body
        try await model.create(on: db)
    }
}
