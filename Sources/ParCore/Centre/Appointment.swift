import Foundation

/// How a centre takes bookings: slot length, citizens per slot and field, how far ahead,
/// and its office hours (the slots cut them into pieces). Set by the centre; defaults below.
public struct CentreSettings: Hashable, Sendable, Codable {
    public var slotMinutes: Int
    public var capacityPerSlot: Int
    public var bookingDaysAhead: Int
    public var officeHours: OfficeHours

    public init(slotMinutes: Int = 30, capacityPerSlot: Int = 4, bookingDaysAhead: Int = 14, officeHours: OfficeHours = .standard) {
        self.slotMinutes = slotMinutes
        self.capacityPerSlot = capacityPerSlot
        self.bookingDaysAhead = bookingDaysAhead
        self.officeHours = officeHours
    }

    public static let standard = CentreSettings()

    public func validate() throws(DomainError) {
        guard [10, 15, 20, 30, 45, 60, 90, 120].contains(slotMinutes) else {
            throw .invalid("Độ dài khung giờ: 10, 15, 20, 30, 45, 60, 90 hoặc 120 phút.", english: "A slot lasts 10, 15, 20, 30, 45, 60, 90 or 120 minutes.",
                           field: "slotMinutes")
        }
        guard (1...200).contains(capacityPerSlot) else {
            throw .invalid("Số người mỗi khung giờ từ 1 đến 200.", english: "Capacity per slot is 1–200.", field: "capacityPerSlot")
        }
        guard (1...90).contains(bookingDaysAhead) else {
            throw .invalid("Đặt trước tối đa từ 1 đến 90 ngày.", english: "Booking ahead is 1–90 days.", field: "bookingDaysAhead")
        }
    }

    /// The slots of a working day: each session cut into `slotMinutes` pieces (a last piece
    /// shorter than a slot is dropped).
    public func slots(on day: LocalDate) -> [AppointmentSlot] {
        var result: [AppointmentSlot] = []
        for session in officeHours.sessions {
            var start = session.start.secondsSinceMidnight
            while start + slotMinutes * 60 <= session.end.secondsSinceMidnight {
                if let time = TimeOfDay(hour: start / 3600, minute: (start % 3600) / 60) {
                    result.append(AppointmentSlot(day: day, start: time, minutes: slotMinutes))
                }
                start += slotMinutes * 60
            }
        }
        return result
    }

    /// The days a citizen can book from `now`: working days from today through `bookingDaysAhead`
    /// calendar days later (`isWorkingDay` from the calendar).
    public func bookableDays(from now: Date, isWorkingDay: (LocalDate) -> Bool) -> [LocalDate] {
        let today = VietnamTime.localDate(of: now)
        return (0...bookingDaysAhead).map { today.adding(days: $0) }.filter(isWorkingDay)
    }

    /// A booking request checked: the field (cleaned, 1 to 200 characters), the name (cleaned, up to 200,
    /// empty for none) and a slot still bookable at `now`.
    public func checkBooking(field rawField: String, name rawName: String?, slot: AppointmentSlot, at now: Date,
                             isWorkingDay: (LocalDate) -> Bool) throws(DomainError) -> (field: String, name: String?) {
        let field = VietnameseText.clean(rawField)
        guard !field.isEmpty, field.count <= 200 else {
            throw .invalid("Chọn lĩnh vực.", english: "Choose a field.", field: "field")
        }
        let name = VietnameseText.clean(rawName ?? "")
        guard name.count <= 200 else { throw .invalid("Họ tên tối đa 200 ký tự.", english: "A name is at most 200 characters.", field: "name") }
        guard isBookable(slot, at: now, isWorkingDay: isWorkingDay) else {
            throw .invalid("Khung giờ này không đặt được (đã qua, ngày nghỉ hoặc quá xa).",
                           english: "This slot cannot be booked (past, a day off or too far ahead).", field: "slot")
        }
        return (field, name.isEmpty ? nil : name)
    }

    /// Refused: the slot holds `capacityPerSlot` bookings already.
    public static let slotFull = DomainError(.conflict, "Khung giờ này đã hết chỗ; chọn khung giờ khác.", english: "This slot is full; choose another.")

    /// One more booking fits a slot that holds `booked`.
    public func checkPlace(booked: Int) throws(DomainError) {
        guard booked < capacityPerSlot else { throw Self.slotFull }
    }

