import Foundation

// What a commitment, a meeting, an attendance mark, a tracked figure and an ISO status must be
// before they are stored: texts cleaned (`VietnameseText.clean`), lengths counted in code points as
// the API schema's `maxLength` counts them.

extension Commitment {
    /// The commitment as stored: a leader (up to 200 characters) and a text (up to 2,000), a measure
    /// among `metrics` (the 766 indicators, the satisfaction index, the plan's completion), a target of
    /// 0–100 % for a year from 2000 to 2100.
    public func normalised(metrics: Set<String>) throws(DomainError) -> Commitment {
        var c = self
        c.leader = VietnameseText.clean(leader)
        c.text = VietnameseText.clean(text)
        guard !c.leader.isEmpty, c.leader.unicodeScalars.count <= 200, !c.text.isEmpty, c.text.unicodeScalars.count <= 2000 else {
            throw .invalid("Cần người cam kết và nội dung.", english: "A leader and a text are required.", field: "text")
        }
        guard metrics.contains(c.metric) else {
            throw .invalid("Không có chỉ tiêu này.", english: "No such measure.", field: "metric")
        }
        guard c.target.isFinite, (0...1).contains(c.target), (2000...2100).contains(c.year) else {
            throw .invalid("Chỉ tiêu từ 0 đến 100%.", english: "A target is 0–100%.", field: "target")
        }
        return c
    }
}

extension Meeting {
    /// The meeting as stored: a time in a year from 2000 to 2100, a title (up to 300 characters), 1 to
    /// 300 attendees named (up to 200 characters each; blank names left out).
    public func normalised() throws(DomainError) -> Meeting {
        var meeting = self
        meeting.title = VietnameseText.clean(title)
        meeting.attendees = attendees.map { Attendee(unitID: $0.unitID, person: VietnameseText.clean($0.person)) }.filter { !$0.person.isEmpty }
        guard VietnamTime.isRepresentable(meeting.at), (2000...2100).contains(VietnamTime.localDate(of: meeting.at).year) else {
            throw .invalid("Thời gian họp không hợp lệ.", english: "Not a valid time.", field: "at")
        }
        guard !meeting.title.isEmpty, meeting.title.unicodeScalars.count <= 300 else {
            throw .invalid("Cần tên cuộc họp.", english: "A title is required.", field: "title")
        }
        guard (1...300).contains(meeting.attendees.count), meeting.attendees.allSatisfy({ $0.person.unicodeScalars.count <= 200 }) else {
            throw .invalid("Cần từ 1 đến 300 người dự họp.", english: "A meeting has 1 to 300 attendees.", field: "attendees")
        }
        return meeting
    }
}

extension Meeting.Attendance {
    /// The reason stored with this mark (cleaned; nil when blank): required for an excused absence,
    /// up to 500 characters.
    public func reason(_ raw: String?) throws(DomainError) -> String? {
        let reason = raw.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        if self == .absentWithReason, reason == nil {
            throw .invalid("Vắng có lý do cần ghi lý do.", english: "An excused absence needs its reason.", field: "reason")
        }
        guard (reason?.unicodeScalars.count ?? 0) <= 500 else {
            throw .invalid("Lý do tối đa 500 ký tự.", english: "A reason is up to 500 characters.", field: "reason")
        }
        return reason
    }
}

extension TrackedIndicator {
    /// Checks a month's figure: the month as `YYYY-MM`, the value a share of 0–100 %.
    public static func check(month: String, value: Double) throws(DomainError) {
        guard month.count == 7, LocalDate(iso: month + "-01") != nil else {
            throw .invalid("Tháng dạng YYYY-MM.", english: "A month is YYYY-MM.", field: "month")
        }
        guard value.isFinite, (0...1).contains(value) else {
            throw .invalid("Tỷ lệ từ 0 đến 100%.", english: "A share is 0–100%.", field: "value")
        }
    }
}

extension IsoStatus {
    /// The status as stored: the certificate number cleaned, up to 200 characters.
    public func normalised() throws(DomainError) -> IsoStatus {
        var status = self
        status.certificate = VietnameseText.clean(certificate)
        guard status.certificate.unicodeScalars.count <= 200 else {
            throw .invalid("Số chứng nhận tối đa 200 ký tự.", english: "A certificate number is up to 200 characters.", field: "certificate")
        }
        return status
    }
}
