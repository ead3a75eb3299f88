import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import NIOSSL
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

    /// A self-signed certificate for 127.0.0.1, made with openssl for one test: (certificate, key) paths.
    static func selfSignedCertificate() throws -> (certificate: String, key: String) {
        let directory = TestDatabase.scratchDirectory + "/tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = directory + "/provider.pem", key = directory + "/provider.key"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl made the test certificate")
        return (certificate, key)
    }

    @Test("the HTTPS provider adapter posts the signed JSON over TLS to a provider it trusts; a 4xx is permanent, a 5xx is tried again")
    func httpsProvider() async throws {
        let received = NIOLockedValueBox<[(body: String, signature: String)]>([])
        let answer = NIOLockedValueBox<HTTPStatus>(.accepted)
        let tls = try Self.selfSignedCertificate()
        let provider = try await Application.make(.testing)
        provider.http.server.configuration.tlsConfiguration = .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) }, privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem)))
        provider.post("sms") { request -> HTTPStatus in
            received.withLockedValue { $0.append((request.body.string ?? "", request.headers.first(name: "X-Signature") ?? "")) }
            return answer.withLockedValue { $0 }
        }
        do {
            try await provider.asyncBoot()
            try await provider.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = provider.http.server.shared.localAddress?.port ?? 0
            try await Self.deliverThrough(port: port, caFile: tls.certificate, received: received, answer: answer)
        } catch {
            await provider.server.shutdown()
            try? await provider.asyncShutdown()
            throw error
        }
        await provider.server.shutdown()
        try await provider.asyncShutdown()
    }

    static func deliverThrough(port: Int, caFile: String, received: NIOLockedValueBox<[(body: String, signature: String)]>,
                               answer: NIOLockedValueBox<HTTPStatus>) async throws {
        let key = "khoa-bi-mat-nha-mang-0123", url = URI(string: "https://127.0.0.1:\(port)/sms")
        let message = OutboxMessage(id: .random(), channel: .sms, recipient: "0912000111", subject: "s", body: "Ho so X da co ket qua.",
                                    dossierID: nil, createdAt: testNow())
        // Without PARHUB_SMS_CA_FILE the provider's certificate is not trusted: nothing is sent.
        try await withTestApp { app, _ in
            // AsyncHTTPClient reports a refused certificate when its connect time-out ends: keep that short here.
            app.http.client.configuration.timeout = .init(connect: .seconds(2))
            await #expect(throws: (any Error).self) { try await HTTPSSMSProvider(url: url, key: key, client: app.client).deliver(message) }
            #expect(received.withLockedValue { $0 }.isEmpty)
        }
        try await withTestApp({ $0.smsCAFile = caFile }) { app, _ in
            let adapter = HTTPSSMSProvider(url: url, key: key, client: app.client)
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
