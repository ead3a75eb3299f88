import FluentKit
import Foundation
import ParCore
import ParStore

/// Demo dossiers: six weeks of one-stop work at Phường Ba Đình and the Department of
/// Justice, made through the real engine (`DossierRepository`) at past times, so the
/// queues, the register, the timelines and the Decision 766 counters have something to
/// show. Deterministic: the same seed gives the same dossiers.
enum DemoDossiers {
    /// A small linear congruential generator: demo data must not change between runs.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    static let names = ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Thu", "Phạm Quốc Bảo", "Hoàng Minh Đức", "Vũ Thị Ngọc",
                        "Đặng Văn Long", "Bùi Thị Hạnh", "Đỗ Mạnh Tuấn", "Ngô Thị Phương", "Dương Văn Khoa", "Lý Thị Mai"]

    static func load(_ db: any Database, now: Date, count: Int = 60) async throws -> Int {
        let units = UnitRepository(db: db)
        guard let ward = try await units.find(key: "00004")?.unit, let justice = try await units.find(key: "dept:tu-phap")?.unit else {
            return 0
        }
        let divisions = try await units.children(of: justice.id).filter { $0.validTo == nil && $0.kind == .division }
        let wardDivisions = try await units.children(of: ward.id).filter { $0.validTo == nil }
        let catalogue = try await ProcedureRepository(db: db).search(.init(limit: 1000)).items
        let communeProcedures = catalogue.filter { $0.level == .commune && $0.unitID == nil && $0.processingTime.unit == .workingDays }
        let justiceProcedures = catalogue.filter { $0.unitID == justice.id }
        guard !communeProcedures.isEmpty, !justiceProcedures.isEmpty else { return 0 }
        let calendar = try await CalendarRepository(db: db).calendar()
        let repository = DossierRepository(db: db)
        var rng = Seeded(state: 2025)
        var made = 0
        for index in 0..<count {
            let atWard = index % 2 == 0
            let unit = atWard ? ward : justice
            let procedure = (atWard ? communeProcedures : justiceProcedures).randomElement(using: &rng)!
            let counter = AuditActor(id: nil, name: atWard ? "motcua.badinh" : "motcua.tuphap", requestID: nil)
            let processor = AuditActor(id: nil, name: atWard ? "xuly.badinh" : "xuly.tuphap", requestID: nil)
            // A working morning or afternoon within the last six weeks.
            var day = VietnamTime.localDate(of: now.addingTimeInterval(-Double(Int.random(in: 1...42, using: &rng)) * 86_400))
            while !(try calendar.isWorkingDay(day)) { day = try calendar.nextWorkingDay(after: day) }
            let received = VietnamTime.instant(day, TimeOfDay(hour: Int.random(in: 8...15, using: &rng), minute: Int.random(in: 0...59, using: &rng))!)
            guard received < now else { continue }
            let online = procedure.methods.contains(.online) && Double.random(in: 0..<1, using: &rng) < 0.45
            let intake = DossierIntake(
                procedureID: procedure.id, receivingUnitID: unit.id, channel: online ? .online : .counter,
                applicant: .init(name: names.randomElement(using: &rng)!, idNumber: String(format: "0010%08d", Int.random(in: 0..<99_999_999, using: &rng)),
                                 phone: String(format: "09%08d", Int.random(in: 0..<99_999_999, using: &rng))),
                components: procedure.documents.filter { !$0.isConditional }.map(\.name))
            var dossier = try await repository.receive(intake, actor: online ? AuditActor(id: nil, name: "cổng dịch vụ công", requestID: nil) : counter,
                                                       now: received).dossier
            made += 1
            var clock = received
            func step(_ event: DossierEvent, _ actor: AuditActor, after hours: Double) async throws -> Bool {
                let at = clock.addingTimeInterval(hours * 3600)
                guard at < now else { return false }
                dossier = try await repository.act(dossier.id, expectedVersion: dossier.version, event: event, actor: actor, now: at)
                clock = at
                return true
            }
            if online, !(try await step(.accept, counter, after: 2)) { continue }
            let outcome = Double.random(in: 0..<1, using: &rng)
            let handler = (atWard ? wardDivisions : divisions).randomElement(using: &rng)
            if let handler, !(try await step(.forward(to: handler.id, electronic: Double.random(in: 0..<1, using: &rng) < 0.85, note: nil),
                                             counter, after: 1)) { continue }
            if outcome < 0.12 { continue }  // still in process
            if outcome < 0.30 {
                guard try await step(.requestSupplement(items: [procedure.documents.first?.name ?? "Tờ khai"]), processor, after: 20) else { continue }
                if outcome < 0.20 { continue }  // waiting for the applicant
                guard try await step(.completeSupplement, counter, after: 48) else { continue }
            }
            let span = max(1, dossier.dueAt.timeIntervalSince(clock) / 3600)
            if outcome > 0.88 {
                // Late: an apology slip before the appointment, processed after it.
                let newDue = (try? calendar.deadline(from: dossier.dueAt, workingDays: 3).due) ?? dossier.dueAt.addingTimeInterval(3 * 86_400)
                guard try await step(.apologise(reason: "Chờ ý kiến phối hợp của cơ quan liên quan", newDueAt: newDue), processor,
                                     after: span * 0.8) else { continue }
                guard try await step(.markProcessed(electronicResult: true), processor, after: span * 0.2 + 30) else { continue }
            } else {
                guard try await step(.markProcessed(electronicResult: Double.random(in: 0..<1, using: &rng) < 0.7), processor,
                                     after: span * Double.random(in: 0.2..<0.9, using: &rng)) else { continue }
            }
            let method = online ? "electronic" : (Double.random(in: 0..<1, using: &rng) < 0.2 ? "post" : "counter")
            guard try await step(.returnResult(method: method), counter, after: 3) else { continue }
            try await rate(dossier, online: online, late: outcome > 0.88, at: clock.addingTimeInterval(3600), now: now, seed: UInt64(index), db: db)
        }
        return made
    }

    static let comments = ["Cán bộ hướng dẫn tận tình, dễ hiểu.", "Nên có thêm chỗ ngồi chờ.", "Thời gian chờ ở quầy còn lâu.",
                           "Nộp trực tuyến thuận tiện.", "Mong được nhận kết quả qua bưu điện."]

    /// About two in three returned dossiers get a satisfaction response (link for online
    /// dossiers, the counter kiosk otherwise); late ones are rated lower. A generator of its
    /// own, so the dossiers above stay the same.
    static func rate(_ dossier: Dossier, online: Bool, late: Bool, at: Date, now: Date, seed: UInt64, db: any Database) async throws {
        var rng = Seeded(state: 766 &+ seed)
        guard at < now, Double.random(in: 0..<1, using: &rng) < 0.65 else { return }
        let questionnaire = Questionnaire.sipas2023
        func level() -> SatisfactionLevel {
            let roll = Double.random(in: 0..<1, using: &rng) + (late ? 0.3 : 0)
            return roll < 0.55 ? .verySatisfied : roll < 0.9 ? .satisfied : roll < 1.1 ? .neutral : .dissatisfied
        }
        let aspects = questionnaire.sections.map { section in
            SurveyAnswers.AspectAnswer(aspect: section.aspect, perceptions: Dictionary(uniqueKeysWithValues: section.perceptions.map { ($0.id, true) }),
                                       level: section.aspect == .feedback && Bool.random(using: &rng) ? nil : level(),
                                       expectations: Bool.random(using: &rng) ? [section.expectations.randomElement(using: &rng)!.id] : [])
        }
        let comment = Double.random(in: 0..<1, using: &rng) < 0.3 ? comments.randomElement(using: &rng) : nil
        try await SatisfactionRepository(db: db).submit(dossier.id, answers: SurveyAnswers(aspects: aspects, overall: level(), comment: comment),
                                                        method: online ? .link : .kiosk,
                                                        actor: AuditActor(id: nil, name: online ? "citizen (survey link)" : "motcua (kiosk)", requestID: nil),
                                                        now: at)
    }
}
