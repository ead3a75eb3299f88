import FluentKit
import Foundation
import ParCore
import SQLKit

/// Recomputes the Decision 766 counters and the open-dossier gauge from the facts — each
/// dossier's events replayed through `ServiceCounters` (the event and the dossier before
/// and after it), its files, its satisfaction response, and the dossiers open now — and compares them with the live
/// tables. `apply` replaces the live tables with the recomputed ones.
public struct IndexRebuild: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// The procedure of a roll-up key (roll-ups have none).
    static let none = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    public struct Key: Hashable, Sendable, Comparable {
        public var unit: UUID
        public var procedure: UUID
        public var channel: String
        public var bucket: String
        public var metric: String

        public static func < (a: Key, b: Key) -> Bool {
            (a.unit.uuidString, a.procedure.uuidString, a.channel, a.bucket, a.metric)
                < (b.unit.uuidString, b.procedure.uuidString, b.channel, b.bucket, b.metric)
        }
    }

    public struct Difference: Sendable, Equatable {
        public var table: String
        public var key: Key
        public var live: Int64
        public var rebuilt: Int64
    }

    public struct Report: Sendable {
        public var events: Int
        public var counters: Int
        public var openRows: Int
        /// Events written before events carried their payload: they cannot be replayed.
        public var unreplayable: Int
        public var differences: [Difference]
        public var matches: Bool { differences.isEmpty && unreplayable == 0 }
    }

    /// Recomputes and compares; with `apply`, also writes the recomputed tables.
    /// `legacy`: only for the migration that ran before `open_steps` and `index_totals` existed; it leaves
    /// the overdue roll-up and the counters' roll-ups as they are (a later migration derives them).
    public func run(apply: Bool = false, now: Date, legacy: Bool = false,
                    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async throws -> Report {
        var counters: [Key: Int64] = [:]
        var events = 0, unreplayable = 0
        func add(_ deltas: [ServiceMetric: Int], _ d: Dossier, _ at: Date) {
            let day = VietnamTime.localDate(of: at).iso
            for (metric, n) in deltas where n != 0 {
                counters[Key(unit: d.receivingUnitID.rawValue, procedure: d.procedureID.rawValue, channel: d.channel.rawValue,
                             bucket: day, metric: metric.rawValue), default: 0] += Int64(n)
            }
        }
        // The gauge's history: each event that moved its dossier to another gauge row, on its day
        // (keyed by receiving unit here, spread along the lineage below, as `open_moves` is).
        var moves: [Key: Int64] = [:]
        func move(from before: Dossier?, to d: Dossier, _ at: Date) {
            let old = before.flatMap(ServiceCounters.openKey), new = ServiceCounters.openKey(d)
            guard old != new else { return }
            let day = VietnamTime.localDate(of: at).iso
            if let old { moves[Key(unit: d.receivingUnitID.rawValue, procedure: d.procedureID.rawValue, channel: "", bucket: day, metric: old), default: 0] -= 1 }
            if let new { moves[Key(unit: d.receivingUnitID.rawValue, procedure: d.procedureID.rawValue, channel: "", bucket: day, metric: new), default: 0] += 1 }
        }
        // Events in pages, in dossier and sequence order, carrying the previous snapshot along.
        var after: (UUID, Int)? = nil
        var previous: (UUID, Dossier)? = nil
        let sql = try db.sql
        let total = progress == nil ? 0
            : Int(try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("dossier_events").first()?
                .decode(column: "n", as: Int64.self) ?? 0)
        while true {
            var query = sql.select().columns("dossier_id", "seq", "name", "at", "payload", "snapshot").from("dossier_events")
            if let (id, seq) = after {
                query = query.where { $0.where("dossier_id", .greaterThan, id).orWhere { $0.where("dossier_id", .equal, id).where("seq", .greaterThan, seq) } }
            }
            let rows = try await query.orderBy("dossier_id").orderBy("seq").limit(2000).all()
            if rows.isEmpty { break }
            for row in rows {
                let id = try row.decode(column: "dossier_id", as: UUID.self), seq = try row.decode(column: "seq", as: Int.self)
                after = (id, seq)
                events += 1
                guard let text = try row.decode(column: "snapshot", as: String?.self) else { unreplayable += 1; continue }
                let snapshot = try StoredJSON.decode(Dossier.self, from: text)
                let at = try row.decode(column: "at", as: Date.self)
                if try row.decode(column: "name", as: String.self) == "receive" {
                    add(ServiceCounters.intake(snapshot), snapshot, at)
                    move(from: nil, to: snapshot, at)
                } else if let payload = try row.decode(column: "payload", as: String?.self), let before = previous, before.0 == id {
                    let event = try StoredJSON.decode(DossierEvent.self, from: payload)
                    add(ServiceCounters.deltas(for: event, before: before.1, after: snapshot, at: at), snapshot, at)
                    move(from: before.1, to: snapshot, at)
                } else {
                    unreplayable += 1
                }
                previous = (id, snapshot)
            }
            progress?(events, max(total, events))
        }
        progress?(events, max(total, events))
        /// The rows of a table about dossiers (`columns` of it, optionally `column = value`), each with its dossier.
        func aboutDossiers(_ table: String, _ columns: [String], where filter: (String, String)? = nil) async throws -> [(any SQLRow, Dossier)] {
            var query = sql.select()
            for column in columns { query = query.column(SQLColumn(column, table: "x")) }
            query = query.column(SQLColumn("data", table: "d"))
                .from(SQLAlias(SQLIdentifier(table), as: SQLIdentifier("x")))
                .join(SQLAlias(SQLIdentifier("dossiers"), as: SQLIdentifier("d")), on: SQLColumn("dossier_id", table: "x"), .equal, SQLColumn("id", table: "d"))
            if let (column, value) = filter { query = query.where(SQLColumn(column, table: "x"), .equal, SQLBind(value)) }
            return try await query.all().map { ($0, try StoredJSON.decode(Dossier.self, from: try $0.decode(column: "data", as: String.self))) }
        }
        // Files: digitised copies on their upload day; reuses as reuses.
        for (row, dossier) in try await aboutDossiers("dossier_files", ["kind", "digitised", "reused_from", "uploaded_at"]) {
            let at = try row.decode(column: "uploaded_at", as: Date.self)
            if try row.decode(column: "reused_from", as: UUID?.self) != nil {
                add([.componentsReused: 1], dossier, at)
            } else if try row.decode(column: "digitised", as: Bool.self) {
                add([try row.decode(column: "kind", as: String.self) == "result" ? .resultsDigitised : .componentsDigitised: 1], dossier, at)
            }
        }
        // Satisfaction responses, on the day the result was returned.
        for (row, dossier) in try await aboutDossiers("sipas_responses", ["negative", "returned_at"]) {
            add([.ratings: 1, .negativeRatings: try row.decode(column: "negative", as: Bool.self) ? 1 : 0], dossier,
                try row.decode(column: "returned_at", as: Date.self))
        }
        // Counter ratings about dossiers, on the rating day.
        for (row, dossier) in try await aboutDossiers("counter_ratings", ["level", "rated_at"]) {
            let negative = CounterRatingLevel(rawValue: try row.decode(column: "level", as: String.self))?.isNegative ?? false
            add([.ratings: 1, .negativeRatings: negative ? 1 : 0], dossier, try row.decode(column: "rated_at", as: Date.self))
        }
        // Fees paid, on the day paid.
        for (row, dossier) in try await aboutDossiers("payments", ["method", "paid_at"], where: ("status", Payment.Status.succeeded.rawValue)) {
            guard let paidAt = try row.decode(column: "paid_at", as: Date?.self) else { continue }
            let online = try row.decode(column: "method", as: String.self) == Payment.Method.online.rawValue
            add([.payments: 1, .paymentsOnline: online ? 1 : 0], dossier, paidAt)
        }
        // The gauge: dossiers open now.
        var open: [Key: Int64] = [:]
        for row in try await sql.select().column("data").from("dossiers").where("state", .notIn, ["processed", "returned", "refused", "withdrawn", "stopped"]).all() {
            let d = try StoredJSON.decode(Dossier.self, from: try row.decode(column: "data", as: String.self))
            guard let bucket = ServiceCounters.openKey(d) else { continue }
            open[Key(unit: d.receivingUnitID.rawValue, procedure: d.procedureID.rawValue, channel: d.channel.rawValue, bucket: bucket, metric: ""), default: 0] += 1
        }

        // The roll-ups, from the recomputed counters and gauge along each unit's lineage.
        var lineages: [UUID: [UUID]] = [:]
        for row in try await sql.select().columns("id", "path").from("units").all() {
            lineages[try row.decode(column: "id", as: UUID.self)] = UnitModel.lineage(ofPath: try row.decode(column: "path", as: String.self))
        }
        var rollups: [Key: Int64] = [:], openRollups: [Key: Int64] = [:]
        for (key, n) in counters {
            guard let metric = ServiceMetric(rawValue: key.metric), let channel = DossierChannel(rawValue: key.channel),
                  let day = LocalDate(iso: key.bucket) else { continue }
            for row in IndexRollups.rows([metric: Int(n)], channel: channel, day: day) {
                for unit in lineages[key.unit] ?? [key.unit] {
                    rollups[Key(unit: unit, procedure: Self.none, channel: row.0, bucket: row.1, metric: row.2), default: 0] += row.3
                }
            }
        }
        for (key, n) in open {
            for unit in lineages[key.unit] ?? [key.unit] {
                openRollups[Key(unit: unit, procedure: Self.none, channel: "", bucket: key.bucket, metric: ""), default: 0] += n
            }
        }
        var openMoves: [Key: Int64] = [:]
        for (key, n) in moves where n != 0 {
            for unit in lineages[key.unit] ?? [key.unit] {
                openMoves[Key(unit: unit, procedure: key.procedure, channel: "", bucket: key.bucket, metric: key.metric), default: 0] += n
            }
        }
        let liveCounters = try await load("service_counters", bucket: "day", metric: "metric")
        let liveOpen = try await load("open_counters", bucket: "due_day", metric: nil)
        var differences = Self.compare("service_counters", live: liveCounters, rebuilt: counters)
        differences += Self.compare("open_counters", live: liveOpen, rebuilt: open)
        if !legacy { differences += Self.compare(IndexRollups.table, live: try await loadRollups(), rebuilt: rollups) }
        // Past due days read as always late on both sides, and the fold's own moves left out (`IndexSettle`):
        // a folded gauge reads the same as the one the dossiers make.
        let today = VietnamTime.localDate(of: now)
        func settled(_ rows: [Key: Int64]) -> [Key: Int64] {
            var result: [Key: Int64] = [:]
            for (key, n) in rows {
                var key = key
                key.bucket = Overdue.bucket(key.bucket, today: today)
                result[key, default: 0] += n
            }
            return result.filter { $0.value != 0 }
        }
        differences += Self.compare("open_rollups", live: settled(try await loadOpenRollups()), rebuilt: settled(openRollups))
        // Each unit's open total, the sum of its gauge rows (none in legacy mode: the table came later).
        var openTotals: [Key: Int64] = [:]
        if !legacy {
            for (key, n) in openRollups { openTotals[Key(unit: key.unit, procedure: Self.none, channel: "", bucket: "", metric: ""), default: 0] += n }
            openTotals = openTotals.filter { $0.value != 0 }
            differences += Self.compare(IndexRollups.openTotals, live: try await loadOpenTotals(), rebuilt: openTotals)
        }
        differences += Self.compare("open_moves", live: try await loadOpenMoves().filter { $0.key.procedure != IndexSettle.noProcedure },
                                    rebuilt: openMoves.filter { $0.value != 0 })
        // The overdue roll-up, from the dossiers as they stand (holder, state, gauge day), past days read as late.
        let steps = !legacy ? try await OverdueRollups.derived(on: db, today: today) : [:]
        func keyed(_ rows: [UUID: [Overdue.Key: Int]]) -> [Key: Int64] {
            var result: [Key: Int64] = [:]
            for (unit, keys) in rows {
                for (key, n) in keys where n != 0 {
                    result[Key(unit: unit, procedure: key.holder.rawValue, channel: key.state.rawValue, bucket: key.bucket, metric: ""), default: 0] += Int64(n)
                }
            }
            return result
        }
        if !legacy {
            differences += Self.compare(OverdueRollups.table, live: keyed(try await OverdueRollups.stored(on: db, today: today)), rebuilt: keyed(steps))
        }
        if apply {
            let counters = counters, open = open, rollups = rollups, openRollups = openRollups, openMoves = openMoves, openTotals = openTotals
            let differenceCount = differences.count
            try await db.writeTransaction { tx in
                for table in ["service_counters", "open_counters", "open_rollups", "open_moves"] + (legacy ? [] : [IndexRollups.table, IndexRollups.openTotals]) {
                    try await tx.sql.delete(from: table).run()
                }
                for (key, n) in openMoves where n != 0 {
                    try await tx.sql.insert(into: "open_moves").columns("unit_id", "procedure_id", "day", "bucket", "n")
                        .values(SQLBind(key.unit), SQLBind(key.procedure), SQLBind(key.bucket), SQLBind(key.metric), SQLBind(n)).run()
                }
                let cells = legacy ? [] : rollups.filter { $0.value != 0 }.map { ($0.key.unit, $0.key.channel, $0.key.bucket, $0.key.metric, $0.value) }
                for chunk in stride(from: 0, to: cells.count, by: 2_000) {
                    try await IndexRollups.upsert(Array(cells[chunk..<min(chunk + 2_000, cells.count)]), on: tx)
                }
                for (key, n) in openRollups where n != 0 {
                    try await tx.sql.insert(into: "open_rollups").columns("unit_id", "bucket", "n")
                        .values(SQLBind(key.unit), SQLBind(key.bucket), SQLBind(n)).run()
                }
                for (key, n) in openTotals {
                    try await tx.sql.insert(into: IndexRollups.openTotals).columns("unit_id", "n").values(SQLBind(key.unit), SQLBind(n)).run()
                }
                for (key, n) in counters where n != 0 {
                    try await tx.sql.insert(into: "service_counters").columns("unit_id", "procedure_id", "channel", "day", "metric", "n")
                        .values(SQLBind(key.unit), SQLBind(key.procedure), SQLBind(key.channel), SQLBind(key.bucket), SQLBind(key.metric), SQLBind(n)).run()
                }
                for (key, n) in open where n != 0 {
                    try await tx.sql.insert(into: "open_counters").columns("unit_id", "procedure_id", "channel", "due_day", "n")
                        .values(SQLBind(key.unit), SQLBind(key.procedure), SQLBind(key.channel), SQLBind(key.bucket), SQLBind(n)).run()
                }
                if !legacy { try await IndexSettle.forgetEnds(on: tx) }
                if !legacy { try await OverdueRollups.write(steps, on: tx) }
                try await AuditLog.append(on: tx, actor: .system("index rebuild"), action: "index.rebuild", entityType: "index",
                                          entityID: "service_counters", after: ["differences": String(differenceCount)], now: now)
            }
        }
        return Report(events: events, counters: counters.count, openRows: open.count, unreplayable: unreplayable, differences: differences)
    }

    func load(_ table: String, bucket: String, metric: String?) async throws -> [Key: Int64] {
        var query = try db.sql.select().columns("unit_id", "procedure_id", "channel", bucket, "n").from(table)
        if let metric { query = query.column(SQLColumn(metric)) }
        var result: [Key: Int64] = [:]
        for row in try await query.all() {
            let key = Key(unit: try row.decode(column: "unit_id", as: UUID.self), procedure: try row.decode(column: "procedure_id", as: UUID.self),
                          channel: try row.decode(column: "channel", as: String.self), bucket: try row.decode(column: bucket, as: String.self),
                          metric: try metric.map { try row.decode(column: $0, as: String.self) } ?? "")
            result[key, default: 0] += try row.decode(column: "n", as: Int64.self)
        }
        return result
    }

    /// `index_totals` keyed like the rebuilt roll-ups: grain in `channel`, period in `bucket`.
    func loadRollups() async throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        for (unit, grain, period, metric, n) in try await IndexRollups.cells(on: db) {
            result[Key(unit: unit, procedure: Self.none, channel: grain, bucket: period, metric: metric), default: 0] += n
        }
        return result
    }

    func loadOpenRollups() async throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        for row in try await db.sql.select().columns("unit_id", "bucket", "n").from("open_rollups").all() {
            result[Key(unit: try row.decode(column: "unit_id", as: UUID.self), procedure: Self.none, channel: "",
                       bucket: try row.decode(column: "bucket", as: String.self), metric: ""), default: 0] += try row.decode(column: "n", as: Int64.self)
        }
        return result
    }

    /// `open_totals` keyed like the rebuilt totals (zeros left out).
    func loadOpenTotals() async throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        for row in try await db.sql.select().columns("unit_id", "n").from(IndexRollups.openTotals).all() {
            result[Key(unit: try row.decode(column: "unit_id", as: UUID.self), procedure: Self.none, channel: "", bucket: "", metric: ""),
                   default: 0] += try row.decode(column: "n", as: Int64.self)
        }
        return result.filter { $0.value != 0 }
    }

    /// `open_moves` keyed like the rebuilt moves: day in `bucket`, gauge row in `metric`.
    func loadOpenMoves() async throws -> [Key: Int64] {
        var result: [Key: Int64] = [:]
        for row in try await db.sql.select().columns("unit_id", "procedure_id", "day", "bucket", "n").from("open_moves").all() {
            result[Key(unit: try row.decode(column: "unit_id", as: UUID.self), procedure: try row.decode(column: "procedure_id", as: UUID.self),
                       channel: "", bucket: try row.decode(column: "day", as: String.self),
                       metric: try row.decode(column: "bucket", as: String.self)), default: 0] += try row.decode(column: "n", as: Int64.self)
        }
        return result.filter { $0.value != 0 }
    }

    static func compare(_ table: String, live: [Key: Int64], rebuilt: [Key: Int64]) -> [Difference] {
        Set(live.keys).union(rebuilt.keys).sorted().compactMap { key in
            let a = live[key] ?? 0, b = rebuilt[key] ?? 0
            return a == b ? nil : Difference(table: table, key: key, live: a, rebuilt: b)
        }
    }
}
