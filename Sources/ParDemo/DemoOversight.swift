import FluentKit
import Foundation
import ParCore
import ParStore

/// Demo plans, inspections, feedback and discipline figures for this year, made through the
/// repositories: the city's PAR plan and the Department of Justice's copy of it (one task
/// late), a concluded inspection of the Department with an initiative and a follow-up that is
/// now overdue, an unannounced visit to Phường Ba Đình next week (invisible to the ward's
/// officers until then), three pieces of citizens' feedback, a meeting with absences, and
/// the Department's commitments, e-document shares and ISO certificate.
enum DemoOversight {
    static func load(_ db: any Database, now: Date) async throws {
        let units = UnitRepository(db: db)
        guard let city = try await units.find(key: "01")?.unit, let justice = try await units.find(key: "dept:tu-phap")?.unit,
              let ward = try await units.find(key: "00004")?.unit else { return }
        let actor = AuditActor(id: nil, name: "cchc.noivu", requestID: nil)
        let today = VietnamTime.localDate(of: now)
        let year = today.year
        func day(_ offset: Int) -> LocalDate { today.adding(days: offset) }

        let plans = PlanRepository(db: db)
        let tasks: [(PARField, String, String, Int)] = [
            (.direction, "Ban hành kế hoạch CCHC năm và kế hoạch tuyên truyền", "Văn phòng UBND", -300),
            (.institutions, "Rà soát văn bản quy phạm pháp luật do địa phương ban hành", "Sở Tư pháp", 60),
            (.procedures, "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "Văn phòng UBND", -20),
            (.organisation, "Sắp xếp đơn vị sự nghiệp công lập theo Nghị quyết 19-NQ/TW", "Sở Nội vụ", 30),
            (.civilService, "Đánh giá, xếp loại công chức theo kết quả công việc", "Sở Nội vụ", 25),
            (.publicFinance, "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp", "Sở Tài chính", 45),
            (.eGovernment, "Số hóa 100% kết quả giải quyết thủ tục hành chính", "Sở Khoa học và Công nghệ", 35),
        ]
        for (field, title, owner, offset) in tasks {
            _ = try await plans.addTask(PlanTask(id: .random(), planID: .random(), field: field, title: title, ownerDivision: owner,
                                                 deadline: day(offset), expectedOutput: "Báo cáo kết quả", progress: offset < -100 ? 100 : 40,
                                                 status: offset < -100 ? .done : .inProgress),
                                        unit: city.id, year: year, actor: actor, now: now)
        }
        if let template = try await plans.plan(unit: city.id, year: year), try await plans.plan(unit: justice.id, year: year) == nil {
            let copy = try await plans.copy(from: template.id, to: justice.id, actor: actor, now: now)
            for task in try await plans.tasks(of: copy.id) where task.field == .direction {
                _ = try await plans.updateTask(task.id, expectedVersion: nil, change: { $0.status = .done; $0.evidence = "Kế hoạch số 15/KH-STP" },
                                               actor: actor, now: now)
            }
        }

        let inspections = InspectionRepository(db: db)
        let visit = try await inspections.create(
            Inspection(id: .random(), unitID: justice.id, kind: .announced, place: .headquarters, startsAt: VietnamTime.instant(day(-60), TimeOfDay(hour: 8)!),
                       purpose: "Kiểm tra công tác cải cách hành chính năm \(year) tại Sở Tư pháp", team: ["Phó Giám đốc Sở Nội vụ (Trưởng đoàn)", "Chuyên viên CCHC"]),
            actor: actor, now: VietnamTime.instant(day(-75), TimeOfDay(hour: 9)!))
        let findings: [(InspectionFinding.Category, String, String?)] = [
            (.achievement, "Hồ sơ giải quyết đúng hạn đạt trên 98%.", nil),
            (.initiative, "Mô hình “Một cửa không chờ”: hẹn giờ tiếp nhận qua Zalo, giảm thời gian chờ tại quầy.", nil),
            (.shortcoming, "Niêm yết thủ tục hành chính tại bộ phận một cửa chưa cập nhật quyết định công bố mới.", "Chưa phân công người theo dõi văn bản mới"),
            (.recommendation, "Phân công công chức theo dõi, cập nhật niêm yết trong 5 ngày làm việc.", nil),
        ]
        for (category, text, cause) in findings {
            _ = try await inspections.addFinding(to: visit.id, category: category, text: text, cause: cause, actor: actor, now: VietnamTime.instant(day(-60), TimeOfDay(hour: 11)!))
        }
        _ = try await inspections.conclude(visit.id, conclusion: "Sở Tư pháp thực hiện tốt công tác CCHC; cần khắc phục ngay việc niêm yết TTHC.",
                                           followUps: [FollowUp(title: "Cập nhật niêm yết TTHC tại bộ phận một cửa", field: .procedures, deadline: day(-10))],
                                           actor: actor, now: VietnamTime.instant(day(-55), TimeOfDay(hour: 15)!))
        _ = try await inspections.create(
            Inspection(id: .random(), unitID: ward.id, kind: .unannounced, place: .counter, startsAt: VietnamTime.instant(day(7), TimeOfDay(hour: 8, minute: 30)!),
                       purpose: "Kiểm tra đột xuất việc tiếp nhận hồ sơ tại bộ phận một cửa Phường Ba Đình", team: ["Chuyên viên CCHC Sở Nội vụ"]),
            actor: actor, now: now)

        let feedback = FeedbackRepository(db: db)
        let published = try await feedback.submit(FeedbackDraft(kind: .procedure, procedureCode: nil, unitID: ward.id, subject: "Bị yêu cầu nộp bản sao có chứng thực",
                                                                 content: "Tôi là Lê Văn Nam, số điện thoại 0912 000 111. Khi đăng ký khai sinh tôi bị yêu cầu nộp bản sao có chứng thực giấy kết hôn dù đã xuất trình bản chính.",
                                                                 contact: .init(name: "Lê Văn Nam", phone: "0912000111")), now: VietnamTime.instant(day(-20), TimeOfDay(hour: 9)!)).0
        var item = try await feedback.act(published.id, expectedVersion: nil, .assign(unit: ward.id), actor: actor, now: VietnamTime.instant(day(-19), TimeOfDay(hour: 9)!))
        item = try await feedback.act(item.id, expectedVersion: nil, .answer(text: "UBND Phường Ba Đình đã chấn chỉnh: khi người dân xuất trình bản chính, công chức đối chiếu và không yêu cầu bản sao có chứng thực."),
                                      actor: AuditActor(id: nil, name: "lanhdao.badinh", requestID: nil), now: VietnamTime.instant(day(-12), TimeOfDay(hour: 10)!))
        _ = try await feedback.act(item.id, expectedVersion: nil, .publish(publicContent: nil), actor: actor, now: VietnamTime.instant(day(-11), TimeOfDay(hour: 10)!))
        let late = try await feedback.submit(FeedbackDraft(kind: .conduct, procedureCode: nil, unitID: justice.id, subject: "Chậm trả lời đề nghị cấp phiếu lý lịch tư pháp",
                                                           content: "Đã quá hẹn một tuần vẫn chưa nhận được phiếu lý lịch tư pháp, gọi điện không ai nghe.",
                                                           contact: .init()), now: VietnamTime.instant(day(-30), TimeOfDay(hour: 14)!)).0
        _ = try await feedback.act(late.id, expectedVersion: nil, .assign(unit: justice.id), actor: actor, now: VietnamTime.instant(day(-29), TimeOfDay(hour: 9)!))
        _ = try await feedback.submit(FeedbackDraft(kind: .regulation, procedureCode: nil, unitID: nil, subject: "Đề nghị công khai mức thu phí trên cổng",
                                                    content: "Đề nghị công khai mức thu phí, lệ phí của từng thủ tục trên Cổng dịch vụ công của thành phố.",
                                                    contact: .init()), now: VietnamTime.instant(day(-2), TimeOfDay(hour: 16)!))

        let discipline = DisciplineRepository(db: db)
        let meeting = try await discipline.addMeeting(
            Meeting(id: .random(), organiserID: city.id, title: "Hội nghị giao ban công tác CCHC quý", at: VietnamTime.instant(day(-40), TimeOfDay(hour: 14)!),
                    attendees: [.init(unitID: justice.id, person: "Giám đốc Sở Tư pháp"), .init(unitID: justice.id, person: "Chánh Văn phòng Sở Tư pháp"),
                                .init(unitID: ward.id, person: "Chủ tịch UBND Phường Ba Đình")]),
            actor: actor, now: now)
        try await discipline.mark(meeting.id, person: "Giám đốc Sở Tư pháp", unit: justice.id, attendance: .present, reason: nil, actor: actor, now: now)
        try await discipline.mark(meeting.id, person: "Chánh Văn phòng Sở Tư pháp", unit: justice.id, attendance: .absentWithoutReason, reason: nil, actor: actor, now: now)
        try await discipline.mark(meeting.id, person: "Chủ tịch UBND Phường Ba Đình", unit: ward.id, attendance: .absentWithReason, reason: "Tiếp công dân định kỳ",
                                  actor: actor, now: now)
        let metrics: Set<String> = ["progress.on_time", PlanTarget.satisfaction, Commitment.planCompletion]
        for (metric, target, text) in [("progress.on_time", 1.0, "100% hồ sơ giải quyết đúng hạn"), (PlanTarget.satisfaction, 0.95, "Mức độ hài lòng từ 95% trở lên"),
                                       (Commitment.planCompletion, 1.0, "Hoàn thành 100% nhiệm vụ kế hoạch CCHC")] {
            _ = try await discipline.addCommitment(Commitment(id: .random(), unitID: justice.id, year: year, leader: "Giám đốc Sở Tư pháp", text: text,
                                                              metric: metric, target: target), metrics: metrics, actor: actor, now: now)
        }
        for (offset, share) in [(-3, 0.58), (-2, 0.62), (-1, 0.66)] {
            let month = LocalDate(year: today.year, month: today.month, day: 1)!.adding(months: offset)
            try await discipline.setValue(.electronicDocuments, unit: justice.id, month: String(month.iso.prefix(7)), value: share, actor: actor, now: now)
        }
        try await discipline.setIso(IsoStatus(unitID: justice.id, certificate: "TCVN ISO 9001:2015 — công bố số 12/QĐ-STP", lastReview: day(-200), nextReview: day(165)),
                                    actor: actor, now: now)
        try await discipline.setIso(IsoStatus(unitID: ward.id, certificate: "TCVN ISO 9001:2015 — công bố số 7/QĐ-UBND", lastReview: day(-400), nextReview: day(-35)),
                                    actor: actor, now: now)
    }
}
