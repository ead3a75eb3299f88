import FluentKit
import Foundation
import ParCore

/// The catalogue file, `parhub-procedures/1` (docs/catalogue.md): JSON, or CSV
/// with one procedure per row and lists separated by " | ".
public struct ProcedureImportFile: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public struct Time: Codable, Sendable {
            public var amount: Double
            public var unit: String
            public init(amount: Double, unit: String) {
                self.amount = amount
                self.unit = unit
            }
        }
        public struct Past: Codable, Sendable {
            public var amount: Double
            public var unit: String
            public var decision: String?
            public var effectiveFrom: String?
        }
        public var code: String
        public var name: String
        public var field: String
        public var level: String
        public var unitKey: String?
        public var agency: String
        public var applicants: String?
        public var steps: [String]?
        public var methods: [String]?
        public var documents: [Procedure.Document]?
        public var processingTime: Time
        public var processingNote: String?
        public var result: String?
        public var resultType: String?
        public var fees: [Procedure.Fee]?
        public var legalBasis: [String]?
        public var onlineLevel: String?
        public var fullOnlineEligible: Bool?
        public var interAgencySteps: [Procedure.InterAgencyStep]?
        /// Earlier processing times, oldest first, each with the decision and date from
        /// which the next time applied: imported as earlier versions and recorded changes.
        public var history: [Past]?

        public init(code: String, name: String, field: String, level: String, unitKey: String?, agency: String,
                    applicants: String?, steps: [String]?, methods: [String]?, documents: [Procedure.Document]?,
                    processingTime: Time, processingNote: String?, result: String?, resultType: String?,
                    fees: [Procedure.Fee]?, legalBasis: [String]?, onlineLevel: String?, fullOnlineEligible: Bool?,
                    interAgencySteps: [Procedure.InterAgencyStep]?, history: [Past]?) {
            self.code = code
            self.name = name
            self.field = field
            self.level = level
            self.unitKey = unitKey
            self.agency = agency
            self.applicants = applicants
            self.steps = steps
            self.methods = methods
            self.documents = documents
            self.processingTime = processingTime
            self.processingNote = processingNote
            self.result = result
            self.resultType = resultType
            self.fees = fees
            self.legalBasis = legalBasis
            self.onlineLevel = onlineLevel
            self.fullOnlineEligible = fullOnlineEligible
            self.interAgencySteps = interAgencySteps
            self.history = history
        }
    }

    public var format: String?
    public var procedures: [Row]

    public init(procedures: [Row]) {
        self.format = "parhub-procedures/1"
        self.procedures = procedures
    }

    /// CSV columns, in export order.
    public static let csvColumns = [
        "code", "name", "field", "level", "unitKey", "agency", "applicants", "processingAmount", "processingUnit",
        "processingNote", "result", "resultType", "onlineLevel", "fullOnlineEligible", "methods", "steps", "documents",
        "fees", "legalBasis", "interAgencySteps",
    ]

    /// Reads JSON (by content), or a table — CSV or XLSX — with the columns of `csvColumns` (`ImportSource`).
    public static func parse(_ data: Data) throws(DomainError) -> ProcedureImportFile {
        let table: ImportTable
        switch try ImportSource.read(data) {
        case .json(let json): return try ImportSource.decode(ProcedureImportFile.self, from: json)
        case .table(let read): table = read
        }
        try table.require(["code", "name", "field", "level"])
        func cell(_ row: [String], _ name: String) -> String { table.cell(row, name) }
        func list(_ text: String) -> [String] {
            text.components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let procedures = table.rows.map { row -> Row in
            Row(code: cell(row, "code"), name: cell(row, "name"), field: cell(row, "field"), level: cell(row, "level"),
                unitKey: cell(row, "unitKey").isEmpty ? nil : cell(row, "unitKey"), agency: cell(row, "agency"),
                applicants: cell(row, "applicants"), steps: list(cell(row, "steps")), methods: list(cell(row, "methods")),
                documents: list(cell(row, "documents")).map { item in
                    let parts = item.components(separatedBy: "::")
                    return Procedure.Document(name: parts[0], copies: parts.count > 1 ? Int(parts[1]) ?? 0 : 1,
                                              template: parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil)
                },
                processingTime: .init(amount: Double(cell(row, "processingAmount")) ?? -1, unit: cell(row, "processingUnit")),
                processingNote: cell(row, "processingNote"), result: cell(row, "result"), resultType: cell(row, "resultType"),
                fees: list(cell(row, "fees")).map { item in
                    let parts = item.components(separatedBy: "::")
                    return Procedure.Fee(description: parts[0], amountVND: parts.count > 1 ? Int(parts[1]) ?? -1 : 0)
                },
                legalBasis: list(cell(row, "legalBasis")), onlineLevel: cell(row, "onlineLevel"),
                fullOnlineEligible: cell(row, "fullOnlineEligible") == "true",
                interAgencySteps: list(cell(row, "interAgencySteps")).map { item in
                    let parts = item.components(separatedBy: "::")
                    return Procedure.InterAgencyStep(unit: parts[0], days: parts.count > 1 ? Int(parts[1]) ?? -1 : 0)
                },
                history: nil)
        }
        return ProcedureImportFile(procedures: procedures)
    }

    /// The catalogue as CSV (the import's format), one row per procedure.
    public static func csv(_ procedures: [Procedure], unitKeys: [OrgUnit.ID: String]) -> String {
        func quote(_ value: String) -> String {
            value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        func number(_ value: Double) -> String { value.rounded() == value ? String(Int(value)) : String(value) }
        var lines = [csvColumns.joined(separator: ",")]
        for p in procedures {
            let cells: [String] = [
                p.code, p.name, p.field, p.level.rawValue, p.unitID.flatMap { unitKeys[$0] } ?? "", p.agency, p.applicants,
                number(p.processingTime.amount), p.processingTime.unit.rawValue, p.processingNote ?? "", p.result,
                p.resultType.rawValue, p.onlineLevel.rawValue, String(p.fullOnlineEligible),
                p.methods.map(\.rawValue).joined(separator: " | "), p.steps.joined(separator: " | "),
                p.documents.map { "\($0.name)::\($0.copies)::\($0.template ?? "")" }.joined(separator: " | "),
                p.fees.map { "\($0.description)::\($0.amountVND)" }.joined(separator: " | "),
                p.legalBasis.joined(separator: " | "),
                p.interAgencySteps.map { "\($0.unit)::\($0.days)" }.joined(separator: " | "),
            ]
            lines.append(cells.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// What a catalogue import did.
public struct ProcedureImportReport: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected: [UnitImportReport.Rejection] = []
    public var summary: String {
        "created \(created), updated \(updated), unchanged \(unchanged), rejected \(rejected.count)"
    }
}

/// A catalogue file with bad rows: nothing was written.
public struct ProcedureImportRejected: Error, Sendable {
    public var report: ProcedureImportReport
}

/// Imports the catalogue in one transaction, all or nothing; re-running changes nothing.
public struct ProcedureImporter: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func run(_ file: ProcedureImportFile, actor: AuditActor, now: Date,
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> ProcedureImportReport {
        let unitKeys = Set(file.procedures.compactMap(\.unitKey))
        let units = try await UnitModel.query(on: db).filter(\.$key ~~ unitKeys).all()
        let unitByKey = Dictionary(units.map { ($0.key, OrgUnit.ID($0.id!)) }, uniquingKeysWith: { a, _ in a })
        let existing = try await ProcedureModel.query(on: db).all()
        let existingByCode = Dictionary(try existing.map { ($0.code, try $0.toDomain()) }, uniquingKeysWith: { a, _ in a })

        var report = ProcedureImportReport()
        var planned: [(Procedure, [(ProcessingTime, ProcedureRepository.Publication)])] = []
        var seen: Set<String> = []
        for (index, row) in file.procedures.enumerated() {
            func reject(_ reason: String) { report.rejected.append(.init(row: String(index + 1), key: row.code, reason: reason)) }
            guard seen.insert(row.code).inserted else { reject("duplicate code in file"); continue }
            guard let level = Procedure.Level(rawValue: row.level) else { reject("unknown level '\(row.level)'"); continue }
            guard let unit = ProcessingTime.Unit(rawValue: row.processingTime.unit) else {
                reject("unknown processing time unit '\(row.processingTime.unit)'"); continue
            }
            var unitID: OrgUnit.ID?
            if let key = row.unitKey {
                guard let id = unitByKey[key] else { reject("unknown unitKey '\(key)'"); continue }
                unitID = id
            }
            let methods = (row.methods ?? []).compactMap(Procedure.Method.init(rawValue:))
            guard methods.count == (row.methods ?? []).count else { reject("unknown method"); continue }
            guard let online = Procedure.OnlineLevel(rawValue: row.onlineLevel ?? "none"),
                  let resultType = Procedure.ResultType(rawValue: (row.resultType ?? "").isEmpty ? "paper" : row.resultType!) else {
                reject("unknown onlineLevel or resultType"); continue
            }
            var past: [(ProcessingTime, ProcedureRepository.Publication)] = []
            for item in row.history ?? [] {
                guard let pastUnit = ProcessingTime.Unit(rawValue: item.unit) else { reject("unknown unit in history"); continue }
                past.append((ProcessingTime(amount: item.amount, unit: pastUnit),
                             .init(decision: item.decision, effectiveFrom: item.effectiveFrom.flatMap(LocalDate.init(iso:)))))
            }
            let candidate = Procedure(
                id: existingByCode[row.code]?.id ?? .random(), code: row.code, name: row.name, field: row.field, level: level,
                unitID: unitID, agency: row.agency, applicants: row.applicants ?? "", steps: row.steps ?? [],
                methods: methods, documents: row.documents ?? [],
                processingTime: ProcessingTime(amount: row.processingTime.amount, unit: unit),
                processingNote: row.processingNote, result: row.result ?? "", resultType: resultType, fees: row.fees ?? [],
                legalBasis: row.legalBasis ?? [], onlineLevel: online, fullOnlineEligible: row.fullOnlineEligible ?? false,
                interAgencySteps: row.interAgencySteps ?? [])
            do {
                planned.append((try candidate.validated(), past))
            } catch {
                reject(error.english)
            }
        }
        guard report.rejected.isEmpty else { throw ProcedureImportRejected(report: report) }

        let plan = planned
        return try await db.writeTransaction { tx in
            var report = ProcedureImportReport()
            for (done, (procedure, past)) in plan.enumerated() {
                if done % 50 == 0 { progress(done, plan.count) }
                if let current = existingByCode[procedure.code] {
                    var incoming = procedure
                    incoming.version = current.version
                    if incoming == current { report.unchanged += 1; continue }
                    incoming.version = current.version + 1
                    let model = try await ProcedureModel.find(current.id.rawValue, on: tx)!
                    try await ProcedureRepository.publish(incoming, replacing: current, model: model,
                                                          publication: .init(decision: "import", effectiveFrom: nil),
                                                          action: "procedure.import.update", on: tx, actor: actor, now: now)
                    report.updated += 1
                    continue
                }
                // A new procedure with a history starts at its oldest time and steps through each change.
                var steps = past
                steps.append((procedure.processingTime, .init(decision: nil, effectiveFrom: nil)))
                var first = procedure
                first.processingTime = steps[0].0
                first.interAgencySteps = steps.count > 1 ? [] : procedure.interAgencySteps
                try await ProcedureRepository.insert(first, publication: .init(decision: nil, effectiveFrom: nil),
                                                     on: tx, actor: actor, now: now)
                var previous = first
                for index in steps.indices.dropFirst() {
                    var next = procedure
                    next.processingTime = steps[index].0
                    if index < steps.count - 1 { next.interAgencySteps = [] }
                    next.version = previous.version + 1
                    // A history entry names the decision and date that replaced its time with the next one.
                    let publication = steps[index - 1].1
                    let model = try await ProcedureModel.find(procedure.id.rawValue, on: tx)!
                    try model.apply(next)
                    try await model.update(on: tx)
                    try await ProcedureRepository.writeVersion(next, publication: publication, on: tx, actor: actor, now: now)
                    try await ProcedureRepository.recordChange(id: procedure.id, from: previous.processingTime,
                                                               to: next.processingTime, publication: publication,
                                                               now: now, on: tx)
                    previous = next
                }
                report.created += 1
            }
            progress(plan.count, plan.count)
            return report
        }
    }
}
