import FluentKit
import Foundation
import ParCore
import ParStore
import Vapor

/// The service centre floor's service, called by its API handlers and its pages alike: finding a
/// centre, the ticket's follow link, the board's state, booking an appointment and starting a payment.
struct CentreService {
    let stores: Stores

    /// A centre by its id text (pages and API): any current unit (404 otherwise).
    func centre(_ raw: String?, request: Request) async throws -> OrgUnit {
        guard let raw, let id = OrgUnit.ID(string: raw), let record = try await stores.units.find(id), record.unit.validTo == nil else {
            throw Problem.notFound("Không tìm thấy trung tâm.", english: "No such centre.")
        }
        return record.unit
    }

    static func ticketLink(_ ticket: QueueTicket, request: Request) -> String {
        Paths.queueTicket.link(ticket.id) + "?t=" + SignedToken.make("ticket", ticket.id.description, key: request.application.parConfig.secret)
    }

    struct BoardState: Codable, Equatable {
        struct Call: Codable, Equatable {
            let number: String
            let desk: Int
            let deskName: String
            let field: String
            let recalls: Int
        }
        struct Waiting: Codable, Equatable {
            let field: String
            let count: Int
        }
        let calls: [Call]
        let waiting: [Waiting]
    }

    /// The board's calls and waiting counts now (the page, the API and each tick of the event stream).
    func boardState(_ unit: OrgUnit.ID, now: Date) async throws -> BoardState {
        let repository = stores.centres
        let board = try await repository.board(unit, now: now)
        let desks = Dictionary(uniqueKeysWithValues: try await repository.desks(unit).map { ($0.id, $0) })
        return BoardState(
            calls: board.calls.map { t in
                let desk = t.deskID.flatMap { desks[$0] }
                return .init(number: t.label, desk: desk?.number ?? 0, deskName: desk?.name ?? "", field: t.field, recalls: t.recalls)
            },
            waiting: board.waiting.keys.sorted().map { .init(field: $0, count: board.waiting[$0]!) })
    }

    /// Books from raw input (form or API).
    func book(unit: OrgUnit.ID, field: String?, day: String?, slot: String?, name: String?, email: String? = nil, phone: String? = nil,
                     request: Request) async throws -> (Appointment, secret: String) {
        let settings = try await stores.centres.settings(unit)
        guard let field, try await stores.centres.fieldChoices(unit).contains(VietnameseText.clean(field)) else {
            throw DomainError.invalid("Chọn lĩnh vực.", english: "Choose a field.", field: "field")
        }
        guard let day = day.flatMap(LocalDate.init(iso:)) else {
            throw DomainError.invalid("Chọn ngày.", english: "Choose a day.", field: "day")
        }
        guard let time = slot.flatMap(TimeOfDay.init(text:)) else {
            throw DomainError.invalid("Chọn khung giờ.", english: "Choose a time.", field: "slot")
        }
        let contact = try Appointment.checkedContact(email: email, phone: phone, smsAvailable: request.application.parConfig.smsAvailable)
        let calendar = try await stores.calendar.calendar()
        return try await stores.appointments.book(
            unit: unit, field: field, slot: AppointmentSlot(day: day, start: time, minutes: settings.slotMinutes), name: name, contact: contact,
            settings: settings, calendar: calendar, now: request.now)
    }

    /// Records a counter payment or opens an online one (the API and the page); the officer must
    /// be allowed to receive dossiers at the dossier's receiving unit.
    func startPayment(_ dossier: Dossier, method: String?, amount: Int?, receipt: String?, provider: String?, request: Request) async throws -> Payment {
        let principal = try request.requirePrincipal()
        guard let unit = try await stores.units.find(dossier.receivingUnitID), principal.may(.receiveDossiers, onUnitWithAncestry: unit.ancestry) else {
            throw Problem.forbidden()
        }
        let procedure = try await stores.procedures.find(dossier.procedureID)
        let amount = amount ?? procedure.map(Payment.due) ?? 0
        let repository = stores.payments
        switch method {
        case "counter":
            return try await repository.recordAtCounter(dossier: dossier, amountVND: amount, receipt: receipt ?? "", actor: request.auditActor, now: request.now)
        case "online":
            guard let name = provider, let found = PaymentProviders.find(name, app: request.application) else {
                throw DomainError.invalid("Chọn nhà cung cấp thanh toán.", english: "Choose a payment provider.", field: "provider")
            }
            return try await repository.startOnline(dossier: dossier, amountVND: amount, provider: found.name, actor: request.auditActor, now: request.now)
        default:
            throw DomainError.invalid("Chọn hình thức thanh toán.", english: "Choose how it is paid.", field: "method")
        }
    }

    /// Creates or changes a desk of a centre: an id already used by another centre's desk is no desk of this one (404).
    func saveDesk(_ desk: ServiceDesk, request: Request) async throws -> ServiceDesk {
        let repository = stores.centres
        if let existing = try await repository.desk(desk.id), existing.unitID != desk.unitID {
            throw Problem.notFound("Không tìm thấy quầy.", english: "No such desk.")
        }
        return try await repository.saveDesk(desk, actor: request.auditActor, now: request.now)
    }

    /// Changes a centre's booking settings (the office sessions stay the calendar's); `CentreSettings.validate` decides.
    func saveSettings(slotMinutes: Int, capacityPerSlot: Int, bookingDaysAhead: Int, unit: OrgUnit.ID, request: Request) async throws -> CentreSettings {
        let repository = stores.centres
        var settings = try await repository.settings(unit)
        settings.slotMinutes = slotMinutes
        settings.capacityPerSlot = capacityPerSlot
        settings.bookingDaysAhead = bookingDaysAhead
        try await repository.saveSettings(settings, unit: unit, actor: request.auditActor, now: request.now)
        return settings
    }
}

extension Stores {
    /// The `CentreService` feature service, on these stores.
    var centreService: CentreService { CentreService(stores: self) }
}
