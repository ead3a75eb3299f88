import Foundation

extension IndicatorSet {
    /// The Decision 766/QĐ-TTg (2022) groups as far as ParHub holds the data (docs/rules.md says
    /// which rows follow the formula guidance and which are not verified). Group weights
    /// follow DOMAIN.md (publication 18, progress 20, online 12 + payment 10, satisfaction 18,
    /// digitisation 22); the split inside a group and the thresholds are editable because
    /// they must be checked against the decision's annex.
    public static let decision766v2022 = IndicatorSet(version: "766-2022", name: "Quyết định 766/QĐ-TTg (2022)", indicators: [
        Indicator(id: "publication.complete", group: .publication,
                  name: "Thủ tục công khai đầy đủ, đúng quy định", nameEn: "Procedures published in full",
                  numerator: [.init(.proceduresComplete)], denominator: [.init(.procedures)], threshold: 1, maxPoints: 18),
        Indicator(id: "progress.on_time", group: .progress,
                  name: "Hồ sơ giải quyết đúng hạn (kể cả đang giải quyết trong hạn)", nameEn: "Dossiers on time (finished or still within time)",
                  numerator: [.init(.finishedEarly), .init(.finishedOnTime), .init(.endedEarly), .init(.endedOnTime),
                              .init(.openOnTime), .init(.openPaused)],
                  denominator: [.init(.finishedEarly), .init(.finishedOnTime), .init(.finishedLate),
                                .init(.endedEarly), .init(.endedOnTime), .init(.endedLate),
                                .init(.openOnTime), .init(.openLate), .init(.openPaused), .init(.openPausedLate)],
                  threshold: 1, maxPoints: 20),
        Indicator(id: "online.dossiers", group: .online,
                  name: "Hồ sơ nộp trực tuyến", nameEn: "Dossiers submitted online",
                  numerator: [.init(.receivedOnline)], denominator: [.init(.received)], threshold: 0.5, maxPoints: 6),
        Indicator(id: "online.procedures", group: .online,
                  name: "Thủ tục cung cấp dịch vụ công trực tuyến", nameEn: "Procedures offered online",
                  numerator: [.init(.proceduresOnline)], denominator: [.init(.procedures)], threshold: 0.8, maxPoints: 6),
        Indicator(id: "payment.online", group: .payment,
                  name: "Hồ sơ thanh toán trực tuyến", nameEn: "Dossiers paid online",
                  numerator: [.init(.paymentsOnline)], denominator: [.init(.payments)], threshold: 1, maxPoints: 10),
        Indicator(id: "feedback.on_time", group: .satisfaction,
                  name: "Phản ánh, kiến nghị xử lý đúng hạn", nameEn: "Feedback handled on time",
                  numerator: [.init(.feedbackReceived), .init(.feedbackOverdue, -1)], denominator: [.init(.feedbackReceived)],
                  threshold: 1, maxPoints: 6, whenEmpty: .fullPoints),
        Indicator(id: "feedback.satisfaction", group: .satisfaction,
                  name: "Hài lòng trong xử lý phản ánh, kiến nghị", nameEn: "Satisfaction with feedback handling",
                  numerator: [.init(.feedbackReceived), .init(.feedbackUnsatisfactory, -1)], denominator: [.init(.feedbackReceived)],
                  threshold: 1, maxPoints: 6, whenEmpty: .fullPoints),
        Indicator(id: "satisfaction.no_overdue", group: .satisfaction,
                  name: "Hài lòng trong tiếp nhận, giải quyết TTHC: hồ sơ không quá hạn, không bị đánh giá chưa hài lòng",
                  nameEn: "Satisfaction with dossier handling: not late and not rated negatively",
                  numerator: [.init(.finishedEarly), .init(.finishedOnTime), .init(.negativeRatings, -1)],
                  denominator: [.init(.finishedEarly), .init(.finishedOnTime), .init(.finishedLate)],
                  threshold: 0.9, maxPoints: 6),
        Indicator(id: "digitisation.dossiers", group: .digitisation,
                  name: "Hồ sơ được số hóa thành phần và cấp kết quả điện tử", nameEn: "Dossiers digitised, with an electronic result",
                  numerator: [.init(.dossiersDigitised)], denominator: [.init(.finishedEarly), .init(.finishedOnTime), .init(.finishedLate)],
                  threshold: 0.8, maxPoints: 11),
        Indicator(id: "digitisation.reuse", group: .digitisation,
                  name: "Hồ sơ tái sử dụng dữ liệu đã số hóa", nameEn: "Dossiers reusing digitised data",
                  numerator: [.init(.dossiersReused)], denominator: [.init(.received)],
                  threshold: 0.8, maxPoints: 11),
        Indicator(id: "other.transfers_electronic", group: .other,
                  name: "Hồ sơ luân chuyển điện tử giữa các cơ quan", nameEn: "Hand-overs made electronically",
                  numerator: [.init(.transfersElectronic)], denominator: [.init(.transfers)], threshold: 1, maxPoints: 0),
        Indicator(id: "other.results_digitised", group: .other,
                  name: "Kết quả được số hóa", nameEn: "Results digitised",
                  numerator: [.init(.resultsDigitised)], denominator: [.init(.finishedEarly), .init(.finishedOnTime), .init(.finishedLate)],
                  threshold: 1, maxPoints: 0),
    ])
}

