import Foundation
import Testing
@testable import ParCore

@Suite("Hexadecimal digests")
struct HexTests {
    @Test("two lower-case digits a byte, as String(format: \"%02x\") wrote them, for every byte")
    func everyByte() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.string(all) == all.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.string([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(Hex.string([UInt8]()).isEmpty)
    }
}
