import Foundation

/// A fee or charge paid for a dossier: at the counter (with the receipt number) or online through
/// a payment provider, whose callbacks may arrive twice, late or out of order.
public struct Payment: Hashable, Sendable, Codable {
    public typealias ID = EntityID<Payment>

    public enum Method: String, CaseIterable, Codable, Sendable {
        case counter, online
    }

    public enum Status: String, CaseIterable, Codable, Sendable {
        /// Online: sent to the provider, no final answer yet.
        case pending
        case succeeded
        case failed
        /// Online: no final answer before the time-out (the reconciliation report lists them).
        case expired

        public var isFinal: Bool { self == .succeeded }

        public var vietnamese: String {
            switch self {
            case .pending: "Đang chờ"
            case .succeeded: "Thành công"
            case .failed: "Không thành công"
            case .expired: "Hết hạn"
            }
        }

        public var english: String {
            switch self {
            case .pending: "Pending"
            case .succeeded: "Paid"
            case .failed: "Failed"
            case .expired: "Expired"
            }
        }
    }

    public var id: ID
    public var dossierID: Dossier.ID
    public var amountVND: Int
    public var method: Method
    public var provider: String
    public var status: Status
    /// Counter: the receipt (biên lai) number. Online: the provider's transaction reference.
    public var reference: String?
    /// The sequence number of the last provider callback applied.
    public var lastSequence: Int
    public var createdAt: Date
    public var paidAt: Date?

    public init(id: ID, dossierID: Dossier.ID, amountVND: Int, method: Method, provider: String, status: Status, reference: String?,
                lastSequence: Int = 0, createdAt: Date, paidAt: Date? = nil) {
        self.id = id
        self.dossierID = dossierID
        self.amountVND = amountVND
        self.method = method
        self.provider = provider
        self.status = status
        self.reference = reference
        self.lastSequence = lastSequence
        self.createdAt = createdAt
        self.paidAt = paidAt
    }

    /// The amount due for a procedure: the sum of its fee items.
    public static func due(for procedure: Procedure) -> Int {
        procedure.fees.reduce(0) { $0 + $1.amountVND }
    }
}

/// A provider's notice about an online payment, after its signature was verified.
public struct PaymentCallback: Hashable, Sendable, Codable {
    public enum Outcome: String, CaseIterable, Codable, Sendable {
        case succeeded, failed, pending
    }

    public var paymentID: Payment.ID
    public var outcome: Outcome
    public var amountVND: Int
    /// The provider's transaction reference.
    public var transaction: String
    /// The provider's sequence for this payment's notices: a higher number is newer.
    public var sequence: Int

    public init(paymentID: Payment.ID, outcome: Outcome, amountVND: Int, transaction: String, sequence: Int) {
        self.paymentID = paymentID
        self.outcome = outcome
        self.amountVND = amountVND
        self.transaction = transaction
        self.sequence = sequence
    }

    /// What a callback does to the payment it is about.
    public enum Decision: Hashable, Sendable {
        /// Move the payment to this status.
        case apply(Payment.Status)
        /// The same notice again, or one about a payment already paid: nothing changes.
        case duplicate
        /// An older notice than the last one applied: nothing changes.
        case stale
        /// The notice contradicts the payment (amount, method): refused and kept for reconciliation.
        case rejected(String)
    }

    /// The rule: a paid payment never changes; an older notice never overrides a newer one; the
    /// amount must match; `pending` notices only record progress.
    public func decide(on payment: Payment) -> Decision {
        guard payment.method == .online else { return .rejected("not an online payment") }
        guard amountVND == payment.amountVND else { return .rejected("amount \(amountVND) ≠ \(payment.amountVND)") }
        if payment.status == .succeeded { return .duplicate }
        if sequence < payment.lastSequence { return .stale }
        if sequence == payment.lastSequence { return .duplicate }
        switch outcome {
        case .succeeded: return .apply(.succeeded)
        case .failed: return .apply(.failed)
        case .pending: return .apply(payment.status == .expired ? .expired : .pending)
        }
    }
}

extension Payment {
    /// An amount is 1 VND to 10 billion VND.
    public static func checkAmount(_ amount: Int) throws(DomainError) {
        guard (1...10_000_000_000).contains(amount) else {
            throw .invalid("Số tiền phải lớn hơn 0 đồng.", english: "The amount must be more than 0 VND.", field: "amount")
        }
    }

    /// The number of the counter's receipt (biên lai), cleaned: 1 to 60 characters.
    public static func receiptNumber(_ raw: String) throws(DomainError) -> String {
        let receipt = VietnameseText.clean(raw)
        guard (1...60).contains(receipt.count) else {
            throw .invalid("Nhập số biên lai (tối đa 60 ký tự).", english: "Enter the receipt number (up to 60 characters).", field: "receipt")
        }
        return receipt
    }

    /// A dossier's fees are paid once: no new payment once one has succeeded.
    public static func checkUnpaid(alreadyPaid: Bool) throws(DomainError) {
        guard !alreadyPaid else {
            throw DomainError(.conflict, "Hồ sơ đã được thanh toán phí, lệ phí.", english: "The dossier's fees have already been paid.")
        }
    }
}
