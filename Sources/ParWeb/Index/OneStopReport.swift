import Fluent
import Foundation
import ParCore
import ParStore
import Vapor

/// The standard one-stop report per unit and period (DOMAIN.md): carried over + received
/// (online / counter / post) = finished early / on time / late + not accepted, withdrawn or
/// stopped + still in process (on time / late / paused when the period reaches today);
/// supplement requests; results returned. From the roll-ups only.
struct OneStopReport: Sendable {
    var unit: OrgUnit
    var carriedOver: Int64
    var received: [DossierChannel: Int64]
    var early: Int64, onTime: Int64, late: Int64
    var ended: Int64
    /// The open dossiers at the end of the period (now, for a period that reaches today).
    var open: OpenSums?
    var supplements: Int64
    var returned: Int64

    var receivedTotal: Int64 { received.values.reduce(0, +) }
    var inProcess: Int64 { carriedOver + receivedTotal - early - onTime - late - ended }

    static func make(_ unit: OrgUnit, period: ReportPeriod, today: LocalDate, on db: any Database) async throws -> OneStopReport {
        let now = try await IndexRollups.totals(unit: unit.id, period: period, on: db)
        let before: [String: Int64]
        if let start = LocalDate(year: 2000, month: 1, day: 1), start < period.from {
            before = try await IndexRollups.totals(unit: unit.id, period: try ReportPeriod(from: start, through: period.from.adding(days: -1)), on: db)
        } else {
            before = [:]
        }
        func ended(_ t: [String: Int64]) -> Int64 {
            ["finished_early", "finished_on_time", "finished_late", "refused", "withdrawn", "stopped"].reduce(0) { $0 + (t[$1] ?? 0) }
        }
        return OneStopReport(
            unit: unit, carriedOver: (before["received"] ?? 0) - ended(before),
            received: [.online: now["received_online"] ?? 0, .counter: now["received_counter"] ?? 0, .post: now["received_post"] ?? 0],
            early: now["finished_early"] ?? 0, onTime: now["finished_on_time"] ?? 0, late: now["finished_late"] ?? 0,
            ended: (now["refused"] ?? 0) + (now["withdrawn"] ?? 0) + (now["stopped"] ?? 0),
            open: period.through >= today ? try await IndexRollups.open(unit: unit.id, today: today, on: db)
                : try await OpenCounterStore.atEnd(of: period.through, roots: [unit.id], on: db)[unit.id.rawValue] ?? OpenSums(),
            supplements: now["supplement_requests"] ?? 0, returned: now["returned"] ?? 0)
    }

    /// The columns, as catalogue keys.
    static let header: [String] = [
        "one-stop-report.column-1", "one-stop-report.column-2", "one-stop-report.column-3",
        "one-stop-report.column-4", "one-stop-report.column-5", "one-stop-report.column-6",
        "one-stop-report.column-7", "one-stop-report.column-8", "one-stop-report.column-9",
        "one-stop-report.column-10", "one-stop-report.column-11", "one-stop-report.column-12", "one-stop-report.column-13",
        "one-stop-report.column-14", "one-stop-report.column-15",
    ]

    var cells: [String] {
        [unit.name, String(carriedOver), String(received[.online] ?? 0), String(received[.counter] ?? 0), String(received[.post] ?? 0),
         String(early), String(onTime), String(late), String(ended), String(inProcess),
         open.map { String($0.onTime) } ?? "—", open.map { String($0.late) } ?? "—", open.map { String($0.paused + $0.pausedLate) } ?? "—",
         String(supplements), String(returned)]
    }
}

extension IndexPages {
    struct ReportContext: Encodable {
        let unitName: String
        let periodLabel: String
        let header: [String]
        let rows: [[String]]
        let csvLink: String
        let xlsxLink: String
        let printLink: String
        let backLink: String
    }

    /// The unit's own line, then one per current unit directly below it.
    func reportRows(_ request: Request) async throws -> (UnitRecord, ReportPeriod, [OneStopReport]) {
        let record = try await unit(request)
        let period = try Self.period(request)
        let today = VietnamTime.localDate(of: request.now)
        var reports = [try await OneStopReport.make(record.unit, period: period, today: today, on: request.db)]
        for child in try await stores.units.children(of: record.unit.id) where child.validTo.map({ $0 >= period.from }) ?? true {
            reports.append(try await OneStopReport.make(child, period: period, today: today, on: request.db))
        }
        return (record, period, reports)
    }

