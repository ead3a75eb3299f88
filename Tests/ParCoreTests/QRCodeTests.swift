import Testing
@testable import ParCore

/// A symbol produced by the reference encoder segno 1.6.6 (pure Python) with `mode='byte'`,
/// `boost_error=False` and its own choice of version and mask; rows are hex, one per line,
/// leftmost module in the high bit, padded with light modules to a whole hex digit.
/// segno's padding bug (heuer/segno#148: an extra 0x00 codeword whenever the bit stream is
/// already byte-aligned) was patched to ISO/IEC 18004 §7.4.10 before generating them.
struct QRFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let correction: QRCode.Correction
    let version: Int
    let mask: Int
    /// segno's `evaluate_mask` score for each mask, scored before format and version information are added.
    let penalties: [Int]
    let rows: String

    init(_ name: String, _ text: String, _ correction: QRCode.Correction, version: Int, mask: Int, penalties: [Int], rows: String) {
        (self.name, self.text, self.correction, self.version, self.mask) = (name, text, correction, version, mask)
        (self.penalties, self.rows) = (penalties, rows)
    }

    var testDescription: String { name }
}

@Suite("QR Code encoder")
struct QRCodeTests {
    static let fixtures: [QRFixture] = [
        // 5 bytes, M: version 1, mask 2
        QRFixture("hello", "HELLO", .medium, version: 1, mask: 2,
                  penalties: [1160, 1314, 1087, 1110, 1105, 1159, 1215, 1152], rows: """
            fe13f8
            822a08
            bac2e8
            baaae8
            bacae8
            82f208
            feabf8
            00c000
            be33e0
            6d7e60
            3e8b70
            687e60
            5f8928
            00a940
            fe74b0
            82a1f0
            bad4b0
            badf40
            bacb20
            827ee0
            fec8b0
            """),
        // 70 bytes, M: version 5, mask 4
        QRFixture("vietnamese URL", "https://parhub.example/tra-cuu?ma=000.00.12.H26-261126-0001&k=ABCD2345", .medium, version: 5, mask: 4,
                  penalties: [1825, 1765, 1807, 1791, 1628, 1753, 1748, 1639], rows: """
            fef55bd3f8
            822d14c208
            ba13e63ae8
            bae789fae8
            baafc95ae8
            8297d4e208
            feaaaaabf8
            00a085a000
            8bf19c3fc8
            f54c33b5b0
            e639571d60
            00dfdd9c70
            323aec0678
            a8190170c8
            074dcdfde0
            3d646e89b8
            2e51258a70
            5cc89e7590
            1fb0cd9cc0
            95c6443970
            ef1b7e8760
            584b41bd80
            e791add5f0
            a4159db7b8
            7b1e88aa68
            84063015c0
            02b95334c0
            1043dc3678
            eb8ae69fb8
            00dd2f1890
            fea9c92a90
            8275eba8e0
            bac833cfe8
            ba74d86768
            ba40ad9620
            821e4510f0
            fec5f68178
            """),
        // 14 bytes, L: version 1, mask 4
        QRFixture("level L", "Sở Tư pháp", .low, version: 1, mask: 4,
                  penalties: [1126, 1124, 1161, 1193, 1114, 1147, 1176, 1132], rows: """
            fe8bf8
            82d208
            bafae8
            baaae8
            ba6ae8
            82aa08
            feabf8
            001000
            ce0978
            d857b0
            7ac118
            f82178
            5f2d58
            00e608
            fe3830
            82cde8
            baa960
            ba6f58
            ba08a0
            8295c0
            fe8408
            """),
        // 14 bytes, M: version 1, mask 6
        QRFixture("level M", "Sở Tư pháp", .medium, version: 1, mask: 6,
                  penalties: [1169, 1142, 1187, 1257, 1128, 1139, 1110, 1150], rows: """
            fef3f8
            82e208
            bab2e8
            ba1ae8
            bafae8
            825a08
            feabf8
            004800
            9facb8
            b8b320
            afebb0
            d8e858
            6e1c98
            008608
            fee440
            82f680
            badc30
            bad980
            ba6698
            826a38
            fec780
            """),
        // 14 bytes, Q: version 2, mask 7
        QRFixture("level Q", "Sở Tư pháp", .quartile, version: 2, mask: 7,
                  penalties: [1263, 1379, 1250, 1256, 1263, 1337, 1303, 1219], rows: """
            fef23f8
            8220a08
            ba9b2e8
            bad4ae8
            ba702e8
            82e1a08
            feaabf8
            009d800
            57c2f68
            a9dda68
            8b7f3e0
            94cc9f0
            2a93e68
            395fe18
            9788c40
            7451548
            fe6efa8
            008e8d0
            fe9fab8
            82988b8
            ba14fe0
            bafe290
            ba5a308
            82e3920
            fe2e5b8
            """),
        // 14 bytes, H: version 2, mask 0
        QRFixture("level H", "Sở Tư pháp", .high, version: 2, mask: 0,
                  penalties: [1217, 1277, 1233, 1221, 1228, 1319, 1222, 1235], rows: """
            feb2bf8
            826f208
            ba34ae8
            baeeae8
            ba072e8
            827f208
            feaabf8
            001e000
            2ee3448
            f4a8268
            baa12c0
            e8b7d60
            9a69e68
            39b1738
            a61a8d0
            653d548
            b39cf88
            00988c0
            fe7dab8
            82e4898
            babaff0
            ba72290
            baf6a28
            8223db0
            fe445b8
            """),
        // 89 bytes, H: version 9, mask 2
        QRFixture("version information", "Hồ sơ 000.00.12.H26-261126-0001 đã được tiếp nhận tại Phường Ba Đình.", .high, version: 9, mask: 2,
                  penalties: [3062, 3158, 2909, 3130, 3143, 3031, 3031, 3063], rows: """
            fec19ffab123f8
            82cccc5e777208
            baa2eca22892e8
            ba7bf3a7d12ae8
            ba358efd4762e8
            82fa0d8bd3e208
            feaaaaaaaaabf8
            00bcea8f41e000
            3ab294fc811f38
            280621df3431c8
            23a31a204b0710
            a5a88156116338
            c7c2a09e20b7d0
            998b317f058498
            5662ccc69cf4f0
            cc278157f18610
            13a726ecc10bb0
            d9ae18d8be06f0
            37d2ca510959c0
            611d5cbc599440
            c71139670d1c38
            099074b5980d18
            ba39f9fd8d96c0
            897cb65069a530
            6fa523f9913fe8
            d8d2038f4978f8
            4a8847ab2f2aa8
            e8fc728dc8d8d0
            bff7c8ffb39fb0
            54f92604e9c0b8
            d302e980462598
            a8debd4f80aaf8
            5bec8c30d15538
            5148df43c942f8
            9e512649c72ca0
            cc04fd36c13688
            b69d1c5d240770
            38dbcb8073b050
            cbd30602268ba8
            15288e0ec7d690
            328c6a26abe070
            5da1c355bdbc88
            dfcb4848ca52d0
            60b436c0203660
            1201b6f8c96f88
            00e88d8fc45888
            fe3342aedb3a90
            827b5188b5c8d0
            ba9b2af8e84ff0
            baf4b2cbebe3e0
            bac003ac6d5e20
            821d13144fa910
            fe790c30b27e20
            """),
        // 328 bytes, M: version 13, mask 2
        QRFixture("300 bytes", String(repeating: "Mã hồ sơ: 000.00.12.H26-261126-0001. ", count: 8), .medium, version: 13, mask: 2,
                  penalties: [4402, 5140, 3853, 3912, 4551, 4296, 4352, 4220], rows: """
            fe1acbfc40a4d27bf8
            82397a074b42740208
            bac4d7d040a53e62e8
            bafb9f92b11491cae8
            baaa29c8fc247b2ae8
            829efdea8b46b9a208
            feaaaaaaaaaaaaabf8
            00c8edb188af6ea800
            be3b0eeaf916d1f3e0
            9109271025247a4928
            7aa8b0f289468ca720
            b4e729b2d1cd0bc9a0
            739eeecba904915140
            b884dc1439389249a0
            ee14acdbe742fc2770
            91ce4baa913ecadda8
            ea08af0b4225b60358
            9139733441b29a6bb8
            e26c49664686b42240
            a4b326d1c29a4dd8b0
            97e4cbc9f901b03718
            bc3d9ab050229ae818
            23701eb9cf04f5eb20
            e189f1544eac0bcef0
            2f4bad482b24b40b20
            bd063a165165145038
            a2287f7b8f42f2faa0
            403f9964499913b1a0
            361ad7daa926c60140
            256cced1c1d590d020
            d65536ddaa9ef42f10
            143f500043d91bc1b0
            efd06193fb66840fc0
            d8c629a888d490d8b0
            2ad2eddaab22f02a88
            18be43ee883c9b88b8
            df86851bf9a7f66fc8
            6120a74d6ca46a5d88
            5a1072f447c31078a8
            f0b1aebf4beb0c5f28
            96ea3d6a8186d76f50
            90250ca57fada24cd8
            dbaedb54521b746080
            f9fe1531ceed1adf20
            16aef4be9d04f74ec0
            a12cf4f3573db25338
            cad2675a4142b43520
            74c8881a48b516d920
            db60287a596ac04880
            9072b010a93a9bc908
            37d14d33c74ca83180
            add97b92e5cc6bfaa8
            eb77fdeb5308d02880
            61c20775a9ae027928
            47cc46db7353680020
            f587b3ae40bc0adf68
            4359114bdb22d228d0
            95d0ac15a827025d58
            ae0a88322f46f461e0
            8013017c70bdce3f50
            9afee36afd40316fa0
            00a0c370884510c8b8
            fe18295baea631eaa0
            829243d28faa19c8b0
            baa0776efb60344fd8
            bac716f0d00c1948e0
            bacb923aaf53afb900
            822d7132d1bd1bcda0
            febf83d249c0940a10
            """),
    ]

