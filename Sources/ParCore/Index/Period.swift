import Foundation

/// A reporting period: a custom range of Việt Nam days, or a month, quarter or year.
public struct ReportPeriod: Hashable, Sendable {
    public var from: LocalDate
    public var through: LocalDate

    public init(from: LocalDate, through: LocalDate) throws(DomainError) {
        guard from <= through else {
            throw .invalid("Ngày bắt đầu phải trước ngày kết thúc.", english: "The period must start before it ends.", field: "from")
        }
        self.from = from
        self.through = through
    }

    /// `2026`, `2026-H1` (six months), `2026-Q3`, `2026-11` or `2026-11-26`.
    public init(_ text: String) throws(DomainError) {
        let parts = text.split(separator: "-").map(String.init)
        let bad = DomainError.invalid("Kỳ không hợp lệ (năm, năm-Hn, năm-Qn, năm-tháng).", english: "Not a period (YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM).", field: "period")
        guard let year = parts.first.flatMap(Int.init), (1900...2100).contains(year) else { throw bad }
        switch parts.count {
        case 1:
            try self.init(from: LocalDate(year: year, month: 1, day: 1)!, through: LocalDate(year: year, month: 12, day: 31)!)
        case 2 where parts[1].hasPrefix("H"):
            guard let h = Int(parts[1].dropFirst()), (1...2).contains(h) else { throw bad }
            let first = LocalDate(year: year, month: h * 6 - 5, day: 1)!
            try self.init(from: first, through: first.adding(months: 6).adding(days: -1))
        case 2 where parts[1].hasPrefix("Q"):
            guard let q = Int(parts[1].dropFirst()), (1...4).contains(q) else { throw bad }
            let first = LocalDate(year: year, month: q * 3 - 2, day: 1)!
            try self.init(from: first, through: first.adding(months: 3).adding(days: -1))
        case 2:
            guard let month = Int(parts[1]), let first = LocalDate(year: year, month: month, day: 1) else { throw bad }
            try self.init(from: first, through: first.adding(months: 1).adding(days: -1))
        case 3:
            guard let day = LocalDate(iso: text) else { throw bad }
            try self.init(from: day, through: day)
        default:
            throw bad
        }
    }

    /// The period split into whole years, whole months (outside those years) and the days
    /// left at the edges, so sums read the fewest roll-up rows.
    public var grains: (years: [String], months: [String], days: [ClosedRange<LocalDate>]) {
        var years: [String] = [], months: [String] = [], days: [ClosedRange<LocalDate>] = []
        var cursor = from
        var dayStart: LocalDate?
        func closeDays(before date: LocalDate) {
            if let start = dayStart { days.append(start...date.adding(days: -1)); dayStart = nil }
        }
        while cursor <= through {
            let yearEnd = LocalDate(year: cursor.year, month: 12, day: 31)!
            let monthEnd = LocalDate(year: cursor.year, month: cursor.month, day: 1)!.adding(months: 1).adding(days: -1)
            if cursor.month == 1, cursor.day == 1, yearEnd <= through {
                closeDays(before: cursor)
                years.append(cursor.year.zeroPadded(4))
                cursor = yearEnd.adding(days: 1)
            } else if cursor.day == 1, monthEnd <= through {
                closeDays(before: cursor)
                months.append(cursor.year.zeroPadded(4) + "-" + cursor.month.zeroPadded(2))
                cursor = monthEnd.adding(days: 1)
            } else {
                if dayStart == nil { dayStart = cursor }
                cursor = cursor.adding(days: 1)
            }
        }
        closeDays(before: cursor)
        return (years, months, days)
    }

    /// The months the period touches (for trends), oldest first.
    public var months: [ReportPeriod] {
        var result: [ReportPeriod] = []
        var first = LocalDate(year: from.year, month: from.month, day: 1)!
        while first <= through {
            let last = first.adding(months: 1).adding(days: -1)
            if let period = try? ReportPeriod(from: max(first, from), through: min(last, through)) { result.append(period) }
            first = first.adding(months: 1)
        }
        return result
    }

    public var label: String {
        if from.day == 1, from.month == 1, through == LocalDate(year: from.year, month: 12, day: 31) { return String(from.year) }
        if from.day == 1, through == from.adding(months: 1).adding(days: -1) { return from.month.zeroPadded(2) + "/" + from.year.zeroPadded(4) }
        return "\(from.shown) – \(through.shown)"
    }
}
