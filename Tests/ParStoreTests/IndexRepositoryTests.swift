import FluentKit
import Foundation
import ParCore
@testable import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Service index store")
struct IndexRepositoryTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func text(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// A week of dossiers at one ward (5-working-day procedure, received Monday 3 March 2025):
    /// early, on time after a supplement pause, late after two supplement requests, withdrawn,
    /// still open on time and open late at the period's end, and one online.
    static func parent(of unit: OrgUnit.ID, _ db: any Database) async throws -> OrgUnit.ID? {
        try await db.sql.select().column("parent_id").from("units").where("id", .equal, unit.rawValue).first()?
            .decode(column: "parent_id", as: UUID?.self).map(OrgUnit.ID.init)
    }

    static func fill(_ db: any Database) async throws -> DossierRepositoryTests.World {
        let w = try await DossierRepositoryTests.world(db)
        let repo = DossierRepository(db: db)
        let actor = AuditActor.system("t")
        func receive(_ channel: DossierChannel = .counter, at time: String) async throws -> Dossier {
            var intake = DossierRepositoryTests.intake(w)
            intake.channel = channel
            return try await repo.receive(intake, actor: actor, now: at(time)).dossier
        }
        func act(_ d: inout Dossier, _ event: DossierEvent, _ time: String) async throws {
            d = try await repo.act(d.id, expectedVersion: d.version, event: event, actor: actor, now: at(time))
        }
        // 1. Early: processed Wednesday, due next Monday.
        var early = try await receive(at: "2025-03-03T09:00:00+07:00")
        try await act(&early, .forward(to: w.division.id, electronic: true, note: nil), "2025-03-03T10:00:00+07:00")
        try await act(&early, .markProcessed(electronicResult: true), "2025-03-05T10:00:00+07:00")
        try await act(&early, .returnResult(method: "electronic"), "2025-03-05T15:00:00+07:00")
        // 2. On time on its (moved) due day after one supplement pause.
        var paused = try await receive(at: "2025-03-03T09:00:00+07:00")
        try await act(&paused, .requestSupplement(items: ["Giấy xác nhận"]), "2025-03-04T09:00:00+07:00")
        try await act(&paused, .completeSupplement, "2025-03-06T09:00:00+07:00")
        let onTimeDay = VietnamTime.localDate(of: paused.dueAt)
        try await act(&paused, .markProcessed(electronicResult: false), text(VietnamTime.instant(onTimeDay, TimeOfDay(hour: 9)!)))
        // 3. Late: two supplement requests, though finished before its appointment.
        var twice = try await receive(at: "2025-03-03T09:00:00+07:00")
        try await act(&twice, .requestSupplement(items: ["A"]), "2025-03-03T11:00:00+07:00")
        try await act(&twice, .completeSupplement, "2025-03-03T14:00:00+07:00")
        try await act(&twice, .requestSupplement(items: ["B"]), "2025-03-04T11:00:00+07:00")
        try await act(&twice, .completeSupplement, "2025-03-04T14:00:00+07:00")
        try await act(&twice, .forward(to: w.division.id, electronic: false, note: nil), "2025-03-04T15:00:00+07:00")
        try await act(&twice, .markProcessed(electronicResult: true), "2025-03-05T09:00:00+07:00")
        // 4. Withdrawn an hour after it was received: processing ended early (Decision 766 measures it).
        var withdrawn = try await receive(at: "2025-03-04T09:00:00+07:00")
        try await act(&withdrawn, .withdraw(reason: nil), "2025-03-04T10:00:00+07:00")
        // 5. Open on time, 6. open late (received long ago), 7. online, waiting for a supplement.
        _ = try await receive(at: "2025-03-07T09:00:00+07:00")
        _ = try await receive(at: "2025-02-03T09:00:00+07:00")
        var online = try await receive(.online, at: "2025-03-05T20:00:00+07:00")
        try await act(&online, .accept, "2025-03-06T08:00:00+07:00")
        try await act(&online, .requestSupplement(items: ["C"]), "2025-03-06T09:00:00+07:00")
        return w
    }

    @Test("facts from the counters and the gauge match the hand count, and so do the indicators")
    func facts() async throws {
        try await withTestDatabase { db in
            let w = try await Self.fill(db)
            let index = IndexRepository(db: db)
            let scope = try await index.scope(w.ward.id)
            #expect(Set(scope.units) == [w.ward.id, w.division.id] && scope.includesCommunes)
            let today = LocalDate(iso: "2025-03-07")!
            let facts = try await index.facts(scope, from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-31")!, today: today)
            #expect(facts[.received] == 6, "the one received in February is outside the period")
            #expect(facts[.receivedOnline] == 1 && facts[.receivedCounter] == 5)
            #expect(facts[.finishedEarly] == 1 && facts[.finishedOnTime] == 1 && facts[.finishedLate] == 1)
            #expect(facts[.endedEarly] == 1 && facts[.endedOnTime] == nil && facts[.endedLate] == nil)
            #expect(facts[.withdrawn] == 1 && facts[.supplementRequests] == 4 && facts[.returned] == 1 && facts[.returnedElectronic] == 1)
            #expect(facts[.transfers] == 2 && facts[.transfersElectronic] == 1 && facts[.resultsElectronic] == 2)
            #expect(facts[.openOnTime] == 1 && facts[.openLate] == 1 && facts[.openPaused] == 1 && facts[.openPausedLate] == 0)
            #expect(facts[.procedures] == 1 && facts[.proceduresOnline] == 1 && facts[.proceduresComplete] == 1)
            let results = IndexScoring.evaluate(try await index.activeSet(), facts: facts)
            let onTime = try #require(results.first { $0.indicator.id == "progress.on_time" })
            // Decision 766, 2.1: (1 early + 1 on time + 1 withdrawn early + 1 open on time + 1 waiting for a supplement
            // requested in time) / (3 processed + 1 withdrawn + 2 open + 1 waiting) = 5/7 = 71.43% → 20 × 5/7 = 14.29.
            #expect(onTime.numerator == 5 && onTime.denominator == 7)
            #expect(onTime.percent == 71.43 && onTime.points == 14.29)
            let worst = try await index.worstProcedures(scope, from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-31")!)
            #expect(worst.count == 1 && worst[0].procedure == w.procedure.id && worst[0].late == 1 && worst[0].finished == 3)
            // A past period keeps the dossiers open at its end: on 28 February only the one received on
            // 3 February (due 10 February) was open, and late; the March ones did not exist yet.
            let february = try await index.facts(scope, from: LocalDate(iso: "2025-02-01")!, through: LocalDate(iso: "2025-02-28")!, today: today)
            #expect(february[.received] == 1 && february[.openLate] == 1)
            #expect(february[.openOnTime] == 0 && february[.openPaused] == 0 && february[.openPausedLate] == 0)
            let closed = IndexScoring.evaluate(.decision766v2022, facts: february)
            #expect(closed.first { $0.indicator.id == "progress.on_time" }?.rate == 0)
            // At the end of 4 March: dossier 1 running before its appointment (on time), dossier 2 waiting for the
            // supplement requested that morning (paused, in time), dossier 3 running after its second request (late
            // whatever its appointment), the February one late; the withdrawn one had ended, 5 and 7 did not exist.
            let march5 = try await index.facts(scope, from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-04")!, today: today)
            #expect(march5[.openLate] == 2 && march5[.openOnTime] == 1 && march5[.openPaused] == 1)
        }
    }

    @Test("every number drills down to exactly that many rows")
    func drillDown() async throws {
        try await withTestDatabase { db in
            let w = try await Self.fill(db)
            let index = IndexRepository(db: db)
            let scope = try await index.scope(w.ward.id)
            let from = LocalDate(iso: "2025-03-01")!, through = LocalDate(iso: "2025-03-31")!, today = LocalDate(iso: "2025-03-07")!
            let facts = try await index.facts(scope, from: from, through: through, today: today)
            for fact in IndexFact.allCases {
                guard let behind = try await index.behind(fact, scope: scope, from: from, through: through, today: today) else {
                    // Ratings are not drilled to their dossiers: answers are not shown with names.
                    #expect([.procedures, .proceduresOnline, .proceduresFullOnline, .proceduresComplete, .payments, .paymentsOnline,
                             .negativeRatings, .ratings, .feedbackReceived, .feedbackOverdue, .feedbackUnsatisfactory].contains(fact))
                    continue
                }
                #expect(Double(behind.total) == facts[fact] ?? 0, "\(fact)")
                #expect(behind.rows.count == behind.total, "\(fact)")
            }
            let late = try #require(try await index.behind(.finishedLate, scope: scope, from: from, through: through, today: today))
            #expect(late.rows.first?.dossier.supplementRequests == 2)
        }
    }

    @Test("the rebuild from events, files and open dossiers gives exactly the live counters")
    func rebuild() async throws {
        try await withTestDatabase { db in
            _ = try await Self.fill(db)
            let rebuild = IndexRebuild(db: db)
            let report = try await rebuild.run(now: testNow())
            #expect(report.matches, "\(report.differences)")
            #expect(report.events > 20 && report.counters > 10)
            // A tampered counter is found, and apply restores it.
            try await db.sql.raw("UPDATE service_counters SET n = n + 5 WHERE metric = 'received'").run()
            try await db.sql.raw("DELETE FROM open_counters").run()
            let broken = try await rebuild.run(apply: true, now: testNow())
            #expect(!broken.matches && broken.differences.contains { $0.table == "open_counters" })
            #expect(try await rebuild.run(now: testNow()).matches)
        }
    }

    @Test("the counters' roll-ups: a column per metric; a ranking's facts equal each root's own on any period; migration 33 keeps every cell both ways; the rebuild finds a changed cell and mends it")
    func totals() async throws {
        try await withTestDatabase { db in
            let w = try await Self.fill(db)
            let row = try #require(try await db.sql.select().column(SQLLiteral.all).from("index_totals").limit(1).first())
            #expect(Set(row.allColumns) == Set(["unit_id", "grain", "period"] + IndexRollups.metrics))
            let index = IndexRepository(db: db), today = LocalDate(iso: "2025-03-07")!
            for (from, through) in [("2025-03-01", "2025-03-31"), ("2025-03-04", "2025-03-06"), ("2025-01-01", "2025-12-31"), ("2025-02-20", "2025-04-02")] {
                let period = try ReportPeriod(from: LocalDate(iso: from)!, through: LocalDate(iso: through)!)
                for (unit, communes) in [(w.ward, true), (w.division, false)] {
                    let ranked = try await index.facts(ofRoots: [(unit.id, communes)], period: period, today: today)[unit.id]?.dictionary ?? [:]
                    let own = try await index.facts(try await index.scope(unit.id), from: period.from, through: period.through, today: today)
                    #expect(ranked.filter { $0.value != 0 } == own.filter { $0.value != 0 }, "\(unit.name) \(from)…\(through)")
                    // Read as one of its parent's children (what a ranking does): the same facts, and no sibling's.
                    guard let parent = try await Self.parent(of: unit.id, db) else { continue }
                    let siblings = try await index.facts(ofRoots: [(unit.id, communes)], childrenOf: parent, period: period, today: today)
                    #expect(Set(siblings.keys).isSubset(of: [unit.id]) && (siblings[unit.id]?.dictionary ?? [:]) == ranked, "\(unit.name) \(from)…\(through)")
                }
            }
            let march = try await IndexRollups.totals(unit: w.ward.id, period: try ReportPeriod(from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-31")!), on: db)
            #expect(march["received"] == 6 && march["received_online"] == 1 && march["received_counter"] == 5, "\(march)")
            // Migration 33 both ways: the narrow rows it started from hold the same cells, and back again.
            let cells = { (rows: [(UUID, String, String, String, Int64)]) in Set(rows.map { "\($0.0) \($0.1) \($0.2) \($0.3) \($0.4)" }) }
            let before = cells(try await IndexRollups.cells(on: db))
            try await CreateIndexTotals().revert(on: db)
            let narrow = try await db.sql.select().columns("unit_id", "grain", "period", "metric", "n").from("index_rollups").all().map { row in
                (try row.decode(column: "unit_id", as: UUID.self), try row.decode(column: "grain", as: String.self),
                 try row.decode(column: "period", as: String.self), try row.decode(column: "metric", as: String.self), try row.decode(column: "n", as: Int64.self))
            }
            #expect(cells(narrow) == before && !before.isEmpty)
            try await CreateIndexTotals().prepare(on: db)
            #expect(cells(try await IndexRollups.cells(on: db)) == before)
            try await db.sql.raw("UPDATE index_totals SET received = received + 3 WHERE grain = 'y'").run()
            let rebuild = IndexRebuild(db: db)
            let broken = try await rebuild.run(apply: true, now: testNow())
            #expect(broken.differences.contains { $0.table == "index_totals" && $0.key.metric == "received" && $0.live - $0.rebuilt == 3 })
            #expect(try await rebuild.run(now: testNow()).matches)
        }
    }

    @Test("each subtree's open total (open_totals) is every gauge row summed; the gauge read from it equals every row summed on any day; migration 37 fills it; the rebuild finds a changed total and mends it")
    func openTotals() async throws {
        try await withTestDatabase { db in
            let w = try await Self.fill(db)
            func totals() async throws -> [UUID: Int64] {
                var result: [UUID: Int64] = [:]
                for row in try await db.sql.select().columns("unit_id", "n").from("open_totals").all() where try row.decode(column: "n", as: Int64.self) != 0 {
                    result[try row.decode(column: "unit_id", as: UUID.self)] = try row.decode(column: "n", as: Int64.self)
                }
                return result
            }
            var summed: [UUID: Int64] = [:]
            for row in try await db.sql.select().columns("unit_id", "n").from("open_rollups").all() {
                summed[try row.decode(column: "unit_id", as: UUID.self), default: 0] += try row.decode(column: "n", as: Int64.self)
            }
            let live = try await totals()
            #expect(live == summed.filter { $0.value != 0 } && live[w.ward.id.rawValue] == 3, "\(live)")
            let units: UnitSelection = .ids([w.ward.id.rawValue, w.division.id.rawValue])
            for day in ["2025-02-01", "2025-03-07", "2025-03-12", "2025-03-13", "2025-06-30"] {
                let today = LocalDate(iso: day)!
                let all = try await OpenCounterStore.openSums("open_rollups", dayColumn: "bucket", units: units, lateBefore: today, on: db)
                #expect(try await IndexRollups.open(units: units, today: today, on: db) == all, "\(day)")
            }
            try await CreateOpenTotals().revert(on: db)
            try await CreateOpenTotals().prepare(on: db)
            #expect(try await totals() == live)
            try await db.sql.raw("UPDATE open_totals SET n = n + 2").run()
            let rebuild = IndexRebuild(db: db)
            let broken = try await rebuild.run(apply: true, now: testNow())
            #expect(broken.differences.contains { $0.table == "open_totals" && $0.live - $0.rebuilt == 2 })
            #expect(try await rebuild.run(now: testNow()).matches)
            #expect(try await totals() == live)
        }
    }

    @Test("the sums the database sends as a JSON array read back exactly; anything else is refused", arguments: [
        ("[1,2,3]", [1, 2, 3]), ("[1, -2, null, 0]", [1, -2, 0, 0]), ("[]", []), ("[9223372036854775807]", [Int64.max]),
        ("[1,,2]", nil), ("[1", nil), ("1]", nil), ("[92233720368547758070]", nil), ("[1] x", nil), ("[1] \n", [1]), ("[nul1]", nil), ("[1u]", nil),
    ] as [(String, [Int64]?)])
    func sumsText(text: String, expected: [Int64]?) throws {
        if let expected {
            #expect(try PackedRows.integers(text) == expected)
        } else {
            #expect(throws: (any Error).self) { try PackedRows.integers(text) }
        }
    }

    static let packedA = UUID(uuidString: "611D54FB-CDC3-4F00-90C5-97237613B136")!, packedB = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!

    @Test("rows packed by the database as one JSON array read back exactly, as SQLite and PostgreSQL write them; anything else is refused", arguments: [
        (#"[["611D54FB-CDC3-4F00-90C5-97237613B136",1,-2],["00000000-0000-0000-0000-000000000001",null,7]]"#, [packedA: [1, -2], packedB: [0, 7]]),
        ("[[\"611d54fb-cdc3-4f00-90c5-97237613b136\", 1, -2], \n [\"00000000-0000-0000-0000-000000000001\", null, 7]]", [packedA: [1, -2], packedB: [0, 7]]),
        ("[]", [:]),
        (#"[["611D54FB-CDC3-4F00-90C5-97237613B136",1]]"#, nil), (#"[["nonsense",1,2]]"#, nil), (#"[["611D54FB-CDC3-4F00-90C5-97237613B136",1,2]"#, nil),
        (#"[["611D54FB-CDC3-4F00-90C5-97237613B136",1,2,3]]"#, nil), (#"[["611D54FB-CDC3-4F00-90C5-97237613B136",1,2]] x"#, nil),
    ] as [(String, [UUID: [Int64]]?)])
    func packedRows(text: String, expected: [UUID: [Int64]]?) throws {
        if let expected {
            #expect(try PackedRows.unpack(text, width: 2) == expected)
        } else {
            #expect(throws: (any Error).self) { try PackedRows.unpack(text, width: 2) }
        }
    }

    @Test("settling (the ends of past days recorded, past due days folded) changes no number on the day or after, also once dossiers move out of folded days; the rebuild matches, and applied reads the same unfolded")
    func settle() async throws {
        try await withTestDatabase { db in
            let w = try await Self.fill(db)
            let index = IndexRepository(db: db)
            let periods = [("2025-03-01", "2025-03-31"), ("2025-03-03", "2025-03-06"), ("2025-02-01", "2025-02-28"), ("2025-01-01", "2025-12-31"),
                           ("2025-04-01", "2025-04-14"), ("2025-03-20", "2025-04-20")]
            func figures(_ today: String) async throws -> [String: [IndexFact: Double]] {
                var result: [String: [IndexFact: Double]] = [:]
                for (from, through) in periods {
                    let period = try ReportPeriod(from: LocalDate(iso: from)!, through: LocalDate(iso: through)!)
                    for (unit, communes) in [(w.ward, true), (w.division, false)] {
                        let day = LocalDate(iso: today)!
                        let own = try await index.facts(try await index.scope(unit.id), from: period.from, through: period.through, today: day)
                        let ranked = try await index.facts(ofRoots: [(unit.id, communes)], period: period, today: day)[unit.id]?.dictionary ?? [:]
                        #expect(ranked.filter { $0.value != 0 } == own.filter { $0.value != 0 }, "\(today) \(unit.name) \(from)…\(through)")
                        if let parent = try await Self.parent(of: unit.id, db) {
                            let sibling = try await index.facts(ofRoots: [(unit.id, communes)], childrenOf: parent, period: period, today: day)
                            #expect((sibling[unit.id]?.dictionary ?? [:]) == ranked, "\(today) \(unit.name) \(from)…\(through), read as a child")
                        }
                        result["\(unit.name) \(from)…\(through)"] = own.filter { $0.value != 0 }
                    }
                }
                return result
            }
            let before = try await figures("2025-04-15")
            let wardScope = try await index.scope(w.ward.id), fold = LocalDate(iso: "2025-04-15")!
            let longest = try await index.longestOverdue(wardScope, today: fold, limit: 10).map(\.id)
            #expect(longest.count == 2, "the dossier due in February and the one due in March are overdue")
            let report = try await IndexSettle.run(today: LocalDate(iso: "2025-04-15")!, on: db)
            #expect(report.folded > 0 && report.recorded.count == 31 && report.recorded.last?.iso == "2025-04-14")
            #expect(try await db.sql.select().column("bucket").from("open_rollups").where("unit_id", .equal, w.ward.id.rawValue)
                .where("bucket", .greaterThan, ServiceCounters.alwaysLate).where("bucket", .lessThan, "2025-04-15").first() == nil)
            #expect(try await figures("2025-04-15") == before)
            #expect(try await index.longestOverdue(wardScope, today: fold, limit: 10).map(\.id) == longest, "the longest overdue list reads the same folded")
            #expect(try await IndexSettle.run(today: LocalDate(iso: "2025-04-15")!, on: db) == .init(folded: 0, recorded: []))
            // The open dossier received on Friday 7 March leaves its folded due day on 16 April.
            let row = try #require(try await db.sql.select().column("id").from("dossiers")
                .where("received_at", .greaterThanOrEqual, Self.at("2025-03-07T00:00:00+07:00")).where("received_at", .lessThan, Self.at("2025-03-08T00:00:00+07:00")).first())
            let repo = DossierRepository(db: db)
            let open = try #require(try await repo.find(Dossier.ID(try row.decode(column: "id", as: UUID.self))))
            _ = try await repo.act(open.id, expectedVersion: open.version, event: .markProcessed(electronicResult: false), actor: .system("t"),
                                   now: Self.at("2025-04-16T09:00:00+07:00"))
            let settled = try await figures("2025-04-16")
            #expect(settled != before, "finishing the dossier changes this year's figures")
            _ = try await IndexSettle.run(today: LocalDate(iso: "2025-04-17")!, on: db)
            let rebuild = IndexRebuild(db: db)
            let check = try await rebuild.run(now: Self.at("2025-04-17T09:00:00+07:00"))
            #expect(check.matches, "\(check.differences)")
            // Applied, the rebuild writes the gauge unfolded and forgets the recorded ends: the same figures.
            _ = try await rebuild.run(apply: true, now: Self.at("2025-04-17T09:00:00+07:00"))
            #expect(try await db.sql.select().column("day").from("open_end_days").first() == nil)
            #expect(try await figures("2025-04-16") == settled)
        }
    }

    @Test("the overdue roll-up: by holder and step as the dossiers themselves say, on any later day; folded rows read the same; the rebuild finds and mends it")
    func overdueRollup() async throws {
        try await withTestDatabase { db in
            let w = try await Self.fill(db)
            let index = IndexRepository(db: db)
            let scope = try await index.scope(w.ward.id)
            /// The reference: the dossiers' own columns, counted as the gauge counts them.
            func reference(_ today: LocalDate) async throws -> Overdue.Summary {
                var summary = Overdue.Summary(total: 0, byState: [:], byHolder: [:])
                for row in try await db.sql.select().column("holder_unit_id").column("state").from("dossiers").where("gauge_key", .lessThan, today.iso).all() {
                    summary.total += 1
                    summary.byState[DossierState(rawValue: try row.decode(column: "state", as: String.self))!, default: 0] += 1
                    summary.byHolder[OrgUnit.ID(try row.decode(column: "holder_unit_id", as: UUID.self)), default: 0] += 1
                }
                return summary
            }
            for day in ["2025-03-07", "2025-03-10", "2025-03-20", "2026-12-05"] {
                let today = LocalDate(iso: day)!
                let counts = try await index.overdueSummary(scope, today: today, holders: 100)
                #expect(counts == (try await reference(today)), "\(day)")
                #expect(counts.total == (try await IndexRollups.open(unit: w.ward.id, today: today, on: db)).late, "\(day): the gauge's late")
                // Read again: the rows of past days are folded now, the answer is the same.
                #expect(try await index.overdueSummary(scope, today: today, holders: 100) == counts)
                // The longest overdue: earliest appointment first, then those late for a second supplement request.
                let all = counts.total
                for limit in [1, all] {
                    let dated = try await db.sql.select().column("id").from("dossiers").where("gauge_key", .lessThan, today.iso)
                        .where("gauge_key", .greaterThan, ServiceCounters.alwaysLate).orderBy("due_at").orderBy("code").all()
                        .map { try $0.decode(column: "id", as: UUID.self) }
                    let always = try await db.sql.select().column("id").from("dossiers").where("gauge_key", .equal, ServiceCounters.alwaysLate)
                        .orderBy("due_at").orderBy("code").all().map { try $0.decode(column: "id", as: UUID.self) }
                    let listed = try await index.longestOverdue(scope, today: today, limit: limit).map(\.id.rawValue)
                    #expect(listed == Array((dated + always).prefix(limit)), "\(day), \(limit)")
                }
            }
            let unfolded = try await db.sql.select().column(SQLRaw("COUNT(*)"), as: "n").from("open_steps").where("unit_id", .equal, w.ward.id.rawValue)
                .where("bucket", .greaterThan, ServiceCounters.alwaysLate).where("bucket", .lessThan, "2026-12-05").first()?.decode(column: "n", as: Int.self)
            #expect(unfolded == 0, "after a read, no row of a past day is left apart")
            // A late dossier that moves after the fold is taken from the always-late row.
            let repo = DossierRepository(db: db)
            let search = try #require(DossierSearch("H26"))
            let found = try await repo.search(search, units: [w.ward.id], limit: 50)
            let late = try #require(found.first { $0.state == .received && (ServiceCounters.openKey($0).map { $0 < "2026-12-05" } ?? false) })
            _ = try await repo.act(late.id, expectedVersion: late.version, event: .forward(to: w.division.id, electronic: true, note: nil),
                                   actor: .system("t"), now: Self.at("2026-12-05T09:00:00+07:00"))
            let today = LocalDate(iso: "2026-12-05")!
            #expect(try await index.overdueSummary(scope, today: today, holders: 100) == (try await reference(today)))
            let rebuild = IndexRebuild(db: db)
            #expect(try await rebuild.run(now: Self.at("2026-12-05T10:00:00+07:00")).matches)
            try await db.sql.raw("DELETE FROM open_steps WHERE state = 'in_process'").run()
            let broken = try await rebuild.run(apply: true, now: Self.at("2026-12-05T10:00:00+07:00"))
            #expect(broken.differences.contains { $0.table == "open_steps" })
            #expect(try await index.overdueSummary(scope, today: today, holders: 100) == (try await reference(today)))
        }
    }

    @Test("indicator sets are versioned; targets are checked and audited")
    func setsAndTargets() async throws {
        try await withTestDatabase { db in
            let w = try await DossierRepositoryTests.world(db)
            let index = IndexRepository(db: db)
            #expect(try await index.activeSet().version == "766-2022")
            var edited = IndicatorSet.decision766v2022
            edited.version = "766-2022-hn"
            edited.indicators[1].threshold = 0.95
            try await index.publish(edited, actor: .system("t"), now: testNow())
            #expect(try await index.activeSet().indicators[1].threshold == 0.95)
            await #expect(throws: DomainError.self) { try await index.publish(edited, actor: .system("t"), now: testNow()) }
            try await index.setTarget(unit: w.ward.id, year: 2025, indicatorID: "online.dossiers", target: 0.5, actor: .system("t"), now: testNow())
            try await index.setTarget(unit: w.ward.id, year: 2025, indicatorID: "online.dossiers", target: 0.6, actor: .system("t"), now: testNow())
            #expect(try await index.targets(unit: w.ward.id, year: 2025).map(\.target) == [0.6])
            await #expect(throws: DomainError.self) {
                try await index.setTarget(unit: w.ward.id, year: 2025, indicatorID: "no.such", target: 0.5, actor: .system("t"), now: testNow())
            }
            await #expect(throws: DomainError.self) {
                try await index.setTarget(unit: w.ward.id, year: 2025, indicatorID: "online.dossiers", target: 1.5, actor: .system("t"), now: testNow())
            }
        }
    }
}
