import Foundation

/// Text rules for Vietnamese input and search.
///
/// Vietnamese can arrive composed (NFC, "ệ" as one scalar) or decomposed (NFD,
/// "e" + two combining marks) depending on the keyboard and OS; the two compare
/// unequal byte-wise, so everything is stored in NFC.
public enum VietnameseText {
    /// Whether `a` comes before `b` in Vietnamese alphabetical order (a, ă, â, b, c, d, đ, e, ê, …, o, ô,
    /// ơ, …, u, ư, …; tones after the letter), as lists of names are sorted for Vietnamese readers.
    /// Names the collation holds equal (differing only in ways it ignores) fall back to their code points,
    /// so this is a strict total order and sorting by it is deterministic.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        switch a.compare(b, options: [], range: nil, locale: vietnamese) {
        case .orderedAscending: true
        case .orderedDescending: false
        case .orderedSame: a < b
        }
    }

    private static let vietnamese = Locale(identifier: "vi_VN")

    /// NFC-normalises, trims surrounding white space, drops zero-width and
    /// bidirectional control characters that are invisible to a reader, and
    /// folds internal runs of white space into one space.
    public static func clean(_ text: String) -> String {
        isClean(text) ? text : cleaned(text)
    }

    /// The characters `clean` drops.
    private static let invisible: Set<Unicode.Scalar> = [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}",
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}",
        "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{200E}", "\u{200F}",
    ]

    /// `clean` the long way: drop, split, join, normalise (Foundation's NFC).
    static func cleaned(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !invisible.contains(scalar) {
            scalars.append(scalar)
        }
        let collapsed = String(scalars)
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
        return collapsed.precomposedStringWithCanonicalMapping
    }

    /// Whether `clean` would return `text` unchanged, decided in one pass for the text almost every form
    /// sends: letters below U+0300 (ASCII, Latin-1, Latin Extended A/B: "đ", "ơ", "ư", "ă") and Vietnamese
    /// precomposed letters (U+1E00–U+1EFF), single spaces between words. All of these are NFC as they stand
    /// (their NFC quick check is Yes and their combining class 0), none is white space but the space and
    /// none is invisible; any other scalar takes the long way.
    static func isClean(_ text: String) -> Bool {
        var previousSpace = true   // a leading space is not clean
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x20 {
                if previousSpace { return false }
                previousSpace = true
                continue
            }
            previousSpace = false
            guard (0x21...0x7E).contains(v) || (0xA1...0x2FF).contains(v) || (0x1E00...0x1EFF).contains(v) else { return false }
        }
        return !previousSpace || text.isEmpty
    }

    /// `clean` line by line, keeping the paragraphs (blank lines folded to one) of a long text.
    public static func cleanMultiline(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map({ clean(String($0)) }) {
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The text without tone marks or diacritics, case kept ("Hồ sơ Đã nhận" → "Ho so Da nhan"):
    /// what an SMS carries, so a message fits the GSM alphabet's 160 characters.
    public static func unaccented(_ text: String) -> String {
        let folded = clean(text).replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
        let stripped = folded.decomposedStringWithCanonicalMapping.unicodeScalars.filter { !(0x0300...0x036F).contains($0.value) }
        return String(String.UnicodeScalarView(stripped))
    }

    /// The search key of a text: lower case, without tone marks or diacritics,
    /// "đ" folded to "d", so "Phường Ba Đình", "phuong ba dinh" and
    /// "PHUONG BA ĐINH" all share one key.
    public static func searchKey(_ text: String) -> String {
        guard isClean(text) else { return longSearchKey(text) }
        // Text `isClean` passes has no combining marks and no white space but single spaces, so its key is
        // the keys of its scalars one after another, each worked out once the long way.
        var key = ""
        key.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = Int(scalar.value)
            key += v < 0x300 ? scalarKeys[v] : scalarKeys[0x300 + v - 0x1E00]
        }
        return key
    }

    /// The search keys of the scalars `isClean` lets through, U+0000–U+02FF then U+1E00–U+1EFF (the space's
    /// key is a space).
    private static let scalarKeys: [String] = (Array(0..<0x300) + Array(0x1E00..<0x1F00)).map { v in
        v == 0x20 ? " " : longSearchKey(String(Character(Unicode.Scalar(UInt32(v))!)))
    }

    /// `searchKey` the long way: clean, lower case, fold "đ", decompose (Foundation's NFD), drop the marks.
    static func longSearchKey(_ text: String) -> String {
        let lowered = clean(text).lowercased()
            .replacingOccurrences(of: "đ", with: "d")
        let stripped = lowered.decomposedStringWithCanonicalMapping.unicodeScalars
            .filter { !(0x0300...0x036F).contains($0.value) }
        return String(String.UnicodeScalarView(stripped))
    }
}
