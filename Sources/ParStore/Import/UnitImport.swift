import FluentKit
import Foundation
import ParCore

/// The unit import file, `parhub-units/1` (docs/units-import.md): JSON with
/// units, reorganisation events and quotas, or CSV with units only.
public struct UnitImportFile: Decodable, Sendable {
    public struct UnitRow: Codable, Sendable {
        public var key: String
        public var code: String
        public var kind: String
        public var name: String
        public var parentKey: String?
        public var validFrom: String?
        public var validTo: String?
    }

    public struct EventRow: Codable, Sendable {
        public struct Part: Codable, Sendable {
            public var key: String
            public var whole: Bool?
        }
        public var kind: String
        public var date: String
        public var decision: String
        public var predecessors: [Part]
        public var successors: [String]
    }

    public struct QuotaRow: Codable, Sendable {
        public var unitKey: String
        public var year: Int
        public var quota: StaffQuota.Posts
        public var actual: StaffQuota.Posts?
    }

    public var format: String?
    public var units: [UnitRow]
    public var events: [EventRow]?
    public var quotas: [QuotaRow]?

    public init(units: [UnitRow], events: [EventRow]? = nil, quotas: [QuotaRow]? = nil) {
        self.format = "parhub-units/1"
        self.units = units
        self.events = events
        self.quotas = quotas
    }

    /// Reads JSON (by content), or a table — CSV or XLSX — with the header
    /// `key,code,kind,name,parentKey,validFrom,validTo` (`ImportSource`).
    public static func parse(_ data: Data) throws(DomainError) -> UnitImportFile {
        switch try ImportSource.read(data) {
        case .json(let json):
            let file = try ImportSource.decode(UnitImportFile.self, from: json)
            guard file.format == nil || file.format == "parhub-units/1" else {
                throw .invalid("Định dạng tệp không được hỗ trợ: \(file.format ?? "").", english: "Unsupported format \(file.format ?? "").")
            }
            return file
        case .table(let table):
            try table.require(["key", "code", "kind", "name"], also: ["parentKey", "validFrom", "validTo"])
            return UnitImportFile(units: table.rows.map { row in
                UnitRow(key: table.cell(row, "key"), code: table.cell(row, "code"), kind: table.cell(row, "kind"),
                        name: table.cell(row, "name"), parentKey: table.optional(row, "parentKey"),
                        validFrom: table.optional(row, "validFrom"), validTo: table.optional(row, "validTo"))
            })
        }
    }
}

/// What an import did, or would have done.
public struct UnitImportReport: Sendable, Equatable {
    public struct Rejection: Sendable, Equatable {
        /// 1-based position in the file's units (or "event N", "quota N").
        public var row: String
        public var key: String
        public var reason: String

        public init(row: String, key: String, reason: String) {
            self.row = row
            self.key = key
            self.reason = reason
        }
    }
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var eventsCreated = 0
    public var eventsUnchanged = 0
    public var quotasSaved = 0
    public var rejected: [Rejection] = []

    public var summary: String {
        "created \(created), updated \(updated), unchanged \(unchanged), rejected \(rejected.count); "
            + "events created \(eventsCreated), unchanged \(eventsUnchanged); quotas saved \(quotasSaved)"
    }
}

/// A file with bad rows: nothing was written.
public struct UnitImportRejected: Error, Sendable {
    public var report: UnitImportReport
}

