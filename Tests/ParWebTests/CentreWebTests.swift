import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import ParCore
import ParStore
import Testing
import Vapor
import VaporTesting
import ParTestSupport
@testable import ParWeb

@Suite("Service centre floor")
struct CentreWebTests {
    static func desks(_ app: Application, _ unit: OrgUnit.ID) async throws -> (ServiceDesk, ServiceDesk) {
        let repository = ServiceCentreRepository(db: app.db)
        let a = try await repository.saveDesk(ServiceDesk(id: .random(), unitID: unit, number: 1, name: "Hộ tịch", fields: ["Hộ tịch"]),
                                              actor: .system("t"), now: testNow())
        let b = try await repository.saveDesk(ServiceDesk(id: .random(), unitID: unit, number: 2, name: "Tổng hợp", fields: ["Đất đai", "Hộ tịch"]), actor: .system("t"), now: testNow())
        return (a, b)
    }

    static func issue(_ app: Application, _ unit: OrgUnit.ID, field: String = "Hộ tịch") async throws -> (status: HTTPStatus, number: String?) {
        var result: (HTTPStatus, String?) = (.internalServerError, nil)
        try await app.testing().test(.POST, "/api/v1/centres/\(unit)/tickets", beforeRequest: { req in
            try req.content.encode(["field": field], as: .json)
        }, afterResponse: { res in
            result = (res.status, try? res.content.get(String.self, at: "number"))
        })
        return result
    }

    @Test("two app instances on one database issuing tickets at once never give the same number; numbers run 1…n for the day")
    func twoInstances() async throws {
        try await withTestApp { app, fixture in
            _ = try await Self.desks(app, fixture.justice.id)
            try await ScaleOutTests.withSecondInstance(app) { second in
                let numbers = try await withThrowingTaskGroup(of: (HTTPStatus, String?).self) { group in
                    for i in 0..<40 {
                        let target = i % 2 == 0 ? app : second
                        group.addTask { try await Self.issue(target, fixture.justice.id) }
                    }
                    var all: [(HTTPStatus, String?)] = []
                    for try await result in group { all.append(result) }
                    return all
                }
                #expect(numbers.allSatisfy { $0.0 == .created })
                let issued = numbers.compactMap(\.1)
                #expect(Set(issued).count == 40, "no duplicates")
                #expect(Set(issued) == Set((1...40).map { String(format: "%04d", $0) }))
            }
        }
    }

