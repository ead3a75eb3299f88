import Foundation
import ParCore
import ParStore
import Vapor

/// The service centre floor: queue tickets and the board (public), a desk calling its next
/// ticket (operateDesk), appointments (public), fee payments (receiveDossiers / viewDossiers)
/// with provider callbacks (public, signed), and the National Portal export (exportPortal).
extension ParAPI {
    static func ticket(_ t: QueueTicket, desk: Int?, request: Request) -> Components.Schemas.QueueTicket {
        .init(id: t.id.description, number: t.label, field: t.field, status: .init(rawValue: t.status.rawValue)!, day: t.day.iso,
              issuedAt: t.issuedAt, desk: desk, followUrl: request.application.parConfig.publicURL + CentreService.ticketLink(t, request: request))
    }

    func issueTicket(_ input: Operations.IssueTicket.Input) async throws -> Operations.IssueTicket.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.centreService.centre(input.path.unitId, request: request)
        let ticket = try await stores.centres.issueTicket(unit: unit.id, field: body.field, appointmentCode: body.appointmentCode,
                                                                                  now: request.now)
        return .created(.init(body: .json(Self.ticket(ticket, desk: nil, request: request))))
    }

    func getBoard(_ input: Operations.GetBoard.Input) async throws -> Operations.GetBoard.Output {
        let request = try self.request
        let unit = try await stores.centreService.centre(input.path.unitId, request: request)
        let state = try await stores.centreService.boardState(unit.id, now: request.now)
        return .ok(.init(body: .json(.init(
            calls: state.calls.map { .init(number: $0.number, desk: $0.desk, deskName: $0.deskName, field: $0.field, recalls: $0.recalls) },
            waiting: state.waiting.map { .init(field: $0.field, count: $0.count) }))))
    }

    static func desk(_ d: ServiceDesk) -> Components.Schemas.ServiceDesk {
        .init(id: d.id.description, number: d.number, name: d.name, fields: d.fields, active: d.active)
    }

    func listDesks(_ input: Operations.ListDesks.Input) async throws -> Operations.ListDesks.Output {
        let request = try self.request
        let unit = try await stores.centreService.centre(input.path.unitId, request: request)
        let repository = stores.centres
        return .ok(.init(body: .json(.init(fields: try await repository.fieldChoices(unit.id),
                                           items: try await repository.desks(unit.id).map(Self.desk)))))
    }

    func saveDesk(_ input: Operations.SaveDesk.Input) async throws -> Operations.SaveDesk.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .manageCentre)
        guard let id = ServiceDesk.ID(string: input.path.deskId) else { throw Problem.notFound("Không tìm thấy quầy.", english: "No such desk.") }
        let desk = try await stores.centreService.saveDesk(ServiceDesk(id: id, unitID: unit.unit.id, number: body.number, name: body.name ?? "",
                                                                fields: body.fields ?? [], active: body.active ?? true), request: request)
        return .ok(.init(body: .json(Self.desk(desk))))
    }

    static func settings(_ s: CentreSettings) -> Components.Schemas.CentreSettings {
        .init(slotMinutes: .init(rawValue: s.slotMinutes) ?? ._30, capacityPerSlot: s.capacityPerSlot, bookingDaysAhead: s.bookingDaysAhead)
    }

    func getCentreSettings(_ input: Operations.GetCentreSettings.Input) async throws -> Operations.GetCentreSettings.Output {
        let request = try self.request
        let unit = try await stores.centreService.centre(input.path.unitId, request: request)
        return .ok(.init(body: .json(Self.settings(try await stores.centres.settings(unit.id)))))
    }

    func putCentreSettings(_ input: Operations.PutCentreSettings.Input) async throws -> Operations.PutCentreSettings.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .manageCentre)
        let saved = try await stores.centreService.saveSettings(slotMinutes: body.slotMinutes.rawValue, capacityPerSlot: body.capacityPerSlot,
                                                         bookingDaysAhead: body.bookingDaysAhead, unit: unit.unit.id, request: request)
        return .ok(.init(body: .json(Self.settings(saved))))
    }

    func cancelAppointment(_ input: Operations.CancelAppointment.Input) async throws -> Operations.CancelAppointment.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let a = try await stores.appointments.cancel(code: VietnameseText.clean(body.code).uppercased(),
                                                                       secret: VietnameseText.clean(body.secret), now: request.now)
        return .ok(.init(body: .json(.init(code: a.code, day: a.slot.day.iso, start: a.slot.key, field: a.field, status: .init(rawValue: a.status.rawValue)!))))
    }

    func callNextTicket(_ input: Operations.CallNextTicket.Input) async throws -> Operations.CallNextTicket.Output {
        let request = try self.request
        let principal = try principal()
        let unit = try await stores.access(request).authorizedUnit(input.path.unitId, .operateDesk)
        guard let id = ServiceDesk.ID(string: input.path.deskId), let desk = try await stores.centres.desk(id),
              desk.unitID == unit.unit.id, desk.active else {
            throw Problem.notFound("Không tìm thấy quầy.", english: "No such desk.")
        }
        guard let called = try await stores.centres.callNext(desk: desk, officer: principal.username, actor: request.auditActor,
                                                                                     now: request.now) else {
            return .noContent(.init())
        }
        return .ok(.init(body: .json(Self.ticket(called, desk: desk.number, request: request))))
    }

    func listSlots(_ input: Operations.ListSlots.Input) async throws -> Operations.ListSlots.Output {
        let request = try self.request
        let unit = try await stores.centreService.centre(input.path.unitId, request: request)
        guard let day = LocalDate(iso: input.query.day) else {
            throw Problem.badRequest("Ngày không hợp lệ (YYYY-MM-DD).", english: "Not a valid day (YYYY-MM-DD).", field: "day")
        }
        let settings = try await stores.centres.settings(unit.id)
        let calendar = try await stores.calendar.calendar()
        let working = settings.bookableDays(from: request.now, isWorkingDay: { (try? calendar.isWorkingDay($0)) ?? false }).contains(day)
        let slots = working ? try await stores.appointments.availability(
            unit: unit.id, field: VietnameseText.clean(input.query.field), day: day, settings: settings) : []
        return .ok(.init(body: .json(.init(items: slots.filter { $0.0.startInstant > request.now }.map {
            .init(start: $0.0.key, minutes: $0.0.minutes, free: max(0, settings.capacityPerSlot - $0.booked))
        }))))
    }

    func bookAppointment(_ input: Operations.BookAppointment.Input) async throws -> Operations.BookAppointment.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let unit = try await stores.centreService.centre(input.path.unitId, request: request)
        let (a, secret) = try await stores.centreService.book(unit: unit.id, field: body.field, day: body.day, slot: body.start, name: body.name,
                                                       email: body.email, phone: body.phone, request: request)
        return .created(.init(body: .json(.init(code: a.code, secret: secret, day: a.slot.day.iso, start: a.slot.key, field: a.field,
                                                status: .init(rawValue: a.status.rawValue)!))))
    }

    // MARK: Payments

    static func payment(_ p: Payment, request: Request) -> Components.Schemas.Payment {
        .init(id: p.id.description, dossierId: p.dossierID.description, amount: p.amountVND, method: .init(rawValue: p.method.rawValue)!,
              provider: p.provider, status: .init(rawValue: p.status.rawValue)!, reference: p.reference, createdAt: p.createdAt, paidAt: p.paidAt,
              payUrl: p.method == .online && p.status != .succeeded ? request.application.parConfig.publicURL + Paths.payment.link(p.id) : nil)
    }

    func listPayments(_ input: Operations.ListPayments.Input) async throws -> Operations.ListPayments.Output {
        let request = try self.request
        let dossier = try await stores.dossierService.viewable(request, id: input.path.dossierId)
        let procedure = try await stores.procedures.find(dossier.procedureID)
        let payments = try await stores.payments.payments(of: dossier.id)
        return .ok(.init(body: .json(.init(due: procedure.map(Payment.due) ?? 0, items: payments.map { Self.payment($0, request: request) }))))
    }

    func createPayment(_ input: Operations.CreatePayment.Input) async throws -> Operations.CreatePayment.Output {
        let request = try self.request
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let dossier = try await stores.dossierService.viewable(request, id: input.path.dossierId)
        let payment = try await stores.centreService.startPayment(dossier, method: body.method.rawValue, amount: body.amount, receipt: body.receipt,
                                                   provider: body.provider, request: request)
        return .created(.init(body: .json(Self.payment(payment, request: request))))
    }

    func paymentCallback(_ input: Operations.PaymentCallback.Input) async throws -> Operations.PaymentCallback.Output {
        let request = try self.request
        guard case .json = input.body, let buffer = request.body.data else { throw Problem(status: .unsupportedMediaType) }
        let result = try await PaymentProviders.receive(provider: input.path.provider, body: Array(buffer.readableBytesView),
                                                        signature: input.headers.xPaymentSignature, payments: stores.payments, request: request)
        let status: Payment.Status? = switch result {
        case .applied(let p), .duplicate(let p), .stale(let p): p.status
        case .rejected: nil
        }
        return .ok(.init(body: .json(.init(result: .init(rawValue: result.name)!, status: status.flatMap { .init(rawValue: $0.rawValue) }))))
    }

    // MARK: National Portal export

    func exportPortal(_ input: Operations.ExportPortal.Input) async throws -> Operations.ExportPortal.Output {
        let request = try self.request
        try principal().require(.exportPortal)
        let cursor: PortalCursor
        if let raw = input.query.cursor, !raw.isEmpty {
            guard let parsed = PortalCursor(token: raw) else {
                throw Problem.badRequest("Con trỏ không hợp lệ.", english: "Not a valid cursor.", field: "cursor")
            }
            cursor = parsed
        } else {
            cursor = .start
        }
        let settled = request.now.addingTimeInterval(-request.application.parConfig.portalExportSettle)
        let (records, next) = try await stores.portalExport.records(after: cursor, limit: input.query.limit ?? 500, settledBefore: settled)
        return .ok(.init(body: .json(.init(nextCursor: next.token, records: records.map {
            .init(cursor: $0.cursor, dossierCode: $0.dossierCode, procedureCode: $0.procedureCode, unitCode: $0.unitCode, channelCode: $0.channelCode,
                  statusCode: $0.statusCode, event: $0.event, eventSeq: $0.eventSeq, at: $0.at, receivedAt: $0.receivedAt, dueAt: $0.dueAt)
        }))))
    }
}
