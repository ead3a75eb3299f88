/// A QR Code symbol (ISO/IEC 18004:2015, model 2) holding UTF-8 text in byte mode.
///
/// Encoding follows the standard's procedure (§7.1):
/// 1. choose the smallest version 1–40 whose data capacity holds the text at the
///    requested error correction level;
/// 2. build the data bit stream: mode indicator, character count, the bytes,
///    terminator, zero bits up to a byte boundary, then the pad codewords 0xEC/0x11;
/// 3. split the data codewords into blocks, append Reed–Solomon error correction
///    codewords to each block and interleave the blocks (§7.5–7.6);
/// 4. draw the function patterns (finders, separators, timing, alignment) and
///    place the codewords in the two-module-wide zigzag (§7.7);
/// 5. try all eight data masks and keep the one with the lowest penalty (§7.8);
/// 6. add the format information, the dark module and, from version 7, the
///    version information (§7.9–7.10).
///
/// Coordinates are `x` (column, left to right) and `y` (row, top to bottom),
/// both from 0 to `size - 1`, without the quiet zone.
public struct QRCode: Sendable {
    /// Error correction level: roughly 7 %, 15 %, 25 % or 30 % of codewords can be restored.
    public enum Correction: Int, Sendable, CaseIterable {
        case low, medium, quartile, high

        /// The two bits this level contributes to the format information (L=01, M=00, Q=11, H=10).
        var formatBits: Int { [1, 0, 3, 2][rawValue] }
    }

    public enum Error: Swift.Error, Equatable, Sendable {
        /// The text's UTF-8 form has `bytes` bytes; a version-40 symbol at this level holds `maximum`.
        case textTooLong(bytes: Int, maximum: Int)
    }

    /// Modules per side (`4 × version + 17`).
    public let size: Int
    /// The symbol version, 1–40.
    public let version: Int
    /// The data mask pattern chosen, 0–7.
    public let mask: Int
    /// The penalty score of each mask, indexed by mask number (§7.8.3).
    let maskPenalties: [Int]
    /// Row-major module colours, `true` for dark.
    private let modules: [Bool]

    /// Encodes `text` (as UTF-8 bytes) in the smallest symbol that fits.
    public init(text: String, correction: Correction = .medium) throws(Error) {
        try self.init(bytes: Array(text.utf8), correction: correction)
    }

