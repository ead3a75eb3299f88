import Foundation
import ParCore
import ParStore
import Vapor

/// Sample surveys for PAR officers (runSurveys): draw a campaign, export the call list,
/// enter answers one dossier after another, record who could not be reached.
struct CampaignPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.campaigns.pattern, use: list)
        routes.post(Paths.campaigns.pattern, use: create)
        routes.get(Paths.campaign.pattern, use: show)
        routes.get(Paths.campaignCalls.pattern, use: callsCSV)
        routes.get(Paths.campaignCallsXLSX.pattern, use: callsXLSX)
        routes.get(Paths.campaignEntry.pattern, use: entry)
        routes.post(Paths.campaignEntry.pattern, use: enter)
        routes.post(Paths.campaignEntryStatus.pattern, use: mark)
    }

    typealias Option = SatisfactionPages.Option

    struct CampaignLine: Encodable {
        let name: String
        let link: String
        let unit: String
        let period: String
        let population: Int
        let sampleSize: Int
        let createdAt: String
    }

    struct ListContext: Encodable {
        let campaigns: [CampaignLine]
        let units: [Option]
        let name: String
        let from: String
        let to: String
        let margin: String
        let seed: String
        let errors: [FormError]?
    }

    func requireRunner(_ request: Request) throws -> Principal {
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.runSurveys) else { throw Problem.forbidden() }
        return principal
    }

    func renderList(_ request: Request, form: [String: String] = [:], errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let principal = try requireRunner(request)
        let allowed = Set(try await stores.units.subtreeIDs(of: principal.scopeRoots(for: .runSurveys)))
        let units = try await stores.units.all()
            .filter { allowed.contains($0.id) && $0.validTo == nil && $0.kind != .division }
        var names = Names(stores)
        var lines: [CampaignLine] = []
        for c in try await stores.satisfaction.campaigns() where allowed.contains(c.rootUnitID) {
            lines.append(CampaignLine(name: c.name, link: Paths.campaign.link(c.id.uuidString.lowercased()), unit: try await names.unit(c.rootUnitID),
                                      period: "\(LocalTime.format(c.from)) – \(LocalTime.format(c.through))", population: c.population,
                                      sampleSize: c.sampleSize, createdAt: LocalTime.format(c.createdAt)))
        }
        let today = VietnamTime.localDate(of: request.now)
        let quarterStart = LocalDate(year: today.year, month: (today.month - 1) / 3 * 3 + 1, day: 1)!
        let context = ListContext(
            campaigns: lines,
            units: units.map { Option(value: $0.id.description, label: $0.name, selected: form["unitId"] == $0.id.description) },
            name: form["name"] ?? "", from: form["from"] ?? quarterStart.adding(months: -3).iso,
            to: form["to"] ?? quarterStart.adding(days: -1).iso, margin: form["margin"] ?? "5",
            seed: form["seed"] ?? String(UInt32.random(in: 1...UInt32.max)), errors: errors)
        return try await Page.render("campaigns", title: Messages.text("common.sample-surveys", en: en), context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func list(_ request: Request) async throws -> Response { try await renderList(request) }

    @Sendable func create(_ request: Request) async throws -> Response {
        _ = try requireRunner(request)
        let form = try request.content.decode([String: String].self)
        do {
            let record = try await stores.access(request).authorizedUnit(form["unitId"], .runSurveys)
            guard let from = LocalDate(iso: form["from"] ?? ""), let to = LocalDate(iso: form["to"] ?? "") else {
                throw DomainError.invalid("Ngày không hợp lệ (YYYY-MM-DD).", english: "Not a valid date (YYYY-MM-DD).", field: "from")
            }
            guard let margin = Double((form["margin"] ?? "").replacingOccurrences(of: ",", with: ".")) else {
                throw DomainError.invalid("Sai số là một số phần trăm.", english: "The margin is a percentage.", field: "margin")
            }
            guard let seed = UInt64(form["seed"] ?? "") else {
                throw DomainError.invalid("Hạt giống là một số nguyên dương.", english: "The seed is a whole number.", field: "seed")
            }
            let scope = try await stores.index.scope(record.unit.id)
            let campaign = try await stores.satisfaction.createCampaign(
                name: form["name"] ?? "", scope: scope, from: from, through: to, margin: margin / 100, seed: seed,
                actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.campaign.link(campaign.id.uuidString.lowercased()))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderList(request, form: form, errors: errors)
        }
    }

    /// The campaign, if the principal may run surveys on its unit.
    func campaign(_ request: Request) async throws -> SurveyCampaign {
        let principal = try requireRunner(request)
        guard let raw = request.parameters.get("campaignID"), let id = UUID(uuidString: raw),
              let campaign = try await stores.satisfaction.campaign(id),
              let root = try await stores.units.find(campaign.rootUnitID) else {
            throw Problem.notFound("Không tìm thấy đợt khảo sát.", english: "Survey campaign not found.")
        }
        try principal.require(.runSurveys, on: root)
        return campaign
    }

    struct Stratum: Encodable {
        let unit: String
        let population: Int
        let size: Int
        let answered: Int
        let unreachable: Int
        let declined: Int
        let pending: Int
        let result: String
    }

    struct SampleLine: Encodable {
        let unit: String
        let position: Int
        let code: String
        let status: String
        let statusLabel: String
        let entryLink: String
    }

    struct ShowContext: Encodable {
        let name: String
        let unit: String
        let period: String
        let margin: String
        let seed: String
        let questionnaire: String
        let population: Int
        let sampleSize: Int
        let strata: [Stratum]
        let samples: [SampleLine]
        let nextLink: String?
        let callsLink: String
        let callsXLSXLink: String
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let c = try await campaign(request)
        let repository = stores.satisfaction
        let samples = try await repository.samples(c.id)
        var names = Names(stores)
        var strata: [Stratum] = []
        for (s, result) in try await SatisfactionService.strata(of: c, repository: repository) {
            let mine = samples.filter { $0.unitID.rawValue == s.unitID }
            func count(_ status: SampleStatus) -> Int { mine.filter { $0.status == status }.count }
            strata.append(Stratum(unit: try await names.unit(OrgUnit.ID(s.unitID)), population: s.population, size: s.size,
                                  answered: count(.answered), unreachable: count(.unreachable), declined: count(.declined),
                                  pending: count(.pending), result: stores.satisfactionService.shown(result.overall, en: en)))
        }
        var lines: [SampleLine] = []
        for s in samples {
            lines.append(SampleLine(unit: try await names.unit(s.unitID), position: s.position, code: s.dossier.code, status: s.status.rawValue,
                                    statusLabel: s.status.name(en: en),
                                    entryLink: Paths.campaignEntry.link(c.id.uuidString.lowercased(), s.dossier.id)))
        }
        let id = c.id.uuidString.lowercased()
        let context = ShowContext(
            name: c.name, unit: try await names.unit(c.rootUnitID), period: "\(LocalTime.format(c.from)) – \(LocalTime.format(c.through))",
            margin: Format.percent(c.margin * 100, en: en, digits: 2), seed: String(c.seed), questionnaire: c.questionnaireVersion,
            population: c.population, sampleSize: c.sampleSize, strata: strata, samples: lines,
            nextLink: samples.first { $0.status == .pending }.map { Paths.campaignEntry.link(id, $0.dossier.id) },
            callsLink: Paths.campaignCalls.link(id), callsXLSXLink: Paths.campaignCallsXLSX.link(id))
        return try await Page.render("campaign", title: c.name, context: context, request: request)
    }

    // MARK: Call list

    func callTable(_ request: Request) async throws -> (SurveyCampaign, [[String]]) {
        let en = Language.of(request) == .en
        let c = try await campaign(request)
        var names = Names(stores)
        var rows = [[Messages.text("ui.unit", en: en), Messages.text("common.no", en: en), Messages.text("campaign.dossier", en: en), Messages.text("common.applicant", en: en),
                     Messages.text("common.phone", en: en), "Email", Messages.text("common.procedure", en: en), Messages.text("campaign-pages.returned", en: en),
                     Messages.text("ui.status", en: en)]]
        for s in try await stores.satisfaction.samples(c.id) {
            let d = s.dossier
            rows.append([try await names.unit(s.unitID), String(s.position), d.code, d.applicant.name, d.applicant.phone ?? "",
                         d.applicant.email ?? "", try await names.procedure(d.procedureID)?.name ?? "",
                         d.returnedAt.map { LocalTime.format(VietnamTime.localDate(of: $0)) } ?? "", s.status.name(en: en)])
        }
        return (c, rows)
    }

    @Sendable func callsCSV(_ request: Request) async throws -> Response {
        let (c, rows) = try await callTable(request)
        return TableExport.csv(rows, name: "danh-sach-khao-sat-\(c.id.uuidString.prefix(8)).csv")
    }

    @Sendable func callsXLSX(_ request: Request) async throws -> Response {
        let (c, rows) = try await callTable(request)
        return TableExport.xlsx(rows, sheet: "Danh sách khảo sát", name: "danh-sach-khao-sat-\(c.id.uuidString.prefix(8)).xlsx")
    }

    // MARK: Data entry

    struct EntryContext: Encodable {
        let campaign: String
        let campaignLink: String
        let code: String
        let applicant: String
        let phone: String
        let procedure: String
        let status: String
        let action: String
        let statusAction: String
        let answered: Bool
        let form: SurveyForm?
        let statuses: [Option]
        let errors: [FormError]?
    }

    func drawn(_ request: Request) async throws -> (SurveyCampaign, SampleEntry) {
        let c = try await campaign(request)
        let samples = try await stores.satisfaction.samples(c.id)
        guard let raw = request.parameters.get("dossierID"), let sample = samples.first(where: { $0.dossier.id.description == raw.lowercased() }) else {
            throw Problem.notFound("Hồ sơ không có trong mẫu khảo sát này.", english: "The dossier is not in this sample.")
        }
        return (c, sample)
    }

    func renderEntry(_ request: Request, form: [String: String] = [:], errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let (c, sample) = try await drawn(request)
        let repository = stores.satisfaction
        var names = Names(stores)
        let id = c.id.uuidString.lowercased()
        let answered = sample.status == .answered
        let context = EntryContext(
            campaign: c.name, campaignLink: Paths.campaign.link(id), code: sample.dossier.code, applicant: sample.dossier.applicant.name,
            phone: sample.dossier.applicant.phone ?? "", procedure: try await names.procedure(sample.dossier.procedureID)?.name ?? "",
            status: sample.status.name(en: en),
            action: Paths.campaignEntry.link(id, sample.dossier.id), statusAction: Paths.campaignEntryStatus.link(id, sample.dossier.id),
            answered: answered,
            form: answered ? nil : SurveyForm(try await repository.questionnaire(version: c.questionnaireVersion) ?? .sipas2023, form: form, en: en),
            statuses: [SampleStatus.unreachable, .declined, .pending].map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            errors: errors)
        return try await Page.render("campaign-entry", title: "\(Messages.text("campaign-entry.survey-entry", en: en)) \(sample.dossier.code)",
                                     context: context, request: request, failed: errors != nil)
    }

    @Sendable func entry(_ request: Request) async throws -> Response { try await renderEntry(request) }

    /// After an entry, the next dossier still waiting (or the campaign).
    func next(_ request: Request, after sample: SampleEntry, in c: SurveyCampaign) async throws -> Response {
        let samples = try await stores.satisfaction.samples(c.id)
        let id = c.id.uuidString.lowercased()
        let waiting = samples.filter { $0.status == .pending && $0.dossier.id != sample.dossier.id }
        let next = waiting.first { ($0.unitID.description, $0.position) > (sample.unitID.description, sample.position) } ?? waiting.first
        return request.redirect(to: next.map { Paths.campaignEntry.link(id, $0.dossier.id) } ?? Paths.campaign.link(id))
    }

    @Sendable func enter(_ request: Request) async throws -> Response {
        let (c, sample) = try await drawn(request)
        let form = try request.content.decode([String: String].self)
        let repository = stores.satisfaction
        do {
            let questionnaire = try await repository.questionnaire(version: c.questionnaireVersion) ?? .sipas2023
            try await repository.submit(sample.dossier.id, answers: try SurveyForm.answers(form, questionnaire: questionnaire), method: .sample,
                                        campaign: c.id, actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderEntry(request, form: form, errors: errors)
        }
        return try await next(request, after: sample, in: c)
    }

    @Sendable func mark(_ request: Request) async throws -> Response {
        let (c, sample) = try await drawn(request)
        let form = try request.content.decode([String: String].self)
        do {
            guard let status = SampleStatus(rawValue: form["status"] ?? "") else {
                throw DomainError.invalid("Chọn trạng thái.", english: "Choose a status.", field: "status")
            }
            try await stores.satisfaction.markSample(c.id, dossier: sample.dossier.id, status: status, note: form["note"],
                                                                        actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderEntry(request, errors: errors)
        }
        return try await next(request, after: sample, in: c)
    }
}
