import Foundation
import ParCore
import ParStore
import Vapor

/// People of each unit, their moves and yearly quality ratings (viewPersonnel / editPersonnel /
/// approveRatings; the person reads their own record). Every read of one record is audited.
extension ParAPI {
    func listPeople(_ input: Operations.ListPeople.Input) async throws -> Operations.ListPeople.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewPersonnel)
        let people = try await stores.personnelService.repository(request).people(units: try await stores.units.subtreeIDs(of: [unit.unit.id]))
        return .ok(.init(body: .json(.init(items: people.map { Self.person($0, en: Language.of(request) == .en) }))))
    }

    func addPerson(_ input: Operations.AddPerson.Input) async throws -> Operations.AddPerson.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        guard let unitID = OrgUnit.ID(string: input.path.unitId) else { throw Problem.notFound("Không tìm thấy đơn vị.", english: "Unit not found.") }
        let person = try await stores.personnelService.add(try Self.draft(body, id: .random(), unit: unitID), request: request)
        return .created(.init(headers: .init(eTag: Self.etag(person.version)), body: .json(Self.person(person, en: Language.of(request) == .en))))
    }

    func getPerson(_ input: Operations.GetPerson.Input) async throws -> Operations.GetPerson.Output {
        let request = try self.request
        let record = try await stores.personnelService.read(input.path.personId, request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(record.person.version)), body: .json(Self.record(record, today: VietnamTime.localDate(of: request.now), en: Language.of(request) == .en))))
    }

    func getMyPersonRecord(_ input: Operations.GetMyPersonRecord.Input) async throws -> Operations.GetMyPersonRecord.Output {
        let request = try self.request
        return .ok(.init(body: .json(Self.record(try await stores.personnelService.mine(request), today: VietnamTime.localDate(of: request.now),
                                                  en: Language.of(request) == .en))))
    }

    func updatePerson(_ input: Operations.UpdatePerson.Input) async throws -> Operations.UpdatePerson.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let current = try await stores.personnelService.editable(input.path.personId, request: request)
        var unit = current.unitID
        if let raw = body.unitId {
            guard let id = OrgUnit.ID(string: raw) else { throw Problem.badRequest("Đơn vị không hợp lệ.", english: "Not a valid unit.", field: "unitId") }
            unit = id
        }
        let movedOn = try body.movedOn.map { raw in
            guard let day = LocalDate(iso: raw) else { throw Problem.badRequest("Ngày không hợp lệ.", english: "Not a valid date.", field: "movedOn") }
            return day
        }
        let updated = try await stores.personnelService.update(input.path.personId, draft: try Self.draft(body, id: current.id, unit: unit),
                                                        expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch),
                                                        moveKind: body.moveKind.flatMap { PersonMove.Kind(rawValue: $0.rawValue) }, movedOn: movedOn,
                                                        request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(updated.version)), body: .json(Self.person(updated, en: Language.of(request) == .en))))
    }

    func ratePerson(_ input: Operations.RatePerson.Input) async throws -> Operations.RatePerson.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let rating = try await stores.personnelService.rate(input.path.personId, year: input.path.year, score: body.score,
                                                     disqualification: body.disqualification.flatMap { Disqualification(rawValue: $0.rawValue) },
                                                     level: body.level.flatMap { QualityLevel(rawValue: $0.rawValue) }, request: request)
        return .ok(.init(body: .json(Self.rating(rating, en: Language.of(request) == .en))))
    }

    func getRatingStatistics(_ input: Operations.GetRatingStatistics.Input) async throws -> Operations.GetRatingStatistics.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewPersonnel)
        return .ok(.init(body: .json(Self.statistics(try await stores.personnelService.statistics(unit, year: input.path.year, request: request),
                                                      en: Language.of(request) == .en))))
    }

    func approveRatings(_ input: Operations.ApproveRatings.Input) async throws -> Operations.ApproveRatings.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .approveRatings)
        let approved = try await stores.personnelService.approve(unit, year: input.path.year, request: request)
        let statistics = try await stores.personnelService.statistics(unit, year: input.path.year, request: request)
        return .ok(.init(body: .json(.init(approved: approved, statistics: Self.statistics(statistics, en: Language.of(request) == .en)))))
    }

    func openDisciplinaryCase(_ input: Operations.OpenDisciplinaryCase.Input) async throws -> Operations.OpenDisciplinaryCase.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let (opened, person) = try await stores.personnelService.openCase(input.path.personId, discoveredOn: try Self.day(body.discoveredOn, field: "discoveredOn"),
                                                                   complex: body.complex ?? false, summary: body.summary, request: request)
        return .created(.init(headers: .init(eTag: Self.etag(opened.version)), body: .json(Self.disciplinaryCase(opened, of: person, request: request))))
    }

    func closeDisciplinaryCase(_ input: Operations.CloseDisciplinaryCase.Input) async throws -> Operations.CloseDisciplinaryCase.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let (closed, person) = try await stores.personnelService.closeCase(input.path.caseId, form: body.form.flatMap { DisciplinaryCase.Form(rawValue: $0.rawValue) },
                                                                    on: try Self.day(body.decidedOn, field: "decidedOn"), number: body.decisionNumber,
                                                                    expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch), request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(closed.version)), body: .json(Self.disciplinaryCase(closed, of: person, request: request))))
    }

    func listDisciplinaryCases(_ input: Operations.ListDisciplinaryCases.Input) async throws -> Operations.ListDisciplinaryCases.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewPersonnel)
        let units = try await stores.units.subtreeIDs(of: [unit.unit.id])
        let names = Dictionary(try await stores.personnelService.repository(request).people(units: units).map { ($0.id, $0.fullName) }, uniquingKeysWith: { a, _ in a })
        let cases = try await stores.disciplinaryCases.cases(units: units, closedIn: input.query.year)
        let today = VietnamTime.localDate(of: request.now), en = Language.of(request) == .en
        return .ok(.init(body: .json(.init(items: cases.map { Self.disciplinaryCase($0, name: names[$0.personID] ?? "", today: today, en: en) }))))
    }

    func addTraining(_ input: Operations.AddTraining.Input) async throws -> Operations.AddTraining.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let record = try await stores.personnelService.addTraining(input.path.personId, course: body.course, startedOn: try Self.day(body.startedOn, field: "startedOn"),
                                                            endedOn: try Self.day(body.endedOn, field: "endedOn"), hours: body.hours,
                                                            certificate: body.certificate, request: request)
        return .created(.init(body: .json(Self.training(record))))
    }

    func getRotationPlan(_ input: Operations.GetRotationPlan.Input) async throws -> Operations.GetRotationPlan.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewPersonnel)
        let plan = try await stores.personnelService.rotationPlan(unit, year: input.path.year, request: request)
        return .ok(.init(body: .json(.init(
            unitId: unit.unit.id.description, year: input.path.year,
            due: plan.due.map { .init(personId: $0.person.id.description, fullName: $0.person.fullName, position: $0.person.position,
                                      unitId: $0.person.unitID.description, rotationYears: $0.person.rotationYears ?? 0, since: $0.since.iso,
                                      dueOn: $0.dueOn.iso) },
            moved: plan.moved.map { .init(personId: $0.person?.id.description ?? "", fullName: $0.person?.fullName ?? "", move: Self.move($0.move)) }))))
    }

    func importPeople(_ input: Operations.ImportPeople.Input) async throws -> Operations.ImportPeople.Output {
        let request = try self.request
        let file: PersonImportFile
        switch input.body {
        case .json(let body):
            file = PersonImportFile(people: body.people.map {
                .init(unitKey: $0.unitKey, fullName: $0.fullName, kind: $0.kind, position: $0.position, rank: $0.rank, leadershipPost: $0.leadershipPost,
                      startedOn: $0.startedOn, rotationYears: $0.rotationYears)
            })
        case .csv(let body), .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(let body):
            file = try PersonImportFile.parse(try await Self.upload(body, request: request))
        }
        let report = try await stores.personnelService.importPeople(file, request: request)
        return .ok(.init(body: .json(.init(created: report.created, updated: report.updated, unchanged: report.unchanged))))
    }

    func listJobPositions(_ input: Operations.ListJobPositions.Input) async throws -> Operations.ListJobPositions.Output {
        let request = try self.request
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .viewPersonnel)
        return .ok(.init(body: .json(Self.positions(try await stores.personnelService.repository(request).positions(units: [unit.unit.id])[unit.unit.id] ?? []))))
    }

    func setJobPositions(_ input: Operations.SetJobPositions.Input) async throws -> Operations.SetJobPositions.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .editPersonnel)
        let list = body.items.map {
            JobPosition(name: $0.name, trainingHours: $0.trainingHours ?? TrainingRequirement.yearlyHours, rotationYears: $0.rotationYears)
        }
        return .ok(.init(body: .json(Self.positions(try await stores.personnelService.setPositions(unit, list, request: request)))))
    }

    // MARK: Conversions

    static func positions(_ list: [JobPosition]) -> Components.Schemas.JobPositionList {
        .init(items: list.map { .init(name: $0.name, trainingHours: $0.trainingHours, rotationYears: $0.rotationYears) })
    }

    static func move(_ m: PersonMove) -> Components.Schemas.PersonMove {
        .init(fromUnitId: m.fromUnitID?.description, toUnitId: m.toUnitID.description, on: m.on.iso, kind: .init(rawValue: m.kind.rawValue)!,
              position: m.position)
    }

    static func training(_ t: TrainingRecord) -> Components.Schemas.TrainingRecord {
        .init(id: t.id.description, personId: t.personID.description, course: t.course, startedOn: t.startedOn.iso, endedOn: t.endedOn.iso,
              hours: t.hours, certificate: t.certificate)
    }

    static func day(_ raw: String, field: String) throws -> LocalDate {
        guard let day = LocalDate(iso: raw) else { throw Problem.badRequest("Ngày không hợp lệ (YYYY-MM-DD).", english: "Not a valid date (YYYY-MM-DD).", field: field) }
        return day
    }

    static func disciplinaryCase(_ c: DisciplinaryCase, of person: Person, request: Request) -> Components.Schemas.DisciplinaryCase {
        disciplinaryCase(c, name: person.fullName, today: VietnamTime.localDate(of: request.now), en: Language.of(request) == .en)
    }

    static func disciplinaryCase(_ c: DisciplinaryCase, name: String, today: LocalDate, en: Bool) -> Components.Schemas.DisciplinaryCase {
        .init(id: c.id.description, personId: c.personID.description, personName: name, discoveredOn: c.discoveredOn.iso, complex: c.complex,
              summary: c.summary, state: .init(rawValue: c.state.rawValue)!, form: c.form.map { .init(rawValue: $0.rawValue)! },
              formName: c.form?.name(en: en), decidedOn: c.decidedOn?.iso, decisionNumber: c.decisionNumber, deadline: c.deadline.iso,
              overdue: c.isOverdue(today: today), version: c.version)
    }

    static func draft(_ body: Components.Schemas.PersonInput, id: Person.ID, unit: OrgUnit.ID) throws -> Person {
        guard let started = LocalDate(iso: body.startedOn) else {
            throw Problem.badRequest("Ngày bắt đầu công tác không hợp lệ (YYYY-MM-DD).", english: "Not a valid start date (YYYY-MM-DD).", field: "startedOn")
        }
        var user: UserAccount.ID?
        if let raw = body.userId {
            guard let id = UserAccount.ID(string: raw) else { throw Problem.badRequest("Tài khoản không hợp lệ.", english: "Not a valid account.", field: "userId") }
            user = id
        }
        return Person(id: id, unitID: unit, fullName: body.fullName, kind: Person.Kind(rawValue: body.kind.rawValue) ?? .civilServant,
                      position: body.position, rank: body.rank, leadershipPost: body.leadershipPost, startedOn: started, userID: user,
                      rotationYears: body.rotationYears)
    }

    static func person(_ p: Person, en: Bool) -> Components.Schemas.Person {
        .init(id: p.id.description, unitId: p.unitID.description, fullName: p.fullName, kind: .init(rawValue: p.kind.rawValue)!,
              kindName: p.kind.name(en: en), position: p.position, rank: p.rank, leadershipPost: p.leadershipPost,
              startedOn: p.startedOn.iso, userId: p.userID?.description, rotationYears: p.rotationYears, version: p.version)
    }

    static func rating(_ r: QualityRating, en: Bool) -> Components.Schemas.QualityRating {
        .init(personId: r.personID.description, year: r.year, score: r.score, disqualification: r.disqualification.map { .init(rawValue: $0.rawValue)! },
              level: .init(rawValue: r.level.rawValue)!, levelName: r.level.name(en: en), state: .init(rawValue: r.state.rawValue)!)
    }

    static func record(_ record: PersonnelService.Record, today: LocalDate, en: Bool) -> Components.Schemas.PersonRecord {
        .init(person: person(record.person, en: en),
              moves: record.moves.map(move),
              ratings: record.ratings.map { rating($0, en: en) },
              disciplinaryCases: record.cases.map { disciplinaryCase($0, name: record.person.fullName, today: today, en: en) },
              training: record.training.map(training))
    }

    static func statistics(_ s: PersonnelService.Statistics, en: Bool) -> Components.Schemas.RatingStatisticsList {
        .init(unitId: s.unit.unit.id.description, year: s.year,
              figures: s.figures.map { .init(metric: .init(rawValue: $0.metric.rawValue)!, name: $0.metric.name(en: en), rate: $0.rate) },
              items: s.items.map { current, previous in
            let change = current.change(since: previous)
            return .init(kind: .init(rawValue: current.kind.rawValue)!, rated: current.rated, unrated: current.unrated,
                         goodOrBetterShare: current.goodOrBetterShare, excellentCap: current.excellentCap, exceedsCap: current.exceedsCap,
                         levels: QualityLevel.allCases.map { level in
                             .init(level: .init(rawValue: level.rawValue)!, count: current.counts[level] ?? 0, share: current.share(level),
                                   changeSincePreviousYear: change[level])
                         })
        })
    }
}
