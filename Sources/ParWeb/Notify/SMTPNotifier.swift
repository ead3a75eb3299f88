import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ParCore

/// Hands e-mail to an SMTP relay (RFC 5321): EHLO, STARTTLS (RFC 3207) or TLS from the start,
/// AUTH PLAIN or LOGIN (RFC 4954), MAIL FROM, RCPT TO, DATA, QUIT. Each reply must come within
/// `replyTimeout`. The Message-ID is the message's id, so a relay that sees a message twice (its
/// reply to DATA was lost and the message was tried again) sees the same Message-ID.
struct SMTPNotifier: Notifier {
    let settings: SMTPSettings
    let group: any EventLoopGroup
    let logger: Logger
    /// The app clock, for the message's Date header.
    let clock: @Sendable () -> Date
    /// The name given in EHLO: this instance (`OutboxDispatcher.owner`).
    var heloName = "parhub"
    var replyTimeout: TimeAmount = .seconds(20)

    struct SMTPError: PermanentDeliveryFailure, CustomStringConvertible {
        let description: String
        /// The relay answered 5xx.
        var isPermanent = false
    }

    func tlsHandler() throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { configuration.trustRoots = .file(caFile) }
        let context = try NIOSSLContext(configuration: configuration)
        let isAddress = settings.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : settings.host)
    }

    func deliver(_ message: OutboxMessage) async throws {
        guard message.channel == .email else {
            throw SMTPError(description: "no SMTP route for channel \(message.channel.rawValue)")
        }
        let implicitTLS = settings.security == .tls
        let timeout = replyTimeout, notifier = self
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS { try channel.pipeline.syncOperations.addHandler(try notifier.tlsHandler()) }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: timeout))
                    try channel.pipeline.syncOperations.addHandler(ReadTimeoutCloser())
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let settings = settings, from = settings.from, heloName = heloName
        try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplies(inbound.makeAsyncIterator())
            /// A 5xx to the message's own recipient or content (`aboutTheMessage`) is permanent; to the
            /// rest (AUTH, MAIL FROM) it is the relay's set-up, which someone will mend: tried again.
            @discardableResult
            func expect(_ code: Int, aboutTheMessage: Bool = false) async throws -> String {
                let reply = try await replies.next()
                guard reply.code == code else {
                    throw SMTPError(description: "expected \(code), got \(reply.code) \(reply.text)",
                                    isPermanent: aboutTheMessage && (500..<600).contains(reply.code))
                }
                return reply.text
            }
            func send(_ line: String) async throws {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
            }
            try await expect(220)
            try await send("EHLO \(heloName)")
            var capabilities = try await expect(250)
            if settings.security == .starttls {
                guard Self.offers(capabilities, "STARTTLS") else { throw SMTPError(description: "the relay does not offer STARTTLS") }
                try await send("STARTTLS")
                try await expect(220)
                // TLS goes in front of everything already in the pipeline; the conversation restarts (RFC 3207 §4.2).
                try await channel.channel.pipeline.addHandler(try tlsHandler(), position: .first).get()
                try await send("EHLO \(heloName)")
                capabilities = try await expect(250)
            }
            if let username = settings.username {
                let password = settings.password ?? ""
                if Self.offers(capabilities, "AUTH", mechanism: "PLAIN") {
                    try await send("AUTH PLAIN " + Data("\0\(username)\0\(password)".utf8).base64EncodedString())
                } else if Self.offers(capabilities, "AUTH", mechanism: "LOGIN") {
                    try await send("AUTH LOGIN")
                    try await expect(334)
                    try await send(Data(username.utf8).base64EncodedString())
                    try await expect(334)
                    try await send(Data(password.utf8).base64EncodedString())
                } else {
                    throw SMTPError(description: "the relay offers neither AUTH PLAIN nor AUTH LOGIN")
                }
                try await expect(235)
            }
            try await send("MAIL FROM:<\(from)>")
            try await expect(250)
            try await send("RCPT TO:<\(message.recipient)>")
            try await expect(250, aboutTheMessage: true)
            try await send("DATA")
            try await expect(354)
            try await outbound.write(ByteBuffer(string: Self.render(message, from: from, date: clock())))
            try await expect(250, aboutTheMessage: true)
            try await send("QUIT")
        }
        logger.info("outbox: mailed \(message.id)")
    }

    /// Whether an EHLO reply lists `keyword` (and, for AUTH, `mechanism`).
    static func offers(_ ehlo: String, _ keyword: String, mechanism: String? = nil) -> Bool {
        ehlo.split(separator: "\n").contains { line in
            let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" })
            guard words.first == Substring(keyword) else { return false }
            return mechanism.map { words.dropFirst().contains(Substring($0)) } ?? true
        }
    }

    /// The message: headers (subject RFC 2047-encoded), UTF-8 body in base64, ended by a lone dot.
    static func render(_ message: OutboxMessage, from: String, date: Date) -> String {
        let subject = "=?UTF-8?B?\(Data(message.subject.utf8).base64EncodedString())?="
        let body = Data(message.body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return [
            "From: ParHub <\(from)>", "To: <\(message.recipient)>", "Subject: \(subject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(message.id)@parhub>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64", "", body, ".", "",
        ].joined(separator: "\r\n")
    }
}

/// Closes the connection when the relay has sent nothing for the read time-out.
final class ReadTimeoutCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Reads SMTP replies (`250-first line`, …, `250 last line`) from a byte stream.
struct SMTPReplies {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ""

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func next() async throws -> (code: Int, text: String) {
        var text: [String] = []
        while true {
            while let range = pending.range(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                guard line.count >= 3, let code = Int(line.prefix(3)) else {
                    throw SMTPNotifier.SMTPError(description: "bad reply: \(line)")
                }
                text.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                    return (code, text.joined(separator: "\n"))
                }
            }
            guard let buffer = try await iterator.next() else {
                throw SMTPNotifier.SMTPError(description: "connection closed (or no reply within the time-out)")
            }
            pending += String(buffer: buffer)
        }
    }
}
