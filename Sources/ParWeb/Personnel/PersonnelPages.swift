import Foundation
import ParCore
import ParStore
import Vapor

/// The people of a unit with the year's rating statistics, one person's record (every view
/// audited), and the staff member's own record. The same feature service as the API.
struct PersonnelPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.personnel.pattern, use: overview)
        routes.get(Paths.personnelUnit.pattern, use: show)
        routes.post(Paths.personnelUnit.pattern, use: add)
        routes.post(Paths.personnelApprove.pattern, use: approve)
        routes.get(Paths.person.pattern, use: person)
        routes.post(Paths.person.pattern, use: update)
        routes.post(Paths.personRating.pattern, use: rate)
        routes.get(Paths.myPersonRecord.pattern, use: mine)
        routes.post(Paths.personDiscipline.pattern, use: openCase)
        routes.post(Paths.disciplinaryCaseClose.pattern, use: closeCase)
        routes.post(Paths.personTraining.pattern, use: addTraining)
        routes.post(Paths.personnelImport.pattern, use: importFile)
        routes.post(Paths.personnelPositions.pattern, use: setPositions)
        routes.get(Paths.personnelCSV.pattern) { try await download($0, xlsx: false) }
        routes.get(Paths.personnelXLSX.pattern) { try await download($0, xlsx: true) }
    }

    /// The people of the unit and the units below in the import's own columns (so the file can be
    /// edited in a spreadsheet and imported back), with the year's quality level after them (an
    /// extra column the import ignores). A list, like the page: no per-person audit row.
    func download(_ request: Request, xlsx: Bool) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewPersonnel)
        let year = try year(request)
        let repository = stores.personnelService.repository(request)
        let people = try await repository.people(units: try await stores.units.subtreeIDs(of: [record.unit.id]))
        let ratings = try await repository.ratings(people: people.map(\.id), year: year)
        var keys: [OrgUnit.ID: String] = [:]
        for id in Set(people.map(\.unitID)) { keys[id] = try await stores.units.find(id)?.unit.key ?? "" }
        let rows = people.map { p in
            [keys[p.unitID] ?? "", p.fullName, p.kind.rawValue, p.position, p.rank ?? "", p.leadershipPost ?? "", p.startedOn.iso,
             p.rotationYears.map(String.init) ?? "", ratings[p.id]?.level.rawValue ?? ""]
        }
        let table = [PersonImportFile.csvColumns + ["qualityLevel"]] + rows, name = "nhan-su-\(record.unit.key)-\(year)"
        return xlsx ? TableExport.xlsx(table, sheet: "Nhân sự \(year)", name: name + ".xlsx") : TableExport.csv(table, name: name + ".csv")
    }

    struct TrainingLine: Encodable {
        let course: String
        let dates: String
        let hours: Int
        let certificate: String
    }

    struct CaseLine: Encodable {
        let id: String
        let name: String
        let link: String
        let discoveredOn: String
        let summary: String
        let state: String
        let outcome: String
        let deadline: String
        let overdue: Bool
        let open: Bool
        let version: Int
    }

    func caseLine(_ c: DisciplinaryCase, name: String, today: LocalDate, en: Bool) -> CaseLine {
        let outcome: String
        switch c.state {
        case .open: outcome = ""
        case .decided: outcome = "\(c.form?.name(en: en) ?? "") — \(c.decisionNumber ?? "") (\(LocalTime.format(c.decidedOn)))"
        case .dropped: outcome = "\(Messages.text("personnel.case-dropped", en: en)) (\(LocalTime.format(c.decidedOn)))"
        }
        return CaseLine(id: c.id.description, name: name, link: Paths.person.link(c.personID), discoveredOn: LocalTime.format(c.discoveredOn),
                        summary: c.summary, state: c.state.rawValue, outcome: outcome, deadline: LocalTime.format(c.deadline),
                        overdue: c.isOverdue(today: today), open: c.state == .open, version: c.version)
    }

    typealias Option = SatisfactionPages.Option

    struct PersonLine: Encodable {
        let name: String
        let link: String
        let kind: String
        let position: String
        let rank: String
        let post: String
        let level: String
    }

    struct DueLine: Encodable {
        let name: String
        let link: String
        let position: String
        let since: String
        let dueOn: String
        let overdue: Bool
    }

    struct MovedLine: Encodable {
        let name: String
        let link: String
        let on: String
        let kind: String
        let from: String
        let to: String
    }

    struct LevelCell: Encodable {
        let count: Int
        let share: String
        let change: String
    }

    struct StatisticsLine: Encodable {
        let kind: String
        let rated: Int
        let unrated: Int
        let cells: [LevelCell]
        let goodOrBetter: String
        let cap: Int
        let exceedsCap: Bool
    }

    struct UnitContext: Encodable {
        let unitName: String
        let year: Int
        let people: [PersonLine]
        let levels: [String]
        let statistics: [StatisticsLine]
        let figures: [Option]
        let pending: Int
        let due: [DueLine]
        let moved: [MovedLine]
        let cases: [CaseLine]
        let positions: [JobPosition]
        /// The list as the form edits it: `name | rotation years | hours` per line.
        let positionsText: String
        let canEdit: Bool
        let canApprove: Bool
        let kinds: [Option]
        let base: String
        let errors: [FormError]?
        /// What the last import did ("created 3, …"), after a successful one.
        let imported: String?
    }

    /// Ratings are entered at the end of the year: December shows this year, other months last year.
    func year(_ request: Request) throws -> Int {
        let today = VietnamTime.localDate(of: request.now)
        guard (try? request.query.get(String.self, at: "year")) != nil else { return today.month == 12 ? today.year : today.year - 1 }
        return try PlanPages.year(request)
    }

    @Sendable func overview(_ request: Request) async throws -> Response {
        let top = try await stores.access(request).topUnit(for: .viewPersonnel)
        return request.redirect(to: Paths.personnelUnit.link(top.unit.id))
    }

    func render(_ request: Request, errors: [FormError]? = nil, imported: String? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewPersonnel)
        let year = try year(request)
        let repository = stores.personnelService.repository(request)
        let units = try await stores.units.subtreeIDs(of: [record.unit.id])
        let people = try await repository.people(units: units)
        let ratings = try await repository.ratings(people: people.map(\.id), year: year)
        let statistics = try await stores.personnelService.statistics(record, year: year, request: request)
        let principal = try request.requirePrincipal()
        let today = VietnamTime.localDate(of: request.now)
        let plan = try await stores.personnelService.rotationPlan(record, year: year, request: request)
        let positions = try await repository.positions(units: [record.unit.id])[record.unit.id] ?? []
        var names = Names(stores)
        var moved: [MovedLine] = []
        for (person, move) in plan.moved {
            moved.append(MovedLine(name: person?.fullName ?? "", link: person.map { Paths.person.link($0.id) } ?? "", on: LocalTime.format(move.on),
                                   kind: Messages.text("personnel.move-\(move.kind.rawValue)", en: en),
                                   from: try await names.unit(move.fromUnitID), to: try await names.unit(move.toUnitID)))
        }
        let context = UnitContext(
            unitName: record.unit.name, year: year,
            people: people.map { p in
                PersonLine(name: p.fullName, link: Paths.person.link(p.id), kind: p.kind.name(en: en), position: p.position,
                           rank: p.rank ?? "", post: p.leadershipPost ?? "", level: ratings[p.id].map { levelText($0, en: en) } ?? "—")
            },
            levels: QualityLevel.allCases.map { $0.name(en: en) },
            statistics: statistics.items.map { current, previous in
                let change = current.change(since: previous)
                return StatisticsLine(kind: current.kind.name(en: en), rated: current.rated, unrated: current.unrated,
                                      cells: QualityLevel.allCases.map { level in
                                          LevelCell(count: current.counts[level] ?? 0, share: Format.percent(current.share(level).map { $0 * 100 }, en: en),
                                                    change: change[level].map { Format.change($0 * 100, en: en) } ?? "")
                                      },
                                      goodOrBetter: Format.percent(current.goodOrBetterShare.map { $0 * 100 }, en: en), cap: current.excellentCap,
                                      exceedsCap: current.exceedsCap)
            },
            figures: statistics.figures.map { Option(value: Format.percent($0.rate.map { $0 * 100 }, en: en), label: $0.metric.name(en: en), selected: false) },
            pending: ratings.values.filter { $0.state == .entered }.count,
            due: plan.due.map {
                DueLine(name: $0.person.fullName, link: Paths.person.link($0.person.id), position: $0.person.position, since: LocalTime.format($0.since),
                        dueOn: LocalTime.format($0.dueOn), overdue: $0.dueOn < today)
            },
            moved: moved,
            cases: try await stores.disciplinaryCases.cases(units: units, closedIn: year)
                .map { c in caseLine(c, name: people.first { $0.id == c.personID }?.fullName ?? "", today: VietnamTime.localDate(of: request.now), en: en) },
            positions: positions, positionsText: positions.map { "\($0.name) | \($0.rotationYears.map(String.init) ?? "") | \($0.trainingHours)" }
                .joined(separator: "\n"),
            canEdit: principal.may(.editPersonnel, onUnitWithAncestry: record.ancestry),
            canApprove: principal.may(.approveRatings, onUnitWithAncestry: record.ancestry),
            kinds: Person.Kind.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            base: Paths.personnelUnit.link(record.unit.id), errors: errors, imported: imported)
        return try await Page.render("personnel", title: "\(Messages.text("personnel.people", en: en)) — \(record.unit.name)",
                                     context: context, request: request, failed: errors != nil)
    }

    func levelText(_ rating: QualityRating, en: Bool) -> String {
        let level = rating.level.name(en: en)
        return rating.state == .approved ? level : "\(level) (\(Messages.text("personnel.not-approved-yet", en: en)))"
    }

    @Sendable func show(_ request: Request) async throws -> Response { try await render(request) }

    @Sendable func add(_ request: Request) async throws -> Response {
        let unitID = try request.parameters.require("unitID")
        let form = try request.content.decode([String: String].self)
        do {
            guard let unit = OrgUnit.ID(string: unitID) else { throw Problem.notFound("Không tìm thấy đơn vị.", english: "Unit not found.") }
            _ = try await stores.personnelService.add(try draft(form, id: .random(), unit: unit), request: request)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(request, errors: errors)
        }
        return request.redirect(to: Paths.personnelUnit.link(unitID))
    }

    @Sendable func approve(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .approveRatings)
        let year = try year(request)
        _ = try await stores.personnelService.approve(record, year: year, request: request)
        return request.redirect(to: Paths.personnelUnit.link(record.unit.id) + "?year=\(year)")
    }

    func rotationYears(_ raw: String?) throws -> Int? {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let years = Int(raw.trimmingCharacters(in: .whitespaces)) else {
            throw DomainError.invalid("Thời hạn chuyển đổi không hợp lệ.", english: "Not a valid rotation period.", field: "rotationYears")
        }
        return years
    }

    /// A record form's fields as a person (the same fields as the API's `PersonInput`).
    func draft(_ form: [String: String], id: Person.ID, unit: OrgUnit.ID) throws -> Person {
        guard let started = LocalDate(iso: form["startedOn"] ?? "") else {
            throw DomainError.invalid("Ngày bắt đầu công tác không hợp lệ.", english: "Not a valid start date.", field: "startedOn")
        }
        return Person(id: id, unitID: unit, fullName: form["fullName"] ?? "", kind: Person.Kind(rawValue: form["kind"] ?? "") ?? .civilServant,
                      position: form["position"] ?? "", rank: form["rank"], leadershipPost: form["leadershipPost"], startedOn: started,
                      rotationYears: try rotationYears(form["rotationYears"]))
    }

    struct ImportForm: Decodable {
        var file: File?
    }

    /// A people file (CSV or JSON) uploaded on the unit's page: imported into the units of the
    /// officer's grant, or refused whole with each bad row listed.
    @Sendable func importFile(_ request: Request) async throws -> Response {
        _ = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .editPersonnel)
        let en = Language.of(request) == .en
        do {
            guard let file = try request.content.decode(ImportForm.self).file, file.data.readableBytes > 0 else {
                throw Problem(DomainError.invalid("Chọn tệp.", english: "Choose a file.", field: "file"))
            }
            let report = try await stores.personnelService.importPeople(try PersonImportFile.parse(Data(buffer: file.data)), request: request)
            return try await render(request, imported: Messages.text("personnel.imported", en: en) + " " + report.summary)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(request, errors: errors)
        }
    }

    /// The unit's approved positions from the form: one per line, `name | rotation years | hours`.
    @Sendable func setPositions(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .editPersonnel)
        let text = try request.content.get(String.self, at: "positions")
        do {
            let list = try text.split(whereSeparator: \.isNewline).compactMap { line -> JobPosition? in
                let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let name = parts.first, !name.isEmpty else { return nil }
                let years = parts.count > 1 && !parts[1].isEmpty ? Int(parts[1]) : nil
                let hours = parts.count > 2 && !parts[2].isEmpty ? Int(parts[2]) : TrainingRequirement.yearlyHours
                guard let hours, parts.count < 2 || parts[1].isEmpty || years != nil else {
                    throw DomainError.invalid("Mỗi dòng: tên | số năm chuyển đổi | số tiết bồi dưỡng.", english: "Each line: name | rotation years | hours.",
                                              field: "positions")
                }
                return JobPosition(name: name, trainingHours: hours, rotationYears: years)
            }
            _ = try await stores.personnelService.setPositions(record, list, request: request)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(request, errors: errors)
        }
        return request.redirect(to: Paths.personnelUnit.link(record.unit.id) + "#positions")
    }
}
