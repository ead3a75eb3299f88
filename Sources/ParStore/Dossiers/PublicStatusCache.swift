import Foundation
import NIOConcurrencyHelpers
import ParCore

/// The public status of one dossier: what `/lookup` shows, never the applicant.
public struct PublicStatus: Sendable {
    public var dossier: Dossier
    public var procedureName: String?
    public var timeline: [DossierTimelineEntry]
}

/// Recently looked-up statuses, so a burst of lookups of the same dossiers does not become a
/// burst of queries. Only a correct secret fills or reads an entry. For two seconds an entry is
/// served as it is; after that it is *revalidated*: one light read of the dossier's version and
/// secret hash, and the entry stands (for two more seconds) when neither changed — every change to
/// what the status shows (state, dates, timeline) bumps the version. A change made by this process
/// removes the entry at once; another instance's change shows here within two seconds. At most
/// 10,000 entries, keyed by the code without its dots.
final class PublicStatusCache: Sendable {
    static let shared = PublicStatusCache()
    static let lifetime: TimeInterval = 2
    static let capacity = 10_000

    private struct Entry {
        let status: PublicStatus
        let secretHash: String
        let expires: Date
    }

    enum Found {
        /// Younger than `lifetime`: serve it.
        case fresh(PublicStatus)
        /// Older: serve it only if the dossier's version and secret are still these.
        case stale(PublicStatus)
        case none
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    func status(code: String, secretHash: String, now: Date) -> Found {
        entries.withLockedValue { entries in
            guard let entry = entries[DossierSearchKeys.codeKey(code)],
                  DossierRepository.constantTimeEqual(entry.secretHash, secretHash) else { return .none }
            return entry.expires > now ? .fresh(entry.status) : .stale(entry.status)
        }
    }

    func store(_ status: PublicStatus, secretHash: String, now: Date) {
        entries.withLockedValue { entries in
            let key = DossierSearchKeys.codeKey(status.dossier.code)
            if entries[key] == nil && entries.count >= Self.capacity {
                // Full: drop what has not been revalidated for a while, else everything.
                entries = entries.filter { $0.value.expires > now.addingTimeInterval(-Self.lifetime) }
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(status: status, secretHash: secretHash, expires: now.addingTimeInterval(Self.lifetime))
        }
    }

    func forget(_ code: String) { entries.withLockedValue { _ = $0.removeValue(forKey: DossierSearchKeys.codeKey(code)) } }
    func forgetAll() { entries.withLockedValue { $0.removeAll() } }
}
