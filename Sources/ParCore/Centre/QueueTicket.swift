import Foundation

/// A desk (quầy) of a Public Administration Service Centre: a number shown on the board and
/// the procedure fields it serves (empty: every field).
public struct ServiceDesk: Hashable, Sendable, Codable {
    public typealias ID = EntityID<ServiceDesk>
    public var id: ID
    public var unitID: OrgUnit.ID
    public var number: Int
    public var name: String
    public var fields: [String]
    public var active: Bool

    public init(id: ID, unitID: OrgUnit.ID, number: Int, name: String, fields: [String], active: Bool = true) {
        self.id = id
        self.unitID = unitID
        self.number = number
        self.name = name
        self.fields = fields
        self.active = active
    }

    /// Whether the desk serves tickets of `field`.
    public func serves(_ field: String) -> Bool { fields.isEmpty || fields.contains(field) }

    public func validated() throws(DomainError) -> ServiceDesk {
        var d = self
        d.name = VietnameseText.clean(name)
        d.fields = Array(Set(fields.map(VietnameseText.clean).filter { !$0.isEmpty })).sorted()
        guard (1...999).contains(d.number) else {
            throw .invalid("Số quầy từ 1 đến 999.", english: "A desk number is 1–999.", field: "number")
        }
        guard (1...120).contains(d.name.count) else {
            throw .invalid("Tên quầy cần từ 1 đến 120 ký tự.", english: "A desk name is 1–120 characters.", field: "name")
        }
        guard d.fields.count <= 40, d.fields.allSatisfy({ $0.count <= 200 }) else {
            throw .invalid("Tối đa 40 lĩnh vực, mỗi lĩnh vực 200 ký tự.", english: "At most 40 fields of 200 characters.", field: "fields")
        }
        return d
    }
}

/// A numbered queue ticket taken at the kiosk of a centre. Numbers restart at 1 each
/// Việt Nam day per centre and are unique within the day.
public struct QueueTicket: Hashable, Sendable, Codable {
    public typealias ID = EntityID<QueueTicket>

    public enum Status: String, CaseIterable, Codable, Sendable {
        /// Waiting to be called (also after a transfer to another desk).
        case waiting
        /// Called to a desk, being served.
        case called
        /// Served; the officer closed the ticket.
        case served
        /// Called but the citizen did not come (counted as abandoned).
        case skipped

        public var vietnamese: String {
            switch self {
            case .waiting: "Đang chờ"
            case .called: "Đang phục vụ"
            case .served: "Đã phục vụ"
            case .skipped: "Vắng mặt"
            }
        }

        public var english: String {
            switch self {
            case .waiting: "Waiting"
            case .called: "Being served"
            case .served: "Served"
            case .skipped: "Did not come"
            }
        }
    }

    public var id: ID
    public var unitID: OrgUnit.ID
    public var day: LocalDate
    public var number: Int
    public var field: String
    public var status: Status
    /// The desk that called it, or the desk it was transferred to while waiting.
    public var deskID: ServiceDesk.ID?
    public var officer: String?
    public var issuedAt: Date
    public var calledAt: Date?
    public var finishedAt: Date?
    public var recalls: Int
    public var transfers: Int
    public var appointmentID: UUID?
    /// The appointment slot's start, when the ticket came from a booking: called first once it has begun.
    public var priorityFrom: Date?
    public var dossierID: Dossier.ID?

    public init(id: ID, unitID: OrgUnit.ID, day: LocalDate, number: Int, field: String, status: Status = .waiting, deskID: ServiceDesk.ID? = nil,
                officer: String? = nil, issuedAt: Date, calledAt: Date? = nil, finishedAt: Date? = nil, recalls: Int = 0, transfers: Int = 0,
                appointmentID: UUID? = nil, priorityFrom: Date? = nil, dossierID: Dossier.ID? = nil) {
        self.id = id
        self.unitID = unitID
        self.day = day
        self.number = number
        self.field = field
        self.status = status
        self.deskID = deskID
        self.officer = officer
        self.issuedAt = issuedAt
        self.calledAt = calledAt
        self.finishedAt = finishedAt
        self.recalls = recalls
        self.transfers = transfers
        self.appointmentID = appointmentID
        self.priorityFrom = priorityFrom
        self.dossierID = dossierID
    }

    /// The number as printed and shown on the board: four digits.
    public var label: String { number.zeroPadded(4) }

    /// What a desk officer does with a ticket.
    public enum Action: Hashable, Sendable {
        case call(desk: ServiceDesk.ID, officer: String)
        case recall
        case skip
        case transfer(to: ServiceDesk.ID)
        case finish(dossier: Dossier.ID?)
    }

