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
    /// Processing of an accepted dossier ended by a stop, refusal or withdrawal, before the day of
    /// the original appointment, on it, or after it (or after two supplement requests): Decision 766
    /// measures these with the processed ones (indicator 2.1); the one-stop report does not.
    case endedEarly = "ended_early", endedOnTime = "ended_on_time", endedLate = "ended_late"
    /// Components whose scans were flagged digitised.
    case componentsDigitised = "components_digitised"
    /// Components taken from an earlier dossier's digitised copy instead of asked again.
    case componentsReused = "components_reused"
    /// Results flagged digitised.
    case resultsDigitised = "results_digitised"
    /// Dossiers processed with an electronic result whose every component was digitised: counted once,
    /// when processed (Decision 766, digitisation: dossiers, not files).
    case dossiersDigitised = "dossiers_digitised"
    /// Dossiers received reusing the applicant's digitised data: counted once, at intake.
    case dossiersReused = "dossiers_reused"
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
        case .dossiersDigitised: "Hồ sơ được số hóa, kết quả điện tử"
        case .dossiersReused: "Hồ sơ tái sử dụng dữ liệu số hóa"
        case .endedEarly: "Dừng, rút, từ chối trước hạn"
        case .endedOnTime: "Dừng, rút, từ chối đúng hạn"
        case .endedLate: "Dừng, rút, từ chối quá hạn"
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
        dossier.reusesDigitisedData == true ? [.received: 1, .dossiersReused: 1] : [.received: 1]
    }

    /// What `event`, applied at `now`, adds, given the dossier before and after it.
    ///
    /// Decision 766, indicator 2.1 (formula guidance): processing ends at the first of processed,
    /// returned, stopped, refused and withdrawn, for dossiers that were accepted; that end is
    /// counted once, as early, on time or late (`finishing`): `finished_*` when processed,
    /// `ended_*` when stopped, refused or withdrawn first. A refusal of a dossier never accepted
    /// (still `submitted`) ends nothing, and a stop or withdrawal after processing ended adds
    /// only its own counter.
    public static func deltas(for event: DossierEvent, before: Dossier, after: Dossier, at now: Date) -> [ServiceMetric: Int] {
        func ending(_ metric: ServiceMetric) -> [ServiceMetric: Int] {
            guard before.state != .submitted, before.processedAt == nil else { return [metric: 1] }
            let ended: ServiceMetric = switch finishing(before, endedAt: now) {
            case .finishedEarly: .endedEarly
            case .finishedLate: .endedLate
            default: .endedOnTime
            }
            return [metric: 1, ended: 1]
        }
        switch event {
        case .forward(_, let electronic, _):
            return electronic ? [.transfers: 1, .transfersElectronic: 1] : [.transfers: 1]
        case .sendBack:
            // A step sent back moves through the system.
            return [.transfers: 1, .transfersElectronic: 1]
        case .requestSupplement: return [.supplementRequests: 1]
        case .apologise: return [.apologies: 1]
        case .markProcessed(let electronic):
            var result: [ServiceMetric: Int] = [finishing(before, endedAt: now): 1]
            if electronic { result[.resultsElectronic] = 1 }
            if electronic, after.componentsDigitised == true { result[.dossiersDigitised] = 1 }
            return result
        case .returnResult(let method):
            return method == "electronic" ? [.returned: 1, .returnedElectronic: 1] : [.returned: 1]
        case .refuse: return ending(.refused)
        case .withdraw: return ending(.withdrawn)
        case .stop: return ending(.stopped)
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

    /// The gauge key of an open dossier that is late whatever the day: one with more than one
    /// supplement request. It sorts before every ISO date, so it reads as "due before today".
    public static let alwaysLate = "0000-00-00"
    /// The gauge keys of a dossier waiting for the applicant's supplement: measured at the request,
    /// on time or late then.
    public static let pausedOnTime = "paused", pausedLate = "paused-late"

    /// Where an open dossier sits in the open-dossier gauge: its due day; `pausedOnTime` or
    /// `pausedLate` while it waits for a supplement (measured at the request); `alwaysLate` once
    /// it has had more than one supplement request; nil once processing has ended.
    public static func openKey(_ dossier: Dossier) -> String? {
        switch dossier.state {
        case .processed, .returned, .refused, .withdrawn, .stopped: return nil
        case .supplementRequested:
            let late = finishing(dossier, endedAt: dossier.supplementRequestedAt ?? dossier.receivedAt) == .finishedLate
            return late ? pausedLate : pausedOnTime
        default:
            return dossier.supplementRequests > 1 ? alwaysLate : VietnamTime.localDate(of: dossier.dueAt).iso
        }
    }

    /// Early, on time or late, for a dossier whose processing ends at `end` (Decision 766,
    /// indicator 2.1): late after the appointment on the receipt (moved only by supplement
    /// pauses, never by an apology) or after more than one supplement request; early when it
    /// ends on a day before the appointment's day. A dossier waiting for a supplement when it
    /// ends (withdrawn or stopped then) is measured at the moment the supplement was requested.
    public static func finishing(_ dossier: Dossier, endedAt end: Date) -> ServiceMetric {
        let measured = dossier.state == .supplementRequested ? (dossier.supplementRequestedAt ?? end) : end
        if measured > dossier.originalDueAt || dossier.supplementRequests > 1 { return .finishedLate }
        let dueDay = VietnamTime.localDate(of: dossier.originalDueAt)
        return VietnamTime.localDate(of: measured) < dueDay ? .finishedEarly : .finishedOnTime
    }
}

/// Decision 766's digitisation rule for one dossier: every component it was received with has a
/// digitised copy (its own, or a reused digitised copy of the applicant's). A dossier received
/// with no component counts as digitised when its result is electronic.
public enum Digitisation {
    public static func componentsDigitised(_ components: [String], digitisedCopies: Set<String>) -> Bool {
        components.allSatisfy(digitisedCopies.contains)
    }
}
