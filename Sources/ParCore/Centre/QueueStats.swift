import Foundation

/// Waiting and service times of a centre's tickets, grouped by field, desk, officer, hour of
/// issue or day: tickets issued, served, abandoned (skipped, or still waiting when the day
/// ended), mean and 90th-percentile waits, mean service time.
public struct QueueStats: Hashable, Sendable {
    public enum Grouping: String, CaseIterable, Sendable {
        case field, desk, officer, hour, day
    }

    public struct Row: Hashable, Sendable {
        public var key: String
        public var issued: Int
        public var served: Int
        public var abandoned: Int
        public var meanWaitMinutes: Double?
        public var p90WaitMinutes: Double?
        public var meanServiceMinutes: Double?
    }

    public var rows: [Row]
    public var total: Row

    /// `deskName` names a desk for the desk grouping. `today`: tickets of earlier days still waiting are abandoned.
    public init(_ tickets: [QueueTicket], by grouping: Grouping, today: LocalDate, deskName: (ServiceDesk.ID?) -> String) {
        func key(_ t: QueueTicket) -> String {
            switch grouping {
            case .field: return t.field
            case .desk: return deskName(t.deskID)
            case .officer: return t.officer ?? "—"
            case .hour: return LocalDateTime(t.issuedAt).time.hour.zeroPadded(2) + ":00"
            case .day: return t.day.iso
            }
        }
        let groups = Dictionary(grouping: tickets, by: key)
        rows = groups.keys.sorted().map { Self.row($0, groups[$0]!, today: today) }
        total = Self.row("", tickets, today: today)
    }

    static func row(_ key: String, _ tickets: [QueueTicket], today: LocalDate) -> Row {
        let waits = tickets.compactMap(\.waitingSeconds).map { $0 / 60 }.sorted()
        let services = tickets.compactMap(\.serviceSeconds).map { $0 / 60 }
        let abandoned = tickets.filter { $0.status == .skipped || ($0.status == .waiting && $0.day < today) }.count
        return Row(key: key, issued: tickets.count, served: tickets.filter { $0.status == .served }.count, abandoned: abandoned,
                   meanWaitMinutes: mean(waits), p90WaitMinutes: percentile(waits, 0.9), meanServiceMinutes: mean(services))
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : (values.reduce(0, +) / Double(values.count) * 10).rounded() / 10
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return (sorted[max(0, min(sorted.count - 1, rank - 1))] * 10).rounded() / 10
    }
}
