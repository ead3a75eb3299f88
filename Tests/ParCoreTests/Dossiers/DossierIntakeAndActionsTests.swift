import Foundation
import Testing
@testable import ParCore

/// The dossier rules that used to live in the store and the pages: intake, who may do what, step shares,
/// hand-overs and notices — all without a database.
@Suite("Dossier intake, actions, steps and notices")
struct DossierIntakeAndActionsTests {
    static let calendar = DossierRulesTests.calendar
    static func at(_ text: String) -> Date { DossierRulesTests.at(text) }

    static func procedure(documents: [String] = ["Tờ khai", "Giấy tờ kèm theo (nếu có)"], methods: [Procedure.Method] = [.counter, .online],
                          days: Double = 5, steps: [Int] = []) -> Procedure {
        Procedure(id: .random(), code: "1.000001", name: "Đăng ký khai sinh", field: "Hộ tịch", level: .commune, unitID: nil, agency: "UBND xã",
                  applicants: "Công dân", steps: [], methods: methods, documents: documents.map { .init(name: $0, copies: 1) },
                  processingTime: .init(amount: days, unit: .workingDays), result: "Giấy khai sinh", resultType: .paper, fees: [],
                  legalBasis: [], onlineLevel: .full, fullOnlineEligible: true,
                  interAgencySteps: steps.enumerated().map { .init(unit: "Đơn vị \($0.offset + 1)", days: $0.element) })
    }

    static func intake(_ procedure: Procedure, channel: DossierChannel = .counter, name: String = "  Nguyễn Văn An ",
                       components: [String] = ["Tờ khai"], email: String? = nil, phone: String? = nil) -> DossierIntake {
        DossierIntake(procedureID: procedure.id, receivingUnitID: .random(), channel: channel,
                      applicant: .init(name: name, phone: phone, email: email), components: components)
    }

    // MARK: Intake

    @Test("intake validation refuses what the counter must not accept, naming the field", arguments: [
        ("no name", "   ", ["Tờ khai"], DossierChannel.counter, nil as String?, nil as String?, "applicant.name"),
        ("name too long", String(repeating: "a", count: 201), ["Tờ khai"], .counter, nil, nil, "applicant.name"),
        ("phone too long", "An", ["Tờ khai"], .counter, nil, String(repeating: "9", count: 21), "applicant.phone"),
        ("not an e-mail", "An", ["Tờ khai"], .counter, "an@", nil, "applicant.email"),
        ("required component missing", "An", ["Giấy tờ kèm theo (nếu có)"], .counter, nil, nil, "components"),
        ("foreign component", "An", ["Tờ khai", "Sổ hộ khẩu"], .counter, nil, nil, "components"),
        ("online for a counter-only procedure", "An", ["Tờ khai"], .online, nil, nil, "channel"),
    ])
    func intakeRefusals(label: String, name: String, components: [String], channel: DossierChannel, email: String?, phone: String?,
                        field: String) {
        let procedure = Self.procedure(methods: label.hasPrefix("online") ? [.counter] : [.counter, .online])
        let intake = Self.intake(procedure, channel: channel, name: name, components: components, email: email, phone: phone)
        do {
            _ = try Dossier.receive(try intake.validated(), procedure: procedure, id: .random(), code: "X", at: Self.at("2025-03-03T09:00:00+07:00"),
                                    calendar: Self.calendar)
            Issue.record("\(label) was accepted")
        } catch {
            #expect(error.kind == .invalid && error.field == field, "\(label)")
        }
    }

    @Test("a counter intake is received and due after the processing time; an online one is submitted; text is cleaned")
    func receive() throws {
        let procedure = Self.procedure()
        let monday = Self.at("2025-03-03T09:00:00+07:00")
        let intake = try Self.intake(procedure, email: " An@Example.VN ", phone: " 0912 ").validated()
        #expect(intake.applicant.name == "Nguyễn Văn An" && intake.applicant.phone == "0912")
        let counter = try Dossier.receive(intake, procedure: procedure, id: .random(), code: "X-250303-0001", at: monday, calendar: Self.calendar)
        #expect(counter.state == .received && counter.version == 1 && counter.processingTime == procedure.processingTime)
        #expect(counter.dueAt == Self.at("2025-03-10T17:00:00+07:00") && counter.originalDueAt == counter.dueAt)
        var online = intake
        online.channel = .online
        online.reuse = [.random()]
        let submitted = try Dossier.receive(online, procedure: procedure, id: .random(), code: "X-250303-0002", at: monday, calendar: Self.calendar)
        #expect(submitted.state == .submitted && submitted.reusesDigitisedData == true)
    }

