import Foundation
import ParCore
import ParStore
import Vapor

/// The public transparency portal (no sign-in, no session, cacheable for a minute): the
/// published PAR index rankings with per-field scores, the Decision 766 service index and the
/// satisfaction index of the units of the province for a period, the catalogue and the
/// answered feedback, and Home Affairs' announcements. Only published or aggregate figures;
/// nothing personal.
struct TransparencyPages {
    let stores: Stores

    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.portal.pattern, use: home)
        routes.get(Paths.portalParIndex.pattern, use: parIndex)
        routes.get(Paths.portalServiceIndex.pattern, use: serviceIndex)
        routes.get(Paths.portalSatisfaction.pattern, use: satisfaction)
    }

    func registerStaff(_ routes: any RoutesBuilder) {
        routes.post(Paths.portalAnnouncements.pattern, use: announce)
    }

    /// Renders a public page and lets shared caches keep it for a minute.
    func render<Body: Encodable>(_ template: String, title: String, context: Body, request: Request) async throws -> Response {
        let response = try await Page.render(template, title: title, context: context, request: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        response.headers.remove(name: .setCookie)
        return response
    }

    /// The province: the current unit at the top of the tree.
    func root(_ request: Request) async throws -> UnitRecord {
        guard let top = try await stores.units.all().filter({ $0.parentID == nil && $0.validTo == nil }).sorted(by: { VietnameseText.precedes($0.name, $1.name) }).first,
              let record = try await stores.units.find(top.id) else {
            throw Problem.notFound("Chưa có đơn vị.", english: "No units yet.")
        }
        return record
    }

    struct Link: Encodable {
        let title: String
        let link: String
        let note: String
    }

    struct AnnouncementLine: Encodable {
        let title: String
        let body: String
        let date: String
    }

    @Sendable func home(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let db = await request.readDB()
        let sets = try await ParIndexRepository(db: db).sets().filter { $0.phase == .published }
        let announcements = try await AnnouncementRepository(db: db).recent().map {
            AnnouncementLine(title: $0.title, body: $0.body, date: LocalTime.format($0.publishedAt))
        }
        struct Context: Encodable {
            let rankings: [Link]
            let announcements: [AnnouncementLine]
        }
        return try await render("portal", title: Messages.text("transparency-pages.transparency-portal", en: en), context: Context(
            rankings: sets.map { Link(title: $0.name, link: Paths.portalParIndex.link($0.id),
                                      note: $0.publishedAt.map { (Messages.text("transparency-pages.published", en: en)) + LocalTime.format($0) } ?? "") },
            announcements: announcements), request: request)
    }

    @Sendable func parIndex(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let db = await request.readDB()
        guard let id = CriteriaSet.ID(string: request.parameters.get("setID") ?? ""),
              let set = try await ParIndexRepository(db: db).set(id), set.phase == .published else {
            throw Problem.notFound("Chưa công bố kết quả này.", english: "Not published.")
        }
        var names = Names(stores)
        var lines: [ParIndexPages.ResultLine] = []
        for r in try await ParIndexRepository(db: db).results(set) {
            lines.append(ParIndexPages.line(r, unit: try await names.unit(r.unitID), reportLink: nil, en: en))
        }
        struct Context: Encodable {
            let name: String
            let year: Int
            let publishedAt: String
            let fields: [String]
            let lines: [ParIndexPages.ResultLine]
        }
        return try await render("portal-par-index", title: set.name, context: Context(
            name: set.name, year: set.year, publishedAt: set.publishedAt.map(LocalTime.format) ?? "",
            fields: set.children(of: nil).map { "\($0.code). \($0.title)" }, lines: lines), request: request)
    }

    struct IndexLine: Encodable {
        let rank: Int
        let unit: String
        let percent: String
        let onTime: String
        let online: String
    }

    @Sendable func serviceIndex(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let root = try await root(request)
        let period = try IndexPages.period(request)
        let groups = try await IndexPages.rankGroups(root, period: period, kinds: [.department, .commune, .district],
                                                     link: { _ in "" }, stores: stores, request: request)
        struct Context: Encodable { let root: String; let period: String; let computedAt: String; let groups: [IndexPages.RankGroup] }
        return try await render("portal-service-index", title: Messages.text("transparency-pages.service-index-decision-766", en: en), context: Context(
            root: root.unit.name, period: period.label, computedAt: LocalTime.format(request.now), groups: groups), request: request)
    }

    @Sendable func satisfaction(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let root = try await root(request)
        let period = try IndexPages.period(request)
        let view = try await stores.satisfactionService.view(root, period: period, by: .unit, request: request)
        struct Line: Encodable { let unit: String; let responses: Int; let overall: String }
        struct Context: Encodable { let root: String; let period: String; let computedAt: String; let overall: String; let responses: Int; let lines: [Line] }
        return try await render("portal-satisfaction", title: Messages.text("portal-satisfaction.citizen-satisfaction", en: en), context: Context(
            root: root.unit.name, period: period.label, computedAt: LocalTime.format(request.now), overall: stores.satisfactionService.shown(view.result.overall, en: en),
            responses: view.result.responses,
            lines: view.rows.filter { $0.key != root.unit.id.description }.map {
                Line(unit: $0.label, responses: $0.result.responses, overall: stores.satisfactionService.shown($0.result.overall, en: en))
            }), request: request)
    }

    @Sendable func announce(_ request: Request) async throws -> Response {
        let form = (try? request.content.decode([String: String].self)) ?? [:]
        _ = try await stores.transparencyService.announce(title: form["title"] ?? "", body: form["body"] ?? "", request: request)
        return request.redirect(to: Paths.parIndex.rawValue)
    }
}