/// Imports units, events and quotas in one transaction: all or nothing,
/// idempotent (a second run of the same file changes nothing).
public struct UnitImporter: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func run(_ file: UnitImportFile, actor: AuditActor, now: Date,
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> UnitImportReport {
        let existing = try await UnitModel.query(on: db).all()
        var known: [String: (id: UUID, model: UnitModel?)] = [:]
        for model in existing { known[model.key] = (model.id!, model) }

        // 1. Validate everything before writing anything.
        var report = UnitImportReport()
        var planned: [(OrgUnit, parentKey: String?)] = []
        var seen: Set<String> = []
        for (index, row) in file.units.enumerated() {
            let key = VietnameseText.clean(row.key)
            func reject(_ reason: String) { report.rejected.append(.init(row: String(index + 1), key: key, reason: reason)) }
            guard let kind = UnitKind(rawValue: row.kind) else { reject("unknown kind '\(row.kind)'"); continue }
            guard seen.insert(key).inserted else { reject("duplicate key in file"); continue }
            let from = row.validFrom.map { LocalDate(iso: $0) }, to = row.validTo.map { LocalDate(iso: $0) }
            if case .some(.none) = from { reject("validFrom is not a date YYYY-MM-DD"); continue }
            if case .some(.none) = to { reject("validTo is not a date YYYY-MM-DD"); continue }
            let id = known[key]?.id ?? UUID()
            do {
                let unit = try OrgUnit(id: .init(id), key: key, code: row.code, kind: kind, name: row.name, parentID: nil,
                                       validFrom: from ?? nil, validTo: to ?? nil).validated()
                planned.append((unit, row.parentKey.map(VietnameseText.clean)))
            } catch {
                reject(error.english)
            }
        }
        let fileKeys = Set(planned.map(\.0.key))
        for (index, item) in planned.enumerated() {
            if let parent = item.parentKey, !fileKeys.contains(parent), known[parent] == nil {
                report.rejected.append(.init(row: String(index + 1), key: item.0.key, reason: "unknown parentKey '\(parent)'"))
            }
            if item.parentKey == item.0.key {
                report.rejected.append(.init(row: String(index + 1), key: item.0.key, reason: "a unit cannot be its own parent"))
            }
        }
        let allKeys = fileKeys.union(known.keys)
        for (index, event) in (file.events ?? []).enumerated() {
            let missing = (event.predecessors.map(\.key) + event.successors).filter { !allKeys.contains($0) }
            if !missing.isEmpty {
                report.rejected.append(.init(row: "event \(index + 1)", key: event.decision, reason: "unknown unit keys: \(missing.joined(separator: ", "))"))
            }
            if Reorganisation.Kind(rawValue: event.kind) == nil || LocalDate(iso: event.date) == nil {
                report.rejected.append(.init(row: "event \(index + 1)", key: event.decision, reason: "unknown kind or bad date"))
            }
        }
        for (index, quota) in (file.quotas ?? []).enumerated() where !allKeys.contains(quota.unitKey) {
            report.rejected.append(.init(row: "quota \(index + 1)", key: quota.unitKey, reason: "unknown unit key"))
        }
        guard report.rejected.isEmpty else { throw UnitImportRejected(report: report) }

        // 2. Parents before children, then write in one transaction.
        let ordered = Self.parentsFirst(planned)
        let total = ordered.count
        let events = file.events ?? [], quotas = file.quotas ?? []
        let existingByKey = known
        return try await db.writeTransaction { tx in
            var report = UnitImportReport()
            var idByKey = existingByKey.mapValues { $0.id }
            for item in ordered { idByKey[item.0.key] = item.0.id.rawValue }
            for (done, item) in ordered.enumerated() {
                var unit = item.0
                unit.parentID = item.parentKey.flatMap { idByKey[$0] }.map { .init($0) }
                if let model = existingByKey[unit.key]?.model {
                    let before = try model.toDomain()
                    unit.version = before.version
                    if before == unit { report.unchanged += 1; continue }
                    unit.version += 1
                    if unit.parentID != before.parentID { try await UnitRepository.move(model, to: unit.parentID, on: tx) }
                    model.apply(unit)
                    try await model.update(on: tx)
                    try await AuditLog.append(on: tx, actor: actor, action: "unit.import.update", entityType: "unit",
                                              entityID: unit.id.description, before: before, after: unit, now: now)
                    report.updated += 1
                } else {
                    _ = try await UnitRepository.insert(unit, on: tx)
                    try await AuditLog.append(on: tx, actor: actor, action: "unit.import.create", entityType: "unit",
                                              entityID: unit.id.description, after: unit, now: now)
                    report.created += 1
                }
                if done % 100 == 99 { progress(done + 1, total) }
            }
            progress(total, total)
            for row in events {
                let event = try Reorganisation(
                    id: .random(), kind: Reorganisation.Kind(rawValue: row.kind)!, effectiveDate: LocalDate(iso: row.date)!,
                    decision: row.decision,
                    predecessors: row.predecessors.map { .init(unitID: .init(idByKey[$0.key]!), whole: $0.whole ?? true) },
                    successors: row.successors.map { .init(idByKey[$0]!) }).validated()
                if try await UnitRepository.record(event, on: tx, actor: actor, now: now) {
                    report.eventsCreated += 1
                } else {
                    report.eventsUnchanged += 1
                }
            }
            for row in quotas {
                let unitID = OrgUnit.ID(idByKey[row.unitKey]!)
                let quota = try StaffQuota(unitID: unitID, year: row.year, quota: row.quota, actual: row.actual ?? .zero).validated()
                let existing = try await StaffQuotaModel.query(on: tx).filter(\.$unitID == unitID.rawValue)
                    .filter(\.$year == row.year).first()
                if let existing, existing.toDomain().quota == quota.quota, existing.toDomain().actual == quota.actual { continue }
                let model = existing ?? StaffQuotaModel()
                var saved = quota
                saved.version = (existing?.version ?? 0) + 1
                model.apply(saved)
                try await model.save(on: tx)
                try await AuditLog.append(on: tx, actor: actor, action: "quota.import", entityType: "unit",
                                          entityID: unitID.description, after: saved, now: now)
                report.quotasSaved += 1
            }
            return report
        }
    }

    /// Orders units so that each parent in the file comes before its children.
    static func parentsFirst(_ items: [(OrgUnit, parentKey: String?)]) -> [(OrgUnit, parentKey: String?)] {
        let inFile = Set(items.map(\.0.key))
        var placed: Set<String> = []
        var result: [(OrgUnit, parentKey: String?)] = []
        var pending = items
        while !pending.isEmpty {
            var next: [(OrgUnit, parentKey: String?)] = []
            for item in pending {
                if let parent = item.parentKey, inFile.contains(parent), !placed.contains(parent) {
                    next.append(item)
                } else {
                    result.append(item)
                    placed.insert(item.0.key)
                }
            }
            if next.count == pending.count { result += next; break } // a cycle: the insert will reject it
            pending = next
        }
        return result
    }
}

/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pendingQuote = false
        while let char = iterator.next() {
            if quoted {
                if pendingQuote {
                    pendingQuote = false
                    if char == "\"" { field.append("\""); continue }
                    quoted = false
                } else if char == "\"" {
                    pendingQuote = true
                    continue
                } else {
                    field.append(char)
                    continue
                }
            }
            switch char {
            case "\"" where field.isEmpty: quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n", "\r": row.append(field); rows.append(row); row = []; field = ""
            default: field.append(char)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
