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

    @Test("UUIDs as Foundation writes and reads them: upper case out, either case in, nothing else accepted")
    func uuids() {
        for uuid in (0..<200).map({ _ in UUID() }) + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                                                        UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))] {
            #expect(Hex.uuidString(uuid) == uuid.uuidString)
            #expect(Hex.lowercaseUUIDString(uuid) == uuid.uuidString.lowercased())
            #expect(EntityID<Dossier>(uuid).description == uuid.uuidString.lowercased())
            #expect(EntityID<Dossier>(string: uuid.uuidString) == EntityID(uuid))
            #expect(Hex.uuid(Array(uuid.uuidString.utf8)[...]) == uuid)
            #expect(Hex.uuid(Array(uuid.uuidString.lowercased().utf8)[...]) == uuid)
        }
        for bad in ["", "6F9619FF-8B86-D011-B42D-00C04FC964F", "6F9619FF-8B86-D011-B42D-00C04FC964FFF", "6F9619FF+8B86-D011-B42D-00C04FC964FF",
                    "6F9619FF-8B86-D011-B42D-00C04FC964FG", "6F9619FF8B86-D011-B42D-00C04FC964FF-", "{6F9619FF-8B86-D011-B42D-00C04FC964F}"] {
            #expect(Hex.uuid(Array(bad.utf8)[...]) == nil, "\(bad)")
        }
    }
}
