import Foundation
import OpenAPIRuntime
import ParCore

/// How the JSON API writes and reads dates: ISO 8601 in UTC to the second, as the OpenAPI runtime's
/// default transcoder (`.iso8601`) does. Writing goes through `UTCTimestamp` (that transcoder formats
/// through ICU under one lock for the whole process: a share of every answer, docs/performance.md);
/// reading, and instants outside the years `UTCTimestamp` writes, through the default transcoder.
struct APIDateTranscoder: DateTranscoder {
    private let standard: ISO8601DateTranscoder = .iso8601

    func encode(_ date: Date) throws -> String {
        try UTCTimestamp.iso8601(date) ?? standard.encode(date)
    }

    func decode(_ text: String) throws -> Date {
        try standard.decode(text)
    }
}

extension Configuration {
    /// The generated handlers' coding: dates by `APIDateTranscoder`, JSON with sorted keys, not
    /// pretty-printed (the runtime's default indents every answer: more bytes to write and send).
    static let api = Configuration(dateTranscoder: APIDateTranscoder(), jsonEncodingOptions: [.sortedKeys])
}