    @Test("the desk's day: call next, recall, transfer, finish with the dossier; the board shows calls; one rating per service feeds the 766 counters")
    func deskJourney() async throws {
        try await withTestApp { app, fixture in
            let (deskA, deskB) = try await Self.desks(app, fixture.justice.id)
            let unit = fixture.justice.id
            #expect(try await Self.issue(app, unit).number == "0001")
            #expect(try await Self.issue(app, unit, field: "Đất đai").number == "0002")
            #expect(try await Self.issue(app, unit, field: "Không có").status == .unprocessableEntity, "a field no desk serves and not in the catalogue")
            #expect(try await Self.issue(app, fixture.health.id).status == .conflict, "a centre without an open desk issues no number")
            let officer = fixture.token(.counterOfficer)
            var called = ""
            try await app.testing().test(.POST, "/api/v1/centres/\(unit)/desks/\(deskA.id)/call", headers: .bearer(officer)) { res in
                #expect(res.status == .ok)
                called = (try? res.content.get(String.self, at: "number")) ?? ""
            }
            #expect(called == "0001")
            // Desk 1 serves Hộ tịch only: nobody else for it.
            try await app.testing().test(.POST, "/api/v1/centres/\(unit)/desks/\(deskA.id)/call", headers: .bearer(officer)) { res in
                #expect(res.status == .noContent)
            }
            try await app.testing().test(.POST, "/api/v1/centres/\(unit)/desks/\(deskA.id)/call", headers: .bearer(fixture.token(.processingOfficer))) { res in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.POST, "/api/v1/centres/\(fixture.health.id)/desks/\(deskA.id)/call", headers: .bearer(officer)) { res in
                #expect(res.status == .forbidden, "another unit")
            }
            try await app.testing().test(.GET, "/api/v1/centres/\(unit)/board") { res in
                #expect(res.status == .ok)
                let number = try? res.content.get(String.self, at: "calls", "0", "number")
                let desk = try? res.content.get(Int.self, at: "calls", "0", "desk")
                #expect(number == "0001" && desk == 1)
            }
            // The desk page: recall, transfer to desk 2, where it is called first, then finished with the dossier.
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let deskPath = "/centre/\(unit)/desks/\(deskA.id)"
            let page = try await app.page(.GET, deskPath, cookie: cookie)
            #expect(page.status == .ok && page.body.string.contains("0001"))
            let csrf = hiddenCSRF(page.body.string)
            let ticket = try #require(try await ServiceCentreRepository(db: app.db).tickets(unit, from: LocalTime.today(testNow()).adding(days: -1),
                                                                                              through: LocalTime.today(testNow()).adding(days: 1)).first { $0.label == "0001" })
            #expect(try await app.page(.POST, deskPath, cookie: cookie, form: ["_csrf": csrf, "action": "recall", "ticketId": ticket.id.description]).status == .seeOther)
            #expect(try await app.page(.POST, deskPath, cookie: cookie, form: ["_csrf": csrf, "action": "transfer", "ticketId": ticket.id.description,
                                                                                "toDesk": deskB.id.description]).status == .seeOther)
            let refused = try await app.page(.POST, deskPath, cookie: cookie, form: ["_csrf": csrf, "action": "skip", "ticketId": ticket.id.description])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("No such ticket at this desk") == false, "no longer at this desk")
            let deskBPath = "/centre/\(unit)/desks/\(deskB.id)"
            #expect(try await app.page(.POST, deskBPath, cookie: cookie, form: ["_csrf": csrf, "action": "next"]).status == .seeOther)
            var now = try #require(try await ServiceCentreRepository(db: app.db).ticket(ticket.id))
            #expect(now.status == .called && now.deskID == deskB.id && now.recalls == 1 && now.transfers == 1, "transferred ticket first, before 0002")
            let dossier = try #require(try await DossierRepository(db: app.db).find(fixture.dossiers[unit]!))
            let bad = try await app.page(.POST, deskBPath, cookie: cookie, form: ["_csrf": csrf, "action": "finish", "ticketId": ticket.id.description,
                                                                                 "dossierCode": "KHONG-CO"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await app.page(.POST, deskBPath, cookie: cookie, form: ["_csrf": csrf, "action": "finish", "ticketId": ticket.id.description,
                                                                                 "dossierCode": dossier.code]).status == .seeOther)
            now = try #require(try await ServiceCentreRepository(db: app.db).ticket(ticket.id))
            #expect(now.status == .served && now.dossierID == dossier.id)
            // The touch page beside desk 2 asks about it; not satisfied, once.
            let ratePath = "/centre/\(unit)/desks/\(deskB.id)/rate"
            let ratePage = try await app.page(.GET, ratePath, cookie: cookie)
            #expect(ratePage.body.string.contains("0001"))
            #expect(try await app.page(.POST, ratePath, cookie: cookie, form: ["_csrf": csrf, "ticketId": ticket.id.description, "level": "not_satisfied",
                                                                                "reason": "Chờ lâu"]).status == .seeOther)
            #expect(try await app.page(.POST, ratePath, cookie: cookie, form: ["_csrf": csrf, "ticketId": ticket.id.description, "level": "satisfied"]).status == .unprocessableEntity, "rated once")
            #expect(!(try await app.page(.GET, ratePath, cookie: cookie)).body.string.contains("0001"), "nothing left to rate")
            let today = LocalTime.today(testNow())
            let counters = try await ServiceCounterStore.totals(units: [unit], from: today.adding(days: -1), through: today.adding(days: 1), on: app.db)
            #expect(counters[.counter]?[.ratings] == 1 && counters[.counter]?[.negativeRatings] == 1)
            // The phone page of a ticket needs its token; the statistics count it.
            try await app.testing().test(.GET, "/queue/\(ticket.id)?t=wrong") { res in #expect(res.status == .notFound) }
            let leader = try await signIn(app, username: fixture.users[.unitLeader]!.username)
            let stats = try await app.page(.GET, "/centre/\(unit)/stats?by=desk", cookie: leader)
            #expect(stats.status == .ok && stats.body.string.contains("2 — Tổng hợp"))
            try await app.testing().test(.GET, "/centre/\(unit)/stats.csv?by=field", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: leader)
            }) { res in
                #expect(res.status == .ok && res.body.string.contains("Hộ tịch,1,1,0"))
            }
            #expect(try await app.page(.GET, "/centre/\(unit)/stats", cookie: cookie).status == .forbidden, "counter officers do not manage the centre")
            // The satisfaction page shows the counter ratings beside the surveys.
            let satisfaction = try await app.page(.GET, Paths.satisfactionUnit.link(unit) + "?from=\(today.adding(days: -1).iso)&to=\(today.adding(days: 1).iso)",
                                                  cookie: leader)
            #expect(satisfaction.status == .ok)
            #expect(satisfaction.body.string.contains("Không hài lòng — <strong>1</strong>") && satisfaction.body.string.contains(#"id="counter-satisfied">0%"#))
        }
    }

    @Test("the board streams its state as Server-Sent Events; the kiosk issues a printable ticket the citizen follows and rates by phone")
    func boardAndKiosk() async throws {
        try await withTestApp { app, fixture in
            let (deskA, _) = try await Self.desks(app, fixture.justice.id)
            let unit = fixture.justice.id
            var cookie = ""
            var csrf = ""
            try await app.testing().test(.GET, "/kiosk/\(unit)") { res in
                #expect(res.status == .ok && res.body.string.contains("Hộ tịch"))
                cookie = sessionCookie(res)
                csrf = hiddenCSRF(res.body.string)
            }
            var follow = ""
            try await app.testing().test(.POST, "/kiosk/\(unit)", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                try req.content.encode(["_csrf": csrf, "field": "Hộ tịch"], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther)
                follow = res.headers.first(name: .location) ?? ""
            }
            #expect(follow.hasPrefix("/queue/"))
            let ticketPage = try await app.page(.GET, follow, cookie: cookie)
            #expect(ticketPage.status == .ok && ticketPage.body.string.contains("0001") && ticketPage.body.string.contains("<svg"))
            _ = try await ServiceCentreRepository(db: app.db).callNext(desk: deskA, officer: "motcua", actor: .system("t"), now: testNow())
            try await app.testing().test(.GET, "/board/\(unit)/events?seconds=1") { res in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .contentType)?.hasPrefix("text/event-stream") == true)
                #expect(res.body.string.contains("event: board\ndata: {\"calls\":[{\"desk\":1"))
            }
            try await app.testing().test(.GET, "/board/\(unit)") { res in
                #expect(res.status == .ok && res.body.string.contains("/js/board.js") && res.body.string.contains("0001"))
            }
            let ticket = try #require(try await ServiceCentreRepository(db: app.db).board(unit, now: testNow()).calls.first)
            let token = String(follow.split(separator: "=")[1].prefix(20))
            let early = try await app.page(.POST, "/queue/\(ticket.id)", cookie: cookie, form: ["_csrf": csrf, "t": token, "level": "satisfied"])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("Chỉ đánh giá sau khi được phục vụ"), "rated after the service only")
            _ = try await ServiceCentreRepository(db: app.db).act(ticket.id, .finish(dossier: nil), actor: .system("t"), now: testNow())
            #expect(try await app.page(.POST, "/queue/\(ticket.id)", cookie: cookie, form: ["_csrf": csrf, "t": token, "level": "very_satisfied"]).status == .seeOther)
            #expect(try await ServiceCentreRepository(db: app.db).rating(of: ticket.id) == .verySatisfied)
            #expect(try await app.page(.POST, "/queue/\(ticket.id)", cookie: cookie, form: ["_csrf": csrf, "t": "forged", "level": "satisfied"]).status == .notFound)
            try await app.testing().test(.GET, "/board/\(UUID())") { res in #expect(res.status == .notFound) }
        }
    }

    @Test("appointments: a full slot refuses the next booking; cancelling frees it; the code checks in once at the kiosk and is called first")
    func appointments() async throws {
        // Tomorrow at 10:00 is bookable whatever today is, if it is a working day; pick the next working day's 10:00 slot.
        try await withTestApp { app, fixture in
            let (deskA, _) = try await Self.desks(app, fixture.justice.id)
            let unit = fixture.justice.id
            let repository = ServiceCentreRepository(db: app.db)
            try await repository.saveSettings(CentreSettings(slotMinutes: 30, capacityPerSlot: 2, bookingDaysAhead: 14), unit: unit, actor: .system("t"), now: testNow())
            let calendar = try await CalendarRepository(db: app.db).calendar()
            let day = try #require(CentreSettings.standard.bookableDays(from: testNow(), isWorkingDay: { (try? calendar.isWorkingDay($0)) ?? false })
                .first { $0 > LocalTime.today(testNow()) })
            var codes: [(String, String)] = []
            for expected in [HTTPStatus.created, .created, .conflict] {
                try await app.testing().test(.POST, "/api/v1/centres/\(unit)/appointments", beforeRequest: { req in
                    try req.content.encode(["field": "Hộ tịch", "day": day.iso, "start": "10:00", "name": "Trần Thị Bình"], as: .json)
                }) { res in
                    #expect(res.status == expected)
                    if res.status == .created { codes.append((try res.content.get(String.self, at: "code"), try res.content.get(String.self, at: "secret"))) }
                }
            }
            try await app.testing().test(.GET, "/api/v1/centres/\(unit)/slots?field=H%E1%BB%99%20t%E1%BB%8Bch&day=\(day.iso)") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(#""free":0"#) && res.body.string.contains(#""start":"10:00""#))
            }
            for (body, status) in [(["field": "Hộ tịch", "day": day.iso, "start": "12:00"], HTTPStatus.unprocessableEntity),
                                   (["field": "Hộ tịch", "day": "2020-01-01", "start": "10:00"], .unprocessableEntity),
                                   (["field": "Hộ tịch", "day": day.iso, "start": "10:07"], .unprocessableEntity),
                                   (["field": "Không có", "day": day.iso, "start": "10:00"], .unprocessableEntity),
                                   (["field": "Hộ tịch", "day": day.iso, "start": "25:99"], .unprocessableEntity)] {
                try await app.testing().test(.POST, "/api/v1/centres/\(unit)/appointments", beforeRequest: { req in try req.content.encode(body, as: .json) }) { res in
                    #expect(res.status == status, "\(body)")
                }
            }
            let cancelled = try await AppointmentRepository(db: app.db).cancel(code: codes[0].0, secret: codes[0].1, now: testNow())
            #expect(cancelled.status == .cancelled)
            await #expect(throws: DomainError.self) { try await AppointmentRepository(db: app.db).cancel(code: codes[0].0, secret: codes[0].1, now: testNow()) }
            await #expect(throws: DomainError.self) { try await AppointmentRepository(db: app.db).cancel(code: codes[1].0, secret: "wrong", now: testNow()) }
            let status = try await app.page(.GET, "/appointment?code=\(codes[1].0)&secret=\(codes[1].1)", cookie: "")
            #expect(status.status == .ok && status.body.string.contains(codes[1].0))
            try await app.testing().test(.POST, "/api/v1/centres/\(unit)/appointments", beforeRequest: { req in
                try req.content.encode(["field": "Hộ tịch", "day": day.iso, "start": "10:00"], as: .json)
            }) { res in #expect(res.status == .created, "the cancelled place is free again") }
            // Check-in on the day (the clock moved to the slot's day, after its start): once only, called before earlier numbers.
            let slotStart = LocalDateTime(date: day, time: TimeOfDay(hour: 10, minute: 5)!).instant
            let walkIn = try await repository.issueTicket(unit: unit, field: "Hộ tịch", now: slotStart)
            let booked = try await repository.issueTicket(unit: unit, field: nil, appointmentCode: codes[1].0.lowercased(), now: slotStart)
            #expect(booked.number == walkIn.number + 1 && booked.field == "Hộ tịch" && booked.appointmentID != nil)
            await #expect(throws: DomainError.self) { try await repository.issueTicket(unit: unit, field: nil, appointmentCode: codes[1].0, now: slotStart) }
            let first = try await repository.callNext(desk: deskA, officer: "a", actor: .system("t"), now: slotStart.addingTimeInterval(60))
            #expect(first?.id == booked.id)
        }
    }

    static func callback(_ app: Application, _ body: CallbackBody, signature: String? = nil) async throws -> (HTTPStatus, String?) {
        let provider = try #require(PaymentProviders.find("test", app: app))
        let signed = try PaymentProviders.signedCallback(body, provider: provider)
        var result: (HTTPStatus, String?) = (.internalServerError, nil)
        try await app.testing().test(.POST, "/api/v1/payments/callbacks/test", beforeRequest: { req in
            req.headers.contentType = .json
            req.headers.replaceOrAdd(name: PaymentProviders.signatureHeader, value: signature ?? signed.signature)
            req.body = ByteBuffer(bytes: signed.body)
        }) { res in result = (res.status, try? res.content.get(String.self, at: "result")) }
        return result
    }

    @Test("the test provider's duplicate and out-of-order callbacks, on two instances at once, leave exactly one payment, counted once")
    func payments() async throws {
        try await withTestApp { app, fixture in
            let dossierID = fixture.dossiers[fixture.justice.id]!
            let officer = fixture.token(.counterOfficer)
            var paymentID = ""
            try await app.testing().test(.POST, "/api/v1/dossiers/\(dossierID)/payments", headers: .bearer(officer), beforeRequest: { req in
                try req.content.encode(["method": "online", "provider": "test"], as: .json)
            }) { res in #expect(res.status == .unprocessableEntity, "the procedure has no fee: give an amount") }
            try await app.testing().test(.POST, "/api/v1/dossiers/\(dossierID)/payments", headers: .bearer(officer), beforeRequest: { req in
                try req.content.encode(CreateBody(method: "online", amount: 50_000, provider: "test"), as: .json)
            }) { res in
                #expect(res.status == .created)
                paymentID = (try? res.content.get(String.self, at: "id")) ?? ""
                let status = try? res.content.get(String.self, at: "status")
                #expect(status == "pending")
            }
            try await app.testing().test(.POST, "/api/v1/dossiers/\(dossierID)/payments", headers: .bearer(fixture.token(.processingOfficer)), beforeRequest: { req in
                try req.content.encode(CreateBody(method: "counter", amount: 50_000, provider: nil, receipt: "BL-1"), as: .json)
            }) { res in #expect(res.status == .forbidden) }
            // Forged, wrong amount, unknown payment: refused and kept.
            #expect(try await Self.callback(app, CallbackBody(paymentId: paymentID, outcome: .succeeded, amount: 50_000, transaction: "T", sequence: 1),
                                            signature: String(repeating: "0", count: 64)).0 == .unauthorized)
            #expect(try await Self.callback(app, CallbackBody(paymentId: paymentID, outcome: .succeeded, amount: 1, transaction: "T", sequence: 1)).1 == "rejected")
            #expect(try await Self.callback(app, CallbackBody(paymentId: UUID().uuidString, outcome: .succeeded, amount: 50_000, transaction: "T", sequence: 1)).1 == "rejected")
            // A failure, then the success arrives three times across two instances, and the older "pending" notice last.
            #expect(try await Self.callback(app, CallbackBody(paymentId: paymentID, outcome: .failed, amount: 50_000, transaction: "T", sequence: 1)).1 == "applied")
            try await ScaleOutTests.withSecondInstance(app) { second in
                let success = CallbackBody(paymentId: paymentID, outcome: .succeeded, amount: 50_000, transaction: "T-9", sequence: 3)
                let results = try await withThrowingTaskGroup(of: String?.self) { group in
                    // Six at once: on PostgreSQL one of them reads the payment before another's success commits.
                    for target in [app, second, app, second, app, second] { group.addTask { try await Self.callback(target, success).1 } }
                    var all: [String?] = []
                    for try await r in group { all.append(r) }
                    return all
                }
                #expect(results.filter { $0 == "applied" }.count == 1 && results.filter { $0 == "duplicate" }.count == 5, "\(results)")
                #expect(try await Self.callback(second, CallbackBody(paymentId: paymentID, outcome: .pending, amount: 50_000, transaction: "T", sequence: 2)).1 == "duplicate")
                #expect(try await Self.callback(second, CallbackBody(paymentId: paymentID, outcome: .failed, amount: 50_000, transaction: "T", sequence: 9)).1 == "duplicate")
            }
            let payments = try await PaymentRepository(db: app.db).payments(of: dossierID)
            #expect(payments.count == 1 && payments[0].status == .succeeded && payments[0].reference == "T-9")
            let today = LocalTime.today(testNow())
            let counters = try await ServiceCounterStore.totals(units: [fixture.justice.id], from: today.adding(days: -1), through: today.adding(days: 1), on: app.db)
            #expect(counters[.counter]?[.payments] == 1 && counters[.counter]?[.paymentsOnline] == 1)
            // Paid once: no second payment, at the counter either.
            try await app.testing().test(.POST, "/api/v1/dossiers/\(dossierID)/payments", headers: .bearer(officer), beforeRequest: { req in
                try req.content.encode(CreateBody(method: "counter", amount: 50_000, provider: nil, receipt: "BL-2"), as: .json)
            }) { res in #expect(res.status == .conflict) }
            // The rebuild replays the payment: the live counters still match.
            #expect(try await IndexRebuild(db: app.db).run(apply: false, now: testNow()).matches)
            // The other department pays at the counter; the Department's reconciliation shows its own payment and the callbacks by decision.
            // The other department's online payment gets no answer: it expires (audited), and a late success still lands.
            let other = try #require(try await DossierRepository(db: app.db).find(fixture.dossiers[fixture.health.id]!))
            let late = try await PaymentRepository(db: app.db).startOnline(dossier: other, amountVND: 20_000, provider: "test", actor: .system("t"), now: testNow())
            #expect(try await PaymentRepository(db: app.db).expire(olderThan: 60, now: testNow().addingTimeInterval(120)) == 1)
            #expect(try await PaymentRepository(db: app.db).find(late.id)?.status == .expired)
            #expect(try await Self.callback(app, CallbackBody(paymentId: late.id.description, outcome: .succeeded, amount: 20_000, transaction: "L", sequence: 1)).1 == "applied")
            let admin = try await signIn(app, username: fixture.users[.administrator]!.username)
            let report = try await app.page(.GET, "/centre/\(fixture.justice.id)/payments", cookie: admin)
            #expect(report.status == .ok)
            #expect(report.body.string.contains("50.000") && report.body.string.contains("duplicate"))
            #expect(!report.body.string.contains("20.000"), "another department's payments stay out")
            // The test provider's checkout page drives the same path.
            let page = try await app.page(.GET, "/payments/test-provider/\(paymentID)", cookie: "")
            #expect(page.status == .ok)
        }
    }

    struct CreateBody: Content {
        var method: String
        var amount: Int?
        var provider: String?
        var receipt: String?
    }

    static func export(_ app: Application, token: String, cursor: String?) async throws -> (records: [String], next: String) {
        var result: ([String], String) = ([], "")
        let query = cursor.map { "?cursor=\($0)&limit=1000" } ?? "?limit=1000"
        try await app.testing().test(.GET, "/api/v1/portal/export" + query, headers: .bearer(token)) { res in
            #expect(res.status == .ok)
            struct Body: Decodable { struct R: Decodable { let dossierCode: String; let statusCode: Int; let eventSeq: Int; let channelCode: Int }
                                     let records: [R]; let nextCursor: String }
            let body = try res.content.decode(Body.self)
            result = (body.records.map { "\($0.dossierCode)#\($0.eventSeq):\($0.statusCode)/\($0.channelCode)" }, body.nextCursor)
        }
        return result
    }

    @Test("the portal export: the same cursor gives the same records; a status change after the cursor appears in the next run, once")
    func portalExport() async throws {
        let clock = NIOLockedValueBox(testNow())
        try await withTestApp({ config in
            config.clock = { clock.withLockedValue { $0 } }
            config.portalExportSettle = 5
        }) { app, fixture in
            let admin = fixture.token(.administrator)
            // The fixture's events were stamped with the real time: the app's clock a minute later lets them settle.
            clock.withLockedValue { $0 = testNow().addingTimeInterval(60) }
            let first = try await Self.export(app, token: admin, cursor: nil)
            #expect(first.records.count == 2 && first.records.allSatisfy { $0.hasSuffix(":2/1") }, "two dossiers received at the counter: status 2, channel 1")
            let again = try await Self.export(app, token: admin, cursor: nil)
            #expect(again.records == first.records && again.next == first.next)
            let empty = try await Self.export(app, token: admin, cursor: first.next)
            #expect(empty.records.isEmpty && empty.next == first.next)
            // A status change after the cursor.
            let dossier = try #require(try await DossierRepository(db: app.db).find(fixture.dossiers[fixture.justice.id]!))
            let now = clock.withLockedValue { $0 }
            _ = try await DossierRepository(db: app.db).act(dossier.id, expectedVersion: nil, event: .withdraw(reason: "Công dân rút hồ sơ"),
                                                            actor: .system("t"), now: now)
            let unsettled = try await Self.export(app, token: admin, cursor: first.next)
            #expect(unsettled.records.isEmpty, "younger than the settle time")
            clock.withLockedValue { $0 = $0.addingTimeInterval(10) }
            let next = try await Self.export(app, token: admin, cursor: first.next)
            #expect(next.records == ["\(dossier.code)#2:7/1"])
            #expect(try await Self.export(app, token: admin, cursor: first.next).records == next.records, "repeatable")
            #expect(try await Self.export(app, token: admin, cursor: next.next).records.isEmpty)
            // Only for exportPortal; a bad cursor is a 400.
            try await app.testing().test(.GET, "/api/v1/portal/export", headers: .bearer(fixture.token(.parOfficer))) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.GET, "/api/v1/portal/export?cursor=x.y.z", headers: .bearer(admin)) { res in #expect(res.status == .badRequest) }
        }
    }
}
