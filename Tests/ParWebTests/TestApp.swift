import Fluent
import Foundation
import NIOHTTP1
import ParCore
import ParStore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

/// A small province for route tests: Hà Nội with two departments, one user per
/// role granted on the Department of Justice, and an API token for each.
struct Fixture: Sendable {
    let province: OrgUnit
    let justice: OrgUnit
    let health: OrgUnit
    /// Username and bearer token of the user holding each role on `justice`.
    let users: [Role: (username: String, token: String)]
    /// A commune-level procedure with one component, "Tờ khai".
    let procedure: Procedure
    /// A dossier received by each department, by unit id.
    let dossiers: [OrgUnit.ID: Dossier.ID]

    static let password = "mat-khau-thu-nghiem"

    func token(_ role: Role) -> String { users[role]!.token }
}

/// Runs `body` against the real application on a fresh database.
func withTestApp(_ tweak: @Sendable (inout AppConfig) -> Void = { _ in },
                 _ body: @Sendable (Application, Fixture) async throws -> Void) async throws {
    // On PostgreSQL at most `TestSlots` apps at once: each holds a pool of connections.
    try await TestSlots.run {
        let database = try await TestDatabase.make()
        // Two connections per event loop: dozens of these apps run at once against one PostgreSQL.
        var config = AppConfig(database: database, logLevel: .warning, loadDemoData: false,
                               workingDirectory: repositoryRoot, databaseConnectionsPerEventLoop: 2,
                               filesDirectory: TestDatabase.scratchDirectory + "/files-\(UUID().uuidString)")
        config.clock = testNow
        config.runScheduler = false
        // Under the whole suite on two cores a burst of requests may wait long for a connection; it must
        // not fail for that (the ParStore tests wait as long).
        config.databasePoolTimeout = 120
        tweak(&config)
        ProcessMetrics.bootstrap()
        let app = try await Application.make(.testing)
        do {
            app.storage[Credentials.CostKey.self] = 4
            try await configure(app, config)
            try await app.autoMigrate().get()
            let fixture = try await makeFixture(app)
            try await body(app, fixture)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

private func makeFixture(_ app: Application) async throws -> Fixture {
    let actor = AuditActor.system("fixture")
    let units = UnitRepository(db: app.db)
    func unit(_ key: String, _ kind: UnitKind, _ name: String, _ parent: OrgUnit.ID?) async throws -> OrgUnit {
        try await units.create(OrgUnit(id: .random(), key: key, code: key, kind: kind, name: name, parentID: parent,
                                       validFrom: nil, validTo: nil), actor: actor, now: testNow()).unit
    }
    let province = try await unit("01", .province, "Thành phố Hà Nội", nil)
    let justice = try await unit("dept:tu-phap", .department, "Sở Tư pháp", province.id)
    let health = try await unit("dept:y-te", .department, "Sở Y tế", province.id)
    let repository = UserRepository(db: app.db)
    let hash = try await Credentials.hash(Fixture.password, on: app)
    var users: [Role: (String, String)] = [:]
    for role in Role.allCases {
        let username = "u." + role.rawValue.replacingOccurrences(of: "_", with: "-")
        let user = try await repository.create(username: username, displayName: role.english, passwordHash: hash,
                                               actor: actor, now: testNow())
        _ = try await repository.grant(role, on: justice.id, to: user.id, actor: actor, now: testNow())
        let minted = Credentials.newToken()
        _ = try await repository.createToken(for: user.id, name: "test", tokenHash: minted.hash, prefix: minted.prefix,
                                             actor: actor, now: testNow())
        users[role] = (username, minted.token)
    }
    let procedure = try await ProcedureRepository(db: app.db).create(
        Procedure(id: .random(), code: "1.001193", name: "Đăng ký khai sinh", field: "Hộ tịch", level: .commune, unitID: nil,
                  agency: "UBND cấp xã", applicants: "Công dân", steps: ["Nộp hồ sơ", "Nhận kết quả"], methods: [.counter, .online],
                  documents: [.init(name: "Tờ khai", copies: 1)], processingTime: .init(amount: 5, unit: .workingDays),
                  result: "Giấy khai sinh", resultType: .both, fees: [], legalBasis: ["Luật Hộ tịch 2014"], onlineLevel: .full,
                  fullOnlineEligible: true, interAgencySteps: []),
        publication: .init(decision: nil, effectiveFrom: nil), actor: actor, now: testNow())
    var dossiers: [OrgUnit.ID: Dossier.ID] = [:]
    for unit in [justice, health] {
        let dossier = try await DossierRepository(db: app.db).receive(
            DossierIntake(procedureID: procedure.id, receivingUnitID: unit.id, channel: .counter,
                          applicant: .init(name: "Lê Văn Cường"), components: ["Tờ khai"]), actor: actor, now: testNow()).dossier
        dossiers[unit.id] = dossier.id
    }
    return Fixture(province: province, justice: justice, health: health, users: users, procedure: procedure, dossiers: dossiers)
}

extension HTTPHeaders {
    static func bearer(_ token: String) -> HTTPHeaders {
        ["Authorization": "Bearer \(token)", "Content-Type": "application/json", "Accept": "application/json"]
    }
}

/// Signs in through the login form (with its CSRF token) and returns the session cookie.
func signIn(_ app: Application, username: String, password: String = Fixture.password) async throws -> String {
    var cookie = ""
    var csrf = ""
    try await app.testing().test(.GET, "/login") { res in
        cookie = sessionCookie(res)
        csrf = hiddenCSRF(res.body.string)
    }
    try await app.testing().test(.POST, "/login", beforeRequest: { req in
        req.headers.replaceOrAdd(name: .cookie, value: cookie)
        try req.content.encode(["username": username, "password": password, "_csrf": csrf], as: .urlEncodedForm)
    }, afterResponse: { res in
        #expect(res.status == .seeOther || res.status == .found)
        let fresh = sessionCookie(res)
        if !fresh.isEmpty { cookie = fresh }
    })
    return cookie
}

func sessionCookie(_ res: TestingHTTPResponse) -> String {
    res.headers[.setCookie].first { $0.hasPrefix("parhub_session=") }?.split(separator: ";").first.map(String.init) ?? ""
}

func hiddenCSRF(_ html: String) -> String {
    guard let range = html.range(of: #"name="_csrf" value=""#) else { return "" }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}

/// A multipart/form-data body, as a browser sends a form with files.
struct Multipart {
    let boundary = "----parhub\(UUID().uuidString)"
    var parts: [(name: String, filename: String?, type: String?, data: [UInt8])] = []

    mutating func field(_ name: String, _ value: String) {
        parts.append((name, nil, nil, Array(value.utf8)))
    }

    mutating func file(_ name: String, filename: String, type: String, _ data: [UInt8]) {
        parts.append((name, filename, type, data))
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var body: ByteBuffer {
        var buffer = ByteBuffer()
        for part in parts {
            buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"")
            if let filename = part.filename { buffer.writeString("; filename=\"\(filename)\"") }
            buffer.writeString("\r\n")
            if let type = part.type { buffer.writeString("Content-Type: \(type)\r\n") }
            buffer.writeString("\r\n")
            buffer.writeBytes(part.data)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        return buffer
    }
}

extension Application {
    /// A signed-in form request: the session cookie, and the form's CSRF token from `formPage`.
    func page(_ method: HTTPMethod, _ path: String, cookie: String, form: [String: String]? = nil,
              multipart: Multipart? = nil) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await testing().test(method, path, beforeRequest: { req in
            req.headers.replaceOrAdd(name: .cookie, value: cookie)
            req.headers.replaceOrAdd(name: .accept, value: "text/html")
            if let form { try req.content.encode(form, as: .urlEncodedForm) }
            if let multipart {
                req.headers.replaceOrAdd(name: .contentType, value: multipart.contentType)
                req.body = multipart.body
            }
        }, afterResponse: { res in result = res })
        return try #require(result)
    }
}
