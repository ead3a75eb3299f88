import FluentKit
import Foundation
import ParCore
import SQLKit

/// Fee payments for dossiers. A counter payment is recorded paid with its receipt number; an
/// online one waits for the provider's callbacks, each kept in `payment_callbacks` with what it
/// did. The payment row changes only by compare-and-set on (status, last sequence), and a
/// partial unique index lets a dossier be paid once, so duplicate, late or out-of-order
/// callbacks — on any instance — leave exactly one payment. A success adds `payments` (and
/// `payments_online`) to the Decision 766 counters on the day paid.
public struct PaymentRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    static let columns = ["id", "dossier_id", "amount", "method", "provider", "status", "reference", "last_sequence", "created_at", "paid_at"]

    static func load(_ row: any SQLRow) throws -> Payment {
        Payment(id: .init(try row.decode(column: "id", as: UUID.self)), dossierID: .init(try row.decode(column: "dossier_id", as: UUID.self)),
                amountVND: Int(try row.decode(column: "amount", as: Int64.self)),
                method: Payment.Method(rawValue: try row.decode(column: "method", as: String.self)) ?? .counter,
                provider: try row.decode(column: "provider", as: String.self),
                status: Payment.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                reference: try row.decode(column: "reference", as: String?.self), lastSequence: try row.decode(column: "last_sequence", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date.self), paidAt: try row.decode(column: "paid_at", as: Date?.self))
    }

    public func payments(of dossier: Dossier.ID) async throws -> [Payment] {
        try await db.sql.select().columns(Self.columns).from("payments").where("dossier_id", .equal, dossier.rawValue).orderBy("created_at").all()
            .map(Self.load)
    }

    public func find(_ id: Payment.ID) async throws -> Payment? {
        try await db.sql.select().columns(Self.columns).from("payments").where("id", .equal, id.rawValue).first().map(Self.load)
    }

    /// Whether a payment of `dossier` other than `except` has succeeded.
    static func isPaid(_ dossier: Dossier.ID, except: Payment.ID? = nil, on tx: any Database) async throws -> Bool {
        let query = try tx.sql.select().column("id").from("payments").where("dossier_id", .equal, dossier.rawValue)
            .where("status", .equal, Payment.Status.succeeded.rawValue)
        if let except { query.where("id", .notEqual, except.rawValue) }
        return try await query.first() != nil
    }

    static func requireUnpaid(_ dossier: Dossier.ID, on tx: any Database) async throws {
        try Payment.checkUnpaid(alreadyPaid: try await isPaid(dossier, on: tx))
    }

    static func insert(_ p: Payment, on tx: any Database) async throws {
        try await tx.sql.insert(into: "payments").columns(columns)
            .values(SQLBind(p.id.rawValue), SQLBind(p.dossierID.rawValue), SQLBind(Int64(p.amountVND)), SQLBind(p.method.rawValue), SQLBind(p.provider),
                    SQLBind(p.status.rawValue), SQLBind(p.reference), SQLBind(p.lastSequence), SQLBind(p.createdAt), SQLBind(p.paidAt))
            .run()
    }

    static func count(_ p: Payment, on tx: any Database) async throws {
        guard let dossier = try await DossierModel.find(p.dossierID.rawValue, on: tx)?.toDomain(), let paidAt = p.paidAt else { return }
        try await ServiceCounterStore.add([.payments: 1, .paymentsOnline: p.method == .online ? 1 : 0], for: dossier, at: paidAt, on: tx)
    }

    /// Records a payment taken at the counter, with the receipt number.
    public func recordAtCounter(dossier: Dossier, amountVND: Int, receipt rawReceipt: String, actor: AuditActor, now: Date) async throws -> Payment {
        let receipt = try Payment.receiptNumber(rawReceipt)
        try Payment.checkAmount(amountVND)
        return try await db.writeTransaction { tx in
            try await Self.requireUnpaid(dossier.id, on: tx)
            let payment = Payment(id: .random(), dossierID: dossier.id, amountVND: amountVND, method: .counter, provider: "counter", status: .succeeded,
                                  reference: receipt, createdAt: now, paidAt: now)
            try await Self.insert(payment, on: tx)
            try await Self.count(payment, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "payment.counter", entityType: "dossier", entityID: dossier.id.description,
                                      after: ["amount": String(amountVND), "receipt": receipt], now: now)
            return payment
        }
    }

    /// Opens an online payment with `provider`; it stays pending until the provider calls back.
    public func startOnline(dossier: Dossier, amountVND: Int, provider: String, actor: AuditActor, now: Date) async throws -> Payment {
        try Payment.checkAmount(amountVND)
        return try await db.writeTransaction { tx in
            try await Self.requireUnpaid(dossier.id, on: tx)
            let payment = Payment(id: .random(), dossierID: dossier.id, amountVND: amountVND, method: .online, provider: provider, status: .pending,
                                  reference: nil, createdAt: now)
            try await Self.insert(payment, on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "payment.start", entityType: "payment", entityID: payment.id.description,
                                      after: ["dossier": dossier.code, "amount": String(amountVND), "provider": provider], now: now)
            return payment
        }
    }

    /// What a callback did, as recorded.
    public enum CallbackResult: Sendable, Equatable {
        case applied(Payment)
        case duplicate(Payment)
        case stale(Payment)
        case rejected(String)

        public var name: String {
            switch self {
            case .applied: "applied"
            case .duplicate: "duplicate"
            case .stale: "stale"
            case .rejected: "rejected"
            }
        }
    }

    /// Applies a verified callback from `provider` (or records a refused one, `callback == nil`).
    public func receive(_ callback: PaymentCallback?, provider: String, refusal: String? = nil, now: Date) async throws -> CallbackResult {
        for _ in 0..<8 {
            let result: CallbackResult? = try await db.writeTransaction { tx in
                func record(_ decision: String) async throws {
                    try await tx.sql.insert(into: "payment_callbacks").columns("id", "provider", "payment_id", "sequence", "outcome", "decision", "received_at")
                        .values(SQLBind(UUID()), SQLBind(provider), SQLBind(callback?.paymentID.rawValue), SQLBind(callback?.sequence),
                                SQLBind(callback?.outcome.rawValue), SQLBind(String(decision.prefix(200))), SQLBind(now)).run()
                }
                guard let callback else {
                    try await record("rejected: " + (refusal ?? "signature"))
                    return .rejected(refusal ?? "signature")
                }
                guard let row = try await tx.sql.select().columns(Self.columns).from("payments").where("id", .equal, callback.paymentID.rawValue).first() else {
                    try await record("rejected: unknown payment")
                    return .rejected("unknown payment")
                }
                let payment = try Self.load(row)
                guard payment.provider == provider else {
                    try await record("rejected: other provider")
                    return .rejected("other provider")
                }
                switch callback.decide(on: payment) {
                case .duplicate:
                    try await record("duplicate")
                    return .duplicate(payment)
                case .stale:
                    try await record("stale")
                    return .stale(payment)
                case .rejected(let why):
                    try await record("rejected: " + why)
                    return .rejected(why)
                case .apply(let status):
                    var after = payment
                    after.status = status
                    after.lastSequence = callback.sequence
                    after.reference = String(callback.transaction.prefix(100))
                    if status == .succeeded {
                        // Another payment of the dossier, not this one: on PostgreSQL this payment's own
                        // success may have committed since it was read, and is then a duplicate (the
                        // guarded update below finds it changed and decides again).
                        if try await Self.isPaid(payment.dossierID, except: payment.id, on: tx) {
                            try await record("rejected: dossier already paid (refund)")
                            return .rejected("dossier already paid")
                        }
                        after.paidAt = now
                    }
                    let changed = try await tx.sql.update("payments").set("status", to: after.status.rawValue).set("last_sequence", to: after.lastSequence)
                        .set("reference", to: after.reference).set("paid_at", to: after.paidAt)
                        .where("id", .equal, payment.id.rawValue).where("status", .equal, payment.status.rawValue)
                        .where("last_sequence", .equal, payment.lastSequence).returning("id").all()
                    guard !changed.isEmpty else { return nil }   // changed meanwhile: decide again
                    try await record("applied: " + status.rawValue)
                    if status == .succeeded { try await Self.count(after, on: tx) }
                    try await AuditLog.append(on: tx, actor: AuditActor(id: nil, name: "payment provider \(provider)", requestID: nil),
                                              action: "payment.callback", entityType: "payment", entityID: payment.id.description,
                                              before: ["status": payment.status.rawValue], after: ["status": status.rawValue, "sequence": String(callback.sequence)],
                                              now: now)
                    return .applied(after)
                }
            }
            if let result { return result }
        }
        throw DomainError(.conflict, "Thanh toán đang được cập nhật; thử lại.", english: "The payment is being updated; retry.")
    }

    /// Marks online payments still pending after `timeout` seconds as expired (a late success
    /// callback still applies); returns how many.
    @discardableResult
    public func expire(olderThan timeout: TimeInterval, now: Date) async throws -> Int {
        try await db.writeTransaction { tx in
            let expired = try await tx.sql.update("payments").set("status", to: Payment.Status.expired.rawValue)
                .where("status", .equal, Payment.Status.pending.rawValue).where("method", .equal, Payment.Method.online.rawValue)
                .where("created_at", .lessThan, now.addingTimeInterval(-timeout)).returning("id").all()
            for row in expired {
                try await AuditLog.append(on: tx, actor: .system("payment time-out"), action: "payment.expire", entityType: "payment",
                                          entityID: try row.decode(column: "id", as: UUID.self).uuidString.lowercased(),
                                          after: ["status": Payment.Status.expired.rawValue], now: now)
            }
            return expired.count
        }
    }

    /// One line of the reconciliation report: a day, method and provider with its payments by status.
    public struct ReconciliationLine: Sendable, Equatable {
        public var day: String
        public var method: Payment.Method
        public var provider: String
        public var status: Payment.Status
        public var count: Int
        public var amountVND: Int
    }

    /// The payments for dossiers received by `units`, created in the days given, grouped for
    /// reconciliation with the provider's statement; plus the callbacks by decision.
    public func reconciliation(units: [OrgUnit.ID], from: LocalDate, through: LocalDate) async throws -> (lines: [ReconciliationLine], callbacks: [String: Int]) {
        guard !units.isEmpty else { return ([], [:]) }
        let start = VietnamTime.instant(from, .midnight), end = VietnamTime.instant(through.adding(days: 1), .midnight)
        let rows = try await db.sql.select()
            .columns(["id", "dossier_id", "amount", "method", "provider", "status", "created_at"].map { SQLColumn($0, table: "p") })
            .from(SQLAlias(SQLIdentifier("payments"), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")), on: SQLColumn("dossier_id", table: "p"), .equal, SQLColumn("id", table: "d"))
            .where(SQLColumn("receiving_unit_id", table: "d"), .in, SQLBind.group(units.map(\.rawValue)))
            .where(SQLColumn("created_at", table: "p"), .greaterThanOrEqual, SQLBind(start)).where(SQLColumn("created_at", table: "p"), .lessThan, SQLBind(end))
            .limit(100_000).all()
        var groups: [String: ReconciliationLine] = [:]
        var ids: [UUID] = []
        for row in rows {
            ids.append(try row.decode(column: "id", as: UUID.self))
            let day = VietnamTime.localDate(of: try row.decode(column: "created_at", as: Date.self)).iso
            guard let method = Payment.Method(rawValue: try row.decode(column: "method", as: String.self)),
                  let status = Payment.Status(rawValue: try row.decode(column: "status", as: String.self)) else { continue }
            let provider = try row.decode(column: "provider", as: String.self)
            let key = [day, method.rawValue, provider, status.rawValue].joined(separator: "|")
            groups[key, default: ReconciliationLine(day: day, method: method, provider: provider, status: status, count: 0, amountVND: 0)].count += 1
            groups[key]!.amountVND += Int(try row.decode(column: "amount", as: Int64.self))
        }
        var callbacks: [String: Int] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for row in try await db.sql.select().column("decision").column(SQLRaw("COUNT(*)"), as: "n").from("payment_callbacks")
                .where("payment_id", .in, chunk).groupBy("decision").all() {
                let decision = try row.decode(column: "decision", as: String.self)
                callbacks[decision.components(separatedBy: ":").first ?? decision, default: 0] += try row.decode(column: "n", as: Int.self)
            }
        }
        return (groups.keys.sorted().map { groups[$0]! }, callbacks)
    }
}
