import Foundation
import NIOConcurrencyHelpers
import ParCore

/// The public status of one dossier: what `/lookup` shows, never the applicant.
public struct PublicStatus: Sendable {
    public var dossier: Dossier
    public var procedureName: String?
    public var timeline: [DossierTimelineEntry]
}

/// Recently looked-up statuses, kept for two seconds per process so a burst of lookups of
/// the same dossiers does not become a burst of queries. Only a correct secret fills or
/// reads an entry; a change made by this process removes it at once; another instance's
/// change shows here within two seconds. At most 10,000 entries, keyed by the code without its dots.
final class PublicStatusCache: Sendable {
    static let shared = PublicStatusCache()
    static let lifetime: TimeInterval = 2
    static let capacity = 10_000

    private struct Entry {
        let status: PublicStatus
        let secretHash: String
        let expires: Date
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    func status(code: String, secretHash: String, now: Date) -> PublicStatus? {
        entries.withLockedValue { entries in
            guard let entry = entries[DossierSearchKeys.codeKey(code)], entry.expires > now,
                  DossierRepository.constantTimeEqual(entry.secretHash, secretHash) else { return nil }
            return entry.status
        }
    }

    func store(_ status: PublicStatus, secretHash: String, now: Date) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries = entries.filter { $0.value.expires > now } }
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[DossierSearchKeys.codeKey(status.dossier.code)] = Entry(status: status, secretHash: secretHash, expires: now.addingTimeInterval(Self.lifetime))
        }
    }

    func forget(_ code: String) { entries.withLockedValue { _ = $0.removeValue(forKey: DossierSearchKeys.codeKey(code)) } }
    func forgetAll() { entries.withLockedValue { $0.removeAll() } }
}