    @Sendable func report(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let (record, period, reports) = try await reportRows(request)
        let query = "?\(Self.periodQuery(period))"
        let context = ReportContext(unitName: record.unit.name, periodLabel: period.label,
                                    header: OneStopReport.header.map { Messages.text($0, en: en) }, rows: reports.map(\.cells),
                                    csvLink: Paths.indexReportCSV.link(record.unit.id) + query, xlsxLink: Paths.indexReportXLSX.link(record.unit.id) + query,
                                    printLink: Paths.indexReport.link(record.unit.id) + query + "&print=1",
                                    backLink: Paths.indexUnit.link(record.unit.id) + query)
        return try await Page.render("index-report", title: Messages.text("index-unit.one-stop-report", en: en), context: context, request: request)
    }

    @Sendable func reportCSV(_ request: Request) async throws -> Response {
        let (record, period, reports) = try await reportRows(request)
        return TableExport.csv([OneStopReport.header.map { Messages.text($0, .vi) }] + reports.map(\.cells),
                               name: "bao-cao-mot-cua-\(record.unit.code)-\(period.from.iso)-\(period.through.iso).csv")
    }

    @Sendable func reportXLSX(_ request: Request) async throws -> Response {
        let (record, period, reports) = try await reportRows(request)
        return TableExport.xlsx([OneStopReport.header.map { Messages.text($0, .vi) }] + reports.map(\.cells), sheet: "Báo cáo một cửa",
                                name: "bao-cao-mot-cua-\(record.unit.code)-\(period.from.iso)-\(period.through.iso).xlsx", numbers: true)
    }
}

/// A server-rendered line chart (accessible SVG: a title, a description, and the data table
/// next to it on the page), two series in percent by month.
enum TrendChart {
    static func svg(points: [(String, Double?, Double?)], title: String, series: [String]) -> String {
        let width = 640.0, height = 220.0, left = 40.0, bottom = 30.0, top = 10.0, right = 24.0
        let plotW = width - left - right, plotH = height - top - bottom
        let n = max(points.count, 1)
        func x(_ i: Int) -> Double { left + (n == 1 ? plotW / 2 : plotW * Double(i) / Double(n - 1)) }
        func y(_ v: Double) -> Double { top + plotH * (1 - min(max(v, 0), 100) / 100) }
        let escape = XLSXWriter.escape
        var parts: [String] = []
        parts.append(##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(Int(width)) \##(Int(height))" width="100%" role="img" aria-labelledby="trend-title trend-desc" class="chart">"##)
        parts.append(##"<title id="trend-title">\##(escape(title))</title><desc id="trend-desc">\##(escape(series.joined(separator: ", "))); 0–100%</desc>"##)
        for tick in stride(from: 0.0, through: 100.0, by: 25.0) {
            parts.append(##"<line x1="\##(left)" x2="\##(width - right)" y1="\##(y(tick))" y2="\##(y(tick))" stroke="#ccc" stroke-width="1"/>"##)
            parts.append(##"<text x="\##(left - 4)" y="\##(y(tick) + 4)" font-size="10" text-anchor="end" fill="#333">\##(Int(tick))</text>"##)
        }
        for (i, point) in points.enumerated() where i % max(1, n / 6) == 0 || i == n - 1 {
            parts.append(##"<text x="\##(x(i))" y="\##(height - 10)" font-size="10" text-anchor="middle" fill="#333">\##(escape(point.0))</text>"##)
        }
        let styles = [("#8a1538", ""), ("#1d4f91", "6 4")]
        for (s, style) in styles.enumerated() {
            let values = points.enumerated().compactMap { i, p -> (Int, Double)? in (s == 0 ? p.1 : p.2).map { (i, $0) } }
            guard !values.isEmpty else { continue }
            let path = values.enumerated().map { j, v in "\(j == 0 ? "M" : "L")\(String(format: "%.1f", x(v.0))),\(String(format: "%.1f", y(v.1)))" }.joined(separator: " ")
            parts.append(##"<path d="\##(path)" fill="none" stroke="\##(style.0)" stroke-width="2"\##(style.1.isEmpty ? "" : " stroke-dasharray=\"\(style.1)\"")/>"##)
            for v in values { parts.append(##"<circle cx="\##(String(format: "%.1f", x(v.0)))" cy="\##(String(format: "%.1f", y(v.1)))" r="3" fill="\##(style.0)"/>"##) }
        }
        parts.append("</svg>")
        return parts.joined()
    }
}
