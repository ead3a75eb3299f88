import FluentKit
import Foundation
import ParCore
import SQLKit

/// The people file, `parhub-people/1` (docs/personnel.md): JSON `{"people": [...]}`, or CSV with
/// the header `unitKey,fullName,kind,position,rank,leadershipPost,startedOn,rotationYears`.
public struct PersonImportFile: Codable, Sendable {
    public struct Row: Codable, Sendable, Equatable {
        public var unitKey: String
        public var fullName: String
        public var kind: String
        public var position: String
        public var rank: String?
        public var leadershipPost: String?
        public var startedOn: String
        public var rotationYears: Int?

        public init(unitKey: String, fullName: String, kind: String, position: String, rank: String? = nil, leadershipPost: String? = nil,
                    startedOn: String, rotationYears: Int? = nil) {
            self.unitKey = unitKey
            self.fullName = fullName
            self.kind = kind
            self.position = position
            self.rank = rank
            self.leadershipPost = leadershipPost
            self.startedOn = startedOn
            self.rotationYears = rotationYears
        }
    }

    public var people: [Row]

    public init(people: [Row]) { self.people = people }

    public static let csvColumns = ["unitKey", "fullName", "kind", "position", "rank", "leadershipPost", "startedOn", "rotationYears"]

    /// Reads JSON, or a table — CSV or XLSX — with the columns of `csvColumns` (`ImportSource`).
    public static func parse(_ data: Data) throws(DomainError) -> PersonImportFile {
        switch try ImportSource.read(data) {
        case .json(let json):
            return try ImportSource.decode(PersonImportFile.self, from: json)
        case .table(let table):
            try table.require(["unitKey", "fullName", "kind", "position", "startedOn"], also: ["rank", "leadershipPost", "rotationYears"])
            return PersonImportFile(people: table.rows.map { row in
                let years = table.cell(row, "rotationYears")
                return Row(unitKey: table.cell(row, "unitKey"), fullName: table.cell(row, "fullName"), kind: table.cell(row, "kind"),
                           position: table.cell(row, "position"), rank: table.optional(row, "rank"),
                           leadershipPost: table.optional(row, "leadershipPost"), startedOn: table.cell(row, "startedOn"),
                           rotationYears: years.isEmpty ? nil : Int(years) ?? -1)
            })
        }
    }
}

/// What a people import did.
public struct PersonImportReport: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected: [UnitImportReport.Rejection] = []
    public var summary: String { "created \(created), updated \(updated), unchanged \(unchanged), rejected \(rejected.count)" }
}

/// A people file with bad rows: nothing was written.
public struct PersonImportRejected: Error, Sendable {
    public var report: PersonImportReport
}

/// Imports people in one transaction, all or nothing: every row is checked first (ParCore's
/// `Person.validated` and `JobPosition.placed`, a known unit inside `allowed`, no row twice), and any bad row rejects the
/// file with a report naming each. A person is the same when the unit, the full name and the start
/// date match: their record is updated, so re-running a file changes nothing.
public struct PersonImporter: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// `allowed`: the units the importer may write (nil: any, for the command line).
    public func run(_ file: PersonImportFile, allowed: Set<OrgUnit.ID>?, actor: AuditActor, now: Date) async throws -> PersonImportReport {
        let units = try await UnitModel.query(on: db).filter(\.$key ~~ Set(file.people.map(\.unitKey))).all()
        let unitByKey = Dictionary(units.map { ($0.key, OrgUnit.ID($0.id!)) }, uniquingKeysWith: { a, _ in a })
        let repository = PersonnelRepository(db: db)
        let existing = try await repository.people(units: Array(Set(unitByKey.values)))
        let existingByKey = Dictionary(existing.map { (Self.key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let positions = try await repository.positions(units: Array(Set(unitByKey.values)))

        var report = PersonImportReport()
        var planned: [(Person, Person?)] = []
        var seen: Set<String> = []
        for (index, row) in file.people.enumerated() {
            func reject(_ reason: String) { report.rejected.append(.init(row: String(index + 1), key: row.fullName, reason: reason)) }
            guard let unit = unitByKey[row.unitKey] else { reject("unknown unitKey '\(row.unitKey)'"); continue }
            guard allowed?.contains(unit) ?? true else { reject("unit '\(row.unitKey)' is outside your units"); continue }
            guard let kind = Person.Kind(rawValue: row.kind) else { reject("unknown kind '\(row.kind)'"); continue }
            guard let started = LocalDate(iso: row.startedOn) else { reject("startedOn is not a date (YYYY-MM-DD)"); continue }
            let candidate: Person
            do {
                candidate = try JobPosition.placed(
                    try Person(id: .random(), unitID: unit, fullName: row.fullName, kind: kind, position: row.position, rank: row.rank,
                               leadershipPost: row.leadershipPost, startedOn: started, rotationYears: row.rotationYears).validated(),
                    list: positions[unit] ?? [])
            } catch {
                reject(error.english); continue
            }
            guard seen.insert(Self.key(candidate)).inserted else { reject("the same person twice in the file"); continue }
            planned.append((candidate, existingByKey[Self.key(candidate)]))
        }
        guard report.rejected.isEmpty else { throw PersonImportRejected(report: report) }

        let plan = planned
        return try await db.writeTransaction { tx in
            var report = PersonImportReport()
            for (incoming, current) in plan {
                guard let current else {
                    try await PersonnelRepository.insert(incoming, actor: actor, on: tx, now: now)
                    report.created += 1
                    continue
                }
                var merged = incoming
                merged.id = current.id
                merged.userID = current.userID
                merged.version = current.version
                if merged == current { report.unchanged += 1; continue }
                _ = try await PersonnelRepository.replace(current, with: merged, moveKind: nil, movedOn: nil, actor: actor, on: tx, now: now)
                report.updated += 1
            }
            return report
        }
    }

    static func key(_ person: Person) -> String { "\(person.unitID)|\(person.fullName)|\(person.startedOn.iso)" }
}
