import Foundation
import ParCore
import ParStore
import Vapor

/// PAR inspections: the year's list (unannounced visits left out for the inspected unit's
/// staff until they start), planning a visit, findings, the conclusion with follow-up tasks,
/// and the city-wide library of initiatives worth replicating.
struct InspectionPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.inspections.pattern, use: list)
        routes.post(Paths.inspections.pattern, use: create)
        routes.get(Paths.inspection.pattern, use: show)
        routes.post(Paths.inspectionFindings.pattern, use: addFinding)
        routes.post(Paths.inspectionConclusion.pattern, use: conclude)
        routes.get(Paths.initiatives.pattern, use: initiatives)
    }

    typealias Option = PlanPages.Option

    struct Line: Encodable {
        let link: String
        let unit: String
        let kind: String
        let unannounced: Bool
        let place: String
        let startsAt: String
        let purpose: String
        let concluded: Bool
    }

    struct ListContext: Encodable {
        let year: Int
        let inspections: [Line]
        let canCreate: Bool
        let units: [Option]
        let kinds: [Option]
        let places: [Option]
        let errors: [FormError]?
    }

    func line(_ i: Inspection, names: inout Names, en: Bool) async throws -> Line {
        Line(link: Paths.inspection.link(i.id), unit: try await names.unit(i.unitID), kind: i.kind.name(en: en),
             unannounced: i.kind == .unannounced, place: i.place.name(en: en), startsAt: LocalTime.format(i.startsAt),
             purpose: i.purpose, concluded: i.concludedAt != nil)
    }

    func renderList(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.viewInspections) else { throw Problem.forbidden() }
        let year = try PlanPages.year(request)
        let units = try await stores.units.subtreeIDs(of: principal.scopeRoots(for: .viewInspections))
        let found = try await stores.inspections.list(units: units, year: year, shielded: try await stores.oversightService.shield(request), now: request.now)
        var names = Names(stores)
        var lines: [Line] = []
        for inspection in found { lines.append(try await line(inspection, names: &names, en: en)) }
        let manageable = Set(try await stores.units.subtreeIDs(of: principal.scopeRoots(for: .manageInspections)))
        let targets = try await stores.units.all().filter { manageable.contains($0.id) && $0.validTo == nil && $0.kind != .division }
        let context = ListContext(
            year: year, inspections: lines, canCreate: !manageable.isEmpty,
            units: targets.map { Option(value: $0.id.description, label: $0.name, selected: false) },
            kinds: Inspection.Kind.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            places: Inspection.Place.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) }, errors: errors)
        return try await Page.render("inspections", title: Messages.text("inspection-pages.par-inspections", en: en), context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func list(_ request: Request) async throws -> Response { try await renderList(request) }

    @Sendable func create(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        do {
            let unit = try await stores.access(request).authorizedUnit(form["unitId"], .manageInspections)
            guard let kind = Inspection.Kind(rawValue: form["kind"] ?? ""), let place = Inspection.Place(rawValue: form["place"] ?? "") else {
                throw DomainError.invalid("Chọn hình thức và địa điểm.", english: "Choose the kind and the place.", field: "kind")
            }
            guard let startsAt = LocalInput.parseDateTime(form["startsAt"] ?? "") else {
                throw DomainError.invalid("Thời gian bắt đầu không hợp lệ.", english: "Not a valid start.", field: "startsAt")
            }
            let team = (form["team"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
            let inspection = try await stores.inspections.create(
                Inspection(id: .random(), unitID: unit.unit.id, kind: kind, place: place, startsAt: startsAt, purpose: form["purpose"] ?? "", team: team),
                actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.inspection.link(inspection.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderList(request, errors: errors)
        }
    }

    struct FindingLine: Encodable {
        let category: String
        let categoryCode: String
        let text: String
        let cause: String?
    }

    struct DetailContext: Encodable {
        let unitName: String
        let kind: String
        let place: String
        let startsAt: String
        let purpose: String
        let team: [String]
        let conclusion: String?
        let concludedAt: String?
        let findings: [FindingLine]
        let followUps: [PlanPages.TaskRow]
        let canManage: Bool
        let canConclude: Bool
        let categories: [Option]
        let findingAction: String
        let conclusionAction: String
        let fieldCodes: String
        let errors: [FormError]?
    }

    func renderDetail(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let (inspection, unit) = try await stores.oversightService.inspection(request.parameters.get("inspectionID"), .viewInspections, request: request)
        let principal = try request.requirePrincipal()
        let canManage = principal.may(.manageInspections, onUnitWithAncestry: unit.ancestry)
        let findings = try await stores.inspections.findings(of: inspection.id)
        // Follow-up tasks, wherever they are in the unit's plans.
        let plans = stores.plans
        let today = VietnamTime.localDate(of: request.now)
        var followUps: [PlanPages.TaskRow] = []
        for year in Set([inspection.year, inspection.year + 1]).sorted() {
            if let plan = try await plans.plan(unit: unit.unit.id, year: year) {
                followUps += try await plans.tasks(of: plan.id).filter { $0.inspectionID == inspection.id }
                    .map { PlanPages.row($0, today: today, canEdit: false, en: en) }
            }
        }
        let context = DetailContext(
            unitName: unit.unit.name, kind: inspection.kind.name(en: en),
            place: inspection.place.name(en: en), startsAt: LocalTime.format(inspection.startsAt),
            purpose: inspection.purpose, team: inspection.team, conclusion: inspection.conclusion, concludedAt: inspection.concludedAt.map(LocalTime.format),
            findings: findings.map { FindingLine(category: $0.category.name(en: en), categoryCode: $0.category.rawValue, text: $0.text, cause: $0.cause) },
            followUps: followUps, canManage: canManage,
            canConclude: canManage && inspection.concludedAt == nil && request.now >= inspection.startsAt,
            categories: InspectionFinding.Category.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) },
            findingAction: Paths.inspectionFindings.link(inspection.id), conclusionAction: Paths.inspectionConclusion.link(inspection.id),
            fieldCodes: PARField.allCases.map(\.rawValue).joined(separator: ", "), errors: errors)
        return try await Page.render("inspection", title: "\(Messages.text("inspection-pages.inspection", en: en)) — \(unit.unit.name)", context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func show(_ request: Request) async throws -> Response { try await renderDetail(request) }

    @Sendable func addFinding(_ request: Request) async throws -> Response {
        let (inspection, _) = try await stores.oversightService.inspection(request.parameters.get("inspectionID"), .manageInspections, request: request)
        let form = try request.content.decode([String: String].self)
        do {
            guard let category = InspectionFinding.Category(rawValue: form["category"] ?? "") else {
                throw DomainError.invalid("Chọn loại kết quả.", english: "Choose a category.", field: "category")
            }
            _ = try await stores.inspections.addFinding(to: inspection.id, category: category, text: form["text"] ?? "",
                                                                          cause: form["cause"], actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDetail(request, errors: errors)
        }
        return request.redirect(to: Paths.inspection.link(inspection.id))
    }

    @Sendable func conclude(_ request: Request) async throws -> Response {
        let (inspection, _) = try await stores.oversightService.inspection(request.parameters.get("inspectionID"), .manageInspections, request: request)
        let form = try request.content.decode([String: String].self)
        do {
            _ = try await stores.inspections.conclude(inspection.id, conclusion: form["conclusion"] ?? "",
                                                                        followUps: try stores.oversightService.followUps(form["followUps"] ?? ""),
                                                                        actor: request.auditActor, now: request.now)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderDetail(request, errors: errors)
        }
        return request.redirect(to: Paths.inspection.link(inspection.id))
    }

    struct Initiative: Encodable {
        let text: String
        let unit: String
        let date: String
        let link: String
    }

    @Sendable func initiatives(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        _ = try request.requirePrincipal()
        var names = Names(stores)
        var items: [Initiative] = []
        for (finding, inspection) in try await stores.inspections.initiatives() {
            items.append(Initiative(text: finding.text, unit: try await names.unit(inspection.unitID),
                                    date: inspection.concludedAt.map(LocalTime.format) ?? "", link: Paths.inspection.link(inspection.id)))
        }
        struct Context: Encodable { let items: [Initiative] }
        return try await Page.render("initiatives", title: Messages.text("inspection-pages.initiatives-worth-replicating", en: en),
                                     context: Context(items: items), request: request)
    }
}
