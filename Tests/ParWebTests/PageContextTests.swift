import Foundation
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// A page's handler must see its request in `RequestContext`: `Stores` takes the database (and a read's
/// replica) from it, and falls back to the primary without a word when it is missing. A middleware that
/// answers with a future, put before `RequestContextMiddleware`, would lose it for every page.
@Suite("The request context on pages")
struct PageContextTests {
    @Test("behind the pages' and the portal's middlewares, the handler's request is the one in the context", arguments: ["pages", "portal"])
    func bound(group: String) async throws {
        try await withTestApp { app, fixture in
            let middlewares = group == "pages" ? pageMiddlewares(app, stores: app.stores) : portalMiddlewares()
            app.grouped(middlewares).get("context-probe", ":group", use: Self.probe)
            // Signed in, so that the sessions middleware reads the session from the database (a real wait) first.
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            try await app.testing().test(.GET, "/context-probe/\(group)", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
            }, afterResponse: { res in
                #expect(res.status == .ok)
                #expect(res.body.string == "bound")
            })
        }
    }

    /// Whether the handler finds its own request in the context; async, as every page handler is.
    @Sendable static func probe(_ request: Request) async -> String {
        RequestContext.request === request ? "bound" : "lost"
    }

    /// Answers with a future that completes on a later turn of the event loop, as a session read does.
    struct Hop: Middleware {
        func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
            request.eventLoop.scheduleTask(in: .milliseconds(1)) {}.futureResult.flatMap { next.respond(to: request) }
        }
    }

    @Test("the probe can fail: a future-answering middleware after the context's loses it")
    func lost() async throws {
        try await withTestApp { app, _ in
            app.grouped([RequestContextMiddleware(), Hop()] as [any Middleware]).get("context-probe", use: Self.probe)
            try await app.testing().test(.GET, "/context-probe") { res in
                #expect(res.body.string == "lost")
            }
        }
    }
}
