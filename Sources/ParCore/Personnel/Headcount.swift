import Foundation

/// One move of a person between units: their arrival, a transfer or a rotation (issue 23).
public struct PersonMove: Codable, Hashable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// Tiếp nhận: the person joined the unit (the record's first row).
        case joined
        /// Điều động: moved to another unit.
        case transfer
        /// Luân chuyển, chuyển đổi vị trí công tác: a periodic rotation.
        case rotation
        /// Sắp xếp đơn vị: the unit merged into, or was renamed as, another (`Reorganisation.staffSuccessor`).
        case reorganisation
    }

    public var fromUnitID: OrgUnit.ID?
    public var toUnitID: OrgUnit.ID
    public var on: LocalDate
    public var kind: Kind
    /// The position taken up.
    public var position: String?
    public var note: String?

    public init(fromUnitID: OrgUnit.ID?, toUnitID: OrgUnit.ID, on: LocalDate, kind: Kind, position: String? = nil, note: String? = nil) {
        self.fromUnitID = fromUnitID
        self.toUnitID = toUnitID
        self.on = on
        self.kind = kind
        self.position = position
        self.note = note
    }
}

/// A unit's headcount taken from its people's records (issue 23): where a unit has records, the
/// "actual" of its staff quota is counted, not typed.
public enum Headcount {
    /// The posts of each unit at the end of `day`: each person counts at the unit of their latest
    /// move on or before it (their arrival included), by kind; those with a leadership post are also
    /// counted as leaders. People who had not arrived anywhere by then are not counted.
    public static func posts(people: [Person], moves: [Person.ID: [PersonMove]], on day: LocalDate) -> [OrgUnit.ID: StaffQuota.Posts] {
        var result: [OrgUnit.ID: StaffQuota.Posts] = [:]
        for person in people {
            // The latest on or before the day; of two on the same day, the later recorded.
            let last = (moves[person.id] ?? []).filter { $0.on <= day }.reduce(nil as PersonMove?) { best, move in
                best.map { move.on >= $0.on ? move : $0 } ?? move
            }
            guard let last else { continue }
            var posts = result[last.toUnitID] ?? .zero
            switch person.kind {
            case .civilServant: posts.civilServants += 1
            case .publicEmployee: posts.publicEmployees += 1
            case .contract: posts.contracts += 1
            }
            if person.leadershipPost != nil { posts.leaders += 1 }
            result[last.toUnitID] = posts
        }
        return result
    }
}
