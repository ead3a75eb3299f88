import FluentKit
import Foundation
import ParCore
import SQLKit

/// The counter's queue and its search box.
extension DossierRepository {
    public struct QueueFilter: Sendable {
        public var holderUnits: [OrgUnit.ID]
        public var states: [DossierState]
        public var channel: DossierChannel?
        public var procedureID: Procedure.ID?
        /// Due at or before this instant.
        public var dueBefore: Date?
        /// Due after this instant (with `dueBefore`: due within a window, not already overdue).
        public var dueAfter: Date?
        /// Overdue on this day as the index counts it (`gauge_key` before it: past the appointment, or
        /// asked for a supplement twice), open only.
        public var overdueOn: LocalDate?
        /// With a supplement received (`complete_supplement`) since this instant.
        public var supplementedSince: Date?
        public var limit: Int
        public var offset: Int

        public init(holderUnits: [OrgUnit.ID], states: [DossierState] = DossierState.allCases.filter { !$0.isClosed },
                    channel: DossierChannel? = nil, procedureID: Procedure.ID? = nil, dueBefore: Date? = nil,
                    limit: Int = 50, offset: Int = 0) {
            self.holderUnits = holderUnits
            self.states = states
            self.channel = channel
            self.procedureID = procedureID
            self.dueBefore = dueBefore
            self.limit = limit
            self.offset = offset
        }

        /// The filter of one of the counter queue's tabs at `now` (the page, the API and the
        /// officers' digest alike).
        /// `calendar` is read only by `dueSoon`.
        public init(view: DossierQueueView, holderUnits: [OrgUnit.ID], now: Date, calendar: @autoclosure () async throws -> WorkingCalendar,
                    limit: Int = 50, offset: Int = 0) async rethrows {
            self.init(holderUnits: holderUnits, states: view.states, limit: limit, offset: offset)
            switch view {
            case .open, .toReturn: break
            case .dueSoon:
                dueAfter = now
                dueBefore = DossierQueueView.dueSoonEnd(now: now, calendar: try await calendar()) ?? now
            case .overdue:
                overdueOn = VietnamTime.localDate(of: now)
            case .supplemented:
                supplementedSince = VietnamTime.instant(VietnamTime.localDate(of: now), .midnight)
            }
        }
    }

    /// Dossiers held by the filter's units, earliest due first.
    public func queue(_ filter: QueueFilter) async throws -> [Dossier] {
        guard let query = try await queueQuery(filter) else { return [] }
        return try await query.sort(\.$dueAt).sort(\.$code).range(filter.offset..<(filter.offset + filter.limit)).all()
            .map { try $0.toDomain() }
    }

    /// How many dossiers the filter matches (its limit and offset aside).
    public func queueCount(_ filter: QueueFilter) async throws -> Int {
        guard let query = try await queueQuery(filter) else { return 0 }
        return try await query.count()
    }

    /// The filter as a query; nil when it can match nothing.
    private func queueQuery(_ filter: QueueFilter) async throws -> QueryBuilder<DossierModel>? {
        guard !filter.holderUnits.isEmpty, !filter.states.isEmpty else { return nil }
        var query = DossierModel.query(on: db).filter(\.$holderUnitID ~~ filter.holderUnits.map(\.rawValue))
            .filter(\.$state ~~ filter.states.map(\.rawValue))
        if let channel = filter.channel { query = query.filter(\.$channel == channel.rawValue) }
        if let procedure = filter.procedureID { query = query.filter(\.$procedureID == procedure.rawValue) }
        if let due = filter.dueBefore { query = query.filter(\.$dueAt <= due) }
        if let due = filter.dueAfter { query = query.filter(\.$dueAt > due) }
        if let day = filter.overdueOn { query = query.filter(\.$gaugeKey < day.iso) }
        if let since = filter.supplementedSince {
            let ids = try await db.sql.select().distinct().column("dossier_id").from("dossier_events")
                .where("name", .equal, DossierEvent.Kind.completeSupplement.rawValue).where("at", .greaterThanOrEqual, SQLBind(since))
                .all().map { try $0.decode(column: "dossier_id", as: UUID.self) }
            guard !ids.isEmpty else { return nil }
            query = query.filter(\.$id ~~ ids)
        }
        return query
    }

    /// Dossiers received or held by `units`, in any state, that match what was typed in the search box
    /// (`DossierSearch`): the code or part of it, with or without dots; part of the applicant's name,
    /// with or without diacritics; the ID number or phone, by their hashes. Newest first.
    public func search(_ search: DossierSearch, units: [OrgUnit.ID], limit: Int) async throws -> [Dossier] {
        guard !units.isEmpty, search.codeKey != nil || search.nameKey != nil || search.idNumber != nil || search.phone != nil else { return [] }
        let ids = units.map(\.rawValue)
        /// LIKE's own characters are never part of a code or a name.
        func pattern(_ text: String) -> String { "%" + text.filter { !"%_\\".contains($0) } + "%" }
        let rows = try await db.sql.select().column("data").column("version").from("dossiers")
            .where { scope in
                scope.where("receiving_unit_id", .in, SQLBind.group(ids)).orWhere("holder_unit_id", .in, SQLBind.group(ids))
            }
            .where { match in
                var match = match
                if let code = search.codeKey { match = match.orWhere("code_key", .like, SQLBind(pattern(code))) }
                if let name = search.nameKey { match = match.orWhere("applicant_key", .like, SQLBind(pattern(name))) }
                if let id = search.idNumber { match = match.orWhere("applicant_id_hash", .equal, SQLBind(DossierSearchKeys.hash("id", id))) }
                if let phone = search.phone { match = match.orWhere("applicant_phone_hash", .equal, SQLBind(DossierSearchKeys.hash("phone", phone))) }
                return match
            }
            .orderBy("received_at", .descending).orderBy("code").limit(limit).all()
        return try rows.map(DossierModel.decode)
    }
}
