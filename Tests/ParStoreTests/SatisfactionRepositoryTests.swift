import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import SQLKit
import Testing

@Suite("Satisfaction store")
struct SatisfactionRepositoryTests {
    static let actor = AuditActor.system("t")
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// `count` dossiers received and returned at the ward on 3 March 2025, and one still open.
    static func returned(_ db: any Database, count: Int) async throws -> (DossierRepositoryTests.World, [Dossier], open: Dossier) {
        let w = try await DossierRepositoryTests.world(db)
        let repo = DossierRepository(db: db)
        var done: [Dossier] = []
        for _ in 0..<count {
            var d = try await repo.receive(DossierRepositoryTests.intake(w), actor: actor, now: at("2025-03-03T09:00:00+07:00")).dossier
            d = try await repo.act(d.id, expectedVersion: d.version, event: .markProcessed(electronicResult: true), actor: actor, now: at("2025-03-04T09:00:00+07:00"))
            d = try await repo.act(d.id, expectedVersion: d.version, event: .returnResult(method: "counter"), actor: actor, now: at("2025-03-04T10:00:00+07:00"))
            done.append(d)
        }
        let open = try await repo.receive(DossierRepositoryTests.intake(w), actor: actor, now: at("2025-03-03T09:00:00+07:00")).dossier
        return (w, done, open)
    }

    static func answers(_ level: SatisfactionLevel, comment: String? = nil) -> SurveyAnswers {
        SurveyAnswers(aspects: [.init(aspect: .access, perceptions: ["seats": true], level: level, expectations: ["more_online"]),
                                .init(aspect: .result, level: level, expectations: ["punctual", "delivery"])],
                      overall: level, comment: comment)
    }

    @Test("a returned dossier is rated once; an open one cannot be; the 766 counters get the rating on the return day")
    func once() async throws {
        try await withTestDatabase { db in
            let (w, done, open) = try await Self.returned(db, count: 2)
            let repo = SatisfactionRepository(db: db)
            let now = Self.at("2025-03-05T09:00:00+07:00")
            try await repo.submit(done[0].id, answers: Self.answers(.verySatisfied, comment: "Cán bộ nhiệt tình"), method: .link, actor: Self.actor, now: now)
            try await repo.submit(done[1].id, answers: Self.answers(.veryDissatisfied), method: .kiosk, actor: Self.actor, now: now)
            #expect(try await repo.answeredAt(done[0].id) == now)
            let again = await #expect(throws: DomainError.self) {
                try await repo.submit(done[0].id, answers: Self.answers(.neutral), method: .link, actor: Self.actor, now: now)
            }
            #expect(again?.kind == .conflict)
            let notReturned = await #expect(throws: DomainError.self) {
                try await repo.submit(open.id, answers: Self.answers(.satisfied), method: .link, actor: Self.actor, now: now)
            }
            #expect(notReturned?.kind == .conflict)
            let index = IndexRepository(db: db)
            let scope = try await index.scope(w.ward.id)
            let facts = try await index.facts(scope, from: LocalDate(iso: "2025-03-04")!, through: LocalDate(iso: "2025-03-04")!,
                                              today: LocalDate(iso: "2025-03-05")!)
            #expect(facts[.ratings] == 2 && facts[.negativeRatings] == 1)
            let tally = try #require(try await repo.tallies(scope, from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-31")!)["all"])
            #expect(tally.responses == 2 && tally.aspects[.access] == AnswerTally(answered: 2, satisfied: 1) && tally.aspects[.procedure] == nil)
            let byMethod = try await repo.tallies(scope, from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-31")!, by: .method)
            #expect(byMethod["link"]?.overall == AnswerTally(answered: 1, satisfied: 1) && byMethod["kiosk"]?.overall == AnswerTally(answered: 1, satisfied: 0))
            let expectations = try await repo.expectations(scope, from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-31")!)
            #expect(expectations.map(\.count) == [2, 2, 2] && Set(expectations.map(\.choice)) == ["more_online", "punctual", "delivery"])
            let comments = try await repo.comments(scope, from: LocalDate(iso: "2025-03-01")!, through: LocalDate(iso: "2025-03-31")!)
            #expect(comments.map(\.text) == ["Cán bộ nhiệt tình"] && comments.first?.overall == .verySatisfied)
            // An empty period.
            #expect(try await repo.tallies(scope, from: LocalDate(iso: "2025-04-01")!, through: LocalDate(iso: "2025-04-30")!).isEmpty)
            // The rebuild recomputes the rating counters from the responses.
            #expect(try await IndexRebuild(db: db).run(now: testNow()).matches)
        }
    }