    /// Encodes raw bytes in byte mode, in the smallest symbol that fits.
    init(bytes: [UInt8], correction: Correction) throws(Error) {
        // Step 1: byte mode needs 4 bits of mode, an 8- (v1–9) or 16-bit (v10–40) count, then 8 bits a byte.
        guard let version = (1...40).first(where: {
            4 + ($0 < 10 ? 8 : 16) + 8 * bytes.count <= 8 * Self.dataCodewords(version: $0, correction)
        }) else {
            throw .textTooLong(bytes: bytes.count, maximum: Self.dataCodewords(version: 40, correction) - 3)
        }
        let size = 4 * version + 17
        self.version = version
        self.size = size

        // Step 2: the data bit stream (§7.4), padded to the exact data capacity.
        let capacity = Self.dataCodewords(version: version, correction)
        var bits: [Bool] = []
        func append(_ value: Int, count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, count: 4)
        append(bytes.count, count: version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), count: 8) }
        append(0, count: min(4, 8 * capacity - bits.count))
        append(0, count: (8 - bits.count % 8) % 8)
        var data = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        for index in 0..<(capacity - data.count) { data.append(index % 2 == 0 ? 0xEC : 0x11) }

        // Steps 3–4: error correction, interleaving and placement.
        var grid = Grid(size: size, version: version)
        grid.place(Self.interleavedCodewords(data: data, version: version, correction))

        // Step 5: as in the standard's procedure (§7.1 steps 6–7, and as segno does), each
        // mask is scored before the format and version information are written, with
        // those areas still light. Encoders that score the finished symbol (ZXing,
        // Nayuki) can choose another mask; any of the eight masks decodes.
        let penalties = (0..<8).map { mask in
            var candidate = grid
            candidate.applyMask(mask)
            return candidate.penalty()
        }
        // The first mask with the lowest penalty.
        let mask = penalties.indices.min { penalties[$0] < penalties[$1] } ?? 0
        grid.applyMask(mask)

        // Step 6: format and version information.
        grid.drawFormat(correction: correction, mask: mask)
        grid.drawVersion(version)
        self.mask = mask
        self.maskPenalties = penalties
        self.modules = grid.dark
    }

    /// Whether the module at column `x`, row `y` is dark; `false` outside the symbol.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// A standalone, accessible SVG image of the symbol: a white background and one
    /// path of black module rectangles, `moduleSize` pixels a module, with a light
    /// border of `quietZone` modules (the standard asks for 4).
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String) -> String {
        let quiet = max(0, quietZone)
        let side = size + 2 * quiet
        let pixels = side * max(1, moduleSize)
        // One rectangle per horizontal run of dark modules keeps the path short.
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        // A deterministic id (FNV-1a of modules and title) so several codes can share a page.
        var hash: UInt32 = 2_166_136_261
        for value in modules.map({ $0 ? 1 : 0 }) + title.utf8.map(UInt32.init) { hash = (hash ^ value) &* 16_777_619 }
        let id = "qr-" + String(hash, radix: 16)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\" "
            + "viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\" role=\"img\" aria-labelledby=\"\(id)\">"
            + "<title id=\"\(id)\">\(Self.xmlEscaped(title))</title>"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// Escapes XML's special characters and drops characters XML 1.0 forbids.
    static func xmlEscaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

// MARK: - Capacity and error correction

extension QRCode {
    /// Error correction codewords per block, by level then version (ISO/IEC 18004 Table 9).
    static let eccPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Number of error correction blocks, by level then version (ISO/IEC 18004 Table 9).
    static let blockCount: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Modules left for codewords once the function patterns and format/version areas are drawn.
    static func rawDataModules(version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            modules -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { modules -= 36 }
        }
        return modules
    }

    /// Data codewords a symbol holds: all codewords less the error correction ones.
    static func dataCodewords(version: Int, _ correction: Correction) -> Int {
        let level = correction.rawValue
        return rawDataModules(version: version) / 8 - eccPerBlock[level][version] * blockCount[level][version]
    }

    /// Splits `data` into blocks (short blocks first, long ones one codeword longer),
    /// appends each block's Reed–Solomon codewords, and interleaves them (§7.6):
    /// the i-th data codeword of every block in turn, then likewise the ECC codewords.
    static func interleavedCodewords(data: [UInt8], version: Int, _ correction: Correction) -> [UInt8] {
        let blocks = blockCount[correction.rawValue][version]
        let eccLength = eccPerBlock[correction.rawValue][version]
        let total = rawDataModules(version: version) / 8
        let shortBlocks = blocks - total % blocks
        let shortDataLength = total / blocks - eccLength
        let divisor = ReedSolomon.generator(degree: eccLength)

        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<blocks {
            let length = shortDataLength + (index < shortBlocks ? 0 : 1)
            let block = data[start..<start + length]
            start += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(of: block, divisor: divisor))
        }
        var result: [UInt8] = []
        result.reserveCapacity(total)
        for i in 0...shortDataLength {
            for block in dataBlocks where i < block.count { result.append(block[block.startIndex + i]) }
        }
        for i in 0..<eccLength {
            for block in eccBlocks { result.append(block[i]) }
        }
        return result
    }

    /// Reed–Solomon arithmetic over GF(2⁸) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
    enum ReedSolomon {
        static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
            // Shift-and-add, most significant bit of y first, reducing modulo 0x11D as we go.
            var product = 0
            var bit = 7
            while bit >= 0 {
                product = (product << 1) ^ ((product >> 7) * 0x11D)
                product ^= ((Int(y) >> bit) & 1) * Int(x)
                bit -= 1
            }
            return UInt8(product)
        }

        /// Coefficients (highest degree first, leading 1 omitted) of ∏ (x − αⁱ) for i < degree.
        static func generator(degree: Int) -> [UInt8] {
            var coefficients = [UInt8](repeating: 0, count: degree)
            coefficients[degree - 1] = 1
            var root: UInt8 = 1
            for _ in 0..<degree {
                for j in 0..<degree {
                    coefficients[j] = multiply(coefficients[j], root)
                    if j + 1 < degree { coefficients[j] ^= coefficients[j + 1] }
                }
                root = multiply(root, 2)
            }
            return coefficients
        }

        /// The remainder of data(x) · x^degree divided by the generator: the ECC codewords.
        static func remainder(of data: ArraySlice<UInt8>, divisor: [UInt8]) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: divisor.count)
            for byte in data {
                let factor = byte ^ result.removeFirst()
                result.append(0)
                for i in result.indices { result[i] ^= multiply(divisor[i], factor) }
            }
            return result
        }
    }
}