    /// Whether a slot can still be booked at `now`: on a bookable day and not yet begun.
    public func isBookable(_ slot: AppointmentSlot, at now: Date, isWorkingDay: (LocalDate) -> Bool) -> Bool {
        bookableDays(from: now, isWorkingDay: isWorkingDay).contains(slot.day) && slots(on: slot.day).contains(slot) && slot.startInstant > now
    }
}

/// One bookable piece of a day: start time and length.
public struct AppointmentSlot: Hashable, Sendable, Codable, Comparable {
    public var day: LocalDate
    public var start: TimeOfDay
    public var minutes: Int

    public init(day: LocalDate, start: TimeOfDay, minutes: Int) {
        self.day = day
        self.start = start
        self.minutes = minutes
    }

    public var startInstant: Date { LocalDateTime(date: day, time: start).instant }
    /// `HH:mm`, the key the slot is stored under with its day.
    public var key: String { start.description }

    public static func < (a: AppointmentSlot, b: AppointmentSlot) -> Bool { (a.day, a.start) < (b.day, b.start) }
}

/// A citizen's booking. The code is printed and shown as a QR code; with the secret it cancels
/// the booking; at the kiosk the code turns into a ticket called first once the slot begins.
public struct Appointment: Hashable, Sendable, Codable {
    public enum Status: String, CaseIterable, Codable, Sendable {
        case booked, cancelled
        /// A ticket was taken with it at the kiosk.
        case checkedIn = "checked_in"

        public var vietnamese: String {
            switch self {
            case .booked: "Đã đặt lịch"
            case .cancelled: "Đã hủy"
            case .checkedIn: "Đã lấy số"
            }
        }

        public var english: String {
            switch self {
            case .booked: "Booked"
            case .cancelled: "Cancelled"
            case .checkedIn: "Checked in"
            }
        }
    }

    public var id: UUID
    public var code: String
    public var unitID: OrgUnit.ID
    public var field: String
    public var slot: AppointmentSlot
    public var name: String?
    public var status: Status
    public var ticketID: QueueTicket.ID?
    /// Where the reminder the day before goes (`Reminders.appointmentNotice`), if the citizen gave
    /// it: an e-mail address, or a phone for an SMS. Erased once the day has passed.
    public var email: String?
    public var phone: String?

    public init(id: UUID, code: String, unitID: OrgUnit.ID, field: String, slot: AppointmentSlot, name: String?, status: Status,
                ticketID: QueueTicket.ID? = nil, email: String? = nil, phone: String? = nil) {
        self.id = id
        self.code = code
        self.unitID = unitID
        self.field = field
        self.slot = slot
        self.name = name
        self.status = status
        self.ticketID = ticketID
        self.email = email
        self.phone = phone
    }

    /// The reminder's contact as typed, cleaned and checked: an e-mail address (`Citizen.checkedEmail`)
    /// and a Vietnamese phone number (`DossierSearch.phoneKey`: 10 digits from 0), each optional; a
    /// phone only where SMS can be sent (`smsAvailable`).
    public static func checkedContact(email rawEmail: String?, phone rawPhone: String?, smsAvailable: Bool)
        throws(DomainError) -> (email: String?, phone: String?) {
        let email = rawEmail.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        let phone = rawPhone.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        var checked: (email: String?, phone: String?) = (nil, nil)
        if let email { checked.email = try Citizen.checkedEmail(email) }
        if let phone {
            guard smsAvailable else {
                throw .invalid("Chưa nhắc lịch hẹn qua tin nhắn được; hãy để lại địa chỉ thư điện tử.",
                               english: "Reminders by SMS are not available; give an e-mail address instead.", field: "phone")
            }
            guard let key = DossierSearch.phoneKey(phone) else {
                throw .invalid("Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).",
                               english: "That is not a valid phone number (10 digits starting with 0).", field: "phone")
            }
            checked.phone = key
        }
        return checked
    }

    /// Where the reminder goes: by SMS to the phone when there is one, else by e-mail; nil with neither.
    public func reminderRoute(_ notice: DossierNotice) -> (channel: OutboxMessage.Channel, recipient: String, subject: String, body: String)? {
        notice.route(code: code, email: email, smsPhone: phone)
    }
}
