import Foundation
import ParCore
import ParStore
import Vapor

/// Periodic PAR report drafts: created for a unit and a period, figures filled from ParHub
/// (live until the report is finalised, then frozen), narrative written per field, printable
/// and downloadable as DOCX.
struct ReportPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
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

    @Sendable func list(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let principal = try request.requirePrincipal()
        var names = Names(stores)
        var lines: [Line] = []
        for r in try await stores.reportService.visible(request) {
            lines.append(Line(title: r.title, link: Paths.report.link(r.id), unit: try await names.unit(r.unitID),
                              period: "\(LocalTime.format(r.from)) – \(LocalTime.format(r.through))", final: r.isFinal))
        }
        let editable = Set(try await stores.units.subtreeIDs(of: principal.scopeRoots(for: .editPlans)))
        let units = try await stores.units.all().filter { editable.contains($0.id) && $0.validTo == nil && $0.kind != .division }
        struct Context: Encodable { let reports: [Line]; let units: [Option]; let canCreate: Bool }
        return try await Page.render("reports", title: Messages.text("reports.par-reports", en: en), context: Context(
            reports: lines, units: units.map { Option(value: $0.id.description, label: $0.name, selected: false) }, canCreate: !units.isEmpty), request: request)
    }

    @Sendable func create(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let report = try await stores.reportService.create(unitID: form["unitId"], period: form["period"], title: form["title"], request: request)
        return request.redirect(to: Paths.report.link(report.id))
    }

    func load(_ request: Request) async throws -> (ParReport, UnitRecord, [ReportFigure]) {
        try await stores.reportService.load(request.parameters.get("reportID"), request: request)
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

    @Sendable func show(_ request: Request) async throws -> Response {
        try await render(request)
    }

    func render(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
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

    func sections(_ report: ParReport, figures: [ReportFigure], en: Bool) -> [Section] {
        PARField.allCases.map { field in
            Section(key: field.rawValue, title: field.name(en: en), figures: figures.filter { $0.field == field },
                    parts: ParReport.Part.allCases.map { Part(name: "\(field.rawValue)-\($0.rawValue)", label: $0.name(en: en),
                                                             text: report.text(field, $0)) })
        }
    }

    @Sendable func change(_ request: Request) async throws -> Response {
        let raw = request.parameters.get("reportID")
        _ = try await stores.reportService.find(raw, .editPlans, request: request)
        let form = try request.content.decode([String: String].self)
        var narrative: [String: [String: String]] = [:]
        for field in PARField.allCases {
            for part in ParReport.Part.allCases {
                if let text = form["\(field.rawValue)-\(part.rawValue)"] { narrative[field.rawValue, default: [:]][part.rawValue] = text }
            }
        }
        do {
            let written = try await stores.reportService.write(raw, narrative: narrative, expectedVersion: form["version"].flatMap(Int.init), request: request)
            if form["action"] == "finalise" {
                _ = try await stores.reportService.finalise(raw, expectedVersion: written.version, request: request)
            }
            return request.redirect(to: Paths.report.link(written.id))
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(request, errors: errors)
        }
    }

    @Sendable func docx(_ request: Request) async throws -> Response {
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