    @Test("a scan received with the dossier must name one of the procedure's components")
    func scans() throws {
        let procedure = Self.procedure()
        try DossierIntake.checkScan(kind: .component, component: "Tờ khai", of: procedure)
        try DossierIntake.checkScan(kind: .result, component: "anything", of: procedure)
        #expect(throws: DomainError.self) { try DossierIntake.checkScan(kind: .component, component: "Sổ hộ khẩu", of: procedure) }
    }

    // MARK: Who may do what

    static let counterOnly = DossierStanding.counterOnly
    static let processorOnly = DossierStanding.processorOnly
    static let both = DossierStanding.both
    static let neither = DossierStanding.neither

    static let actionTable: [(DossierState, DossierStanding, Set<DossierEvent.Kind>)] = [
        (.submitted, DossierStanding.counterOnly, [.accept, .refuse, .withdraw]),
        (.submitted, DossierStanding.processorOnly, [.requestSupplement, .stop]),
        (.received, DossierStanding.counterOnly, [.refuse, .withdraw]),
        (.received, DossierStanding.processorOnly, [.forward, .requestSupplement, .apologise, .markProcessed, .stop]),
        (.inProcess, DossierStanding.processorOnly, [.forward, .sendBack, .requestSupplement, .apologise, .markProcessed, .stop]),
        (.inProcess, DossierStanding.counterOnly, [.withdraw]),
        (.supplementRequested, DossierStanding.both, [.completeSupplement, .withdraw, .stop]),
        (.processed, DossierStanding.counterOnly, [.returnResult, .withdraw]),
        (.processed, DossierStanding.processorOnly, [.stop]),
        (.returned, DossierStanding.both, []),
        (.refused, DossierStanding.both, []),
        (.inProcess, DossierStanding.neither, []),
    ]

    @Test("the actions offered per state and desk", arguments: actionTable)
    func actions(state: DossierState, standing: DossierStanding, expected: Set<DossierEvent.Kind>) {
        let dossier = DossierRulesTests.dossier(state: state)
        #expect(dossier.availableActions(for: standing, at: dossier.receivedAt) == expected)
    }

    @Test("the actions that end a dossier for good are the three a page asks to confirm")
    func endingActions() {
        #expect(Set(DossierEvent.Kind.allCases.filter(\.endsTheDossier)) == [.refuse, .withdraw, .stop])
    }

    @Test("no apology is offered once the appointment has passed")
    func noLateApology() {
        let dossier = DossierRulesTests.dossier(state: .inProcess)
        #expect(dossier.availableActions(for: Self.processorOnly, at: dossier.dueAt).contains(.apologise))
        #expect(!dossier.availableActions(for: Self.processorOnly, at: dossier.dueAt.addingTimeInterval(60)).contains(.apologise))
    }

    @Test("every offered action applies, and every action not allowed in the state is refused by the state machine")
    func offeredMatchesStateMachine() {
        let now = Self.at("2025-03-04T09:00:00+07:00")
        for state in DossierState.allCases where state != .awaitingPayment {
            let dossier = DossierRulesTests.dossier(state: state)
            let offered = dossier.availableActions(for: Self.both, at: now)
            for kind in DossierEvent.Kind.allCases {
                let event: DossierEvent = switch kind {
                case .accept: .accept
                case .forward: .forward(to: .random(), electronic: true, note: nil)
                case .sendBack: .sendBack(to: .random(), reason: "thiếu ý kiến")
                case .requestSupplement: .requestSupplement(items: ["Bản sao"])
                case .completeSupplement: .completeSupplement
                case .apologise: .apologise(reason: "chờ xác minh", newDueAt: dossier.dueAt.addingTimeInterval(86_400 * 3))
                case .markProcessed: .markProcessed(electronicResult: true)
                case .returnResult: .returnResult(method: "counter")
                case .refuse: .refuse(reason: "thiếu giấy tờ")
                case .withdraw: .withdraw(reason: nil)
                case .stop: .stop(reason: "theo đề nghị")
                }
                let applied = (try? dossier.apply(event, at: now, calendar: Self.calendar)) != nil
                #expect(applied == offered.contains(kind), "\(kind) in \(state)")
            }
        }
    }

