import Foundation
import ParStore
import Vapor

/// The audit sealer of this instance (`AuditSealer`): every 250 ms, if rows wait to be chained,
/// it takes the `audit-sealer` lease (one sealer at a time across instances) and seals them; a
/// stopping server seals what is left.
enum AuditSealing {
    static let interval: Duration = .milliseconds(250)
    static let leaseDuration: TimeInterval = 10

    static func loop(owner: String) -> BackgroundLoop {
        BackgroundLoop("audit-sealer", every: interval, last: { app in try await AuditSealer.sealAll(on: app.db) }) { app in
            guard try await AuditSealer.hasUnsealed(on: app.db),
                  try await Leases(db: app.db).acquire("audit-sealer", owner: owner, for: leaseDuration, now: app.parConfig.clock()) else { return }
            try await AuditSealer.sealAll(on: app.db)
        }
    }
}
