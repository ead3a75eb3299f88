import Foundation
import ParCore
import ParStore
import Vapor

/// Booking a time at a service centre (public): choose a field and a day, see each slot's free
/// places, book with an optional name; the confirmation shows the code (and its QR code for
/// the kiosk) and a secret that cancels the booking.
struct BookingPages {
    let stores: Stores

    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.appointmentBook.pattern, use: form)
        routes.post(Paths.appointmentBook.pattern, use: book)
        routes.get(Paths.appointmentStatus.pattern, use: status)
        routes.post(Paths.appointmentCancel.pattern, use: cancel)
    }

    typealias Option = PlanPages.Option

    struct SlotLine: Encodable {
        let value: String
        let label: String
        let free: Int
    }

    struct FormContext: Encodable {
        let centre: String
        let action: String
        let fields: [Option]
        let days: [Option]
        let field: String
        let day: String
        let slots: [SlotLine]
        let name: String
        let email: String
        let phone: String
        /// Whether a reminder may go by SMS (an SMS provider is configured).
        let sms: Bool
        let errors: [FormError]?
    }

    func renderForm(_ request: Request, form: [String: String]? = nil, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let unit = try await QueuePages.centre(request, stores: stores)
        let repository = stores.centres
        let settings = try await repository.settings(unit.id)
        let calendar = try await stores.calendar.calendar()
        let days = settings.bookableDays(from: request.now, isWorkingDay: { (try? calendar.isWorkingDay($0)) ?? false })
        let fields = try await repository.fieldChoices(unit.id)
        let field = form?["field"] ?? (try? request.query.get(String.self, at: "field")) ?? ""
        let day = LocalDate(iso: form?["day"] ?? (try? request.query.get(String.self, at: "day")) ?? "").flatMap { days.contains($0) ? $0 : nil }
        var slots: [SlotLine] = []
        if let day, fields.contains(field) {
            for (slot, booked) in try await stores.appointments.availability(unit: unit.id, field: field, day: day, settings: settings)
            where slot.startInstant > request.now {
                slots.append(SlotLine(value: slot.key, label: "\(slot.key) (\(slot.minutes) \(Messages.text("booking-pages.min", en: en)))", free: max(0, settings.capacityPerSlot - booked)))
            }
        }
        let context = FormContext(
            centre: unit.name, action: Paths.appointmentBook.link(unit.id),
            fields: fields.map { Option(value: $0, label: $0, selected: $0 == field) },
            days: days.map { Option(value: $0.iso, label: $0.shown, selected: $0 == day) },
            field: field, day: day?.iso ?? "", slots: slots, name: form?["name"] ?? "", email: form?["email"] ?? "", phone: form?["phone"] ?? "",
            sms: request.application.parConfig.smsAvailable, errors: errors)
        return try await Page.render("appointment-book", title: Messages.text("appointment-book.book-a-time", en: en), context: context, request: request, failed: errors != nil)
    }

    @Sendable func form(_ request: Request) async throws -> Response { try await renderForm(request) }

    @Sendable func book(_ request: Request) async throws -> Response {
        let unit = try await QueuePages.centre(request, stores: stores)
        let form = try request.content.decode([String: String].self)
        do {
            let (appointment, secret) = try await stores.centreService.book(unit: unit.id, field: form["field"], day: form["day"], slot: form["slot"], name: form["name"],
                                                                     email: form["email"], phone: form["phone"], request: request)
            return request.redirect(to: Paths.appointmentStatus.rawValue + "?code=\(appointment.code)&secret=\(secret)&new=1")
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderForm(request, form: form, errors: errors)
        }
    }

    struct StatusContext: Encodable {
        let code: String
        let secret: String
        let isNew: Bool
        let centre: String
        let field: String
        let day: String
        let slot: String
        let status: String
        let canCancel: Bool
        let qr: String?
        let kiosk: String
    }

    func renderStatus(_ request: Request, _ a: Appointment, secret: String, isNew: Bool) async throws -> Response {
        let en = Language.of(request) == .en
        let context = StatusContext(
            code: a.code, secret: secret, isNew: isNew, centre: try await stores.units.find(a.unitID)?.unit.name ?? "", field: a.field,
            day: a.slot.day.shown, slot: a.slot.key,
            status: a.status.name(en: en), canCancel: a.status == .booked,
            qr: try? QRCode(text: a.code, correction: .medium).svg(moduleSize: 4, quietZone: 4, title: Messages.text("booking-pages.qr-code-appointment-code", en: en)),
            kiosk: Paths.kiosk.link(a.unitID))
        let response = try await Page.render("appointment", title: "\(Messages.text("appointment.appointment", en: en)) \(a.code)", context: context, request: request)
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    func lookedUp(_ request: Request, code: String?, secret: String?) async throws -> Appointment {
        guard let code, let secret, let found = try await stores.appointments.lookup(code: code, secret: secret) else {
            throw Problem.notFound("Không tìm thấy lịch hẹn với mã và mã bí mật này.", english: "No appointment has this code and secret.")
        }
        return found
    }

    @Sendable func status(_ request: Request) async throws -> Response {
        let code = try? request.query.get(String.self, at: "code"), secret = try? request.query.get(String.self, at: "secret")
        return try await renderStatus(request, try await lookedUp(request, code: code, secret: secret), secret: secret ?? "",
                                      isNew: (try? request.query.get(String.self, at: "new")) == "1")
    }

    @Sendable func cancel(_ request: Request) async throws -> Response {
        let form = try request.content.decode([String: String].self)
        let found = try await lookedUp(request, code: form["code"], secret: form["secret"])
        let cancelled = try await stores.appointments.cancel(code: found.code, secret: form["secret"] ?? "", now: request.now)
        return try await renderStatus(request, cancelled, secret: form["secret"] ?? "", isNew: false)
    }
}
