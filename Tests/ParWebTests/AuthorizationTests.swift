import Foundation
import NIOHTTP1
import ParCore
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// Every API route × every role: a user granted a role on the Department of
/// Justice gets the route's answer there iff the role holds the route's
/// permission, and never on the Department of Health.
@Suite("Route × role authorisation")
struct AuthorizationTests {
    struct Route: Sendable, CustomStringConvertible {
        let method: HTTPMethod
        let path: @Sendable (Fixture, OrgUnit) -> String
        let body: @Sendable (Fixture, OrgUnit) -> String?
        /// `nil`: any signed-in user.
        let permission: Permission?
        /// Other permissions that also open the route.
        var alsoAllowed: Set<Permission> = []
        let success: HTTPStatus
        let label: String
        /// Not about one unit: the permission anywhere opens it.
        var global = false
        var description: String { label }

        func allows(_ role: Role) -> Bool {
            guard let permission else { return true }
            return !role.permissions.isDisjoint(with: alsoAllowed.union([permission]))
        }
    }

    static let routes: [Route] = [
        Route(method: .GET, path: { "/api/v1/units/\($1.id)" }, body: { _, _ in nil },
              permission: .viewRegistry, success: .ok, label: "GET unit"),
        Route(method: .GET, path: { "/api/v1/units/\($1.id)/lineage" }, body: { _, _ in nil },
              permission: .viewRegistry, success: .ok, label: "GET lineage"),
        Route(method: .GET, path: { "/api/v1/units/\($1.id)/quotas" }, body: { _, _ in nil },
              permission: .viewQuotas, success: .ok, label: "GET quotas"),
        Route(method: .PUT, path: { "/api/v1/units/\($1.id)/quotas/2025" }, body: { _, _ in
            #"{"quota":{"civilServants":60,"publicEmployees":10,"contracts":4,"leaders":5},"actual":{"civilServants":58,"publicEmployees":9,"contracts":4,"leaders":5}}"#
        }, permission: .editQuotas, success: .ok, label: "PUT quota"),
        Route(method: .PUT, path: { "/api/v1/units/\($1.id)" }, body: { fixture, unit in
            #"{"key":"\#(unit.key)","code":"\#(unit.code)","kind":"department","name":"\#(unit.name) (sửa)","parentId":"\#(fixture.province.id)"}"#
        }, permission: .editRegistry, success: .ok, label: "PUT unit"),
        Route(method: .POST, path: { _, _ in "/api/v1/units" }, body: { _, unit in
            #"{"key":"div:\#(UUID().uuidString)","code":"P1","kind":"division","name":"Phòng Hành chính tư pháp","parentId":"\#(unit.id)"}"#
        }, permission: .editRegistry, success: .created, label: "POST unit"),
        Route(method: .GET, path: { "/api/v1/reports/restructuring?unitId=\($1.id)&from=2024-01-01&to=2025-07-01" },
              body: { _, _ in nil }, permission: .viewRestructuring, success: .ok, label: "GET restructuring"),
        Route(method: .GET, path: { "/api/v1/audit?entityType=unit&entityId=\($1.id)" }, body: { _, _ in nil },
              permission: .viewAudit, success: .ok, label: "GET unit audit"),
        Route(method: .GET, path: { _, _ in "/api/v1/users" }, body: { _, _ in nil },
              permission: .manageUsers, success: .ok, label: "GET users"),
        Route(method: .GET, path: { _, _ in "/api/v1/audit" }, body: { _, _ in nil },
              permission: .manageUsers, success: .ok, label: "GET whole audit"),
        Route(method: .POST, path: { _, _ in "/api/v1/procedures" }, body: { _, unit in
            #"{"code":"T-\#(UUID().uuidString.prefix(8))","name":"Cấp phiếu lý lịch tư pháp","field":"Lý lịch tư pháp","level":"province","unitId":"\#(unit.id)","agency":"\#(unit.name)","processingTime":{"amount":10,"unit":"workingDays"}}"#
        }, permission: .editCatalogue, success: .created, label: "POST procedure"),
        Route(method: .PUT, path: { _, _ in "/api/v1/calendar/2026" }, body: { _, _ in
            #"{"source":"Thông báo thử","extraDaysOff":[],"workedDays":[]}"#
        }, permission: .editCalendar, success: .ok, label: "PUT calendar year"),
        Route(method: .POST, path: { _, _ in "/api/v1/dossiers" }, body: { fixture, unit in
            #"{"procedureId":"\#(fixture.procedure.id)","receivingUnitId":"\#(unit.id)","channel":"counter","applicant":{"name":"Trần Thị Bình"},"components":["Tờ khai"]}"#
        }, permission: .receiveDossiers, success: .created, label: "POST dossier"),
        Route(method: .GET, path: { fixture, unit in "/api/v1/dossiers/\(fixture.dossiers[unit.id]!)" }, body: { _, _ in nil },
              permission: .viewDossiers, success: .ok, label: "GET dossier"),
        // Forwarding within the receiving unit: its processors, and its counter officers too.
        Route(method: .POST, path: { fixture, unit in "/api/v1/dossiers/\(fixture.dossiers[unit.id]!)/actions" }, body: { _, unit in
            #"{"action":"forward","toUnitId":"\#(unit.id)","electronic":true}"#
        }, permission: .processDossiers, alsoAllowed: [.receiveDossiers], success: .ok, label: "POST dossier action"),
        Route(method: .GET, path: { "/api/v1/dossiers?unitId=\($1.id)" }, body: { _, _ in nil },
              permission: .viewDossiers, success: .ok, label: "GET work queue"),
        Route(method: .GET, path: { fixture, unit in "/api/v1/dossiers/\(fixture.dossiers[unit.id]!)/files" }, body: { _, _ in nil },
              permission: .viewDossiers, success: .ok, label: "GET dossier files"),
        Route(method: .GET, path: { "/api/v1/service-counters?unitId=\($1.id)&from=2026-01-01&to=2026-12-31" }, body: { _, _ in nil },
              permission: .viewDossiers, success: .ok, label: "GET service counters"),
        Route(method: .GET, path: { "/api/v1/index/units/\($1.id)?period=2026" }, body: { _, _ in nil },
              permission: .viewIndex, success: .ok, label: "GET unit index"),
        Route(method: .GET, path: { "/api/v1/index/ranking?parentId=\($1.id)&period=2026-Q4" }, body: { _, _ in nil },
              permission: .viewIndex, success: .ok, label: "GET index ranking"),
        Route(method: .PUT, path: { "/api/v1/index/units/\($1.id)/targets/2026" }, body: { _, _ in
            #"{"targets":[{"indicatorId":"online.dossiers","target":0.5}]}"#
        }, permission: .editIndex, success: .ok, label: "PUT unit targets"),
        Route(method: .GET, path: { _, _ in "/api/v1/index/set" }, body: { _, _ in nil },
              permission: .viewIndex, success: .ok, label: "GET indicator set", global: true),
        Route(method: .GET, path: { "/api/v1/sipas/index/units/\($1.id)?period=2026&by=unit" }, body: { _, _ in nil },
              permission: .viewSatisfaction, success: .ok, label: "GET satisfaction index"),
        Route(method: .PUT, path: { "/api/v1/sipas/targets/\($1.id)/2026" }, body: { _, _ in #"{"target":0.95}"# },
              permission: .runSurveys, success: .ok, label: "PUT satisfaction target"),
        Route(method: .PUT, path: { _, _ in "/api/v1/sipas/questionnaire" }, body: { _, _ in
            var q = Questionnaire.sipas2023
            q.version = "t-" + UUID().uuidString.lowercased().prefix(12)
            return String(decoding: try! JSONEncoder().encode(ParAPI.questionnaire(q)), as: UTF8.self)
        }, permission: .runSurveys, success: .ok, label: "PUT questionnaire", global: true),
        Route(method: .GET, path: { "/api/v1/plans/\($1.id)/2026" }, body: { _, _ in nil },
              permission: .viewPlans, success: .ok, label: "GET plan"),
        Route(method: .POST, path: { "/api/v1/plans/\($1.id)/2026/tasks" }, body: { _, _ in
            #"{"field":"procedures","title":"Rà soát, đơn giản hóa TTHC","deadline":"2026-09-30"}"#
        }, permission: .editPlans, success: .created, label: "POST plan task"),
        Route(method: .GET, path: { "/api/v1/plan-tasks/overdue?unitId=\($1.id)" }, body: { _, _ in nil },
              permission: .viewPlans, success: .ok, label: "GET overdue tasks"),
        Route(method: .GET, path: { "/api/v1/inspections?unitId=\($1.id)&year=2026" }, body: { _, _ in nil },
              permission: .viewInspections, success: .ok, label: "GET inspections"),
        Route(method: .GET, path: { "/api/v1/discipline/\($1.id)?year=2026" }, body: { _, _ in nil },
              permission: .viewPlans, success: .ok, label: "GET discipline"),
        Route(method: .GET, path: { _, _ in "/api/v1/feedback" }, body: { _, _ in nil },
              permission: .handleFeedback, success: .ok, label: "GET feedback queue", global: true),
        Route(method: .GET, path: { _, _ in "/api/v1/par-index/sets" }, body: { _, _ in nil },
              permission: .viewIndex, alsoAllowed: [.selfAssess, .appraiseParIndex], success: .ok, label: "GET PAR index sets", global: true),
        Route(method: .GET, path: { "/api/v1/personnel/units/\($1.id)/people" }, body: { _, _ in nil },
              permission: .viewPersonnel, success: .ok, label: "GET people"),
        Route(method: .POST, path: { "/api/v1/personnel/units/\($1.id)/people" }, body: { _, _ in
            #"{"fullName":"Lê Thị Thu","kind":"civil_servant","position":"Chuyên viên hộ tịch","startedOn":"2021-03-01"}"#
        }, permission: .editPersonnel, success: .created, label: "POST person"),
        Route(method: .GET, path: { "/api/v1/personnel/units/\($1.id)/ratings/2026" }, body: { _, _ in nil },
              permission: .viewPersonnel, success: .ok, label: "GET rating statistics"),
        Route(method: .POST, path: { "/api/v1/personnel/units/\($1.id)/ratings/2026/approve" }, body: { _, _ in nil },
              permission: .approveRatings, success: .ok, label: "POST approve ratings"),
        Route(method: .GET, path: { "/api/v1/personnel/units/\($1.id)/positions" }, body: { _, _ in nil },
              permission: .viewPersonnel, success: .ok, label: "GET job positions"),
        Route(method: .GET, path: { "/api/v1/personnel/units/\($1.id)/rotation/2026" }, body: { _, _ in nil },
              permission: .viewPersonnel, success: .ok, label: "GET rotation plan"),
        Route(method: .GET, path: { "/api/v1/personnel/units/\($1.id)/discipline?year=2026" }, body: { _, _ in nil },
              permission: .viewPersonnel, success: .ok, label: "GET disciplinary cases"),
        Route(method: .GET, path: { _, _ in "/api/v1/me" }, body: { _, _ in nil },
              permission: nil, success: .ok, label: "GET me"),
        Route(method: .GET, path: { _, _ in "/api/v1/auth/tokens" }, body: { _, _ in nil },
              permission: nil, success: .ok, label: "GET tokens"),
    ]

    static func isUnitScoped(_ route: Route) -> Bool {
        route.permission != nil && route.permission != .manageUsers && route.permission != .editCalendar && !route.global
    }

    @Test("each role gets exactly what its permissions allow on its own department", arguments: routes)
    func ownDepartment(route: Route) async throws {
        try await withTestApp { app, fixture in
            for role in Role.allCases {
                let allowed = route.allows(role)
                let body = route.body(fixture, fixture.justice)
                try await app.testing().test(route.method, route.path(fixture, fixture.justice), headers: .bearer(fixture.token(role)),
                                             body: body.map { ByteBuffer(string: $0) }) { res in
                    #expect(res.status == (allowed ? route.success : .forbidden), "\(route) as \(role): \(res.body.string)")
                    if !allowed { #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true) }
                }
            }
        }
    }

    @Test("no role granted on one department reads or changes another department",
          arguments: routes.filter(isUnitScoped))
    func otherDepartment(route: Route) async throws {
        try await withTestApp { app, fixture in
            for role in Role.allCases {
                let body = route.body(fixture, fixture.health)
                try await app.testing().test(route.method, route.path(fixture, fixture.health), headers: .bearer(fixture.token(role)),
                                             body: body.map { ByteBuffer(string: $0) }) { res in
                    #expect(res.status == .forbidden, "\(route) on Health as \(role): \(res.status)")
                }
            }
        }
    }

    @Test("without a token every protected route answers 401 problem+json", arguments: routes)
    func unauthenticated(route: Route) async throws {
        try await withTestApp { app, fixture in
            let body = route.body(fixture, fixture.justice)
            try await app.testing().test(route.method, route.path(fixture, fixture.justice),
                                         headers: ["Content-Type": "application/json"],
                                         body: body.map { ByteBuffer(string: $0) }) { res in
                #expect(res.status == .unauthorized)
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                let problem = try JSONDecoder().decode(Problem.self, from: res.body)
                #expect(problem.title == "Chưa xác thực")
                #expect(problem.titleEn == "Unauthorized")
            }
        }
    }

    @Test("a revoked or unknown token is anonymous")
    func revokedToken() async throws {
        try await withTestApp { app, fixture in
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer("phub_not-a-real-token")) { res in
                #expect(res.status == .unauthorized)
            }
            var tokenID = ""
            try await app.testing().test(.GET, "/api/v1/auth/tokens", headers: .bearer(fixture.token(.inspector))) { res in
                tokenID = try res.content.get(String.self, at: "items", "0", "id")
            }
            try await app.testing().test(.DELETE, "/api/v1/auth/tokens/\(tokenID)", headers: .bearer(fixture.token(.inspector))) { res in
                #expect(res.status == .noContent)
            }
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(fixture.token(.inspector))) { res in
                #expect(res.status == .unauthorized)
            }
        }
    }

    struct UnitPage: Decodable {
        struct Item: Decodable { let key: String }
        let items: [Item]
    }

    @Test("unit lists contain only the caller's subtree")
    func scopedList() async throws {
        try await withTestApp { app, fixture in
            try await app.testing().test(.GET, "/api/v1/units?limit=200", headers: .bearer(fixture.token(.unitLeader))) { res in
                let page = try JSONDecoder().decode(UnitPage.self, from: res.body)
                #expect(page.items.map(\.key) == ["dept:tu-phap"])
            }
            try await app.testing().test(.GET, "/api/v1/units", headers: .bearer(fixture.token(.citizen))) { res in
                #expect(res.status == .ok)
                let page = try JSONDecoder().decode(UnitPage.self, from: res.body)
                #expect(page.items.isEmpty)
            }
        }
    }
}
