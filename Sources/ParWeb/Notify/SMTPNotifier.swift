import Foundation
import Logging
import NIOCore
import NIOPosix
import ParCore

/// Hands e-mail to an SMTP relay (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT.
/// Plain SMTP, for a relay on the same host or a trusted network (a local Postfix, or the
/// province's mail gateway); the relay does TLS and authentication onward.
struct SMTPNotifier: Notifier {
    let settings: SMTPSettings
    let group: any EventLoopGroup
    let logger: Logger
    /// The app clock, for the message's Date header.
    let clock: @Sendable () -> Date

    struct SMTPError: Error, CustomStringConvertible {
        let description: String
    }

    func deliver(_ message: OutboxMessage) async throws {
        guard message.channel == .email else {
            throw SMTPError(description: "no SMTP route for channel \(message.channel.rawValue)")
        }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let from = settings.from
        try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplies(inbound.makeAsyncIterator())
            func expect(_ code: Int) async throws {
                let reply = try await replies.next()
                guard reply.code == code else { throw SMTPError(description: "expected \(code), got \(reply.code) \(reply.text)") }
            }
            func send(_ line: String) async throws {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
            }
            try await expect(220)
            try await send("EHLO parhub")
            try await expect(250)
            try await send("MAIL FROM:<\(from)>")
            try await expect(250)
            try await send("RCPT TO:<\(message.recipient)>")
            try await expect(250)
            try await send("DATA")
            try await expect(354)
            try await outbound.write(ByteBuffer(string: Self.render(message, from: from, date: clock())))
            try await expect(250)
            try await send("QUIT")
        }
        logger.info("outbox: mailed \(message.id)")
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
                throw SMTPNotifier.SMTPError(description: "connection closed")
            }
            pending += String(buffer: buffer)
        }
    }
}
