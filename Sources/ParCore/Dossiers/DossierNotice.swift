import Foundation

/// A notice to the applicant (by e-mail, through the outbox): the slips of Decree 61/2018's forms in
/// short, Vietnamese first with the English below.
public struct DossierNotice: Sendable, Equatable {
    public var subject: String
    public var body: String
    /// The SMS text as written, made GSM-safe only when it is read (`sms`): most notices go by e-mail or
    /// nowhere, and an intake builds its receipt's notice while holding the write lock.
    private var smsSource: String?

    /// The SMS of the notices an applicant may get by SMS (receipt, supplement request, result
    /// ready, new appointment): Vietnamese without diacritics, at most 160 characters.
    public var sms: String? {
        get { smsSource.map(Self.smsText) }
        set { smsSource = newValue }
    }

    public init(subject: String, body: String, sms: String? = nil) {
        self.subject = subject
        self.body = body
        self.smsSource = sms
    }

    /// Where this notice goes: by SMS to `smsPhone` (given when the person asked for SMS) if the
    /// notice has an SMS text, otherwise by e-mail with `code` in the subject; nil with neither.
    public func route(code: String, email: String?, smsPhone: String?)
        -> (channel: OutboxMessage.Channel, recipient: String, subject: String, body: String)? {
        if let phone = smsPhone, !phone.isEmpty, let sms { return (.sms, phone, subject, sms) }
        guard let email, !email.isEmpty else { return nil }
        return (.email, email, "[\(code)] \(subject)", body)
    }

    /// `text` as one SMS: without diacritics (the GSM alphabet), cut to 160 characters.
    public static func smsText(_ text: String) -> String {
        let plain = VietnameseText.unaccented(text)
        return plain.count <= 160 ? plain : String(plain.prefix(159)) + "…"
    }
}

extension Dossier {
    /// The receipt's notice: the dossier was received and when its result is due (form 01).
    public func receiptNotice(procedureName: String) -> DossierNotice {
        let due = LocalDateTime(dueAt).shown
        return DossierNotice(subject: "Đã nhận hồ sơ / Dossier received",
                             body: "Hồ sơ \(code) (\(procedureName)) đã được tiếp nhận. Hẹn trả kết quả: \(due).\n\nDossier \(code) was received; result due \(due).",
                             sms: "Ho so \(code) da duoc tiep nhan. Hen tra ket qua: \(due).")
    }

    /// The notice `event` sends once applied (`self` is the dossier after it), if any. A returned result
    /// invites the applicant to the satisfaction survey when `surveyLink` is given, and says nothing otherwise.
    public func notice(after event: DossierEvent, surveyLink: String? = nil) -> DossierNotice? {
        switch event {
        case .returnResult:
            surveyLink.map { link in
                DossierNotice(subject: "Đã trả kết quả — mời đánh giá / Result returned — please rate the service",
                              body: "Hồ sơ \(code) đã được trả kết quả. Mời Ông/Bà đánh giá mức độ hài lòng (một lần, không ghi tên): \(link)\n\nThe result of dossier \(code) has been returned. Please rate the service (once, anonymously): \(link)")
            }
        case .requestSupplement(let items):
            DossierNotice(subject: "Yêu cầu bổ sung hồ sơ / Supplement requested",
                          body: "Hồ sơ \(code) cần bổ sung (mẫu 02): \(items.joined(separator: "; ")).\n\nPlease supplement dossier \(code): \(items.joined(separator: "; ")).",
                          sms: "Ho so \(code) can bo sung: \(items.joined(separator: "; ")). Xem chi tiet tai bo phan mot cua.")
        case .apologise(let reason, let newDue):
            DossierNotice(subject: "Thư xin lỗi và hẹn lại ngày trả kết quả / Apology and new appointment",
                          body: "Chúng tôi xin lỗi vì hồ sơ \(code) chưa có kết quả đúng hẹn (mẫu 04). Lý do: \(reason). Ngày hẹn mới: \(LocalDateTime(newDue).shown).\n\nWe apologise: dossier \(code) is delayed (\(reason)); new appointment \(LocalDateTime(newDue).shown).",
                          sms: "Xin loi: ho so \(code) tre hen. Hen moi: \(LocalDateTime(newDue).shown).")
        case .accept:
            DossierNotice(subject: "Hồ sơ đã được tiếp nhận / Dossier accepted",
                          body: "Hồ sơ \(code) đã được tiếp nhận. Hẹn trả kết quả: \(LocalDateTime(dueAt).shown).\n\nDossier \(code) was accepted; result due \(LocalDateTime(dueAt).shown).")
        case .markProcessed:
            DossierNotice(subject: "Đã có kết quả / Result ready", body: "Hồ sơ \(code) đã có kết quả.\n\nThe result of dossier \(code) is ready.",
                          sms: "Ho so \(code) da co ket qua. Moi ong/ba den nhan hoac nhan truc tuyen.")
        case .refuse(let reason):
            DossierNotice(subject: "Từ chối tiếp nhận hồ sơ / Dossier not accepted",
                          body: "Hồ sơ \(code) không được tiếp nhận (mẫu 03). Lý do: \(reason).\n\nDossier \(code) was not accepted: \(reason).")
        case .stop(let reason):
            DossierNotice(subject: "Dừng xử lý hồ sơ / Processing stopped",
                          body: "Hồ sơ \(code) đã dừng xử lý. Lý do: \(reason).\n\nProcessing of \(code) stopped: \(reason).")
        default: nil
        }
    }
}

extension DossierEvent {
    /// The line the timeline (form 05) shows beside the event: the reason, the items, how it moved.
    public var detail: String {
        switch self {
        case .forward(_, let electronic, let note): (electronic ? "điện tử" : "giấy") + (note.map { ": \($0)" } ?? "")
        case .sendBack(_, let reason), .refuse(let reason), .stop(let reason): reason
        case .requestSupplement(let items): items.joined(separator: "; ")
        case .apologise(let reason, let due): "\(reason) → \(ISO8601DateFormatter().string(from: due))"
        case .markProcessed(let electronic): electronic ? "kết quả điện tử" : "kết quả giấy"
        case .returnResult(let method): method
        case .withdraw(let reason): reason ?? ""
        case .accept, .completeSupplement: ""
        }
    }

    /// The timeline detail of a dossier's receipt: its channel and how many components came with it.
    public static func receiptDetail(_ dossier: Dossier) -> String {
        "\(dossier.channel.rawValue): \(dossier.components.count) thành phần"
    }
}