    @Test("standing: the counter's officers process a dossier still at the receiving unit, not one handed over")
    func standing() {
        let unit = OrgUnit.ID.random(), other = OrgUnit.ID.random()
        let counter = Principal(userID: .random(), username: "motcua", displayName: "Một cửa",
                                grants: [RoleGrant(id: .random(), role: .counterOfficer, unitID: unit)])
        var dossier = DossierRulesTests.dossier()
        dossier.receivingUnitID = unit
        dossier.holderUnitID = unit
        #expect(DossierStanding(counter, on: dossier, receivingAncestry: [unit], holderAncestry: [unit]) == Self.both)
        dossier.holderUnitID = other
        #expect(DossierStanding(counter, on: dossier, receivingAncestry: [unit], holderAncestry: [other]) == Self.counterOnly)
        #expect(DossierStanding(counter, on: dossier, receivingAncestry: nil, holderAncestry: nil) == Self.neither)
        #expect(!dossier.mayAttachFiles(for: Self.neither))
        dossier.state = .returned
        #expect(!dossier.mayAttachFiles(for: Self.both))
    }

    // MARK: Steps and hand-overs

    @Test("a step is due at its unit's share, never after the dossier", arguments: [
        // 10 working days for the dossier from Monday 3 March 2025 (due Monday 17 March 17:00); shares 2 and 20 days.
        (1, "2025-03-05T17:00:00+07:00"),
        (2, "2025-03-17T17:00:00+07:00"),
        (3, "2025-03-17T17:00:00+07:00"),
    ])
    func stepShares(sequence: Int, due: String) throws {
        let procedure = Self.procedure(days: 10, steps: [2, 20])
        let start = Self.at("2025-03-03T09:00:00+07:00")
        let dossierDue = try Self.calendar.deadline(from: start, workingDays: 10).due
        #expect(procedure.stepDue(sequence: sequence, from: start, dossierDue: dossierDue, calendar: Self.calendar) == Self.at(due))
    }

    @Test("hand-overs move the dossier and close the step; the end of processing closes it; the rest leave it open", arguments: [
        (DossierEvent.forward(to: .init(UUID(uuidString: "00000000-0000-0000-0000-000000000001")!), electronic: false, note: nil), true, false as Bool?),
        (.sendBack(to: .init(UUID(uuidString: "00000000-0000-0000-0000-000000000001")!), reason: "thiếu"), true, true),
        (.markProcessed(electronicResult: true), true, nil),
        (.refuse(reason: "thiếu"), true, nil),
        (.withdraw(reason: nil), true, nil),
        (.stop(reason: "dừng"), true, nil),
        (.requestSupplement(items: ["x"]), false, nil),
        (.accept, false, nil),
        (.returnResult(method: "post"), false, nil),
    ])
    func handOver(event: DossierEvent, closes: Bool, electronic: Bool?) {
        #expect(event.closesStep == closes)
        #expect(event.handOver?.electronic == electronic)
    }

    // MARK: Notices

    @Test("the applicant's notices name the dossier and the appointment; a result returned without a survey link sends none")
    func notices() throws {
        var dossier = DossierRulesTests.dossier()
        dossier.code = "X-250303-0001"
        #expect(dossier.receiptNotice(procedureName: "Đăng ký khai sinh").body.contains("Hẹn trả kết quả: 10/03/2025 17:00"))
        let supplement = try #require(dossier.notice(after: .requestSupplement(items: ["Bản sao", "Ảnh"])))
        #expect(supplement.body.contains("X-250303-0001 cần bổ sung (mẫu 02): Bản sao; Ảnh"))
        #expect(dossier.notice(after: .returnResult(method: "counter")) == nil)
        #expect(dossier.notice(after: .returnResult(method: "counter"), surveyLink: "https://x/s")?.body.contains("https://x/s") == true)
        #expect(dossier.notice(after: .forward(to: .random(), electronic: true, note: nil)) == nil)
    }
}

extension DossierStanding {
    static let counterOnly = DossierStanding(atCounter: true, processing: false)
    static let processorOnly = DossierStanding(atCounter: false, processing: true)
    static let both = DossierStanding(atCounter: true, processing: true)
    static let neither = DossierStanding(atCounter: false, processing: false)
}
