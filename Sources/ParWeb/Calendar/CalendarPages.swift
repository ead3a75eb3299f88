import Foundation
import ParCore
import ParStore
import Vapor

/// The year's working-day calendar (public) and the administrator's form for
/// the year's decisions (editCalendar).
struct CalendarPages {
    let stores: Stores

    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.calendar.pattern, use: show)
        routes.get(Paths.calendarToday.pattern) { request -> Response in
            request.redirect(to: Paths.calendar.link(LocalTime.today(request.now).year))
        }
    }

    func registerAdmin(_ routes: any RoutesBuilder) {
        routes.get(Paths.calendarEdit.pattern, use: editForm)
        routes.post(Paths.calendarEdit.pattern, use: save)
    }

    struct Day: Encodable {
        let day: Int?
        let off: Bool
        let label: String?
    }

    struct Month: Encodable {
        let name: String
        let weeks: [[Day]]
    }

    struct HolidayRow: Encodable {
        let date: String
        let weekday: String
        let name: String
        let kind: String
    }

    struct ShowContext: Encodable {
        let year: Int
        let previous: String
        let next: String
        let previousYear: Int
        let nextYear: Int
        let holidays: [HolidayRow]
        let months: [Month]
        let weekdays: [String]
        let source: String?
        let editLink: String?
    }

    func year(_ request: Request) throws -> Int {
        guard let raw = request.parameters.get("year"), let year = Int(raw), WorkingCalendar.supportedYears.contains(year) else {
            throw Problem.notFound("Chỉ có lịch các năm 1900–2100.", english: "Calendars exist for 1900–2100 only.")
        }
        return year
    }

    func kindLabel(_ kind: Holiday.Kind, en: Bool) -> String {
        switch kind {
        case .holiday: Messages.text("calendar-pages.public-holiday", en: en)
        case .compensatory: Messages.text("calendar-pages.compensatory-day-off", en: en)
        case .swapDayOff: Messages.text("calendar-pages.day-off-swapped", en: en)
        case .workedWeekendDay: Messages.text("calendar-pages.worked-in-exchange", en: en)
        }
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        let year = try year(request)
        let en = Language.of(request) == .en
        let repository = stores.calendar
        let calendar = try await repository.calendar()
        let holidays: [Holiday]
        do { holidays = try calendar.holidays(in: year) } catch { throw Problem(DomainError(error)) }
        let byDate = Dictionary(holidays.map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
        let weekdayNames = Messages.text("calendar.weekdays", en: en).split(separator: " ").map(String.init)
        var months: [Month] = []
        for month in 1...12 {
            guard let first = LocalDate(year: year, month: month, day: 1) else { continue }
            var cells: [Day] = Array(repeating: Day(day: nil, off: false, label: nil), count: first.weekday.rawValue - 1)
            for day in 1...LocalDate.daysIn(month: month, year: year) {
                let date = LocalDate(year: year, month: month, day: day)!
                let working = (try? calendar.isWorkingDay(date)) ?? true
                let holiday = byDate[date]
                cells.append(Day(day: day, off: !working, label: holiday.map { domainText($0.nameVi, $0.nameEn, en: en) }))
            }
            while cells.count % 7 != 0 { cells.append(Day(day: nil, off: false, label: nil)) }
            let weeks = stride(from: 0, to: cells.count, by: 7).map { Array(cells[$0..<$0 + 7]) }
            months.append(Month(name: Messages.text("calendar.month-n", en: en, ["month": String(month)]), weeks: weeks))
        }
        let rows = holidays.map {
            HolidayRow(date: LocalTime.format($0.date), weekday: weekdayNames[$0.date.weekday.rawValue - 1],
                       name: domainText($0.nameVi, $0.nameEn, en: en), kind: kindLabel($0.kind, en: en))
        }
        let context = ShowContext(
            year: year, previous: Paths.calendar.link(year - 1), next: Paths.calendar.link(year + 1),
            previousYear: year - 1, nextYear: year + 1, holidays: rows,
            months: months, weekdays: weekdayNames, source: try await repository.year(year)?.0.source,
            editLink: request.principal?.mayAnywhere(.editCalendar) == true ? Paths.calendarEdit.link(year) : nil)
        return try await Page.render("calendar", title: (Messages.text("calendar-pages.working-calendar", en: en)) + String(year),
                                     context: context, request: request)
    }

    struct EditContext: Encodable {
        let year: Int
        let source: String
        let tetBefore: Int
        let tetFrom: Int
        let nationalDayAdjacent: String
        let swaps: String
        let daysOff: String
        let version: Int
        let viewLink: String
        let errors: [FormError]?
    }

    func admin(_ request: Request) throws {
        try request.requirePrincipal().require(.editCalendar)
    }

    @Sendable func editForm(_ request: Request) async throws -> Response {
        try admin(request)
        let year = try year(request)
        let stored = try await stores.calendar.year(year)
        return try await renderEdit(request, year: year, data: stored?.0 ?? YearCalendar(year: year),
                                    version: stored?.version ?? 0, errors: nil)
    }

    func renderEdit(_ request: Request, year: Int, data: YearCalendar, version: Int,
                           errors: [FormError]?) async throws -> Response {
        let span = data.tetSpan ?? .lastDayAndFirstFour
        let swaps = data.extraDaysOff.filter { $0.kind == .swapDayOff }.map { "\($0.date.iso) \($0.swappedWith?.iso ?? "")" }
        let others = data.extraDaysOff.filter { $0.kind != .swapDayOff }.map { "\($0.date.iso) \($0.nameVi ?? "")" }
        let context = EditContext(year: year, source: data.source ?? "", tetBefore: span.daysBeforeNewYear,
                                  tetFrom: span.daysFromNewYear, nationalDayAdjacent: data.nationalDayAdjacent?.iso ?? "",
                                  swaps: swaps.joined(separator: "\n"), daysOff: others.joined(separator: "\n"),
                                  version: version, viewLink: Paths.calendar.link(year), errors: errors)
        return try await Page.render("calendar-edit", title: "Lịch \(year)", context: context, request: request, failed: errors != nil)
    }

    struct Form: Content {
        var source: String?
        var tetBefore: Int?
        var tetFrom: Int?
        var nationalDayAdjacent: String?
        var swaps: String?
        var daysOff: String?
        var version: Int?
    }

    /// Parses the form: swaps are lines "day-off worked-day", extra days off lines "date name".
    func decisions(year: Int, form: Form) throws(DomainError) -> YearCalendar {
        var data = YearCalendar(year: year, source: form.source.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 })
        if let before = form.tetBefore, let from = form.tetFrom {
            data.tetSpan = TetSpan(daysBeforeNewYear: before, daysFromNewYear: from)
        }
        if let text = form.nationalDayAdjacent?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let date = LocalDate(iso: text) else {
                throw .invalid("Ngày liền kề Quốc khánh không hợp lệ.", english: "The National Day's adjacent day is not a date.", field: "nationalDayAdjacent")
            }
            data.nationalDayAdjacent = date
        }
        for line in (form.swaps ?? "").split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let off = LocalDate(iso: String(parts[0])), let worked = LocalDate(iso: String(parts[1])) else {
                throw .invalid("Mỗi dòng hoán đổi là: ngày-nghỉ ngày-làm-bù (YYYY-MM-DD YYYY-MM-DD).",
                               english: "Each swap line is: day-off worked-day (YYYY-MM-DD YYYY-MM-DD).", field: "swaps")
            }
            data.addSwap(dayOff: off, workedOn: worked)
        }
        for line in (form.daysOff ?? "").split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            let dateText = String(text.prefix { $0 != " " })
            guard let date = LocalDate(iso: dateText) else {
                throw .invalid("Mỗi dòng ngày nghỉ thêm là: YYYY-MM-DD tên.", english: "Each extra day off line is: YYYY-MM-DD name.", field: "daysOff")
            }
            let name = VietnameseText.clean(String(text.dropFirst(dateText.count)))
            data.extraDaysOff.append(DayOff(date: date, kind: .compensatory, nameVi: name.isEmpty ? nil : name))
        }
        return data
    }

    @Sendable func save(_ request: Request) async throws -> Response {
        try admin(request)
        let year = try year(request)
        let form = (try? request.content.decode(Form.self)) ?? Form()
        do {
            let data = try decisions(year: year, form: form)
            _ = try await stores.calendar.setYear(data, expectedVersion: form.version,
                                                                     actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.calendar.link(year), redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            let stored = try await stores.calendar.year(year)
            return try await renderEdit(request, year: year, data: (try? decisions(year: year, form: form)) ?? stored?.0 ?? YearCalendar(year: year),
                                        version: form.version ?? stored?.version ?? 0, errors: errors)
        }
    }
}
