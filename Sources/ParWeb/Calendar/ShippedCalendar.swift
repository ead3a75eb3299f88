import Foundation
import ParCore
import ParStore
import Vapor

/// The Government's decisions on days off shipped with this version
/// (`data/seed/calendar-years.json`, sources in docs/rules.md). They are facts, not demo data:
/// `parhub serve` stores every shipped year the database does not hold yet, so a new
/// production database counts deadlines across the year's swapped days from its first dossier.
/// A year an administrator has entered or changed is never touched.
public enum ShippedCalendar {
    public static func file(_ app: Application) -> String {
        app.directory.workingDirectory + "data/seed/calendar-years.json"
    }

    /// Stores the shipped years missing from the database; returns them.
    @discardableResult
    public static func loadMissing(_ app: Application, actor: AuditActor = .system("calendar"), now: Date) async throws -> [Int] {
        guard let data = FileManager.default.contents(atPath: file(app)) else { return [] }
        let shipped = try JSONDecoder().decode([YearCalendar].self, from: data)
        let repository = CalendarRepository(db: app.db)
        let loaded = try await repository.loadedYears()
        var stored: [Int] = []
        for year in shipped.sorted(by: { $0.year < $1.year }) where !loaded.contains(year.year) {
            _ = try await repository.setYear(year, expectedVersion: nil, actor: actor, now: now)
            stored.append(year.year)
        }
        return stored
    }
}
