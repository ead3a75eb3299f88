import Foundation
import ParCore
import ParStore
import Vapor

/// What an officer asks to do to a dossier, read from a JSON body or a page form alike.
struct DossierActionInput: Sendable {
    var action: DossierEvent.Kind
    var toUnitID: String?
    var electronic: Bool?
    var note: String?
    var reason: String?
    var items: [String]?
    var newDueAt: Date?
    var method: String?
}

/// The dossier feature's service, called by its API handlers and its pages alike: loading a dossier
/// with the caller's access checked, where the caller stands towards it (`DossierStanding`, ParCore),
/// and applying an action. Reading needs viewDossiers on the receiving or the holding unit; the
/// counter's actions need receiveDossiers on the receiving unit, processing actions processDossiers on
/// the holding unit (or the counter's, while the dossier is still there) — `Dossier.availableActions`.
struct DossierService {
    let stores: Stores

    /// The applicant's choice of SMS notices; refused (422) while no SMS provider is configured.
    func notifyBy(_ raw: String?, request: Request) throws -> OutboxMessage.Channel? {
        guard raw == OutboxMessage.Channel.sms.rawValue else { return nil }
        guard request.application.parConfig.smsAvailable else {
            throw Problem(DomainError.invalid("Chưa có nhà mạng gửi tin nhắn; hãy chọn thư điện tử.",
                                              english: "No SMS provider is configured; choose e-mail.", field: "applicant.notifyBy"))
        }
        return .sms
    }

    /// Loads the dossier (404 when unknown) and runs the route's permission check on it.
    func authorized(_ raw: String, request: Request, check: (Dossier, Principal) async throws -> Void) async throws -> Dossier {
        let principal = try request.requirePrincipal()
        guard let id = Dossier.ID(string: raw), let dossier = try await stores.dossiers.find(id) else {
            throw Problem.notFound("Không tìm thấy hồ sơ.", english: "Dossier not found.")
        }
        try await check(dossier, principal)
        return dossier
    }

    /// The dossier, if the principal may view it (`id`, or the route's `dossierID`).
    func viewable(_ request: Request, id: String? = nil) async throws -> Dossier {
        try await authorized(id ?? request.parameters.get("dossierID") ?? "", request: request) { dossier, principal in
            try await stores.access(request).require(principal, .viewDossiers, onAnyOf: [dossier.receivingUnitID, dossier.holderUnitID])
        }
    }

    /// The dossier, if the principal works at its receiving unit's counter (reissuing the receipt,
    /// the counter's survey kiosk).
    func atCounter(_ request: Request, id: String? = nil) async throws -> Dossier {
        try await authorized(id ?? request.parameters.get("dossierID") ?? "", request: request) { dossier, principal in
            try await stores.access(request).require(principal, .receiveDossiers, onAnyOf: [dossier.receivingUnitID])
        }
    }

    /// Where the principal stands towards the dossier; `holder` when the caller already loaded the holding unit.
    func standing(_ principal: Principal, on dossier: Dossier, holder: UnitRecord? = nil, request: Request) async throws -> DossierStanding {
        var holding = holder
        if holding == nil { holding = try await stores.units.find(dossier.holderUnitID) }
        var receiving = holding
        if dossier.receivingUnitID != dossier.holderUnitID { receiving = try await stores.units.find(dossier.receivingUnitID) }
        return DossierStanding(principal, on: dossier, receivingAncestry: receiving?.ancestry, holderAncestry: holding?.ancestry)
    }

    /// The dossier, if the principal may attach files to it (the counter or a processor; 403 otherwise).
    func forFiles(_ request: Request, id: String? = nil) async throws -> Dossier {
        let dossier = try await viewable(request, id: id)
        try await requireFileActor(dossier, request: request)
        return dossier
    }

    /// 403 unless the principal may attach files to the dossier.
    func requireFileActor(_ dossier: Dossier, request: Request) async throws {
        guard try await standing(try request.requirePrincipal(), on: dossier, request: request).mayAttachFiles else { throw Problem.forbidden() }
    }

    /// Applies an action if the principal sits at the desk that takes it (403 otherwise); the state
    /// machine (`Dossier.apply`) decides whether the dossier's state allows it (409 otherwise).
    func act(_ input: DossierActionInput, on raw: String, expectedVersion: Int?, request: Request) async throws -> Dossier {
        let event = try await event(input, request: request)
        let dossier = try await authorized(raw, request: request) { dossier, principal in
            guard try await standing(principal, on: dossier, request: request).sits(at: event.kind.desk) else { throw Problem.forbidden() }
        }
        return try await stores.dossiers.act(dossier.id, expectedVersion: expectedVersion, event: event,
                                                               actor: request.auditActor, now: request.now,
                                                               surveyLink: event.kind == .returnResult ? SurveyLinks.url(for: dossier, request: request) : nil)
    }

    /// The event an action input asks for, its details checked (an existing unit, a reason, a new appointment, a return method).
    func event(_ input: DossierActionInput, request: Request) async throws -> DossierEvent {
        func unit() async throws -> OrgUnit.ID {
            guard let raw = input.toUnitID, let id = OrgUnit.ID(string: raw), try await stores.units.find(id) != nil else {
                throw Problem(DomainError.invalid("Cần đơn vị nhận hồ sơ.", english: "toUnitId must name an existing unit.", field: "toUnitId"))
            }
            return id
        }
        func reason() throws -> String {
            guard let text = input.reason.map(VietnameseText.clean), !text.isEmpty else {
                throw Problem(DomainError.invalid("Cần ghi lý do.", english: "A reason is required.", field: "reason"))
            }
            return text
        }
        switch input.action {
        case .accept: return .accept
        case .forward: return .forward(to: try await unit(), electronic: input.electronic ?? true, note: input.note.map(VietnameseText.clean))
        case .sendBack: return .sendBack(to: try await unit(), reason: try reason())
        case .requestSupplement: return .requestSupplement(items: (input.items ?? []).map(VietnameseText.clean).filter { !$0.isEmpty })
        case .completeSupplement: return .completeSupplement
        case .apologise:
            guard let due = input.newDueAt else {
                throw Problem(DomainError.invalid("Cần ngày hẹn mới.", english: "newDueAt is required.", field: "newDueAt"))
            }
            return .apologise(reason: try reason(), newDueAt: due)
        case .markProcessed: return .markProcessed(electronicResult: input.electronic ?? false)
        case .returnResult:
            let method = input.method ?? "counter"
            guard ["counter", "post", "electronic"].contains(method) else {
                throw Problem(DomainError.invalid("Cách trả kết quả không hợp lệ.", english: "method must be counter, post or electronic.", field: "method"))
            }
            return .returnResult(method: method)
        case .refuse: return .refuse(reason: try reason())
        case .withdraw: return .withdraw(reason: input.reason.map(VietnameseText.clean))
        case .stop: return .stop(reason: try reason())
        }
    }
}

extension Stores {
    /// The `DossierService` feature service, on these stores.
    var dossierService: DossierService { DossierService(stores: self) }
}
