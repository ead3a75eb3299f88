import Foundation
import ParCore
import ParStore
import Vapor

/// The figures a PAR report states, computed from the same services as the dashboards (so a
/// report and the service index, satisfaction, plan and inspection pages always agree), each
/// with the page it comes from.
struct ReportFigures {
    let stores: Stores

    static func percent(_ value: Double?) -> String { Format.percent(value.map(IndexScoring.round2), en: false, digits: 2) }

    func compute(_ unit: UnitRecord, period: ReportPeriod, request: Request) async throws -> [ReportFigure] {
        let id = unit.unit.id
        let query = IndexPages.periodQuery(period)
        let today = VietnamTime.localDate(of: request.now)
        let year = period.through.year
        let units = try await stores.units.subtreeIDs(of: [id])
        var figures: [ReportFigure] = []
        func add(_ key: String, _ field: PARField, _ label: String, _ value: String, _ source: String) {
            figures.append(ReportFigure(key: key, field: field, label: label, value: value, source: source))
        }

        // Direction: the plan and the inspections.
        let completion = try await stores.plans.completion(units: units, year: year, today: today)
        let plan = Paths.planUnit.link(id) + "?year=\(year)"
        add("plan.done", .direction, "Nhiệm vụ kế hoạch CCHC năm \(year) đã hoàn thành", "\(completion.done)/\(completion.total)", plan)
        add("plan.completion", .direction, "Tỷ lệ hoàn thành kế hoạch", Self.percent(completion.rate.map { $0 * 100 }), plan)
        add("plan.overdue", .direction, "Nhiệm vụ quá hạn", String(completion.overdue), Paths.planOverdue.link(id))
        let inspections = try await stores.inspections.list(units: units, year: nil, shielded: [], now: request.now)
            .filter { $0.startsAt >= VietnamTime.instant(period.from, .midnight) && $0.startsAt < VietnamTime.instant(period.through, .endOfDay) && $0.startsAt <= request.now }
        add("inspections", .direction, "Cuộc kiểm tra CCHC trong kỳ (đã thực hiện)", String(inspections.count), Paths.inspections.rawValue + "?year=\(year)")
        let findings = try await stores.inspections.findingCounts(units: units, year: year)
        add("findings.shortcomings", .direction, "Tồn tại, hạn chế qua kiểm tra trong năm", String(findings[.shortcoming] ?? 0), Paths.inspections.rawValue + "?year=\(year)")

        // Procedures: dossiers (Decision 766), satisfaction, feedback.
        let index = try await stores.indexService.unitIndex(unit, period: period, request: request)
        let source = Paths.indexUnit.link(id) + "?\(query)"
        func fact(_ f: IndexFact) -> String { Format.number(index.facts[f] ?? 0, en: false) }
        func rate(_ indicator: String) -> String { Self.percent(index.results.first { $0.indicator.id == indicator }?.percent) }
        add("procedures", .procedures, "Thủ tục hành chính đang thực hiện", fact(.procedures), Paths.procedures.rawValue)
        let simplified = try await stores.procedures.simplification(from: period.from, to: period.through, unitID: id, field: nil, targetPercent: nil)
        add("procedures.shortened", .procedures, "Thủ tục được rút ngắn thời hạn giải quyết trong kỳ", String(simplified.shortened.count),
            Paths.simplification.rawValue + "?from=\(period.from.iso)&to=\(period.through.iso)")
        add("dossiers.received", .procedures, "Hồ sơ tiếp nhận", fact(.received), source)
        add("dossiers.online", .procedures, "Trong đó nộp trực tuyến", fact(.receivedOnline), source)
        add("dossiers.counter", .procedures, "Trong đó nộp trực tiếp", fact(.receivedCounter), source)
        add("dossiers.post", .procedures, "Trong đó qua bưu chính", fact(.receivedPost), source)
        add("dossiers.finished_on_time", .procedures, "Giải quyết trước và đúng hạn", Format.number((index.facts[.finishedEarly] ?? 0) + (index.facts[.finishedOnTime] ?? 0), en: false), source)
        add("dossiers.finished_late", .procedures, "Giải quyết quá hạn", fact(.finishedLate), source)
        add("progress.on_time", .procedures, "Tỷ lệ hồ sơ đúng hạn (Quyết định 766)", rate("progress.on_time"), source)
        let satisfaction = try await stores.satisfactionService.view(unit, period: period, by: .none, request: request)
        add("sipas.overall", .procedures, "Mức độ hài lòng (\(satisfaction.result.responses) phiếu)", stores.satisfactionService.shown(satisfaction.result.overall, en: false),
            Paths.satisfactionUnit.link(id) + "?\(query)")
        add("feedback.received", .procedures, "Phản ánh, kiến nghị tiếp nhận", fact(.feedbackReceived), Paths.feedbackManage.rawValue)
        add("feedback.overdue", .procedures, "Phản ánh, kiến nghị quá hạn", fact(.feedbackOverdue), Paths.feedbackManage.rawValue + "?overdue=1")

        // Organisation and civil service.
        let children = try await stores.units.children(of: id).filter { $0.validTo == nil }
        add("units.below", .organisation, "Đơn vị trực thuộc", String(children.count), Paths.unit.link(id))
        if let quota = try await stores.units.quotas(of: id).filter({ $0.year <= year }).max(by: { $0.year < $1.year }) {
            add("staff.quota", .civilService, "Biên chế năm \(quota.year): được giao / có mặt", "\(quota.quota.total) / \(quota.actual.total)", Paths.unit.link(id))
        }
        // The people records (issue 23): ratings, training, discipline and rotation of the year.
        let counts = try await stores.personnelService.counts(unit, year: year, request: request)
        let personnel = Paths.personnelUnit.link(id) + "?year=\(year)"
        let rated = counts.statistics.reduce(0) { $0 + $1.rated }
        add("personnel.rated", .civilService, "Cán bộ, công chức, viên chức được xếp loại chất lượng năm \(year) (đã phê duyệt)", String(rated), personnel)
        for metric in PersonnelMetric.allCases {
            add(metric.rawValue, .civilService, metric.vietnamese, Self.percent(metric.rate(counts).map { $0 * 100 }), personnel)
        }
        add("personnel.disciplined", .civilService, "Cán bộ, công chức, viên chức bị kỷ luật trong năm", String(counts.disciplined), personnel + "#discipline")
        let rotation = try await stores.personnelService.rotationPlan(unit, year: year, request: request)
        add("personnel.rotated", .civilService, "Chuyển đổi vị trí công tác trong năm: đã thực hiện / còn đến hạn",
            "\(rotation.moved.filter { $0.move.kind == .rotation }.count) / \(rotation.due.count)", personnel + "#rotation")
        let attendance = try await stores.discipline.attendance(units: units, from: period.from, through: period.through)
        add("discipline.breaches", .civilService, "Vắng họp không lý do, bỏ về không báo cáo", String(attendance.reduce(0) { $0 + $1.breaches }),
            Paths.discipline.link(id) + "?year=\(year)")

        // E-government: the shares the plans target.
        for (indicator, label) in [("online.dossiers", "Tỷ lệ hồ sơ nộp trực tuyến"), ("other.transfers_electronic", "Tỷ lệ hồ sơ luân chuyển điện tử"),
                                   ("other.results_digitised", "Tỷ lệ kết quả được số hóa")] {
            let target = index.targets[indicator].map { " (chỉ tiêu \(Format.number($0.target * 100, en: false))%)" } ?? ""
            add(indicator, .eGovernment, label + target, rate(indicator), source)
        }
        return figures
    }
}

extension Stores {
    /// The report drafts' figures (`ReportFigures`), on these stores.
    var reportFigures: ReportFigures { ReportFigures(stores: self) }
}
