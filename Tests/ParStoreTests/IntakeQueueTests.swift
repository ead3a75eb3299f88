import FluentKit
import Foundation
import Logging
import NIOPosix
import ParCore
@testable import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Group commit of intakes")
struct IntakeQueueTests {
    typealias Repo = DossierRepositoryTests

    /// Rows of `table` (where `condition` holds) and the sum of their `n`.
    static func count(_ table: String, sum: Bool = false, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw("SELECT CAST(\(unsafeRaw: sum ? "COALESCE(SUM(n), 0)" : "COUNT(*)") AS BIGINT) AS n FROM \(ident: table)").first()
        return Int(try row?.decode(column: "n", as: Int64.self) ?? -1)
    }

    /// Receives `intakes` at once through `queue`; each result in the intakes' order.
    static func receiveTogether(_ intakes: [DossierIntake], queue: IntakeQueue, on db: any Database) async -> [Result<ReceivedDossier, any Error>] {
        await withTaskGroup(of: (Int, Result<ReceivedDossier, any Error>).self) { group in
            for (index, intake) in intakes.enumerated() {
                group.addTask {
                    do {
                        let received = try await DossierRepository(db: db, intakes: queue).receive(intake, actor: .system("quầy \(index)"),
                                                                                                 now: Repo.monday.addingTimeInterval(Double(index)))
                        return (index, .success(received))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [Int: Result<ReceivedDossier, any Error>] = [:]
            for await (index, result) in group { results[index] = result }
            return intakes.indices.map { results[$0]! }
        }
    }

    /// Runs `body` on a fresh database with a queue of intakes: with the app's SQLite writer (its own
    /// connection and thread; none on PostgreSQL) or writing on `db` itself.
    static func withQueue(writer: Bool, _ body: @escaping @Sendable (any Database, IntakeQueue) async throws -> Void) async throws {
        try await TestSlots.run {
            let config = try await TestDatabase.make()
            try await TestDatabase.withDatabase(config) { db in
                let own = writer ? try IntakeWriter(config, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "parhub.test")) : nil
                do {
                    try await body(db, IntakeQueue(writer: own))
                } catch {
                    await own?.shutdown()
                    throw error
                }
                await own?.shutdown()
            }
        }
    }

    @Test("intakes arriving together share transactions: consecutive codes, every row and roll-up as if each were received alone",
          arguments: [false, true])
    func together(writer: Bool) async throws {
        try await Self.withQueue(writer: writer) { db, queue in
            let w = try await Repo.world(db)
            let n = 24
            // Two receiving units in the same batches: each numbers its own day from 1.
            var atDivision = Repo.intake(w)
            atDivision.receivingUnitID = w.division.id
            let intakes = (0..<n).map { $0 % 3 == 0 ? atDivision : Repo.intake(w) }
            let results = await Self.receiveTogether(intakes, queue: queue, on: db)
            let received = try results.map { try $0.get() }
            #expect(Set(received.map(\.dossier.code)) == Set((1...16).map { String(format: "000.04.01.H26-250303-%04d", $0) }
                + (1...8).map { String(format: "000.04.02.H26-250303-%04d", $0) }))
            #expect(queue.transactions < n, "the intakes shared transactions (\(queue.transactions) for \(n))")
            let repo = DossierRepository(db: db)
            for one in received {
                #expect(try await repo.find(one.dossier.id) == one.dossier)
                #expect(try await repo.timeline(of: one.dossier.id) == one.timeline)
                #expect(try await repo.steps(of: one.dossier.id) == one.steps)
                #expect(try await repo.lookup(code: one.dossier.code, secret: one.secret)?.id == one.dossier.id)
            }
            let audited = try await db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'dossier.receive'").first()
            #expect(try audited?.decode(column: "n", as: Int.self) == n)
            for table in ["dossiers", "dossier_events", "dossier_steps"] { #expect(try await Self.count(table, on: db) == n, "\(table)") }
            // Each counter once per dossier: the intakes' increments of a row were summed into one.
            #expect(try await Self.count("open_counters", sum: true, on: db) == n)
            // The tree's roll-ups count a division's dossier at the division and at the ward: 16 + 2 × 8.
            for table in ["open_steps", "open_rollups", "open_totals", "open_moves"] { #expect(try await Self.count(table, sum: true, on: db) == 32, "\(table)") }
            let service = try await ServiceCounterStore.totals(units: [w.ward.id], from: LocalDate(iso: "2025-03-03")!, through: LocalDate(iso: "2025-03-03")!, on: db)
            #expect(service[.counter]?[.received] == 16, "the ward's own")
            let year = try await IndexRollups.totals(unit: w.ward.id, period: try ReportPeriod("2025"), on: db)
            #expect(year["received"] == Int64(n) && year["received_counter"] == Int64(n), "the ward's subtree: the division's too")
        }
    }

    @Test("one intake that fails inside a shared transaction fails alone; the others are received, numbered without a gap",
          arguments: [false, true])
    func oneFails(writer: Bool) async throws {
        try await Self.withQueue(writer: writer) { db, queue in
            let w = try await Repo.world(db)
            var intakes = Array(repeating: Repo.intake(w), count: 12)
            // Passes every check before the transaction; the copy it reuses does not exist (found inside it).
            intakes[5].reuse = [DossierFile.ID(UUID())]
            let results = await Self.receiveTogether(intakes, queue: queue, on: db)
            for (index, result) in results.enumerated() {
                switch result {
                case .success: #expect(index != 5)
                case .failure(let error): #expect(index == 5, "\(error)")
                }
            }
            let codes = results.compactMap { try? $0.get().dossier.code }
            #expect(Set(codes) == Set((1...11).map { String(format: "000.04.01.H26-250303-%04d", $0) }))
            #expect(try await Self.count("dossiers", on: db) == 11)
            for table in ["open_rollups", "open_totals"] { #expect(try await Self.count(table, sum: true, on: db) == 11, "\(table)") }
        }
    }

    @Test("closing the queue commits the intakes it holds before it returns, and refuses those offered after it",
          arguments: [false, true])
    func close(writer: Bool) async throws {
        try await Self.withQueue(writer: writer) { db, queue in
            let w = try await Repo.world(db)
            let offered = Task { await Self.receiveTogether(Array(repeating: Repo.intake(w), count: 16), queue: queue, on: db) }
            // Close once a batch has started: some intakes are in it or waiting behind it.
            let start = ContinuousClock.now
            while queue.transactions == 0, ContinuousClock.now - start < .seconds(30) { try await Task.sleep(for: .milliseconds(1)) }
            await queue.close()
            let rowsAtClose = try await Self.count("dossiers", on: db)
            let results = await offered.value
            let received = results.filter { (try? $0.get()) != nil }.count
            #expect(received > 0)
            #expect(rowsAtClose == received, "every intake taken was committed before close() returned")
            for case .failure(let error) in results { #expect(error is IntakeQueue.Closed, "\(error)") }
            var refused = false
            do { _ = try await DossierRepository(db: db, intakes: queue).receive(Repo.intake(w), actor: .system("quầy"), now: Repo.monday) }
            catch { refused = error is IntakeQueue.Closed }
            #expect(refused, "an intake offered after close() gets IntakeQueue.Closed")
        }
    }
}
