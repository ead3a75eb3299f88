import Foundation
import ParTestSupport
import Testing

/// The house's shape (docs/architecture.md, STYLE.md), read from the sources themselves so a change
/// that breaks it fails here rather than in a reviewer's memory.
@Suite("The house: layers, feature folders and file sizes")
struct HouseRulesTests {
    /// Folders that hold infrastructure rather than a feature: they need no ParCore twin.
    static let infrastructure: Set<String> = ["App", "Shared", "Problems", "Ops", "Database", "Migrations", "Export", "Notify", "Auth",
                                              "Backup", "Import", "Users", "Messages"]

    /// The files under `folder` whose names end in `suffix`, as paths from the repository root.
    static func files(under folder: String, ending suffix: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: repositoryRoot + folder)
        var found: [String] = []
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(suffix) { found.append(folder + "/" + path) }
        }
        return found.sorted()
    }

    static func swiftFiles(under folder: String) -> [String] { files(under: folder, ending: ".swift") }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: repositoryRoot + path, encoding: .utf8) }

    static func folders(of layer: String) throws -> Set<String> {
        var isDirectory: ObjCBool = false
        return Set(try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "Sources/" + layer).filter {
            FileManager.default.fileExists(atPath: repositoryRoot + "Sources/\(layer)/\($0)", isDirectory: &isDirectory) && isDirectory.boolValue
        })
    }

    @Test("every feature folder of ParStore and ParWeb has the same name in ParCore")
    func featureFolders() throws {
        let core = try Self.folders(of: "ParCore")
        for layer in ["ParStore", "ParWeb"] {
            let orphans = try Self.folders(of: layer).subtracting(core).subtracting(Self.infrastructure)
            #expect(orphans.isEmpty, "\(layer) folders without a ParCore twin: \(orphans.sorted())")
        }
        #expect(!FileManager.default.fileExists(atPath: repositoryRoot + "Sources/ParWeb/Pages"))
        #expect(!FileManager.default.fileExists(atPath: repositoryRoot + "Sources/ParWeb/API"))
    }

    @Test("pages and API handlers meet only in their feature's service")
    func pagesAndAPI() throws {
        for path in Self.swiftFiles(under: "Sources/ParWeb") {
            let name = (path as NSString).lastPathComponent, text = try Self.text(path)
            if name.contains("Pages") {
                #expect(!text.contains("ParAPI."), "\(path) calls ParAPI")
                #expect(!text.contains("Components.Schemas"), "\(path) builds generated API values")
            }
            if name.hasPrefix("ParAPI") {
                let pageType = try Regex(#"\b[A-Z][A-Za-z]*Pages\b"#)
                #expect(text.firstMatch(of: pageType) == nil, "\(path) uses a page type")
            }
        }
    }

    @Test("no Swift source file is over 500 lines, except the QR encoder")
    func fileSizes() throws {
        for path in Self.swiftFiles(under: "Sources") where !path.hasSuffix("QRCode.swift") {
            let lines = try Self.text(path).split(separator: "\n", omittingEmptySubsequences: false).count - 1
            #expect(lines <= 500, "\(path) has \(lines) lines")
        }
    }

    @Test("names are sorted in Vietnamese order (VietnameseText.precedes), never by code point")
    func vietnameseOrder() throws {
        let codePoint = try Regex(#"\$0\.(name|title|label|field) < \$1\.(name|title|label|field)"#)
        for path in Self.swiftFiles(under: "Sources") {
            #expect(try Self.text(path).firstMatch(of: codePoint) == nil, "\(path) sorts names by code point")
        }
    }

    @Test("the wall clock is read only by SystemClock")
    func oneClock() throws {
        let wallClock = try Regex(#"(^|[^A-Za-z_.])Date\(\)|Date\.now\b|LocalTime\.today\(\)"#)
        for path in Self.swiftFiles(under: "Sources") where !path.hasSuffix("SystemClock.swift") {
            let code = try Self.text(path).split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            #expect(!code.contains { $0.firstMatch(of: wallClock) != nil }, "\(path) reads the wall clock")
        }
    }

    @Test("the dossier store throws no business-rule errors of its own: ParCore decides")
    func storeThrowsStoreErrors() throws {
        let ruleError = try Regex(#"DomainError\.invalid\(|DomainError\(\.(invalid|conflict|forbidden)"#)
        for path in Self.swiftFiles(under: "Sources/ParStore/Dossiers") {
            #expect((try Self.text(path)).firstMatch(of: ruleError) == nil, "\(path) writes its own business-rule error")
        }
    }

    @Test("interface text comes from the message catalogue: no `en ? … : …` pair in Swift")
    func noInlinePairs() throws {
        let pair = try Regex(#"(^|[^A-Za-z_.])en \?"#)
        for path in Self.swiftFiles(under: "Sources") {
            #expect((try Self.text(path)).firstMatch(of: pair) == nil, "\(path) chooses a text with `en ?`")
        }
    }

    @Test("route collections use the Stores configure built: no repository is made on a request's database in a handler")
    func explicitStores() throws {
        let madeHere = try Regex(#"(Repository|Store)\(db: request\.db"#)
        for path in Self.swiftFiles(under: "Sources/ParWeb") {
            #expect((try Self.text(path)).firstMatch(of: madeHere) == nil, "\(path) makes a repository on request.db instead of using its stores")
        }
    }
}
