import Foundation

/// UUIDs as text, byte by byte: a ranking binds and reads back hundreds of unit ids, and Foundation's
/// `uuidString` and `UUID(uuidString:)` go through `snprintf`/`sscanf` (a measurable share of a ranking:
/// docs/performance.md).
extension Hex {
    private static let upper: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The UUID as `uuidString` writes it (upper case, 8-4-4-4-12), as SQLite stores ids.
    public static func uuidString(_ uuid: UUID) -> String {
        uuidString(uuid, digits: upper)
    }

    /// The UUID in lower case (8-4-4-4-12), as ids appear in the API, in links and in stored JSON
    /// (`EntityID.description`).
    public static func lowercaseUUIDString(_ uuid: UUID) -> String {
        uuidString(uuid, digits: digits)
    }

    private static func uuidString(_ uuid: UUID, digits: [UInt8]) -> String {
        withUnsafeBytes(of: uuid.uuid) { raw in
            var text: [UInt8] = []
            text.reserveCapacity(36)
            for index in 0..<16 {
                let byte = raw[index]
                if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// The UUID written as 36 characters (8-4-4-4-12 hexadecimal, either case); nil for anything else.
    /// (Not generic: a generic function of another module is called unspecialised, an element at a time.)
    public static func uuid(_ text: ArraySlice<UInt8>) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        var byte = 0, high = true
        for index in 0..<36 {
            let character = text[text.startIndex + index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if high { bytes[byte] = value << 4 } else { bytes[byte] |= value; byte += 1 }
            high.toggle()
        }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
