import Foundation
import ParCore
import ParStore
import Vapor

/// The transparency portal's service, for its pages and its API: the announcements of the Department
/// of Home Affairs, published by the PAR officers who appraise the PAR index.
struct TransparencyService {
    let stores: Stores

    func announce(title: String, body: String, request: Request) async throws -> Announcement {
        guard try request.requirePrincipal().mayAnywhere(.appraiseParIndex) else { throw Problem.forbidden() }
        return try await stores.announcements.publish(title: title, body: body, actor: request.auditActor, now: request.now)
    }
}

extension Stores {
    /// The `TransparencyService` feature service, on these stores.
    var transparencyService: TransparencyService { TransparencyService(stores: self) }
}
