/// A reorganisation decided by a competent authority: merger, split, rename or transfer.
///
/// It links predecessor units to successor units on an effective date. The 2025
/// two-tier reform is recorded as one merger per new commune, listing the old
/// communes (whole or part) that formed it.
public struct Reorganisation: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<Reorganisation>

    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// Sáp nhập — several units become one.
        case merger
        /// Chia tách — one unit is divided among several.
        case split
        /// Đổi tên — one unit continues under another name or code.
        case rename
        /// Điều chuyển — a unit or part of it moves to another parent.
        case transfer
        /// Thành lập — a new unit without predecessors.
        case establishment
        /// Giải thể — a unit ends without successors.
        case dissolution

        public var vietnamese: String {
            switch self {
            case .merger: "Sáp nhập"
            case .split: "Chia tách"
            case .rename: "Đổi tên"
            case .transfer: "Điều chuyển"
            case .establishment: "Thành lập"
            case .dissolution: "Giải thể"
            }
        }
    }

    /// A predecessor and whether it passed wholly into the successors.
    public struct Part: Hashable, Sendable, Codable {
        public var unitID: OrgUnit.ID
        public var whole: Bool
        public init(unitID: OrgUnit.ID, whole: Bool) {
            self.unitID = unitID
            self.whole = whole
        }
    }

    public var id: ID
    public var kind: Kind
    public var effectiveDate: LocalDate
    /// Number of the decision or resolution, e.g. "1656/NQ-UBTVQH15".
    public var decision: String
    public var predecessors: [Part]
    public var successors: [OrgUnit.ID]

    public init(id: ID, kind: Kind, effectiveDate: LocalDate, decision: String,
                predecessors: [Part], successors: [OrgUnit.ID]) {
        self.id = id
        self.kind = kind
        self.effectiveDate = effectiveDate
        self.decision = decision
        self.predecessors = predecessors
        self.successors = successors
    }

    /// Checks that the event's shape fits its kind.
    public func validated() throws(DomainError) -> Reorganisation {
        var event = self
        event.decision = VietnameseText.clean(decision)
        guard !event.decision.isEmpty, event.decision.count <= 120 else {
            throw .invalid("Cần ghi số quyết định (tối đa 120 ký tự).", english: "A decision number (up to 120 characters) is required.", field: "decision")
        }
        let before = Set(predecessors.map(\.unitID)), after = Set(successors)
        guard before.count == predecessors.count, after.count == successors.count else {
            throw .invalid("Một đơn vị bị liệt kê hai lần.", english: "A unit is listed twice.", field: "predecessors")
        }
        switch kind {
        case .merger:
            guard predecessors.count >= 2, successors.count == 1 else {
                throw .invalid("Sáp nhập cần ít nhất hai đơn vị cũ và đúng một đơn vị mới.", english: "A merger needs at least two predecessors and exactly one successor.", field: "predecessors")
            }
        case .split:
            guard predecessors.count == 1, successors.count >= 1 else {
                throw .invalid("Chia tách cần đúng một đơn vị cũ và ít nhất một đơn vị mới.", english: "A split needs one predecessor and at least one successor.", field: "predecessors")
            }
        case .rename, .transfer:
            guard predecessors.count == 1, successors.count == 1 else {
                throw .invalid("Cần đúng một đơn vị cũ và một đơn vị mới.", english: "Exactly one predecessor and one successor are required.", field: "predecessors")
            }
        case .establishment:
            guard predecessors.isEmpty, !successors.isEmpty else {
                throw .invalid("Thành lập mới không có đơn vị cũ.", english: "An establishment has successors and no predecessors.", field: "predecessors")
            }
        case .dissolution:
            guard !predecessors.isEmpty, successors.isEmpty else {
                throw .invalid("Giải thể không có đơn vị mới.", english: "A dissolution has predecessors and no successors.", field: "successors")
            }
        }
        // A merger may keep one of its predecessors as the successor (the absorbing unit),
        // other kinds link different units.
        if kind != .merger && kind != .rename && !before.isDisjoint(with: after) {
            throw .invalid("Đơn vị cũ và mới phải khác nhau.", english: "Predecessors and successors must differ.", field: "successors")
        }
        return event
    }

    /// Where the staff of `predecessor` go on the effective date: the one successor a predecessor
    /// passed into wholly (a merger, a rename, a whole transfer); nil when the staff must be placed
    /// one by one (a split, a partial transfer, a dissolution) or when the unit absorbs the others.
    public func staffSuccessor(of predecessor: OrgUnit.ID) -> OrgUnit.ID? {
        guard successors.count == 1, let successor = successors.first, successor != predecessor,
              predecessors.contains(where: { $0.unitID == predecessor && $0.whole }) else { return nil }
        return successor
    }
}
