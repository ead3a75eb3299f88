import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("SMS notices")
struct SMSWebTests {
    static func intake(_ fixture: Fixture, phone: String?, notifyBy: String) -> ByteBuffer {
        let phoneJSON = phone.map { "\"\($0)\"" } ?? "null"
        return ByteBuffer(string: #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(fixture.justice.id)","channel":"counter","#
            + #""applicant":{"name":"Phạm Thị Tin","phone":\#(phoneJSON),"notifyBy":"\#(notifyBy)"},"components":["Tờ khai"]}"#)
    }

    @Test("an applicant who chose SMS gets the receipt by SMS through the test provider, shown on /test-sms; no phone or no provider is 422")
    func receiptBySMS() async throws {
        try await withTestApp { app, fixture in
            var headers = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            headers.contentType = .json
            var code = ""
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: headers, body: Self.intake(fixture, phone: "0912 000 111", notifyBy: "sms")) { res in
                #expect(res.status == .created)
                code = (try? res.content.get(String.self, at: "dossier", "code")) ?? ""
                #expect((try? res.content.get(String.self, at: "dossier", "applicant", "notifyBy")) == "sms")
            }
            let outbox = OutboxRepository(db: app.db)
            let sms = try #require(try await outbox.list(status: nil, limit: 50).first { $0.channel == .sms })
            #expect(sms.recipient == "0912 000 111" && sms.body.hasPrefix("Ho so \(code) da duoc tiep nhan") && sms.body.count <= 160)
            // What the dispatcher does every 2 s: the SMS goes to the test provider.
            try await OutboxDispatcher.drain(outbox, notifier: ChannelNotifier(email: LogNotifier(logger: app.logger), sms: TestSMSProvider(logger: app.logger)),
                                             owner: "test", clock: testNow)
            #expect(try await outbox.list(status: .sent, limit: 50).contains { $0.id == sms.id })
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let page = try await app.page(.GET, "/test-sms", cookie: cookie).body.string
            #expect(page.contains("0912 000 111") && page.contains("Ho so \(code)"))
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: headers, body: Self.intake(fixture, phone: nil, notifyBy: "sms")) { res in
                #expect(res.status == .unprocessableEntity)
            }
        }
        try await withTestApp({ $0.testSMS = false }) { app, fixture in
            var headers = HTTPHeaders.bearer(fixture.token(.counterOfficer))
            headers.contentType = .json
            try await app.testing().test(.POST, "/api/v1/dossiers", headers: headers, body: Self.intake(fixture, phone: "0912000111", notifyBy: "sms")) { res in
                #expect(res.status == .unprocessableEntity, "no SMS provider")
            }
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            #expect(try await app.page(.GET, "/test-sms", cookie: cookie).status == .notFound)
            #expect(!(try await app.page(.GET, "/dossiers/new", cookie: cookie).body.string.contains(#"id="notify-by""#)))
        }
    }

    @Test("the HTTPS provider adapter posts the signed JSON; a 4xx is permanent, a 5xx is tried again")
    func httpsProvider() async throws {
        let received = NIOLockedValueBox<[(body: String, signature: String)]>([])
        let answer = NIOLockedValueBox<HTTPStatus>(.accepted)
        let provider = try await Application.make(.testing)
        provider.post("sms") { request -> HTTPStatus in
            received.withLockedValue { $0.append((request.body.string ?? "", request.headers.first(name: "X-Signature") ?? "")) }
            return answer.withLockedValue { $0 }
        }
        do {
            try await provider.asyncBoot()
            try await provider.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = provider.http.server.shared.localAddress?.port ?? 0
            try await Self.deliverThrough(port: port, received: received, answer: answer)
        } catch {
            await provider.server.shutdown()
            try? await provider.asyncShutdown()
            throw error
        }
        await provider.server.shutdown()
        try await provider.asyncShutdown()
    }

    static func deliverThrough(port: Int, received: NIOLockedValueBox<[(body: String, signature: String)]>,
                               answer: NIOLockedValueBox<HTTPStatus>) async throws {
        try await withTestApp { app, _ in
            let key = "khoa-bi-mat-nha-mang-0123"
            let adapter = HTTPSSMSProvider(url: URI(string: "http://127.0.0.1:\(port)/sms"), key: key, client: app.client)
            let message = OutboxMessage(id: .random(), channel: .sms, recipient: "0912000111", subject: "s", body: "Ho so X da co ket qua.",
                                        dossierID: nil, createdAt: testNow())
            try await adapter.deliver(message)
            let got = try #require(received.withLockedValue { $0 }.first)
            #expect(got.body == #"{"id":"\#(message.id)","text":"Ho so X da co ket qua.","to":"0912000111"}"#)
            #expect(got.signature == SignedToken.hmacHex(Array(got.body.utf8), key: key))
            for (status, permanent) in [(HTTPStatus.badRequest, true), (.serviceUnavailable, false)] {
                answer.withLockedValue { $0 = status }
                await #expect(throws: SMSError.self) { try await adapter.deliver(message) }
                do { try await adapter.deliver(message) } catch let error as SMSError { #expect(error.isPermanent == permanent) }
            }
        }
    }
}
