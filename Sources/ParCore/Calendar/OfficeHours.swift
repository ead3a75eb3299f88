import Foundation

/// The hours a unit receives and handles dossiers, as one or more sessions a day
/// (default 08:00–12:00 and 13:00–17:00, local time).
///
/// Legal source: there is no single national timetable; each ministry or province
/// sets its office hours within the 40-hour week of Decision 188/1999/QĐ-TTg, so the
/// hours are data, configurable per unit. Deadlines counted in working hours
/// ("giờ làm việc") only run inside these sessions.
public struct OfficeHours: Hashable, Sendable, Codable {
    /// One continuous stretch of office time, `start` < `end`.
    public struct Session: Hashable, Sendable, Codable {
        /// When the session opens.
        public let start: TimeOfDay
        /// When the session closes.
        public let end: TimeOfDay

        /// A session; `OfficeHours.init(sessions:)` checks it.
        public init(start: TimeOfDay, end: TimeOfDay) {
            self.start = start
            self.end = end
        }
    }

    /// The sessions of a working day, in order, not overlapping.
    public let sessions: [Session]

    /// Office hours from sessions; throws `invalidOfficeHours` unless there is at least one
    /// session, each starts before it ends, and each ends no later than the next one starts.
    public init(sessions: [Session]) throws(CalendarError) {
        guard !sessions.isEmpty else { throw .invalidOfficeHours("at least one session is needed") }
        for (index, session) in sessions.enumerated() {
            guard session.start < session.end else {
                throw .invalidOfficeHours("session \(session.start)–\(session.end) must start before it ends")
            }
            if index > 0, sessions[index - 1].end > session.start {
                throw .invalidOfficeHours("sessions must be in order and must not overlap")
            }
        }
        self.sessions = sessions
    }

    /// 08:00–12:00 and 13:00–17:00.
    public static let standard = try! OfficeHours(sessions: [
        Session(start: TimeOfDay(hour: 8)!, end: TimeOfDay(hour: 12)!),
        Session(start: TimeOfDay(hour: 13)!, end: TimeOfDay(hour: 17)!),
    ])

    /// When the first session starts.
    public var opening: TimeOfDay { sessions[0].start }
    /// When the last session ends: the due time of deadlines counted in working days.
    public var closing: TimeOfDay { sessions[sessions.count - 1].end }
    /// Office seconds in one working day.
    public var secondsPerDay: Int { sessions.reduce(0) { $0 + $1.end.secondsSinceMidnight - $1.start.secondsSinceMidnight } }

    private enum CodingKeys: String, CodingKey { case sessions }

    /// Decodes and validates office hours.
    public init(from decoder: any Decoder) throws {
        let sessions = try decoder.container(keyedBy: CodingKeys.self).decode([Session].self, forKey: .sessions)
        do throws(CalendarError) {
            try self.init(sessions: sessions)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }
}
