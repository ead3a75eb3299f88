import Foundation

/// One year's decisions on top of the standing `HolidayRules`, as an administrator
/// enters them from the Government's yearly notice (for example, for 2025,
/// Công văn 8726/VPCP-KGVX of 26 Nov 2024 and Thông báo 6150/TB-BLĐTBXH).
///
/// Legal source: Labour Code 2019, art. 112(3) (the Prime Minister fixes the Tết days
/// and the National Day's second day each year) and the yearly swap decisions
/// (hoán đổi ngày làm việc) for civil servants. Codable as plain JSON; every field
/// but `year` may be left out.
public struct YearCalendar: Hashable, Sendable, Codable {
    /// The Gregorian year the data is for.
    public var year: Int
    /// The official document the data comes from, for the audit trail.
    public var source: String?
    /// The Tết days decided for this year, when they differ from the rules' span.
    public var tetSpan: TetSpan?
    /// The day joining 2 September (1 or 3 September), when decided.
    public var nationalDayAdjacent: LocalDate?
    /// Whether weekend clashes are compensated automatically this year; `nil` follows the rules.
    /// Turn it off when `extraDaysOff` already lists the official compensatory days.
    public var automaticCompensation: Bool?
    /// Extra days off: compensatory days, swapped days off, one-off holidays.
    public var extraDaysOff: [DayOff]
    /// Weekly rest days worked in exchange for a swapped day off (làm bù).
    public var workedDays: [WorkedDay]

    /// A year's data; only `year` is required.
    public init(year: Int, source: String? = nil, tetSpan: TetSpan? = nil, nationalDayAdjacent: LocalDate? = nil,
                automaticCompensation: Bool? = nil, extraDaysOff: [DayOff] = [], workedDays: [WorkedDay] = []) {
        self.year = year
        self.source = source
        self.tetSpan = tetSpan
        self.nationalDayAdjacent = nationalDayAdjacent
        self.automaticCompensation = automaticCompensation
        self.extraDaysOff = extraDaysOff
        self.workedDays = workedDays
    }

    /// The year as it is stored: its source cleaned (left out when empty), at most 300 characters, and
    /// each day's names at most 200 (counted in code points, as the API schema's `maxLength` counts them).
    public func normalised() throws(DomainError) -> YearCalendar {
        var data = self
        data.source = source.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        guard (data.source?.unicodeScalars.count ?? 0) <= 300 else {
            throw .invalid("Tên văn bản tối đa 300 ký tự.", english: "The source is at most 300 characters.", field: "source")
        }
        let names = data.extraDaysOff.flatMap { [$0.nameVi, $0.nameEn] } + data.workedDays.flatMap { [$0.nameVi, $0.nameEn] }
        guard names.allSatisfy({ ($0?.unicodeScalars.count ?? 0) <= 200 }) else {
            throw .invalid("Tên ngày nghỉ tối đa 200 ký tự.", english: "Day names are at most 200 characters.", field: "extraDaysOff")
        }
        return data
    }

    /// Records a swap: `dayOff` (a working day) is given off and `workedOn` (a weekend day) is worked instead.
    public mutating func addSwap(dayOff: LocalDate, workedOn: LocalDate) {
        extraDaysOff.append(DayOff(date: dayOff, kind: .swapDayOff, swappedWith: workedOn))
        workedDays.append(WorkedDay(date: workedOn, swappedFor: dayOff))
    }

    private enum CodingKeys: String, CodingKey {
        case year, source, tetSpan, nationalDayAdjacent, automaticCompensation, extraDaysOff, workedDays
    }

    /// Decodes administrator JSON; missing lists are empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(year: try c.decode(Int.self, forKey: .year),
                  source: try c.decodeIfPresent(String.self, forKey: .source),
                  tetSpan: try c.decodeIfPresent(TetSpan.self, forKey: .tetSpan),
                  nationalDayAdjacent: try c.decodeIfPresent(LocalDate.self, forKey: .nationalDayAdjacent),
                  automaticCompensation: try c.decodeIfPresent(Bool.self, forKey: .automaticCompensation),
                  extraDaysOff: try c.decodeIfPresent([DayOff].self, forKey: .extraDaysOff) ?? [],
                  workedDays: try c.decodeIfPresent([WorkedDay].self, forKey: .workedDays) ?? [])
    }
}

/// An extra day off decided for one year (see `YearCalendar`).
public struct DayOff: Hashable, Sendable, Codable {
    /// The day given off.
    public var date: LocalDate
    /// `.compensatory`, `.swapDayOff` or `.holiday` (a one-off holiday); never `.workedWeekendDay`.
    public var kind: Holiday.Kind
    /// Display name in Vietnamese; generated from `kind` when left out.
    public var nameVi: String?
    /// Display name in English; generated from `kind` when left out.
    public var nameEn: String?
    /// For a swap, the weekend day worked instead.
    public var swappedWith: LocalDate?

    /// An extra day off.
    public init(date: LocalDate, kind: Holiday.Kind, nameVi: String? = nil, nameEn: String? = nil,
                swappedWith: LocalDate? = nil) {
        self.date = date
        self.kind = kind
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.swappedWith = swappedWith
    }
}

/// A weekly rest day worked in exchange for a swapped day off (see `YearCalendar`).
public struct WorkedDay: Hashable, Sendable, Codable {
    /// The Saturday or Sunday worked.
    public var date: LocalDate
    /// The day given off in exchange.
    public var swappedFor: LocalDate?
    /// Display name in Vietnamese; generated when left out.
    public var nameVi: String?
    /// Display name in English; generated when left out.
    public var nameEn: String?

    /// A worked weekend day.
    public init(date: LocalDate, swappedFor: LocalDate? = nil, nameVi: String? = nil, nameEn: String? = nil) {
        self.date = date
        self.swappedFor = swappedFor
        self.nameVi = nameVi
        self.nameEn = nameEn
    }
}
