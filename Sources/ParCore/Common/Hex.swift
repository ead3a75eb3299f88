/// Lower-case hexadecimal, two digits a byte: the form every digest and token hash in ParHub is
/// stored and compared in. (`String(format: "%02x")` a byte at a time was a measurable share of
/// each public lookup and intake: docs/performance.md.)
public enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
