import FluentKit
import Foundation
import ParCore
import SQLKit
import Synchronization

/// Row of `calendar_years`.
final class CalendarYearModel: Model, @unchecked Sendable {
    static let schema = "calendar_years"
    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Field(key: "data") var data: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

/// The working-day calendar: standing rules plus each year's decisions,
/// which administrators edit (every change audited).
public struct CalendarRepository: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// A year's stored decisions and version, or `nil` when none are stored.
    public func year(_ year: Int) async throws -> (YearCalendar, version: Int)? {
        guard let model = try await CalendarYearModel.query(on: db).filter(\.$year == year).first() else { return nil }
        return (try Self.decode(model), model.version)
    }

    /// The years that have stored decisions.
    public func loadedYears() async throws -> Set<Int> {
        Set(try await CalendarYearModel.query(on: db).all().map(\.year))
    }

    /// The calendar built from every stored year.
    ///
    /// Every intake and every action needs it, so the built calendar is kept in this process while
    /// the stored years are the same rows at the same versions: a check reads only their ids and
    /// versions (a year changed by another instance is seen on the next call).
    public func calendar() async throws -> WorkingCalendar {
        try await calendar(current: try await db.sql.raw("SELECT id, version FROM calendar_years").all())
    }

    /// The calendar, given the stored years' ids and versions just read (`id`, `version` columns): an
    /// intake reads them in the statement that reads its procedure's version.
    func calendar(current: [any SQLRow]) async throws -> WorkingCalendar {
        let sql = try db.sql
        let signature = try Self.signature(current)
        if let cached = Self.cache.withLock({ $0?.signature == signature ? $0?.calendar : nil }) { return cached }
        // Built from one read of whole rows, so the calendar kept is the one its signature names.
        let rows = try await sql.raw("SELECT id, version, data FROM calendar_years").all()
        let years = try rows.map { try Self.decode(data: try $0.decode(column: "data", as: String.self)) }
        let calendar: WorkingCalendar
        do {
            calendar = try WorkingCalendar(years: years)
        } catch {
            throw DomainError(error)
        }
        let read = try Self.signature(rows)
        Self.cache.withLock { $0 = (read, calendar) }
        return calendar
    }

    /// The last calendar built in this process and the rows it was built from.
    private static let cache = Mutex<(signature: String, calendar: WorkingCalendar)?>(nil)

    /// The stored years' row ids (new for every new row, so distinct across databases) and versions, in order.
    private static func signature(_ rows: [any SQLRow]) throws -> String {
        try rows.map { "\(try $0.decode(column: "id", as: UUID.self)):\(try $0.decode(column: "version", as: Int.self))" }
            .sorted().joined(separator: ",")
    }

    /// Stores a year's decisions if they make a consistent calendar with the other years.
    public func setYear(_ proposed: YearCalendar, expectedVersion: Int?, actor: AuditActor, now: Date) async throws -> Int {
        let checked = try proposed.normalised()
        return try await db.writeTransaction { tx in
            let data = checked
            let all = try await CalendarYearModel.query(on: tx).all()
            let existing = all.first { $0.year == data.year }
            if let expectedVersion, expectedVersion != (existing?.version ?? 0) {
                throw DomainError(.stale, "Lịch năm \(data.year) đã được người khác sửa; hãy tải lại.",
                                  english: "The \(data.year) calendar was changed by someone else; reload it.")
            }
            let others = try all.filter { $0.year != data.year }.map(Self.decode)
            do {
                _ = try WorkingCalendar(years: others + [data])
            } catch let error as CalendarError {
                throw DomainError(error, field: "year")
            }
            let before = try existing.map(Self.decode)
            let model = existing ?? CalendarYearModel()
            model.year = data.year
            model.data = try Self.encode(data)
            model.version = (existing?.version ?? 0) + 1
            try await model.save(on: tx)
            try await AuditLog.append(on: tx, actor: actor, action: "calendar.year", entityType: "calendar",
                                      entityID: String(data.year), before: before, after: data, now: now)
            return model.version
        }
    }

    static func encode(_ data: YearCalendar) throws -> String { try StoredJSON.encode(data) }

    static func decode(_ model: CalendarYearModel) throws -> YearCalendar {
        try decode(data: model.data)
    }

    /// A stored year's `data`.
    static func decode(data: String) throws -> YearCalendar {
        try StoredJSON.decode(YearCalendar.self, from: data)
    }
}
