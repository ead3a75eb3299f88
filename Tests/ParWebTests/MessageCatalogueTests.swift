import Foundation
import NIOHTTP1
import ParCore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// One keyed message catalogue per language (Sources/ParWeb/Messages), read by the templates and the
/// Swift sources; the page language from `?lang=`, the cookie, or the browser's Accept-Language.
@Suite("Message catalogue and page language")
struct MessageCatalogueTests {
    /// Absolute paths of the files under `folder` ending in `suffix`.
    static func sources(under folder: String, ending suffix: String) -> [String] {
        HouseRulesTests.files(under: folder, ending: suffix).map { repositoryRoot + $0 }
    }

    @Test("Vietnamese and English have the same keys, none empty, the Vietnamese in NFC")
    func complete() throws {
        let vi = try #require(Messages.catalogue[.vi]), en = try #require(Messages.catalogue[.en])
        #expect(vi.count > 800)
        #expect(Set(vi.keys) == Set(en.keys), "only in one: \(Set(vi.keys).symmetricDifference(en.keys).sorted())")
        let empty = vi.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty || (en[$0.key] ?? "").isEmpty }
        #expect(empty.isEmpty, "empty: \(empty.keys.sorted())")
        #expect(vi.values.allSatisfy { $0 == $0.precomposedStringWithCanonicalMapping })
    }

    @Test("every key the templates and the sources use is in the catalogue; no inline pair is left")
    func keysExist() throws {
        let vi = try #require(Messages.catalogue[.vi])
        let templateKey = try Regex(#"#t\("([^"]+)"\)"#), swiftKey = try Regex(#"Messages\.text\("([^"\\]+)""#)
        var used = 0
        for path in Self.sources(under: "Resources/Views", ending: ".leaf") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains("#tr("), "\(path) still writes an inline pair")
            for match in text.matches(of: templateKey) {
                let key = String(text[match.output[1].range!])
                used += 1
                #expect(vi[key] != nil, "\(path): no message \(key)")
            }
        }
        let inlinePair = try Regex(#"(^|[^.\w])en \? "#)
        for path in Self.sources(under: "Sources/ParWeb", ending: ".swift") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            // The places that choose a language: names, messages, and the number conventions (`Format`).
            if !["BilingualName.swift", "Messages.swift", "Format.swift"].contains(where: path.hasSuffix) {
                #expect(text.firstMatch(of: inlinePair) == nil, "\(path) picks a language inline")
            }
            for match in text.matches(of: swiftKey) {
                let key = String(text[match.output[1].range!])
                #expect(vi[key] != nil, "\(path): no message \(key)")
            }
        }
        #expect(used > 900)
        // Keys kept in tables (column headers, labels by case): any literal that looks like a key of the catalogue is one.
        let prefixes = Set(vi.keys.map { String($0.prefix { $0 != "." }) })
        let keyLike = try Regex(#""([a-z0-9-]+(\.[a-z0-9-]+)+)""#)
        for path in Self.sources(under: "Sources/ParWeb", ending: ".swift") where !path.hasSuffix("ReportFigures.swift") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for match in text.matches(of: keyLike) {
                let key = String(text[match.output[1].range!])
                if prefixes.contains(String(key.prefix { $0 != "." })) { #expect(vi[key] != nil, "\(path): no message \(key)") }
            }
        }
        // Keys built from a name: every problem type and every event of the timeline has its text.
        for code in [400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429, 500, 503] {
            let type = Problem.titles(for: HTTPResponseStatus(statusCode: code)).2
            #expect(vi["problem.\(type)"] != nil, "no title for the problem \(type)")
        }
        for name in DossierEvent.Kind.allCases.map(\.rawValue) + [Dossier.receiveEventName] {
            #expect(vi["dossier.event.\(name)"] != nil, "no label for the event \(name)")
        }

    }

    @Test("Accept-Language picks the preferred of Vietnamese and English", arguments: [
        (nil as String?, Language.vi), ("en-GB,en;q=0.9", .en), ("vi-VN,vi;q=0.9,en;q=0.8", .vi), ("fr-FR,en;q=0.5,vi;q=0.4", .en),
        ("fr, de", .vi), ("en;q=0", .vi), ("*", .vi), ("vi;q=0.5, EN-us;q=0.7", .en), ("en;q=0.8, vi;q=0.8", .en),
    ])
    func acceptLanguage(header: String?, expected: Language) {
        #expect(Language.preferred(acceptLanguage: header) == expected)
    }

    @Test("a first visit from an English browser gets the English page; a chosen language wins over the header")
    func firstVisit() async throws {
        try await withTestApp { app, _ in
            let english: HTTPHeaders = ["Accept-Language": "en-GB,en;q=0.9,vi;q=0.3"]
            try await app.testing().test(.GET, "/login", headers: english) { res in
                #expect(res.status == .ok && res.body.string.contains(#"<html lang="en">"#) && res.body.string.contains("Sign in"))
            }
            var chosen = english
            chosen.cookie = HTTPCookies(dictionaryLiteral: ("lang", HTTPCookies.Value(string: "vi")))
            try await app.testing().test(.GET, "/login", headers: chosen) { res in
                #expect(res.body.string.contains(#"<html lang="vi">"#) && res.body.string.contains("Đăng nhập"))
            }
            try await app.testing().test(.GET, "/login?lang=vi", headers: english) { res in
                #expect(res.body.string.contains(#"<html lang="vi">"#))
            }
            try await app.testing().test(.GET, "/login") { res in
                #expect(res.body.string.contains(#"<html lang="vi">"#))
            }
        }
    }
}
