import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Outbox: dead messages and sending them again")
struct OutboxWebTests {
    /// A sign-in code message that failed every try.
    static func deadMessage(_ app: Application) async throws -> OutboxMessage.ID {
        try await CitizenRepository(db: app.db).issueCode(to: "chet@example.vn", now: testNow())
        let message = try #require(try await OutboxRepository(db: app.db).list(status: .pending, limit: 5).first { $0.recipient == "chet@example.vn" })
        try await app.db.sql.update("outbox").set("status", to: "dead").set("attempts", to: OutboxDelivery.maxAttempts)
            .set("last_error", to: "expected 250, got 451 relay down").where("id", .equal, message.id.rawValue).run()
        return message.id
    }

    @Test("the administrator sees a dead message with its last error and sends it again from the page; others are refused")
    func page() async throws {
        try await withTestApp { app, fixture in
            let id = try await Self.deadMessage(app)
            let admin = try await signIn(app, username: fixture.users[.administrator]!.username)
            let html = try await app.page(.GET, "/admin/outbox?status=dead", cookie: admin).body.string
            #expect(html.contains("451 relay down") && html.contains(#"action="/admin/outbox/\#(id)/retry""#))
            let sent = try await app.page(.POST, "/admin/outbox/\(id)/retry", cookie: admin, form: ["_csrf": hiddenCSRF(html)])
            #expect(sent.status == .seeOther)
            let message = try #require(try await OutboxRepository(db: app.db).list(status: .pending, limit: 10).first { $0.id == id })
            #expect(message.attempts == 0 && message.lastError == nil)
            let again = try await app.page(.POST, "/admin/outbox/\(id)/retry", cookie: admin, form: ["_csrf": hiddenCSRF(html)])
            #expect(again.status == .conflict, "a pending message is not sent again")
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            #expect(try await app.page(.GET, "/admin/outbox", cookie: counter).status == .forbidden)
        }
    }

    @Test("the API lists dead messages with the backlog and sends one again; a message that is not dead is 409")
    func api() async throws {
        try await withTestApp { app, fixture in
            let id = try await Self.deadMessage(app)
            let admin = HTTPHeaders.bearer(fixture.token(.administrator))
            try await app.testing().test(.GET, "/api/v1/outbox?status=dead", headers: admin) { res in
                #expect(res.status == .ok)
                let items = try res.content.get([Components.Schemas.OutboxMessage].self, at: "items")
                #expect(items.map(\.id) == [id.description] && items.first?.lastError?.contains("451") == true)
                #expect(try res.content.get(Int.self, at: "dead") == 1)
            }
            try await app.testing().test(.POST, "/api/v1/outbox/\(id)/retry", headers: admin) { res in
                #expect(res.status == .ok)
                let status = try? res.content.get(String.self, at: "status")
                #expect(status == "pending")
            }
            try await app.testing().test(.POST, "/api/v1/outbox/\(id)/retry", headers: admin) { res in #expect(res.status == .conflict) }
            try await app.testing().test(.GET, "/api/v1/outbox", headers: .bearer(fixture.token(.counterOfficer))) { res in
                #expect(res.status == .forbidden)
            }
        }
    }
}
