import Foundation
import ParCore
import ParStore
import Vapor

/// Periodic PAR report drafts: created for a unit and a period, figures filled from ParHub
/// (live until the report is finalised, then frozen), narrative written per field, printable
/// and downloadable as DOCX.
enum ReportPages {
    static func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.reports.pattern, use: list)
        routes.post(Paths.reports.pattern, use: create)
        routes.get(Paths.report.pattern, use: show)
        routes.post(Paths.report.pattern, use: change)
        routes.get(Paths.reportDocx.pattern, use: docx)
    }

    typealias Option = SatisfactionPages.Option

    struct Line: Encodable {
        let title: String
        let link: String
        let unit: String
        let period: String
        let final: Bool
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let principal = try request.requirePrincipal()
        guard principal.mayAnywhere(.viewPlans) else { throw Problem.forbidden() }
        let visible = try await request.units.subtreeIDs(of: principal.scopeRoots(for: .viewPlans))
        var names = Names(request)
        var lines: [Line] = []
        for r in try await ReportRepository(db: request.db).list(units: visible) {
            lines.append(Line(title: r.title, link: Paths.report.link(r.id), unit: try await names.unit(r.unitID),
                              period: "\(LocalTime.format(r.from)) – \(LocalTime.format(r.through))", final: r.isFinal))
        }
        let editable = Set(try await request.units.subtreeIDs(of: principal.scopeRoots(for: .editPlans)))
        let units = try await request.units.all().filter { editable.contains($0.id) && $0.validTo == nil && $0.kind != .division }
        struct Context: Encodable { let reports: [Line]; let units: [Option]; let canCreate: Bool }
        return try await Page.render("reports", title: en ? "PAR reports" : "Báo cáo cải cách hành chính", context: Context(
            reports: lines, units: units.map { Option(value: $0.id.description, label: $0.name, selected: false) }, canCreate: !units.isEmpty), request: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let unit = try await request.authorizedUnit(form["unitId"], .editPlans)
        let period = try IndexService.period(form["period"], from: nil, to: nil, today: VietnamTime.localDate(of: request.now))
        let title = (form["title"].flatMap { $0.isEmpty ? nil : $0 }) ?? "Báo cáo công tác cải cách hành chính \(period.label) — \(unit.unit.name)"
        let report = try await ReportRepository(db: request.db).create(unit: unit.unit.id, period: period, title: title, actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.report.link(report.id))
    }

    /// The report if the principal may see it, with its unit and its figures (frozen or live).
    static func load(_ request: Request) async throws -> (ParReport, UnitRecord, [ReportFigure]) {
        guard let id = ParReport.ID(string: request.parameters.get("reportID") ?? ""), let report = try await ReportRepository(db: request.db).find(id) else {
            throw Problem.notFound("Không tìm thấy báo cáo.", english: "Report not found.")
        }
        let unit = try await request.authorizedUnit(report.unitID.description, .viewPlans)
        if let frozen = report.figures { return (report, unit, frozen) }
        return (report, unit, try await ReportFigures.compute(unit, period: try ReportPeriod(from: report.from, through: report.through), request: request))
    }

    struct Part: Encodable {
        let name: String
        let label: String
        let text: String
    }

    struct Section: Encodable {
        let key: String
        let title: String
        let figures: [ReportFigure]
        let parts: [Part]
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await render(request)
    }

    static func render(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let (report, unit, figures) = try await load(request)
        let canEdit = try request.requirePrincipal().may(.editPlans, onUnitWithAncestry: unit.ancestry) && !report.isFinal
        struct Context: Encodable {
            let title: String
            let unit: String
            let period: String
            let final: Bool
            let finalisedAt: String
            let version: Int
            let sections: [Section]
            let canEdit: Bool
            let action: String
            let docx: String
            let errors: [FormError]?
        }
        return try await Page.render("report", title: report.title, context: Context(
            title: report.title, unit: unit.unit.name, period: "\(LocalTime.format(report.from)) – \(LocalTime.format(report.through))",
            final: report.isFinal, finalisedAt: report.finalisedAt.map(LocalTime.format) ?? "", version: report.version,
            sections: sections(report, figures: figures, en: en), canEdit: canEdit, action: Paths.report.link(report.id),
            docx: Paths.reportDocx.link(report.id), errors: errors), request: request, failed: errors != nil)
    }

    static func sections(_ report: ParReport, figures: [ReportFigure], en: Bool) -> [Section] {
        PARField.allCases.map { field in
            Section(key: field.rawValue, title: en ? field.english : field.vietnamese, figures: figures.filter { $0.field == field },
                    parts: ParReport.Part.allCases.map { Part(name: "\(field.rawValue)-\($0.rawValue)", label: en ? $0.english : $0.vietnamese,
                                                             text: report.text(field, $0)) })
        }
    }

    @Sendable static func change(_ request: Request) async throws -> Response {
        let (report, unit, figures) = try await load(request)
        _ = try await request.authorizedUnit(unit.unit.id.description, .editPlans)
        let form = try request.content.decode([String: String].self)
        let repository = ReportRepository(db: request.db)
        var narrative: [String: [String: String]] = [:]
        for field in PARField.allCases {
            for part in ParReport.Part.allCases {
                if let text = form["\(field.rawValue)-\(part.rawValue)"] { narrative[field.rawValue, default: [:]][part.rawValue] = text }
            }
        }
        do {
            let version = form["version"].flatMap(Int.init)
            let written = try await repository.write(report.id, expectedVersion: version, narrative: narrative, actor: request.auditActor, now: request.now)
            if form["action"] == "finalise" {
                _ = try await repository.finalise(report.id, expectedVersion: written.version, figures: figures, actor: request.auditActor, now: request.now)
            }
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(request, errors: errors)
        }
        return request.redirect(to: Paths.report.link(report.id))
    }

    @Sendable static func docx(_ request: Request) async throws -> Response {
        let (report, unit, figures) = try await load(request)
        var doc = DocxWriter()
        doc.heading(report.title)
        doc.paragraph("\(unit.unit.name) — kỳ báo cáo \(LocalTime.format(report.from)) – \(LocalTime.format(report.through))"
                      + (report.isFinal ? " — hoàn thành \(report.finalisedAt.map(LocalTime.format) ?? "")" : " — bản dự thảo"))
        for (i, section) in sections(report, figures: figures, en: false).enumerated() {
            doc.heading("\(i + 1). \(section.title)", level: 2)
            if !section.figures.isEmpty {
                doc.table([["Chỉ tiêu", "Số liệu"]] + section.figures.map { [$0.label, $0.value] })
            }
            for part in section.parts where !part.text.isEmpty {
                doc.paragraph(part.label + ":")
                doc.paragraph(part.text)
            }
        }
        return Download.response(doc.data(), type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                     name: "bao-cao-cchc-\(unit.unit.code)-\(report.from.iso)-\(report.through.iso).docx")
    }
}
