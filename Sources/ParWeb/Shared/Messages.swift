import Foundation
import Leaf
import LeafKit

/// The interface text: one keyed catalogue per language, `Messages/vi.json` (Vietnamese, the
/// source) and `Messages/en.json` (the same keys, complete). Templates write `#t("key")`; Swift
/// writes `Messages.text(key, language)`. A text may name values in braces (`{code}`), filled in
/// from the `values` given. `MessageCatalogueTests` checks that both files have the same keys and
/// that every key the templates and the sources use is in them.
enum Messages {
    /// Both catalogues, read once from the module's resources.
    static let catalogue: [Language: [String: String]] = {
        var tables: [Language: [String: String]] = [:]
        for language in [Language.vi, .en] {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Messages"),
                  let data = try? Data(contentsOf: url), let table = try? JSONDecoder().decode([String: String].self, from: data) else {
                preconditionFailure("the message catalogue Messages/\(language.rawValue).json is missing from ParWeb's resources")
            }
            tables[language] = table
        }
        return tables
    }()

    /// The text of `key` in `language`, its `{name}` placeholders filled from `values`; the Vietnamese
    /// text when the language lacks it, and the key itself when no catalogue has it (a test forbids both).
    static func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        var text = catalogue[language]?[key] ?? catalogue[.vi]?[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The same, for code that holds the page's "English?" flag.
    static func text(_ key: String, en: Bool, _ values: [String: String] = [:]) -> String {
        text(key, Language(english: en), values)
    }
}

/// `#t("key")`: the catalogue's text in the page language (`layout.lang`).
struct MessageTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 1, let key = ctx.parameters[0].string else {
            throw LeafError(.unknownError("#t needs one string: the message key"))
        }
        let language = ctx.data["layout"]?.dictionary?["lang"]?.string.flatMap(Language.init(rawValue:)) ?? .vi
        guard let text = Messages.catalogue[language]?[key] else { throw LeafError(.unknownError("no message \(key)")) }
        return .string(text)
    }
}
