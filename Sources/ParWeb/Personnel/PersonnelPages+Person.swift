import Foundation
import ParCore
import ParStore
import Vapor

/// One person's record: moves, ratings, training and disciplinary cases (every view audited),
/// the staff member's own record, and the forms that change it.
extension PersonnelPages {
    struct MoveLine: Encodable {
        let on: String
        let kind: String
        let from: String
        let to: String
    }

    struct RatingLine: Encodable {
        let year: Int
        let score: String
        let level: String
        let reason: String
    }

    struct PersonContext: Encodable {
        let name: String
        let unitName: String
        let unitLink: String?
        let kind: String
        let kindValue: String
        let position: String
        let rank: String
        let post: String
        let startedOn: String
        let startedOnISO: String
        let rotationYears: String
        let moves: [MoveLine]
        let ratings: [RatingLine]
        let cases: [CaseLine]
        let training: [TrainingLine]
        /// Hours of the year's courses against the 40 required, for those who must train.
        let trainingHours: String?
        let forms: [Option]
        let canEdit: Bool
        let isCivilServant: Bool
        let isRated: Bool
        let year: Int
        let kinds: [Option]
        let levels: [Option]
        let reasons: [Option]
        let units: [Option]
        let version: Int
        let base: String
        let errors: [FormError]?
    }