    @Test("two concurrent answers about one dossier: exactly one is stored")
    func concurrent() async throws {
        try await withTestDatabase { db in
            let (_, done, _) = try await Self.returned(db, count: 1)
            let repo = SatisfactionRepository(db: db)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for level in [SatisfactionLevel.satisfied, .neutral, .dissatisfied, .verySatisfied] {
                    group.addTask {
                        (try? await repo.submit(done[0].id, answers: Self.answers(level), method: .link, actor: Self.actor, now: testNow())) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let rows = try await db.sql.select().column(SQLRaw("COUNT(*)"), as: "n").from("sipas_responses").first()
            #expect(try rows?.decode(column: "n", as: Int.self) == 1)
        }
    }

    @Test("a campaign draws n = N/(1+N·e²) per unit from a seed; the same seed draws the same dossiers")
    func campaign() async throws {
        try await withTestDatabase { db in
            let (w, done, _) = try await Self.returned(db, count: 12)
            let repo = SatisfactionRepository(db: db)
            let scope = try await IndexRepository(db: db).scope(w.ward.id)
            let march = (LocalDate(iso: "2025-03-01")!, LocalDate(iso: "2025-03-31")!)
            // N = 12, e = 10%: 12 / 1.12 = 10.7 → 11.
            let first = try await repo.createCampaign(name: "Khảo sát quý I", scope: scope, from: march.0, through: march.1, margin: 0.1,
                                                      seed: 42, actor: Self.actor, now: testNow())
            #expect(first.population == 12 && first.sampleSize == 11 && first.strata.count == 1)
            let second = try await repo.createCampaign(name: "Lặp lại", scope: scope, from: march.0, through: march.1, margin: 0.1,
                                                       seed: 42, actor: Self.actor, now: testNow())
            let a = try await repo.samples(first.id).map(\.dossier.id), b = try await repo.samples(second.id).map(\.dossier.id)
            #expect(a == b && a.count == 11 && Set(a).isSubset(of: Set(done.map(\.id))))
            let other = try await repo.createCampaign(name: "Hạt giống khác", scope: scope, from: march.0, through: march.1, margin: 0.1,
                                                      seed: 7, actor: Self.actor, now: testNow())
            #expect(try await repo.samples(other.id).map(\.dossier.id) != a)
            // Entering an answer marks the sample answered; a dossier outside the sample is refused.
            try await repo.submit(a[0], answers: Self.answers(.satisfied), method: .sample, campaign: first.id, actor: Self.actor, now: testNow())
            #expect(try await repo.samples(first.id).first { $0.dossier.id == a[0] }?.status == .answered)
            let outside = try #require(done.map(\.id).first { !a.contains($0) })
            await #expect(throws: DomainError.self) {
                try await repo.submit(outside, answers: Self.answers(.satisfied), method: .sample, campaign: first.id, actor: Self.actor, now: testNow())
            }
            try await repo.markSample(first.id, dossier: a[1], status: .unreachable, note: "Thuê bao", actor: Self.actor, now: testNow())
            #expect(try await repo.samples(first.id).first { $0.dossier.id == a[1] }?.status == .unreachable)
            await #expect(throws: DomainError.self) {
                try await repo.markSample(first.id, dossier: a[0], status: .declined, note: nil, actor: Self.actor, now: testNow())
            }
            // Nothing returned in April: no campaign.
            await #expect(throws: DomainError.self) {
                _ = try await repo.createCampaign(name: "Tháng 4", scope: scope, from: LocalDate(iso: "2025-04-01")!, through: LocalDate(iso: "2025-04-30")!,
                                                  margin: 0.05, seed: 1, actor: Self.actor, now: testNow())
            }
            #expect(try await repo.tallies(scope, from: march.0, through: march.1, campaign: first.id)["all"]?.responses == 1)
        }
    }

    @Test("a published questionnaire is in force and can never be republished under its version")
    func questionnaires() async throws {
        try await withTestDatabase { db in
            let repo = SatisfactionRepository(db: db)
            #expect(try await repo.activeQuestionnaire() == .sipas2023)
            var next = Questionnaire.sipas2023
            next.version = "sipas-2026"
            next.aggregation = .overallQuestion
            try await repo.publish(next, actor: Self.actor, now: testNow())
            #expect(try await repo.activeQuestionnaire().version == "sipas-2026")
            next.name = "Đổi tên"
            await #expect(throws: DomainError.self) { try await repo.publish(next, actor: Self.actor, now: testNow()) }
            #expect(try await repo.questionnaire(version: "sipas-2026")?.name == Questionnaire.sipas2023.name)
        }
    }

    @Test("survey tokens: the dossier's verifies, a forged or another dossier's does not")
    func tokens() {
        let a = Dossier.ID.random(), b = Dossier.ID.random()
        let token = SatisfactionRepository.surveyToken(a, key: "secret")
        #expect(token.count == 20)
        #expect(SatisfactionRepository.verify(token, for: a, key: "secret"))
        #expect(SatisfactionRepository.verify(token.uppercased(), for: a, key: "secret"))
        #expect(!SatisfactionRepository.verify(token, for: b, key: "secret"))
        #expect(!SatisfactionRepository.verify(token, for: a, key: "another"))
        #expect(!SatisfactionRepository.verify("", for: a, key: "secret"))
    }
}
