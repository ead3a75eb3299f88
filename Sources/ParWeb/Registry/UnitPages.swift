import Foundation
import ParCore
import ParStore
import Vapor

/// Unit tree with search, unit detail (history, lineage, quotas), edits, and
/// the restructuring report. Each handler states its permission through
/// `authorizedUnit` / `require`, the route group's one check.
struct UnitPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.units.pattern, use: tree)
        routes.get(Paths.unit.pattern, use: detail)
        routes.post(Paths.unitEdit.pattern, use: edit)
        routes.post(Paths.unitQuota.pattern, use: setQuota)
        routes.get(Paths.restructuring.pattern, use: restructuring)
    }

    struct UnitRow: Encodable {
        let id: String
        let name: String
        let code: String
        let kind: String
        let link: String
        let validity: String
        let isCurrent: Bool
    }

    func row(_ unit: OrgUnit, en: Bool) -> UnitRow {
        let from = LocalTime.format(unit.validFrom), to = LocalTime.format(unit.validTo)
        let validity = from.isEmpty && to.isEmpty ? "" : "\(from.isEmpty ? "…" : from) – \(to.isEmpty ? "…" : to)"
        return UnitRow(id: unit.id.description, name: unit.name, code: unit.code, kind: unit.kind.name(en: en),
                       link: Paths.unit.link(unit.id), validity: validity, isCurrent: unit.validTo == nil)
    }

    struct Group: Encodable {
        let kind: String
        let units: [UnitRow]
    }

    struct Branch: Encodable {
        let root: UnitRow
        let groups: [Group]
    }

    struct TreeContext: Encodable {
        let q: String
        let history: Bool
        let results: [UnitRow]?
        let branches: [Branch]
    }

    @Sendable func tree(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        let q = VietnameseText.clean((try? request.query.get(String.self, at: "q")) ?? "")
        let history = (try? request.query.get(String.self, at: "history")) == "1"
        let roots = principal.scopeRoots(for: .viewRegistry)
        let today = LocalTime.today(request.now)
        var results: [UnitRow]?
        var branches: [Branch] = []
        if !q.isEmpty {
            let found = try await stores.units.list(.init(scopeRoots: roots, text: String(q.prefix(200)),
                                                           validOn: history ? nil : today, limit: 200))
            results = found.prefix(200).map { row($0.unit, en: en) }
        } else {
            for rootID in roots.sorted(by: { $0.description < $1.description }) {
                guard let root = try await stores.units.find(rootID)?.unit else { continue }
                let children = try await stores.units.children(of: rootID).filter { history || $0.isValid(on: today) }
                let groups = UnitKind.allCases.compactMap { kind -> Group? in
                    let members = children.filter { $0.kind == kind }
                    guard !members.isEmpty else { return nil }
                    return Group(kind: kind.name(en: en), units: members.map { row($0, en: en) })
                }
                branches.append(Branch(root: row(root, en: en), groups: groups))
            }
        }
        return try await Page.render("units", title: Messages.text("ui.units", Language.of(request)),
                                     context: TreeContext(q: q, history: history, results: results, branches: branches),
                                     request: request)
    }

    struct LineageRow: Encodable {
        let unit: UnitRow
        let share: String
        let kind: String
        let date: String
        let decision: String
    }

    struct QuotaRow: Encodable {
        let year: Int
        let quota: StaffQuota.Posts
        let actual: StaffQuota.Posts
        let version: Int
        /// The actual headcount was counted from the people records.
        let counted: Bool
    }

    struct DetailContext: Encodable {
        let unit: UnitRow
        let id: String
        let key: String
        let validFromISO: String
        let validToISO: String
        let breadcrumbs: [UnitRow]
        let children: [UnitRow]
        let predecessors: [LineageRow]
        let successors: [LineageRow]
        let quotas: [QuotaRow]?
        let canEdit: Bool
        let canEditQuotas: Bool
        let canAudit: Bool
        let auditLink: String
        let editLink: String
        let quotaLink: String
        let restructuringLink: String?
        let thisYear: Int
        let errors: [FormError]?
        let saved: Bool
    }

    @Sendable func detail(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewRegistry)
        return try await renderDetail(record, request: request, errors: nil)
    }

    func renderDetail(_ record: UnitRecord, request: Request, errors: [FormError]?) async throws -> Response {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        let unit = record.unit
        var crumbs: [UnitRow] = []
        for ancestor in record.ancestry.dropFirst().reversed() {
            if let found = try await stores.units.find(ancestor), principal.may(.viewRegistry, onUnitWithAncestry: found.ancestry) {
                crumbs.append(row(found.unit, en: en))
            }
        }
        let children = try await stores.units.children(of: unit.id).map { row($0, en: en) }
        let lineage = try await stores.units.lineage(of: unit.id)
        func lineageRow(_ entry: UnitRepository.LineageEntry) -> LineageRow {
            LineageRow(unit: row(entry.unit, en: en), share: Messages.text(entry.whole ? "ui.whole" : "ui.part", Language.of(request)),
                       kind: domainText(entry.kind.vietnamese, entry.kind.rawValue, en: en),
                       date: LocalTime.format(entry.effectiveDate), decision: entry.decision)
        }
        let canQuotas = principal.may(.viewQuotas, onUnitWithAncestry: record.ancestry)
        let quotas = canQuotas
            ? try await stores.units.quotas(of: unit.id).map { QuotaRow(year: $0.year, quota: $0.quota, actual: $0.actual, version: $0.version,
                                                                              counted: $0.actualFromRecords) }
            : nil
        let context = DetailContext(
            unit: row(unit, en: en), id: unit.id.description, key: unit.key,
            validFromISO: unit.validFrom?.iso ?? "", validToISO: unit.validTo?.iso ?? "",
            breadcrumbs: crumbs, children: children,
            predecessors: lineage.predecessors.map(lineageRow), successors: lineage.successors.map(lineageRow),
            quotas: quotas,
            canEdit: principal.may(.editRegistry, onUnitWithAncestry: record.ancestry),
            canEditQuotas: principal.may(.editQuotas, onUnitWithAncestry: record.ancestry),
            canAudit: principal.may(.viewAudit, onUnitWithAncestry: record.ancestry),
            auditLink: Paths.auditTrail("unit", unit.id),
            editLink: Paths.unitEdit.link(unit.id), quotaLink: Paths.unitQuota.link(unit.id),
            restructuringLink: principal.may(.viewRestructuring, onUnitWithAncestry: record.ancestry)
                ? Paths.restructuring.link() + "?unit=" + unit.id.description : nil,
            thisYear: LocalTime.today(request.now).year,
            errors: errors, saved: (try? request.query.get(String.self, at: "saved")) == "1")
        return try await Page.render("unit", title: unit.name, context: context, request: request, failed: errors != nil)
    }

    struct EditForm: Content {
        var name: String?
        var code: String?
        var validFrom: String?
        var validTo: String?
        var version: Int?
    }

    /// Parses an optional `YYYY-MM-DD` form field.
    func date(_ text: String?, field: String) throws -> LocalDate? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let date = LocalDate(iso: text) else {
            throw DomainError.invalid("Ngày không hợp lệ (định dạng YYYY-MM-DD).", english: "Not a valid date (YYYY-MM-DD).", field: field)
        }
        return date
    }

    @Sendable func edit(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .editRegistry)
        do {
            let form = try request.content.decode(EditForm.self)
            let from = try date(form.validFrom, field: "validFrom"), to = try date(form.validTo, field: "validTo")
            _ = try await stores.units.update(record.unit.id, expectedVersion: form.version, actor: request.auditActor, now: request.now) { unit in
                if let name = form.name { unit.name = name }
                if let code = form.code { unit.code = code }
                unit.validFrom = from
                unit.validTo = to
            }
            return request.redirect(to: Paths.unit.link(record.unit.id) + "?saved=1", redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDetail(record, request: request, errors: errors)
        }
    }

    struct QuotaForm: Content {
        var year: Int?
        var quotaCivilServants: Int?
        var quotaPublicEmployees: Int?
        var quotaContracts: Int?
        var quotaLeaders: Int?
        var actualCivilServants: Int?
        var actualPublicEmployees: Int?
        var actualContracts: Int?
        var actualLeaders: Int?
    }

    @Sendable func setQuota(_ request: Request) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .editQuotas)
        do {
            guard let form = try? request.content.decode(QuotaForm.self), let year = form.year else {
                throw DomainError.invalid("Hãy nhập năm và các số biên chế bằng số nguyên.", english: "Enter the year and whole numbers for every post.", field: "year")
            }
            let quota = StaffQuota(
                unitID: record.unit.id, year: year,
                quota: .init(civilServants: form.quotaCivilServants ?? 0, publicEmployees: form.quotaPublicEmployees ?? 0,
                             contracts: form.quotaContracts ?? 0, leaders: form.quotaLeaders ?? 0),
                actual: .init(civilServants: form.actualCivilServants ?? 0, publicEmployees: form.actualPublicEmployees ?? 0,
                              contracts: form.actualContracts ?? 0, leaders: form.actualLeaders ?? 0))
            _ = try await stores.units.setQuota(quota, expectedVersion: nil, actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.unit.link(record.unit.id) + "?saved=1", redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDetail(record, request: request, errors: errors)
        }
    }

    struct ReportRow: Encodable {
        let label: String
        /// A count, or the catalogue's "no data" where nothing is recorded (never shown as 0).
        let before: String
        let after: String
        let change: String
        let percent: String
        let reorganised: Int?
        let dissolved: Int?
        let established: Int?
    }

    struct ReportContext: Encodable {
        let roots: [UnitRow]
        let unitID: String
        let unitName: String
        let from: String
        let to: String
        let kinds: [ReportRow]
        let quotas: [ReportRow]
        let errors: [FormError]?
    }

    func percent(_ value: Double?, en: Bool) -> String {
        guard let value else { return "—" }
        return Format.change(value, en: en) + "%"
    }

    @Sendable func restructuring(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try principal.require(.viewRestructuring)
        let en = Language.of(request) == .en
        let language = Language.of(request)
        var roots: [UnitRow] = []
        var rootIDs: [OrgUnit.ID] = []
        for id in principal.scopeRoots(for: .viewRestructuring).sorted(by: { $0.description < $1.description }) {
            if let unit = try await stores.units.find(id)?.unit { roots.append(row(unit, en: en)); rootIDs.append(id) }
        }
        let rawUnit = (try? request.query.get(String.self, at: "unit")) ?? rootIDs.first?.description ?? ""
        let fromText = (try? request.query.get(String.self, at: "from")) ?? "2025-06-30"
        let toText = (try? request.query.get(String.self, at: "to")) ?? LocalTime.today(request.now).iso
        var context = ReportContext(roots: roots, unitID: rawUnit, unitName: "", from: fromText, to: toText,
                                    kinds: [], quotas: [], errors: nil)
        do {
            let record = try await stores.access(request).authorizedUnit(rawUnit, .viewRestructuring)
            guard let from = try date(fromText, field: "from"), let to = try date(toText, field: "to") else {
                throw DomainError.invalid("Hãy chọn hai ngày.", english: "Choose two dates.", field: "from")
            }
            let report = try await stores.units.restructuring(root: record.unit.id, from: from, to: to)
            context = ReportContext(
                roots: roots, unitID: rawUnit, unitName: record.unit.name, from: fromText, to: toText,
                kinds: report.kinds.map {
                    ReportRow(label: $0.kind.name(en: en), before: String($0.before), after: String($0.after),
                              change: String($0.change), percent: percent($0.percentChange, en: en), reorganised: $0.reorganised,
                              dissolved: $0.dissolved, established: $0.established)
                },
                quotas: report.quotas.map {
                    let noData = Messages.text("restructuring.no-quota-recorded", language)
                    return ReportRow(label: Messages.catalogue[language]?["ui." + $0.name] ?? $0.name, before: $0.before.map(String.init) ?? noData,
                              after: $0.after.map(String.init) ?? noData, change: $0.change.map(String.init) ?? "—",
                              percent: percent($0.percentChange, en: en), reorganised: nil, dissolved: nil, established: nil)
                },
                errors: nil)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            context = ReportContext(roots: roots, unitID: rawUnit, unitName: "", from: fromText, to: toText,
                                    kinds: [], quotas: [], errors: errors)
        }
        return try await Page.render("restructuring", title: Messages.text("ui.restructuring", language), context: context, request: request)
    }
}