// MARK: - The module grid

/// The matrix under construction: module colours plus which modules belong to function patterns.
private struct Grid {
    let size: Int
    var dark: [Bool]
    var isFunction: [Bool]

    /// A grid with every function pattern drawn and the format and version areas reserved (light).
    init(size: Int, version: Int) {
        self.size = size
        dark = Array(repeating: false, count: size * size)
        isFunction = dark
        // Timing patterns (§6.3.5): alternating modules along row 6 and column 6.
        for i in 0..<size {
            set(x: 6, y: i, i % 2 == 0)
            set(x: i, y: 6, i % 2 == 0)
        }
        // Finder patterns with their light separators (§6.3.3–6.3.4): concentric squares.
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                    let ring = max(abs(dx), abs(dy))
                    set(x: cx + dx, y: cy + dy, ring != 2 && ring != 4)
                }
            }
        }
        // Alignment patterns (§6.3.6, Annex E): at every pair of centres except the finder corners.
        let centres = Self.alignmentCentres(version: version, size: size)
        for (i, cy) in centres.enumerated() {
            for (j, cx) in centres.enumerated() {
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(x: cx + dx, y: cy + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Format information areas (and the dark module), written after masking.
        for i in 0...8 where i != 6 {
            set(x: 8, y: i, false)
            set(x: i, y: 8, false)
        }
        for i in 0..<8 {
            set(x: 8, y: size - 1 - i, false)
            set(x: size - 1 - i, y: 8, false)
        }
        // Version information areas (§7.10), versions 7 and up.
        if version >= 7 {
            for i in 0..<18 {
                set(x: size - 11 + i % 3, y: i / 3, false)
                set(x: i / 3, y: size - 11 + i % 3, false)
            }
        }
    }

    /// Alignment pattern centre coordinates: 6, then evenly spaced (even steps) up to `size − 7`.
    static func alignmentCentres(version: Int, size: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        return [6] + (0..<count - 1).map { size - 7 - $0 * step }.reversed()
    }

    mutating func set(x: Int, y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        isFunction[y * size + x] = true
    }

    /// Places the codeword bits (§7.7.3): two-module columns from the right, alternately
    /// upwards and downwards, skipping the vertical timing column and function modules.
    /// Leftover remainder bits stay light.
    mutating func place(_ codewords: [UInt8]) {
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] && index < codewords.count * 8 {
                    dark[y * size + x] = (codewords[index >> 3] >> (7 - (index & 7))) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    /// Inverts every non-function module where mask pattern `mask`'s condition holds (§7.8.2, Table 10).
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let invert: Bool
                switch mask {
                case 0: invert = (x + y) % 2 == 0
                case 1: invert = y % 2 == 0
                case 2: invert = x % 3 == 0
                case 3: invert = (x + y) % 3 == 0
                case 4: invert = (x / 3 + y / 2) % 2 == 0
                case 5: invert = x * y % 2 + x * y % 3 == 0
                case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { dark[y * size + x].toggle() }
            }
        }
    }

    /// Writes the 15-bit format information (level, mask, BCH(15,5) check bits, XOR 0x5412)
    /// in both copies, plus the always-dark module beside the lower left finder (§7.9).
    mutating func drawFormat(correction: QRCode.Correction, mask: Int) {
        let data = correction.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(x: 8, y: i, bit(i)) }
        set(x: 8, y: 7, bit(6))
        set(x: 8, y: 8, bit(7))
        set(x: 7, y: 8, bit(8))
        for i in 9..<15 { set(x: 14 - i, y: 8, bit(i)) }
        for i in 0..<8 { set(x: size - 1 - i, y: 8, bit(i)) }
        for i in 8..<15 { set(x: 8, y: size - 15 + i, bit(i)) }
        set(x: 8, y: size - 8, true)
    }

    /// Writes the 18-bit version information (version, BCH(18,6) check bits) in the two
    /// 6 × 3 blocks beside the upper right and lower left finders, for versions 7 and up (§7.10).
    mutating func drawVersion(_ version: Int) {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for i in 0..<18 {
            let isDark = (bits >> i) & 1 == 1
            set(x: size - 11 + i % 3, y: i / 3, isDark)
            set(x: i / 3, y: size - 11 + i % 3, isDark)
        }
    }

    /// The mask penalty score (§7.8.3, Table 11): N1 = 3 + (run − 5) for each run of five or
    /// more same-coloured modules in a row or column; N2 = 3 for each 2 × 2 same-coloured
    /// block; N3 = 40 for each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) pattern with
    /// four light modules before or after it (outside the symbol counts as light); N4 = 10
    /// for each full 5 % step the dark share lies away from 50 %.
    func penalty() -> Int {
        var score = 0
        var column = [Bool](repeating: false, count: size)
        for line in 0..<size {
            let row = Array(dark[line * size..<(line + 1) * size])
            for y in 0..<size { column[y] = dark[y * size + line] }
            score += Self.runPenalty(row) + Self.runPenalty(column)
            score += Self.finderLikePenalty(row) + Self.finderLikePenalty(column)
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = dark[y * size + x]
                if dark[y * size + x + 1] == colour, dark[(y + 1) * size + x] == colour,
                   dark[(y + 1) * size + x + 1] == colour { score += 3 }
            }
        }
        let total = size * size
        let darkCount = dark.count(where: { $0 })
        return score + 10 * (abs(darkCount * 20 - total * 10) / total)
    }

    private static func runPenalty(_ line: [Bool]) -> Int {
        var score = 0
        var run = 1
        for i in 1...line.count {
            if i < line.count && line[i] == line[i - 1] {
                run += 1
            } else {
                if run >= 5 { score += run - 2 }
                run = 1
            }
        }
        return score
    }

    /// Scans left to right; a counted pattern is skipped whole, an uncounted one from its middle.
    private static func finderLikePenalty(_ line: [Bool]) -> Int {
        func isLight(_ range: Range<Int>) -> Bool {
            for i in range.clamped(to: 0..<line.count) where line[i] { return false }
            return true
        }
        var score = 0
        var i = 0
        while i + 7 <= line.count {
            let isPattern = line[i] && !line[i + 1] && line[i + 2] && line[i + 3] && line[i + 4] && !line[i + 5] && line[i + 6]
            if !isPattern {
                i += 1
            } else if isLight(i - 4..<i) || isLight(i + 7..<i + 11) {
                score += 40
                i += 7
            } else {
                i += 4
            }
        }
        return score
    }
}