    func renderPerson(_ request: Request, record: PersonnelService.Record, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let person = record.person
        let principal = try request.requirePrincipal()
        var names = Names(stores)
        var moves: [MoveLine] = []
        for move in record.moves {
            moves.append(MoveLine(on: LocalTime.format(move.on), kind: Messages.text("personnel.move-\(move.kind.rawValue)", en: en),
                                  from: move.fromUnitID == nil ? "—" : try await names.unit(move.fromUnitID), to: try await names.unit(move.toUnitID)))
        }
        let unit = try await stores.units.find(person.unitID)
        let required = try await stores.personnelService.repository(request).positions(units: [person.unitID])[person.unitID]?
            .first { $0.name == person.position }?.trainingHours ?? TrainingRequirement.yearlyHours
        let canEdit = unit.map { principal.may(.editPersonnel, onUnitWithAncestry: $0.ancestry) } ?? false
        var units: [Option] = []
        if canEdit {
            for id in try await stores.units.subtreeIDs(of: principal.scopeRoots(for: .editPersonnel)) {
                units.append(Option(value: id.description, label: try await names.unit(id), selected: id == person.unitID))
            }
            units.sort { VietnameseText.precedes($0.label, $1.label) }
        }
        let context = PersonContext(
            name: person.fullName, unitName: try await names.unit(person.unitID),
            unitLink: unit.flatMap { principal.may(.viewPersonnel, onUnitWithAncestry: $0.ancestry) ? Paths.personnelUnit.link($0.unit.id) : nil },
            kind: person.kind.name(en: en), kindValue: person.kind.rawValue, position: person.position,
            rank: person.rank ?? "", post: person.leadershipPost ?? "", startedOn: LocalTime.format(person.startedOn), startedOnISO: person.startedOn.iso,
            rotationYears: person.rotationYears.map(String.init) ?? "",
            moves: moves,
            ratings: record.ratings.map {
                RatingLine(year: $0.year, score: $0.score.map { Format.number($0, en: en, digits: 1) } ?? "—", level: levelText($0, en: en),
                           reason: $0.disqualification.map { $0.name(en: en) } ?? "")
            },
            cases: record.cases.map { caseLine($0, name: person.fullName, today: VietnamTime.localDate(of: request.now), en: en) },
            training: record.training.map {
                TrainingLine(course: $0.course, dates: "\(LocalTime.format($0.startedOn)) – \(LocalTime.format($0.endedOn))", hours: $0.hours,
                             certificate: $0.certificate ?? "")
            },
            trainingHours: person.kind.isRated ? "\(TrainingRequirement.hours(record.training, year: VietnamTime.localDate(of: request.now).year))/\(required)" : nil,
            forms: DisciplinaryCase.Form.offered(for: person, today: VietnamTime.localDate(of: request.now)).map {
                Option(value: $0.form.rawValue, label: $0.form.name(en: en) + ($0.earlierOnly ? " (\(Messages.text("personnel.decided-before-decree-172", en: en)))" : ""),
                       selected: false)
            },
            canEdit: canEdit, isCivilServant: person.kind == .civilServant, isRated: person.kind.isRated, year: try year(request),
            kinds: Person.Kind.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: $0 == person.kind) },
            levels: QualityLevel.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            reasons: Disqualification.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            units: units, version: person.version, base: Paths.person.link(person.id), errors: errors)
        return try await Page.render("person", title: person.fullName, context: context, request: request, failed: errors != nil)
    }

    @Sendable func person(_ request: Request) async throws -> Response {
        try await renderPerson(request, record: try await stores.personnelService.read(request.parameters.get("personID"), request: request))
    }

    @Sendable func mine(_ request: Request) async throws -> Response {
        try await renderPerson(request, record: try await stores.personnelService.mine(request))
    }

    /// Runs a change of one person's record; a refused one shows the record with its errors.
    func change(_ request: Request, _ body: (Person, [String: String]) async throws -> Void) async throws -> Response {
        let raw = request.parameters.get("personID")
        let person = try await stores.personnelService.editable(raw, request: request)
        let form = try request.content.decode([String: String].self)
        do {
            try await body(person, form)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderPerson(request, record: try await stores.personnelService.read(raw, audited: false, request: request), errors: errors)
        }
        return request.redirect(to: Paths.person.link(person.id))
    }

    @Sendable func update(_ request: Request) async throws -> Response {
        try await change(request) { person, form in
            let unit = form["unitID"].flatMap(OrgUnit.ID.init(string:)) ?? person.unitID
            var draft = try draft(form, id: person.id, unit: unit)
            draft.userID = person.userID
            let movedOn = try form["movedOn"].flatMap { $0.isEmpty ? nil : $0 }.map { raw in
                guard let day = LocalDate(iso: raw) else {
                    throw DomainError.invalid("Ngày không hợp lệ.", english: "Not a valid date.", field: "movedOn")
                }
                return day
            }
            _ = try await stores.personnelService.update(person.id.description, draft: draft, expectedVersion: Int(form["version"] ?? ""),
                                                  moveKind: form["moveKind"].flatMap(PersonMove.Kind.init(rawValue:)),
                                                  movedOn: movedOn, request: request)
        }
    }

    @Sendable func rate(_ request: Request) async throws -> Response {
        try await change(request) { person, form in
            guard let year = Int(form["year"] ?? "") else {
                throw DomainError.invalid("Năm không hợp lệ.", english: "Not a valid year.", field: "year")
            }
            let rawScore = (form["score"] ?? "").replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)
            var score: Double?
            if !rawScore.isEmpty {
                guard let value = Double(rawScore) else {
                    throw DomainError.invalid("Số điểm không hợp lệ.", english: "Not a valid score.", field: "score")
                }
                score = value
            }
            _ = try await stores.personnelService.rate(person.id.description, year: year, score: score,
                                                disqualification: form["disqualification"].flatMap(Disqualification.init(rawValue:)),
                                                level: form["level"].flatMap(QualityLevel.init(rawValue:)), request: request)
        }
    }

    @Sendable func openCase(_ request: Request) async throws -> Response {
        try await change(request) { person, form in
            guard let day = LocalDate(iso: form["discoveredOn"] ?? "") else {
                throw DomainError.invalid("Ngày phát hiện vi phạm không hợp lệ.", english: "Not a valid day of discovery.", field: "discoveredOn")
            }
            _ = try await stores.personnelService.openCase(person.id.description, discoveredOn: day, complex: form["complex"] == "on",
                                                    summary: form["summary"] ?? "", request: request)
        }
    }

    @Sendable func closeCase(_ request: Request) async throws -> Response {
        let (found, person) = try await stores.personnelService.editableCase(request.parameters.get("caseID"), request: request)
        let form = try request.content.decode([String: String].self)
        do {
            guard let day = LocalDate(iso: form["decidedOn"] ?? "") else {
                throw DomainError.invalid("Ngày quyết định không hợp lệ.", english: "Not a valid decision date.", field: "decidedOn")
            }
            _ = try await stores.personnelService.closeCase(found.id.description, form: form["form"].flatMap(DisciplinaryCase.Form.init(rawValue:)), on: day,
                                                     number: form["decisionNumber"], expectedVersion: Int(form["version"] ?? ""), request: request)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderPerson(request, record: try await stores.personnelService.read(person.id.description, audited: false, request: request), errors: errors)
        }
        return request.redirect(to: Paths.person.link(person.id))
    }

    @Sendable func addTraining(_ request: Request) async throws -> Response {
        try await change(request) { person, form in
            guard let start = LocalDate(iso: form["startedOn"] ?? ""), let end = LocalDate(iso: form["endedOn"] ?? "") else {
                throw DomainError.invalid("Ngày bắt đầu và kết thúc khóa học không hợp lệ.", english: "Not valid course dates.", field: "startedOn")
            }
            guard let hours = Int(form["hours"] ?? "") else {
                throw DomainError.invalid("Số tiết không hợp lệ.", english: "Not a valid number of hours.", field: "hours")
            }
            _ = try await stores.personnelService.addTraining(person.id.description, course: form["course"] ?? "", startedOn: start, endedOn: end,
                                                       hours: hours, certificate: form["certificate"], request: request)
        }
    }
}
