import Foundation
import ParCore
import ParStore
import Vapor

/// PAR report drafts through the API: the same `ReportService` as the report pages.
extension ParAPI {
    static func reportSummary(_ r: ParReport) -> Components.Schemas.ParReportSummary {
        .init(id: r.id.description, unitId: r.unitID.description, title: r.title, from: r.from.iso, through: r.through.iso, final: r.isFinal,
              finalisedAt: r.finalisedAt, version: r.version)
    }

    static func report(_ r: ParReport, figures: [ReportFigure]) -> Components.Schemas.ParReport {
        .init(id: r.id.description, unitId: r.unitID.description, title: r.title, from: r.from.iso, through: r.through.iso, final: r.isFinal,
              finalisedAt: r.finalisedAt, version: r.version, sections: PARField.allCases.map { field in
                  .init(field: .init(rawValue: field.rawValue)!, title: field.vietnamese, results: r.text(field, .results),
                        limitations: r.text(field, .limitations), next: r.text(field, .next),
                        figures: figures.filter { $0.field == field }.map { .init(key: $0.key, label: $0.label, value: $0.value, source: $0.source) })
              })
    }

    /// The report as stored, with its figures as the pages show them.
    func reportOutput(_ id: ParReport.ID, request: Request) async throws -> (Components.Schemas.ParReport, String) {
        let (report, _, figures) = try await stores.reportService.load(id.description, request: request)
        return (Self.report(report, figures: figures), Self.etag(report.version))
    }

    func listParReports(_ input: Operations.ListParReports.Input) async throws -> Operations.ListParReports.Output {
        .ok(.init(body: .json(.init(items: try await stores.reportService.visible(try self.request).map(Self.reportSummary)))))
    }

    func createParReport(_ input: Operations.CreateParReport.Input) async throws -> Operations.CreateParReport.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let created = try await stores.reportService.create(unitID: body.unitId, period: body.period, title: body.title.map(VietnameseText.clean), request: request)
        let (report, etag) = try await reportOutput(created.id, request: request)
        return .created(.init(headers: .init(eTag: etag), body: .json(report)))
    }

    func getParReport(_ input: Operations.GetParReport.Input) async throws -> Operations.GetParReport.Output {
        let request = try self.request
        let (report, _, figures) = try await stores.reportService.load(input.path.reportId, request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(report.version)), body: .json(Self.report(report, figures: figures))))
    }

    func writeParReport(_ input: Operations.WriteParReport.Input) async throws -> Operations.WriteParReport.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        var narrative: [String: [String: String]] = [:]
        for section in body.sections {
            let parts: [(ParReport.Part, String?)] = [(.results, section.results), (.limitations, section.limitations), (.next, section.next)]
            for (part, text) in parts {
                if let text { narrative[section.field.rawValue, default: [:]][part.rawValue] = text }
            }
        }
        let written = try await stores.reportService.write(input.path.reportId, narrative: narrative,
                                                    expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch), request: request)
        let (report, etag) = try await reportOutput(written.id, request: request)
        return .ok(.init(headers: .init(eTag: etag), body: .json(report)))
    }

    func finaliseParReport(_ input: Operations.FinaliseParReport.Input) async throws -> Operations.FinaliseParReport.Output {
        let request = try self.request
        let final = try await stores.reportService.finalise(input.path.reportId, expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch),
                                                     request: request)
        let (report, etag) = try await reportOutput(final.id, request: request)
        return .ok(.init(headers: .init(eTag: etag), body: .json(report)))
    }
}
