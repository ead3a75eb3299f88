import Fluent
import ParCore
import ParStore
import Vapor

/// Warns administrators, on their start page and in the log at start-up, while the current
/// or next year has no Government decision on days off loaded (`CalendarCoverage`).
struct CalendarCoverageCheck: LifecycleHandler {
    let clock: @Sendable () -> Date

    static func missingYears(_ db: any Database, now: Date) async throws -> [Int] {
        CalendarCoverage.missingYears(loaded: try await CalendarRepository(db: db).loadedYears(), today: VietnamTime.localDate(of: now))
    }

    func didBootAsync(_ application: Application) async throws {
        do {
            let missing = try await Self.missingYears(application.db, now: clock())
            if !missing.isEmpty {
                let years = missing.map(String.init).joined(separator: ", ")
                application.logger.warning("calendar: no holiday decision loaded for \(years); deadlines across that year's swapped days follow the Labour Code alone (enter it at /admin/calendar/YEAR)")
            }
        } catch {
            // Not migrated yet (`parhub migrate` has not run): nothing to check.
            application.logger.debug("calendar: coverage not checked: \(String(describing: error))")
        }
    }
}
