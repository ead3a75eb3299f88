import Foundation

/// The facts behind the Decision 766 indicators that one dossier event changes.
///
/// Every dossier event adds to counters keyed by (receiving unit, procedure, channel,
/// local day, metric), in the same transaction as the event, so dashboards add up small
/// counter rows instead of scanning dossiers. The deltas are a pure function of the
/// event and the dossier before and after it, tested table by table.
public enum ServiceMetric: String, CaseIterable, Codable, Sendable {
    /// Dossiers received (any channel; the channel is part of the counter's key).
    case received
    /// Processing finished before the day of the original appointment.
    case finishedEarly = "finished_early"
    /// Processing finished on the day of the original appointment or earlier the same day.
    case finishedOnTime = "finished_on_time"
    /// Finished after the original appointment, or after more than one supplement request.
    case finishedLate = "finished_late"
    /// Results issued as electronic documents.
    case resultsElectronic = "results_electronic"
    /// Results handed back (any method).
    case returned
    /// Results handed back electronically.
    case returnedElectronic = "returned_electronic"
    /// Hand-overs between units (forward or send back).
    case transfers
    /// Hand-overs made through the system rather than on paper.
    case transfersElectronic = "transfers_electronic"
    case supplementRequests = "supplement_requests"
    case apologies
    case refused
    case withdrawn
    case stopped
    /// Components whose scans were flagged digitised.
    case componentsDigitised = "components_digitised"
    /// Components taken from an earlier dossier's digitised copy instead of asked again.
    case componentsReused = "components_reused"
    /// Results flagged digitised.
    case resultsDigitised = "results_digitised"
    /// Satisfaction responses (SIPAS) about dossiers returned that day.
    case ratings
    /// Of those, responses that are dissatisfied or very dissatisfied overall.
    case negativeRatings = "negative_ratings"
    /// Fees paid for dossiers (any method), on the day they were paid.
    case payments
    /// Of those, paid online through a payment provider.
    case paymentsOnline = "payments_online"

    public var vietnamese: String {
        switch self {
        case .received: "Hồ sơ tiếp nhận"
        case .finishedEarly: "Giải quyết trước hạn"
        case .finishedOnTime: "Giải quyết đúng hạn"
        case .finishedLate: "Giải quyết quá hạn"
        case .resultsElectronic: "Kết quả điện tử"
        case .returned: "Đã trả kết quả"
        case .returnedElectronic: "Trả kết quả điện tử"
        case .transfers: "Lượt luân chuyển"
        case .transfersElectronic: "Luân chuyển điện tử"
        case .supplementRequests: "Yêu cầu bổ sung"
        case .apologies: "Phiếu xin lỗi"
        case .refused: "Không tiếp nhận"
        case .withdrawn: "Rút hồ sơ"
        case .stopped: "Dừng xử lý"
        case .componentsDigitised: "Thành phần được số hóa"
        case .componentsReused: "Thành phần tái sử dụng"
        case .resultsDigitised: "Kết quả được số hóa"
        case .ratings: "Lượt đánh giá hài lòng"
        case .negativeRatings: "Đánh giá chưa hài lòng"
        case .payments: "Lượt thanh toán"
        case .paymentsOnline: "Thanh toán trực tuyến"
        }
    }
}

/// Where a counter row belongs: the dossier's receiving unit, procedure and channel,
/// and the local (Việt Nam) day the event happened.
public struct ServiceCounterKey: Hashable, Sendable {
    public var unitID: OrgUnit.ID
    public var procedureID: Procedure.ID
    public var channel: DossierChannel
    public var day: LocalDate
    public var metric: ServiceMetric

    public init(unitID: OrgUnit.ID, procedureID: Procedure.ID, channel: DossierChannel, day: LocalDate, metric: ServiceMetric) {
        self.unitID = unitID
        self.procedureID = procedureID
        self.channel = channel
        self.day = day
        self.metric = metric
    }
}

public enum ServiceCounters {
    /// What receiving a dossier adds.
    public static func intake(_ dossier: Dossier) -> [ServiceMetric: Int] {
        [.received: 1]
    }

    /// What `event` adds, given the dossier before and after it.
    public static func deltas(for event: DossierEvent, before: Dossier, after: Dossier) -> [ServiceMetric: Int] {
        switch event {
        case .forward(_, let electronic, _):
            return electronic ? [.transfers: 1, .transfersElectronic: 1] : [.transfers: 1]
        case .sendBack:
            // A step sent back moves through the system.
            return [.transfers: 1, .transfersElectronic: 1]
        case .requestSupplement: return [.supplementRequests: 1]
        case .apologise: return [.apologies: 1]
        case .markProcessed(let electronic):
            var result: [ServiceMetric: Int] = [finishing(after): 1]
            if electronic { result[.resultsElectronic] = 1 }
            return result
        case .returnResult(let method):
            return method == "electronic" ? [.returned: 1, .returnedElectronic: 1] : [.returned: 1]
        case .refuse: return [.refused: 1]
        case .withdraw: return [.withdrawn: 1]
        case .stop: return [.stopped: 1]
        case .accept, .completeSupplement: return [:]
        }
    }

    /// The metrics an event added, as stored with it: `,received,` or `,transfers,transfers_electronic,`
    /// (each metric once per unit added), so `LIKE '%,transfers,%'` finds the events behind a counter.
    public static func tag(_ deltas: [ServiceMetric: Int]) -> String {
        let names = deltas.filter { $0.value > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
            .flatMap { Array(repeating: $0.key.rawValue, count: $0.value) }
        return names.isEmpty ? "" : "," + names.joined(separator: ",") + ","
    }

    /// Where an open dossier sits in the open-dossier gauge: its due day, or "paused" while it
    /// waits for a supplement; nil once processing has ended.
    public static func openKey(_ dossier: Dossier) -> String? {
        switch dossier.state {
        case .processed, .returned, .refused, .withdrawn, .stopped: nil
        case .supplementRequested: "paused"
        default: VietnamTime.localDate(of: dossier.dueAt).iso
        }
    }

    /// Early, on time or late, for a dossier that has just been processed.
    public static func finishing(_ dossier: Dossier) -> ServiceMetric {
        guard let finished = dossier.processedAt else { return .finishedOnTime }
        if finished > dossier.originalDueAt || dossier.supplementRequests > 1 { return .finishedLate }
        let dueDay = VietnamTime.localDate(of: dossier.originalDueAt)
        return VietnamTime.localDate(of: finished) < dueDay ? .finishedEarly : .finishedOnTime
    }
}
