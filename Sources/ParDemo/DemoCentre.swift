import FluentKit
import Foundation
import ParCore
import ParStore

/// The demo service centre at Phường Ba Đình: four desks by field (one serving every field)
/// and the standard booking settings, so the kiosk, board and desk screens work at once.
enum DemoCentre {
    static func load(_ db: any Database, now: Date) async throws {
        guard let ward = try await UnitRepository(db: db).find(key: "00004")?.unit else { return }
        let actor = AuditActor(id: nil, name: "demo", requestID: nil)
        let repository = ServiceCentreRepository(db: db)
        let desks: [(Int, String, [String])] = [
            (1, "Hộ tịch, chứng thực", ["Hộ tịch", "Chứng thực"]),
            (2, "Đất đai, xây dựng", ["Đất đai", "Hoạt động xây dựng"]),
            (3, "Bảo trợ xã hội, người có công", ["Bảo trợ xã hội", "Người có công"]),
            (4, "Quầy tổng hợp", []),
        ]
        for (number, name, fields) in desks {
            try await repository.saveDesk(ServiceDesk(id: .random(), unitID: ward.id, number: number, name: name, fields: fields), actor: actor, now: now)
        }
        try await repository.saveSettings(.standard, unit: ward.id, actor: actor, now: now)
    }
}
