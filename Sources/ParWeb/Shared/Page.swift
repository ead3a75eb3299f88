import Foundation
import Leaf
import ParCore
import Vapor

/// The page language: Vietnamese first; English by `?lang=en` (remembered in a cookie) or, until the
/// user has chosen, when the browser's `Accept-Language` prefers English to Vietnamese.
enum Language: String, Codable {
    case vi, en

    private struct Key: StorageKey { typealias Value = Language }

    /// The language of code that holds the page's "English?" flag.
    init(english: Bool) {
        if english { self = .en } else { self = .vi }
    }

    static func of(_ request: Request) -> Language {
        if let chosen = request.storage[Key.self] { return chosen }
        let query = (try? request.query.get(String.self, at: "lang")).flatMap(Language.init(rawValue:))
        let language = query ?? request.cookies["lang"].flatMap { Language(rawValue: $0.string) }
            ?? preferred(acceptLanguage: request.headers.first(name: .acceptLanguage))
        request.storage[Key.self] = language
        return language
    }

    /// The language an `Accept-Language` header (RFC 9110 §12.5.4) prefers of the two ParHub speaks: the
    /// range with the highest weight whose primary subtag is `vi` or `en` (`en-GB` is English), the first
    /// of equal weights; `q=0` refuses a language. Vietnamese when the header names neither, or is absent.
    static func preferred(acceptLanguage header: String?) -> Language {
        var best: (language: Language, weight: Double)?
        for range in (header ?? "").split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let primary = parts.first?.split(separator: "-").first.map { $0.lowercased() } ?? ""
            guard let language = Language(rawValue: primary) else { continue }
            let weight = parts.dropFirst().first { $0.lowercased().hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if weight > 0, weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language ?? .vi
    }
}

/// Remembers a `?lang=` choice in a cookie.
struct LanguageMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let chosen = (try? request.query.get(String.self, at: "lang")).flatMap(Language.init(rawValue:)) {
            response.cookies["lang"] = HTTPCookies.Value(string: chosen.rawValue, maxAge: 365 * 24 * 3600,
                                                         path: "/", isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

/// What every page's layout needs.
struct LayoutContext: Encodable {
    let lang: String
    let en: Bool
    let title: String
    let user: String?
    let displayName: String?
    let csrf: String
    let isAdmin: Bool
    let canAudit: Bool
    let canRestructuring: Bool
    let canDossiers: Bool
    let canIndex: Bool
    let canSatisfaction: Bool
    let canPlans: Bool
    let canInspections: Bool
    let canFeedback: Bool
    let canCentre: Bool
    let canParIndex: Bool
    let canPersonnel: Bool
    let path: String
    /// The print view: no navigation, just the document.
    let print: Bool
}

/// A page: the layout's context plus the page's own.
struct PageContext<Body: Encodable>: Encodable {
    let layout: LayoutContext
    let page: Body
}

enum Page {
    /// Renders `template` inside the shared layout.
    static func render<Body: Encodable>(_ template: String, title: String, context: Body,
                                        request: Request) async throws -> Response {
        let language = Language.of(request)
        let principal = request.principal
        let layout = LayoutContext(
            lang: language.rawValue, en: language == .en, title: title,
            user: principal?.username, displayName: principal?.displayName,
            csrf: request.hasSession ? CSRFMiddleware.token(for: request) : "",
            isAdmin: principal?.mayAnywhere(.manageUsers) ?? false,
            canAudit: principal?.mayAnywhere(.viewAudit) ?? false,
            canRestructuring: principal?.mayAnywhere(.viewRestructuring) ?? false,
            canDossiers: principal?.mayAnywhere(.viewDossiers) ?? false,
            canIndex: principal?.mayAnywhere(.viewIndex) ?? false,
            canSatisfaction: principal?.mayAnywhere(.viewSatisfaction) ?? false,
            canPlans: principal?.mayAnywhere(.viewPlans) ?? false,
            canInspections: principal?.mayAnywhere(.viewInspections) ?? false,
            canFeedback: principal?.mayAnywhere(.handleFeedback) ?? false,
            canCentre: principal.map { $0.mayAnywhere(.operateDesk) || $0.mayAnywhere(.manageCentre) } ?? false,
            canParIndex: principal.map { $0.mayAnywhere(.appraiseParIndex) || $0.mayAnywhere(.selfAssess) } ?? false,
            canPersonnel: principal?.mayAnywhere(.viewPersonnel) ?? false,
            path: request.url.path,
            print: (try? request.query.get(String.self, at: "print")) == "1")
        let view = try await request.view.render(template, PageContext(layout: layout, page: context))
        let response = try await view.encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// A form page: 422 when it shows the errors of a refused submission.
    static func render<Body: Encodable>(_ template: String, title: String, context: Body, request: Request,
                                        failed: Bool) async throws -> Response {
        let response = try await render(template, title: title, context: context, request: request)
        if failed { response.status = .unprocessableEntity }
        return response
    }
}

/// Date and time as a person in Việt Nam reads them (Asia/Ho_Chi_Minh, UTC+7, no DST).
enum LocalTime {
    static let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    /// As tables show it: `06/11/2026 17:00` (no seconds: appointments and events are read to the minute).
    static func format(_ date: Date) -> String { LocalDateTime(date).shown }

    /// As forms print it (the receipt's "Hẹn trả kết quả"): `17 giờ 00, ngày 06/11/2026` (`LocalDateTime.formal`).
    static func formal(_ date: Date, en: Bool) -> String { LocalDateTime(date).formal(english: en) }

    static func format(_ date: LocalDate?) -> String {
        guard let date else { return "" }
        return date.shown
    }

    /// Today in Việt Nam.
    static func today(_ now: Date) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