    /// The ticket after `action` at `now`, or why it cannot be done.
    public func applying(_ action: Action, at now: Date) throws(DomainError) -> QueueTicket {
        var t = self
        switch (action, status) {
        case (.call(let desk, let officer), .waiting):
            t.status = .called
            t.deskID = desk
            t.officer = officer
            t.calledAt = now
        case (.recall, .called):
            t.recalls += 1
            t.calledAt = now
        case (.skip, .called):
            t.status = .skipped
            t.finishedAt = now
        case (.transfer(let desk), .called):
            guard desk != deskID else {
                throw .invalid("Chọn một quầy khác để chuyển.", english: "Choose another desk to transfer to.", field: "deskId")
            }
            t.status = .waiting
            t.deskID = desk
            t.officer = nil
            t.calledAt = nil
            t.transfers += 1
        case (.finish(let dossier), .called):
            t.status = .served
            t.finishedAt = now
            t.dossierID = dossier ?? dossierID
        default:
            throw DomainError(.conflict, "Số \(label) đang ở trạng thái “\(status.vietnamese)”, không thực hiện được thao tác này.",
                              english: "Ticket \(label) is \(status.english.lowercased()); this action is not possible.")
        }
        return t
    }

    /// Seconds from issue to the (last) call, once called.
    public var waitingSeconds: Double? {
        guard let calledAt, status != .waiting else { return nil }
        return calledAt.timeIntervalSince(issuedAt)
    }

    /// Seconds from the call to the end of service, once served.
    public var serviceSeconds: Double? {
        guard status == .served, let calledAt, let finishedAt else { return nil }
        return finishedAt.timeIntervalSince(calledAt)
    }
}

/// Which waiting ticket a desk calls next: tickets transferred to this desk first, then booked
/// citizens whose slot has begun, then everyone else in number order.
public enum QueueOrder {
    public static func next(for desk: ServiceDesk, among waiting: [QueueTicket], at now: Date) -> QueueTicket? {
        let eligible = waiting.filter { $0.status == .waiting && ($0.deskID == desk.id || ($0.deskID == nil && desk.serves($0.field))) }
        func rank(_ t: QueueTicket) -> (Int, Int) {
            if t.deskID == desk.id { return (0, t.number) }
            if let from = t.priorityFrom, from <= now { return (1, t.number) }
            return (2, t.number)
        }
        return eligible.min { rank($0) < rank($1) }
    }
}

extension QueueTicket {
    /// The field a walk-in chooses at the kiosk (cleaned): one the centre's open desks serve (`choices`);
    /// a centre with no open desk issues no number.
    public static func field(_ raw: String?, choices: [String]) throws(DomainError) -> String {
        let chosen = VietnameseText.clean(raw ?? "")
        guard !chosen.isEmpty, chosen.count <= 200 else {
            throw .invalid("Chọn lĩnh vực cần giải quyết.", english: "Choose what you came for.", field: "field")
        }
        guard !choices.isEmpty else { throw DomainError(.conflict, "Trung tâm chưa mở quầy nào.", english: "The centre has no open desk.") }
        guard choices.contains(chosen) else {
            throw .invalid("Trung tâm không có quầy cho lĩnh vực này.", english: "No desk of this centre serves that field.", field: "field")
        }
        return chosen
    }

    /// Refused: a service is rated once.
    public static let alreadyRated = DomainError(.conflict, "Lượt phục vụ này đã được đánh giá.", english: "This service has already been rated.")

    /// A service is rated once it has ended, and once only (`rated`: a rating of it is stored).
    public func checkRatable(rated: Bool) throws(DomainError) {
        guard status == .served else { throw DomainError(.conflict, "Chỉ đánh giá sau khi được phục vụ.", english: "A service is rated after it ends.") }
        guard !rated else { throw Self.alreadyRated }
    }
}

extension Appointment {
    /// Refused: a booking is used at the kiosk, or cancelled, once.
    public static let notBooked = DomainError(.conflict, "Lịch hẹn đã được dùng để lấy số hoặc đã hủy.",
                                              english: "The appointment was already used or cancelled.")

    /// A booking checks in at the kiosk on its own day only, while still booked (not cancelled, not used).
    public static func checkIn(status: Status, day: LocalDate, today: LocalDate) throws(DomainError) {
        guard status == .booked else { throw notBooked }
        guard day == today else { throw DomainError(.conflict, "Lịch hẹn không phải hôm nay.", english: "The appointment is not for today.") }
    }

    /// The booking cancelled: only while booked (a used or cancelled one stays as it is).
    public func cancelled() throws(DomainError) -> Appointment {
        guard status == .booked else { throw Self.notBooked }
        var appointment = self
        appointment.status = .cancelled
        return appointment
    }
}
