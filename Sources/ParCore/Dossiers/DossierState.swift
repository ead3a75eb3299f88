/// The states a one-stop dossier (hồ sơ một cửa) moves through inside ParHub
/// (Decree 61/2018, amended by Decree 107/2021; Decree 118/2025 from 1 July 2025).
/// "Overdue" is not a state: it is derived from the clock (`Dossier.timeliness`).
public enum DossierState: String, CaseIterable, Codable, Sendable {
    /// Submitted online or by post, not yet checked by the counter.
    case submitted
    /// Received and accepted at the one-stop counter; the clock runs.
    case received
    /// Being processed by the units of its steps.
    case inProcess = "in_process"
    /// Waiting for the applicant to supplement the dossier (form 02); the clock is paused.
    case supplementRequested = "supplement_requested"
    /// The applicant must pay a financial obligation first.
    case awaitingPayment = "awaiting_payment"
    /// Processing finished; the result waits for the applicant.
    case processed
    /// The result was handed back.
    case returned
    /// Not accepted at intake (form 03).
    case refused
    /// Withdrawn at the applicant's request.
    case withdrawn
    /// Processing stopped by the competent unit.
    case stopped

    /// The code of the national status list used with the National Public Service Portal
    /// (DOMAIN.md: 1 new · 2 accepted · 3 not accepted · 4 in process · 5 supplement ·
    /// 6 financial obligation · 7 withdrawal requested · 8 stopped · 9 processed · 10 returned).
    public var nationalStatus: Int {
        switch self {
        case .submitted: 1
        case .received: 2
        case .refused: 3
        case .inProcess: 4
        case .supplementRequested: 5
        case .awaitingPayment: 6
        case .withdrawn: 7
        case .stopped: 8
        case .processed: 9
        case .returned: 10
        }
    }

    /// Whether the clock has ended (the dossier is finished one way or another).
    public var isClosed: Bool {
        switch self {
        case .returned, .refused, .withdrawn, .stopped: true
        default: false
        }
    }

    public var vietnamese: String {
        switch self {
        case .submitted: "Mới đăng ký"
        case .received: "Đã tiếp nhận"
        case .inProcess: "Đang xử lý"
        case .supplementRequested: "Chờ bổ sung hồ sơ"
        case .awaitingPayment: "Chờ thực hiện nghĩa vụ tài chính"
        case .processed: "Đã xử lý xong"
        case .returned: "Đã trả kết quả"
        case .refused: "Không tiếp nhận"
        case .withdrawn: "Rút hồ sơ"
        case .stopped: "Dừng xử lý"
        }
    }

    public var english: String {
        switch self {
        case .submitted: "Submitted"
        case .received: "Received"
        case .inProcess: "In process"
        case .supplementRequested: "Supplement requested"
        case .awaitingPayment: "Awaiting payment"
        case .processed: "Processed"
        case .returned: "Result returned"
        case .refused: "Not accepted"
        case .withdrawn: "Withdrawn"
        case .stopped: "Stopped"
        }
    }
}

/// How the dossier arrived (channel codes of the National Portal: 1 counter, 2 online, 3 post).
public enum DossierChannel: String, CaseIterable, Codable, Sendable {
    case counter, online, post

    public var nationalCode: Int {
        switch self {
        case .counter: 1
        case .online: 2
        case .post: 3
        }
    }
}