    /// The symbol's rows in the fixtures' hex form.
    static func hexRows(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in
            let bits = (0..<code.size).map { code.isDark(x: $0, y: y) }
            return stride(from: 0, to: bits.count, by: 4).map { start in
                let nibble = (0..<4).reduce(0) { $0 << 1 | (start + $1 < bits.count && bits[start + $1] ? 1 : 0) }
                return String(nibble, radix: 16)
            }.joined()
        }
    }

    @Test("matches the reference encoder module for module, version and mask", arguments: fixtures)
    func matchesReference(_ fixture: QRFixture) throws {
        let code = try QRCode(text: fixture.text, correction: fixture.correction)
        #expect(code.version == fixture.version)
        #expect(code.size == 4 * fixture.version + 17)
        #expect(code.mask == fixture.mask)
        #expect(code.maskPenalties == fixture.penalties)
        let expected = fixture.rows.split(separator: "\n").map(String.init)
        let actual = Self.hexRows(code)
        #expect(actual.count == expected.count)
        for (y, (row, want)) in zip(actual, expected).enumerated() {
            #expect(row == want, "row \(y)")
        }
    }

    @Test("picks the smallest version that holds the bytes", arguments: [
        (QRCode.Correction.medium, 14, 1), (.medium, 15, 2), (.low, 17, 1), (.high, 7, 1), (.high, 8, 2),
        (.low, 230, 9), (.low, 231, 10), // the count field widens to 16 bits from version 10
        (.low, 2953, 40), (.medium, 2331, 40), (.quartile, 1663, 40), (.high, 1273, 40),
    ])
    func smallestVersion(correction: QRCode.Correction, bytes: Int, version: Int) throws {
        let code = try QRCode(text: String(repeating: "a", count: bytes), correction: correction)
        #expect(code.version == version)
        #expect(code.size == 4 * version + 17)
    }

    @Test("refuses text longer than version 40 holds", arguments: [
        (QRCode.Correction.low, 2953), (.medium, 2331), (.quartile, 1663), (.high, 1273),
    ])
    func tooLong(correction: QRCode.Correction, maximum: Int) {
        let text = String(repeating: "đ", count: maximum / 2 + 1) // two UTF-8 bytes each
        #expect(throws: QRCode.Error.textTooLong(bytes: 2 * (maximum / 2 + 1), maximum: maximum)) {
            try QRCode(text: text, correction: correction)
        }
    }

    @Test("Reed–Solomon codewords match ISO/IEC 18004 Annex I (\"01234567\", 1-M)")
    func reedSolomon() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ecc = QRCode.ReedSolomon.remainder(of: data[...], divisor: QRCode.ReedSolomon.generator(degree: 10))
        #expect(ecc == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test("data capacity per version and level", arguments: [
        (1, QRCode.Correction.low, 19), (1, .high, 9), (7, .medium, 124), (10, .quartile, 154), (40, .low, 2956), (40, .high, 1276),
    ])
    func capacity(version: Int, correction: QRCode.Correction, codewords: Int) {
        #expect(QRCode.dataCodewords(version: version, correction) == codewords)
    }

    @Test("modules outside the symbol are light")
    func outside() throws {
        let code = try QRCode(text: "")
        #expect(code.version == 1)
        #expect(code.isDark(x: 0, y: 0))
        for (x, y) in [(-1, 0), (0, -1), (code.size, 0), (0, code.size), (Int.min, Int.max)] {
            #expect(!code.isDark(x: x, y: y))
        }
    }

    @Test("SVG draws exactly the dark modules, with an escaped, linked title", arguments: [
        ("HELLO", 4, 4), ("https://parhub.example/tra-cuu?ma=000.00.12.H26-261126-0001&k=ABCD2345", 3, 2), ("Sở Tư pháp", 1, 0),
    ])
    func svg(text: String, moduleSize: Int, quietZone: Int) throws {
        let code = try QRCode(text: text)
        let svg = code.svg(moduleSize: moduleSize, quietZone: quietZone, title: "Mã <hồ sơ> & \"QR\" 'x'\u{1}")
        let side = code.size + 2 * quietZone
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(side * moduleSize)\" height=\"\(side * moduleSize)\" viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.hasSuffix("\"/></svg>"))
        #expect(svg.contains("shape-rendering=\"crispEdges\" role=\"img\""))
        #expect(svg.contains("<title id=\"\(Self.attribute("aria-labelledby", in: svg))\">Mã &lt;hồ sơ&gt; &amp; &quot;QR&quot; &apos;x&apos;</title>"))
        #expect(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"))

        // Redraw the path's rectangles ("Mx yhNv1h-Nz") and compare with the symbol.
        var drawn = Set<[Int]>()
        for rect in Self.attribute("d", in: svg).split(separator: "z") {
            let numbers = rect.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            #expect(numbers.count == 5 && numbers[2] > 0 && numbers[3] == 1 && numbers[4] == -numbers[2])
            guard numbers.count == 5 else { continue }
            for dx in 0..<numbers[2] { drawn.insert([numbers[0] + dx - quietZone, numbers[1] - quietZone]) }
        }
        let dark = Set((0..<code.size).flatMap { y in (0..<code.size).filter { code.isDark(x: $0, y: y) }.map { [$0, y] } })
        #expect(drawn == dark)
    }

    /// The value of the first `name="…"` attribute in `svg`.
    static func attribute(_ name: String, in svg: String) -> String {
        guard let start = svg.firstRange(of: " \(name)=\"")?.upperBound,
              let end = svg[start...].firstIndex(of: "\"") else { return "" }
        return String(svg[start..<end])
    }
}
