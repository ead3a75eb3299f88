import Foundation

/// Where a drawn dossier stands in a sample survey.
public enum SampleStatus: String, Codable, CaseIterable, Sendable {
    case pending, answered, unreachable, declined

    public var vietnamese: String {
        switch self {
        case .pending: "Chưa khảo sát"
        case .answered: "Đã trả lời"
        case .unreachable: "Không liên lạc được"
        case .declined: "Từ chối trả lời"
        }
    }

    public var english: String {
        switch self {
        case .pending: "Not yet asked"
        case .answered: "Answered"
        case .unreachable: "Unreachable"
        case .declined: "Declined"
        }
    }

    /// A surveyor marks a drawn citizen unreachable, declined or back to pending; "answered" comes
    /// only from an answer.
    public func checkMarkable() throws(DomainError) {
        guard self != .answered else { throw .invalid("Trạng thái không hợp lệ.", english: "Not a valid status.", field: "status") }
    }

    /// An answered sample keeps its answer.
    public func checkChangeable() throws(DomainError) {
        guard self != .answered else { throw DomainError(.conflict, "Hồ sơ này đã có câu trả lời.", english: "This dossier has been answered.") }
    }
}

/// A sample survey: dossiers returned in a period under a unit, a sample drawn per receiving
/// unit with n = N/(1+N·e²) from a recorded seed, so the same draw can be made again.
public struct SurveyCampaign: Sendable, Equatable, Identifiable {
    /// One receiving unit's population and sample size.
    public struct Stratum: Codable, Sendable, Equatable {
        public var unitID: UUID
        public var population: Int
        public var size: Int

        public init(unitID: UUID, population: Int, size: Int) {
            self.unitID = unitID
            self.population = population
            self.size = size
        }
    }

    public var id: UUID
    public var name: String
    public var questionnaireVersion: String
    public var rootUnitID: OrgUnit.ID
    public var from: LocalDate
    public var through: LocalDate
    public var margin: Double
    public var seed: UInt64
    public var population: Int
    public var sampleSize: Int
    public var strata: [Stratum]
    public var createdBy: String
    public var createdAt: Date

    public init(id: UUID, name: String, questionnaireVersion: String, rootUnitID: OrgUnit.ID, from: LocalDate, through: LocalDate, margin: Double,
                seed: UInt64, population: Int, sampleSize: Int, strata: [Stratum], createdBy: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.questionnaireVersion = questionnaireVersion
        self.rootUnitID = rootUnitID
        self.from = from
        self.through = through
        self.margin = margin
        self.seed = seed
        self.population = population
        self.sampleSize = sampleSize
        self.strata = strata
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// A new campaign's name (cleaned, up to 200 characters), its margin of error (1–20%) and its
    /// period (at most two years).
    public static func checkDraft(name raw: String, margin: Double, from: LocalDate, through: LocalDate) throws(DomainError) -> String {
        let name = VietnameseText.clean(raw)
        guard !name.isEmpty, name.unicodeScalars.count <= 200 else {
            throw .invalid("Cần tên đợt khảo sát (tối đa 200 ký tự).", english: "A name is required (up to 200 characters).", field: "name")
        }
        guard margin.isFinite, margin >= 0.01, margin <= 0.2 else {
            throw .invalid("Sai số cho phép từ 1% đến 20%.", english: "The margin of error is 1% to 20%.", field: "margin")
        }
        guard from <= through, from.days(to: through) <= 731 else {
            throw .invalid("Kỳ khảo sát không hợp lệ (tối đa 2 năm).", english: "Not a valid period (at most two years).", field: "to")
        }
        return name
    }

    /// The sample of every receiving unit (`population`: its returned dossiers in code order), each of
    /// n = N/(1+N·e²) drawn with `seed` (`SampleDesign`): the strata and the drawn dossiers with their
    /// unit and position. A period with no returned dossier has nothing to survey.
    public static func draw(_ population: [UUID: [UUID]], margin: Double, seed: UInt64) throws(DomainError)
        -> (strata: [Stratum], drawn: [(unit: UUID, dossier: UUID, position: Int)]) {
        guard !population.isEmpty else {
            throw .invalid("Không có hồ sơ đã trả kết quả trong kỳ này.", english: "No dossier was returned in this period.", field: "from")
        }
        var strata: [Stratum] = [], drawn: [(unit: UUID, dossier: UUID, position: Int)] = []
        for unit in population.keys.sorted(by: { $0.uuidString < $1.uuidString }) {
            let dossiers = population[unit] ?? []
            let size = SampleDesign.size(population: dossiers.count, margin: margin)
            strata.append(.init(unitID: unit, population: dossiers.count, size: size))
            for (i, dossier) in SampleDesign.draw(dossiers, count: size, seed: seed).enumerated() { drawn.append((unit, dossier, i + 1)) }
        }
        return (strata, drawn)
    }
}

/// A drawn dossier with what the surveyor needs to call the citizen.
public struct SampleEntry: Sendable, Equatable {
    public var dossier: Dossier
    public var unitID: OrgUnit.ID
    public var position: Int
    public var status: SampleStatus
    public var note: String?

    public init(dossier: Dossier, unitID: OrgUnit.ID, position: Int, status: SampleStatus, note: String?) {
        self.dossier = dossier
        self.unitID = unitID
        self.position = position
        self.status = status
        self.note = note
    }
}
