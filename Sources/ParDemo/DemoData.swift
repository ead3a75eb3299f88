import Fluent
import Foundation
import ParCore
import ParStore
import ParWeb
import Vapor

/// The demo: Hà Nội before and after 1 July 2025 (real wards/communes and
/// lineage), its departments and divisions, demo quotas, the 2024–2025 holiday
/// decisions, the demo procedure catalogue, and one user per role.
public enum DemoData {
    /// The shared demo password, printed at start (`serve`) and in the README.
    public static let password = "parhub-demo"

    /// One demo user per role: (username, display name, role, unit key).
    public static let users: [(String, String, Role, String)] = [
        ("admin", "Quản trị hệ thống", .administrator, "01"),
        ("lanhdao.tp", "Lãnh đạo UBND Thành phố", .cityLeader, "01"),
        ("cchc.noivu", "Chuyên viên CCHC Sở Nội vụ", .parOfficer, "01"),
        ("kiemtra", "Thành viên đoàn kiểm tra", .inspector, "01"),
        ("lanhdao.tuphap", "Lãnh đạo Sở Tư pháp", .unitLeader, "dept:tu-phap"),
        ("xuly.tuphap", "Chuyên viên xử lý Sở Tư pháp", .processingOfficer, "dept:tu-phap"),
        ("tccb.tuphap", "Công chức tổ chức cán bộ Sở Tư pháp", .personnelOfficer, "dept:tu-phap"),
        ("motcua.tuphap", "Công chức một cửa Sở Tư pháp", .counterOfficer, "dept:tu-phap"),
        ("motcua.badinh", "Công chức một cửa Phường Ba Đình", .counterOfficer, "00004"),
        ("xuly.badinh", "Công chức tư pháp - hộ tịch Phường Ba Đình", .processingOfficer, "00004"),
        ("congdan", "Nguyễn Văn An (công dân)", .citizen, "01"),
    ]

    /// Whether the database already holds data (a second start keeps it).
    public static func isLoaded(_ db: any Database) async throws -> Bool {
        try await UserRepository(db: db).list(afterUsername: nil, limit: 1).isEmpty == false
    }

    /// Loads the demo once; returns `false` when data was already there.
    @discardableResult
    public static func loadIfEmpty(_ app: Application) async throws -> Bool {
        if try await isLoaded(app.db) { return false }
        let actor = AuditActor.system("demo")
        let now = app.parConfig.clock()
        let seedDirectory = app.directory.workingDirectory + "data/seed/"
        for name in ["hanoi-units.json", "hanoi-departments.json"] {
            let path = seedDirectory + name
            guard let data = FileManager.default.contents(atPath: path) else {
                if name == "hanoi-units.json" { throw Abort(.internalServerError, reason: "demo data missing: \(path)") }
                continue
            }
            let report = try await UnitImporter(db: app.db).run(try UnitImportFile.parse(data), actor: actor, now: now)
            app.logger.info("demo \(name): \(report.summary)")
        }
        try await ShippedCalendar.loadMissing(app, actor: actor, now: now)
        if let data = FileManager.default.contents(atPath: seedDirectory + "procedures.json") {
            let report = try await ProcedureImporter(db: app.db).run(try ProcedureImportFile.parse(data), actor: actor, now: now)
            app.logger.info("demo procedures.json: \(report.summary)")
        }
        let repository = UserRepository(db: app.db)
        let units = UnitRepository(db: app.db)
        let hash = try await Credentials.hash(password, on: app)
        for (username, name, role, unitKey) in users {
            // A work e-mail on a reserved domain (RFC 2606): the staff reminders show in /admin/outbox, none leaves.
            let user = try await repository.create(username: username, displayName: name, passwordHash: hash,
                                                   email: "\(username)@demo.parhub.invalid", actor: actor, now: now)
            var unit = try await units.find(key: unitKey)
            if unit == nil { unit = try await units.find(key: "01") }
            guard let unit else { continue }
            _ = try await repository.grant(role, on: unit.unit.id, to: user.id, actor: actor, now: now)
        }
        let dossiers = try await DemoDossiers.load(app.db, now: now)
        // The province's plan targets for this year (seed 004): ≥ 50% online, ≥ 80% moved electronically, …
        let year = VietnamTime.localDate(of: now).year
        let index = IndexRepository(db: app.db)
        for key in ["01", "dept:tu-phap", "00004"] {
            guard let unit = try await units.find(key: key) else { continue }
            for target in PlanTarget.standard(unit: unit.unit.id, year: year) {
                try await index.setTarget(unit: target.unitID, year: year, indicatorID: target.indicatorID, target: target.target, actor: actor, now: now)
            }
            // The satisfaction target of the plans (seed: ≥ 95% from 2025).
            try await index.setTarget(unit: unit.unit.id, year: year, indicatorID: PlanTarget.satisfaction,
                                      target: SatisfactionIndex.standardTarget(year: year), actor: actor, now: now)
        }
        try await DemoOversight.load(app.db, now: now)
        try await DemoParIndex.load(app.db, now: now)
        try await DemoCentre.load(app.db, now: now)
        try await DemoPersonnel.load(app.db, now: now)
        app.logger.info("demo dossiers: \(dossiers)")
        return true
    }
}
