import Foundation
import ParCore
import ParStore
import Vapor

/// The working-day calendar: public reads, administrators' year decisions (editCalendar).
extension ParAPI {
    func computeDeadline(_ input: Operations.ComputeDeadline.Input) async throws -> Operations.ComputeDeadline.Output {
        let query = input.query
        let calendar = try await stores.calendar.calendar()
        let result: DeadlineResult
        do throws(CalendarError) {
            guard query.amount.isFinite, query.amount >= 0, query.amount <= 3650 else {
                throw .negativeAmount(what: "amount", value: query.amount)
            }
            let whole = Int(query.amount)
            if query.unit != .workingHours, Double(whole) != query.amount {
                throw .nonFiniteAmount(what: "amount (whole days or months)")
            }
            switch query.unit {
            case .workingDays: result = try calendar.deadline(from: query.from, workingDays: whole)
            case .workingHours: result = try calendar.deadline(from: query.from, workingHours: query.amount)
            case .calendarDays: result = try calendar.deadline(from: query.from, calendarDays: whole)
            case .months: result = try calendar.deadline(from: query.from, months: whole)
            }
        } catch {
            throw Problem.badRequest(error.vietnameseReason, english: error.reason, field: "amount")
        }
        return .ok(.init(body: .json(.init(due: Self.vietnamTimestamp(result.due), dueDate: result.dueDate.iso,
                                           startDate: result.startDate.iso,
                                           workingDaysSkipped: result.skippedNonWorkingDays.map(\.iso)))))
    }

    /// RFC 3339 in +07:00, as the dates are read in Việt Nam.
    static func vietnamTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: VietnamTime.utcOffsetSeconds)
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    func getCalendarYear(_ input: Operations.GetCalendarYear.Input) async throws -> Operations.GetCalendarYear.Output {
        let body = try await calendarYear(input.path.year, request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(body.version)), body: .json(body)))
    }

    func setCalendarYear(_ input: Operations.SetCalendarYear.Input) async throws -> Operations.SetCalendarYear.Output {
        let request = try self.request
        try principal().require(.editCalendar)
        guard case .json(let body) = input.body else { throw Problem(status: .unsupportedMediaType) }
        let year = input.path.year
        let decisions: YearCalendar
        do {
            decisions = try Bridge.convert(body, extra: ["year": year])
        } catch {
            throw Problem.badRequest("Dữ liệu lịch không hợp lệ (ngày phải là YYYY-MM-DD).",
                                     english: "The calendar data is not valid (dates are YYYY-MM-DD).", field: "extraDaysOff")
        }
        _ = try await stores.calendar.setYear(decisions, expectedVersion: try Self.version(fromIfMatch: input.headers.ifMatch),
                                                                 actor: request.auditActor, now: request.now)
        let answer = try await calendarYear(year, request: request)
        return .ok(.init(headers: .init(eTag: Self.etag(answer.version)), body: .json(answer)))
    }

    func calendarYear(_ year: Int, request: Request) async throws -> Components.Schemas.CalendarYear {
        let repository = stores.calendar
        let stored = try await repository.year(year)
        let holidays: [Holiday]
        do {
            holidays = try await repository.calendar().holidays(in: year)
        } catch let error as CalendarError {
            throw Problem.badRequest(error.vietnameseReason, english: error.reason, field: "year")
        }
        return .init(year: year,
                     holidays: try holidays.map { try Bridge.convert($0) },
                     decisions: try Bridge.convert(stored?.0 ?? YearCalendar(year: year)),
                     version: stored?.version ?? 0)
    }
}