/// A plan target: an indicator's rate a unit must reach in a year (e.g. ≥ 50% of dossiers online).
public struct PlanTarget: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable {
        case met
        /// The year is not over and the rate is below the target so far.
        case atRisk = "at_risk"
        case missed
        /// Nothing to measure yet.
        case notMeasured = "not_measured"
    }

    public var unitID: OrgUnit.ID
    public var year: Int
    public var indicatorID: String
    /// The rate to reach, 0…1.
    public var target: Double

    public init(unitID: OrgUnit.ID, year: Int, indicatorID: String, target: Double) {
        self.unitID = unitID
        self.year = year
        self.indicatorID = indicatorID
        self.target = target
    }

    /// The indicator id of the satisfaction index's yearly target (SIPAS).
    public static let satisfaction = "sipas.overall"

    /// Checks a target about to be set (nil: removed): 0–100 %, a year from 2000 to 2100, and an
    /// indicator of `set` (the set in force) or the satisfaction index.
    public static func check(_ target: Double?, year: Int, indicatorID: String, in set: IndicatorSet) throws(DomainError) {
        if let target, !(0...1).contains(target) {
            throw .invalid("Chỉ tiêu phải từ 0 đến 100%.", english: "A target is 0–100%.", field: "target")
        }
        guard (2000...2100).contains(year) else {
            throw .invalid("Năm không hợp lệ.", english: "Not a valid year.", field: "year")
        }
        guard indicatorID == satisfaction || set.indicators.contains(where: { $0.id == indicatorID }) else {
            throw .invalid("Không có chỉ số \(indicatorID).", english: "No indicator \(indicatorID).", field: "indicatorId")
        }
    }

    public func status(rate: Double?, yearOver: Bool) -> Status {
        guard let rate else { return .notMeasured }
        if rate + 1e-9 >= target { return .met }
        return yearOver ? .missed : .atRisk
    }

    /// The targets of the province's plan (seed 004 and DOMAIN.md): ≥ 50% online, ≥ 80% moved
    /// electronically, 100% results digitised, on time 100%.
    public static func standard(unit: OrgUnit.ID, year: Int) -> [PlanTarget] {
        [("online.dossiers", 0.5), ("other.transfers_electronic", 0.8), ("other.results_digitised", 1.0), ("progress.on_time", 1.0)]
            .map { PlanTarget(unitID: unit, year: year, indicatorID: $0.0, target: $0.1) }
    }
}
