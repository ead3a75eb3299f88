import FluentKit
import Foundation
import NIOConcurrencyHelpers
import ParCore

/// What an intake writes, decided before its transaction (`DossierRepository.receive`): the checked
/// intake, its procedure, unit and calendar, the new dossier's id and lookup secret.
struct IntakePlan: Sendable {
    let intake: DossierIntake
    let procedure: Procedure
    let calendar: WorkingCalendar
    let unitCode: String
    let lineage: [UUID]
    let files: [FileDraft]
    let actor: AuditActor
    let now: Date
    let id: Dossier.ID
    let secret: String
}

/// Group commit for intakes: the intakes that arrive while a transaction of intakes is running share
/// the next one, so a busy counter floor pays one commit (one flush to disk) and one statement per
/// table for a batch instead of fourteen statements for each dossier (docs/performance.md).
///
/// - Each intake is answered only after the transaction holding it has committed.
/// - If a batch of several fails, its intakes are written again one transaction each, so one bad intake
///   gets its own error and the others are received as if alone.
/// - One batch at a time per queue; an app holds one queue (`configure`). Without a queue an intake is a
///   batch of one.
/// - `close()` when the app stops: intakes already taken are committed first. A batch cut off by closing
///   the SQLite writer under it could not roll back, and its connection would keep SQLite's write lock:
///   every later writer of the process would wait for it for ever.
public final class IntakeQueue: Sendable {
    /// Intakes per transaction at most (their rows stay within `WriteBatch.maxBinds` a statement).
    static let maxBatch = 64

    private struct Waiting {
        let plan: IntakePlan
        let answer: CheckedContinuation<ReceivedDossier, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var draining = false
        var transactions = 0
        var closed = false
        /// `close()` calls waiting for the batches to end.
        var closing: [CheckedContinuation<Void, Never>] = []

        /// The batches have ended: who waits for that.
        mutating func stopDraining() -> [CheckedContinuation<Void, Never>] {
            draining = false
            defer { closing = [] }
            return closing
        }
    }

    /// An intake offered after `close()`: the app is stopping (503 to the client).
    public struct Closed: Error, Sendable {}

    private let state = NIOLockedValueBox(State())
    private let writer: IntakeWriter?

    /// `writer`: on SQLite, the batches' own connection and thread; without it they run on the database
    /// of the intake that starts them.
    public init(writer: IntakeWriter? = nil) {
        self.writer = writer
    }

    /// Transactions committed or tried so far (tests read it: did intakes share them).
    public var transactions: Int { state.withLockedValue(\.transactions) }

    /// Receives `plan` with the intakes around it, on `db`; returns after the commit.
    func receive(_ plan: IntakePlan, on db: any Database) async throws -> ReceivedDossier {
        try await withCheckedThrowingContinuation { answer in
            let lead: Bool? = state.withLockedValue { state in
                guard !state.closed else { return nil }
                state.waiting.append(Waiting(plan: plan, answer: answer))
                defer { state.draining = true }
                return !state.draining
            }
            guard let lead else { return answer.resume(throwing: Closed()) }
            if lead { Task { await self.drain(on: self.writer?.database ?? db) } }
        }
    }

    /// Takes no more intakes and returns once every intake already taken is committed or has failed.
    public func close() async {
        await withCheckedContinuation { done in
            let idle = state.withLockedValue { state in
                state.closed = true
                if state.draining { state.closing.append(done) }
                return !state.draining
            }
            if idle { done.resume() }
        }
    }

    /// Commits batches while intakes wait, then stops (the next intake starts it again). The SQLite
    /// writer keeps one connection for them; if it cannot have one, the intakes waiting get that error.
    private func drain(on db: any Database) async {
        guard writer != nil else { return await drainBatches(on: db) }
        do {
            try await db.withConnection { connection in await self.drainBatches(on: connection) }
        } catch {
            let (waiting, closing) = state.withLockedValue { state in
                defer { state.waiting = [] }
                return (state.waiting, state.stopDraining())
            }
            for intake in waiting { intake.answer.resume(throwing: error) }
            for done in closing { done.resume() }
        }
    }

    private func drainBatches(on db: any Database) async {
        while true {
            let (batch, closing) = state.withLockedValue { state in
                let batch = Array(state.waiting.prefix(Self.maxBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { return (batch, state.stopDraining()) }
                state.transactions += 1
                return (batch, [])
            }
            guard !batch.isEmpty else {
                for done in closing { done.resume() }
                return
            }
            do {
                let started = ContinuousClock.now
                let received = try await DossierRepository.commit(batch.map(\.plan), on: db)
                db.logger.debug("intake batch committed", metadata: ["intakes": "\(batch.count)", "duration": "\(ContinuousClock.now - started)"])
                for (waiting, dossier) in zip(batch, received) { waiting.answer.resume(returning: dossier) }
            } catch {
                guard batch.count > 1 else {
                    batch[0].answer.resume(throwing: error)
                    continue
                }
                for waiting in batch {
                    state.withLockedValue { $0.transactions += 1 }
                    do {
                        waiting.answer.resume(returning: try await DossierRepository.commit([waiting.plan], on: db)[0])
                    } catch {
                        waiting.answer.resume(throwing: error)
                    }
                }
            }
        }
    }
}
