import Foundation
import Logging
import ParCore

/// One JSON object per line (`PARHUB_LOG_FORMAT=json`), for log collectors: `time` (UTC, RFC 3339
/// with milliseconds), `level`, `label`, `message`, `source`, `file`, `line` and the metadata
/// (`request-id` among them) as strings.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    @Sendable public static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let (level, message, source, file, line) = (event.level, event.message, event.source, event.file, event.line)
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) { fields[key] = "\(value)" }
        fields["time"] = SystemClock.now().formatted(Self.timeStyle)
        fields["level"] = level.rawValue
        fields["label"] = label
        fields["message"] = message.description
        fields["source"] = source
        fields["file"] = (file as NSString).lastPathComponent
        fields["line"] = String(line)
        guard let data = try? Self.encoder.encode(fields) else { return }
        write(String(decoding: data, as: UTF8.self))
    }

    /// Built once, not per line: `2026-12-06T07:53:49.123Z`.
    static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
