import FluentKit
import Foundation
import ParCore
import SQLKit

/// An in-memory search index of the catalogue: every procedure's words (the same
/// `procedure_terms` the database holds) in one sorted array with posting lists,
/// so a query is a few binary searches and a bitmap intersection — no SQL scan.
/// Built from the database and kept while `catalogue_state.version` is unchanged.
final class CatalogueIndex: Sendable {
    struct Entry: Sendable {
        let id: UUID
        let nameKey: String
        let code: String
        let codeKey: String
        let field: String
        let level: String
        let unitID: UUID?
    }

    let version: Int64
    let entries: [Entry]
    /// Sorted terms and, for each, the entries it occurs in.
    let terms: [String]
    let postings: [[Int32]]

    init(version: Int64, entries: [Entry], termRows: [(term: String, entry: Int32)]) {
        self.version = version
        self.entries = entries
        var terms: [String] = []
        var postings: [[Int32]] = []
        for row in termRows.sorted(by: { ($0.term, $0.entry) < ($1.term, $1.entry) }) {
            if terms.last == row.term { postings[postings.count - 1].append(row.entry) } else {
                terms.append(row.term)
                postings.append([row.entry])
            }
        }
        self.terms = terms
        self.postings = postings
    }

    /// Entries whose words start with every query word, filtered, ranked as
    /// `CatalogueSearch.Ranker` ranks, then by name and code.
    func search(words: [String], query: String, field: String?, unitID: UUID?, level: String?) -> [Entry] {
        var selected: [Bool]?
        for word in words {
            var hit = [Bool](repeating: false, count: entries.count)
            var index = lowerBound(word)
            while index < terms.count, terms[index].hasPrefix(word) {
                for entry in postings[index] { hit[Int(entry)] = true }
                index += 1
            }
            if let current = selected {
                selected = zip(current, hit).map { $0 && $1 }
            } else {
                selected = hit
            }
        }
        let ranker = CatalogueSearch.Ranker(query: query)
        // Entries are stored in (Vietnamese name order, code), so ties sort by position: integers, not strings.
        var matches: [(rank: Int, position: Int)] = []
        for (i, entry) in entries.enumerated() where selected?[i] ?? true {
            if let field, entry.field != field { continue }
            if let unitID, entry.unitID != unitID { continue }
            if let level, entry.level != level { continue }
            matches.append((words.isEmpty ? 0 : ranker.rank(nameKey: entry.nameKey, codeKey: entry.codeKey), i))
        }
        return matches.sorted { ($0.rank, $0.position) < ($1.rank, $1.position) }.map { entries[$0.position] }
    }

    private func lowerBound(_ word: String) -> Int {
        var low = 0, high = terms.count
        while low < high {
            let mid = (low + high) / 2
            if terms[mid] < word { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Loads the index from the database.
    static func build(on db: any Database, version: Int64) async throws -> CatalogueIndex {
        let sql = try db.sql
        let rows = try await sql.select().column("id").column("name").column("name_key").column("code").column("field").column("level")
            .column("unit_id").from("procedures").all()
        // Stored in Vietnamese alphabetical order of the names (then by code): the order of a list
        // without a query, and of ties in a ranked search.
        let named = try rows.map { row -> (name: String, entry: Entry) in
            let code = try row.decode(column: "code", as: String.self)
            return (try row.decode(column: "name", as: String.self),
                    Entry(id: try row.decode(column: "id", as: UUID.self), nameKey: try row.decode(column: "name_key", as: String.self),
                          code: code, codeKey: VietnameseText.searchKey(code), field: try row.decode(column: "field", as: String.self),
                          level: try row.decode(column: "level", as: String.self),
                          unitID: try row.decode(column: "unit_id", as: UUID?.self)))
        }.sorted { $0.name == $1.name ? $0.entry.code < $1.entry.code : VietnameseText.precedes($0.name, $1.name) }
        var entries: [Entry] = []
        var position: [UUID: Int32] = [:]
        for (_, entry) in named {
            position[entry.id] = Int32(entries.count)
            entries.append(entry)
        }
        let termRows = try await sql.select().column("procedure_id").column("term").from("procedure_terms").all()
            .compactMap { row -> (term: String, entry: Int32)? in
                guard let id = try? row.decode(column: "procedure_id", as: UUID.self), let entry = position[id],
                      let term = try? row.decode(column: "term", as: String.self) else { return nil }
                return (term, entry)
            }
        return CatalogueIndex(version: version, entries: entries, termRows: termRows)
    }
}

/// The indexes this process holds, one per catalogue (database), rebuilt when
/// the catalogue's version moves.
actor CatalogueIndexCache {
    static let shared = CatalogueIndexCache()
    private var indexes: [String: CatalogueIndex] = [:]
    private var order: [String] = []

    func index(on db: any Database) async throws -> CatalogueIndex {
        guard let state = try await db.sql.raw("SELECT token, version FROM catalogue_state WHERE id = 1").first() else {
            throw DomainStoreError.corruptRow("catalogue_state")
        }
        let token = try state.decode(column: "token", as: String.self)
        let version = try state.decode(column: "version", as: Int64.self)
        if let index = indexes[token], index.version == version { return index }
        let index = try await CatalogueIndex.build(on: db, version: version)
        if indexes[token] == nil { order.append(token) }
        indexes[token] = index
        // Tests open many small databases in one process; keep the few most recent.
        while order.count > 16 { indexes[order.removeFirst()] = nil }
        return index
    }

    /// Bumps the catalogue version inside a write transaction.
    static func bump(on tx: any Database) async throws {
        try await tx.sql.raw("UPDATE catalogue_state SET version = version + 1 WHERE id = 1").run()
    }
}
