import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import NIOCore
import ParWeb
import SQLKit
import Vapor

/// The real ParHub application, started in this process on a loopback port
/// (ParWeb's `configure` with the bench's own `AppConfig`), measured against
/// baselines in the same run and on the same database:
///
/// - intake: `POST /api/v1/dossiers` (a counter officer's Bearer token, the JSON
///   `DossierIntake` of openapi.yaml; durable and audited) driven by wrk, against
///   the raw single-row commit rate of the same database through the same pool
///   (`writeTransaction` with one INSERT into a scratch table), both with the same
///   number of concurrent clients. Goal: intake ≥ 50 % of raw commits.
/// - lookup: `GET /api/v1/lookup?code=…&secret=…` cycling through seeded receipts,
///   against a hello-world route (`GET /bench/hello`) added to the same app, both
///   driven by wrk on loopback.
enum ServerBench {
    struct Options {
        var databases: [String] = ["sqlite", "postgres"]
        var benches: Set<String> = ["intake", "lookup"]
        var seconds = 10.0
        var warmup = 2.0
        /// Concurrent clients for raw commits and for the intake load (the same number for both).
        var clients = 16
        /// wrk connections for hello and lookup.
        var connections = 32
        var threads = 2
        /// Dossiers received through the API before the runs; lookups cycle through them.
        var seed = 500
        /// Receiving units, each with its own counter officer; intake requests rotate over them.
        var units = 4
        var wrk: String?
        var out: String?
    }

    static func run(_ options: Options) async throws {
        let wrk = options.wrk ?? Wrk.find()
        var reports: [DatabaseReport] = []
        // Other work on the machine skews every figure here: the load average before the run is recorded with them.
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
        print("""

        ParHub server benchmark — \(ISO8601DateFormatter().string(from: SystemClock.now())) — \(ProcessInfo.processInfo.processorCount) cores, load average \(load)
        machine: \(Machine.description)
        runs: \(fmt(options.seconds, 0)) s each after \(fmt(options.warmup, 0)) s warm-up; intake and raw commits: \(options.clients) concurrent clients; \
        hello and lookup: wrk -t\(options.threads) -c\(options.connections); seeded receipts: \(options.seed)
        """)
        if wrk == nil {
            print("wrk: NOT FOUND — the wrk load runs (intake, hello, lookup) are skipped; only the in-process parts run. Install wrk (apt-get install wrk).")
        }
        for name in options.databases {
            let config: DatabaseConfig
            var dropPostgres: (() async -> Void)?
            switch name {
            case "sqlite":
                config = .sqlite(path: NSTemporaryDirectory() + "parhub-bench-server-\(UUID().uuidString).sqlite")
            case "postgres":
                guard let base = postgresURL else {
                    print("\npostgres: skipped (set PARHUB_BENCH_POSTGRES_URL or DATABASE_URL; scripts/bench starts a throw-away cluster)")
                    continue
                }
                let database = "parhub_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
                try await TestDatabase.withDatabase(.postgres(url: base)) { db in
                    try await db.sql.raw("CREATE DATABASE \(unsafeRaw: String(database))").run()
                }
                config = .postgres(url: replacingDatabase(in: base, with: String(database)))
                dropPostgres = {
                    _ = try? await TestDatabase.withDatabase(.postgres(url: base)) { db in
                        try await db.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(database)) WITH (FORCE)").run()
                    }
                }
            default:
                print("unknown database \(name) (sqlite or postgres)")
                throw BenchError.usage
            }
            let keep = ProcessInfo.processInfo.environment["PARHUB_BENCH_KEEP"] == "1"
            do {
                reports.append(try await bench(database: name, config: config, options: options, wrk: wrk))
            } catch {
                print("\(name): FAILED: \(error)")
                if !keep { await cleanUp(config, dropPostgres) }
                throw error
            }
            if keep { print("kept: \(config)") } else { await cleanUp(config, dropPostgres) }
        }
        print("\nsummary")
        for r in reports {
            if let ratio = r.intakeRatio, let intake = r.intake, let raw = r.rawCommits {
                print("  \(pad(r.database, 8)) intake \(fmt(intake.requestsPerSecond, 1))/s vs raw commits \(fmt(raw.commitsPerSecond, 1))/s: "
                      + "\(fmt(ratio * 100, 1)) %  (goal ≥ 50 %: \(ratio >= 0.5 ? "met" : "NOT met"))")
            }
            if let ratio = r.lookupRatio, let lookup = r.lookup, let hello = r.hello {
                print("  \(pad(r.database, 8)) lookup \(fmt(lookup.requestsPerSecond, 1))/s vs hello \(fmt(hello.requestsPerSecond, 1))/s: "
                      + "\(fmt(ratio * 100, 1)) %")
            }
            if let peak = r.peakRSSMiB { print("  \(pad(r.database, 8)) peak RSS under load \(fmt(peak, 0)) MiB") }
        }
        if let out = options.out {
            let report = Report(benchmark: "server", date: ISO8601DateFormatter().string(from: SystemClock.now()), machine: Machine.description,
                                cores: ProcessInfo.processInfo.processorCount, loadAverageBefore: load, seconds: options.seconds, warmup: options.warmup,
                                clients: options.clients, wrkThreads: options.threads, wrkConnections: options.connections,
                                seededReceipts: options.seed, receivingUnits: options.units,
                                wrk: wrk.map { Wrk.version($0) } ?? "not installed", databases: reports)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: out))
        }
    }

    static var postgresURL: String? {
        let env = ProcessInfo.processInfo.environment
        return [env["PARHUB_BENCH_POSTGRES_URL"], env["DATABASE_URL"]].compactMap { $0 }.first { !$0.isEmpty }
    }

    static func cleanUp(_ config: DatabaseConfig, _ dropPostgres: (() async -> Void)?) async {
        if case .sqlite(let path) = config {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        await dropPostgres?()
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + name
        return parts.string ?? url
    }

    // MARK: One database

    static func bench(database name: String, config: DatabaseConfig, options: Options, wrk: String?) async throws -> DatabaseReport {
        print("\n== \(name)")
        // The configuration a deployment would read, with the per-client limit on public lookups turned off
        // (PARHUB_LOOKUP_RATE_LIMIT=0): all of wrk's requests come from one client, and the bench measures the
        // route, not the limiter. Uploads (none here) go to a temporary directory, not ./data.
        let filesDirectory = NSTemporaryDirectory() + "parhub-bench-files-\(UUID().uuidString)"
        // No scheduled jobs either: a nightly audit walk must not run during the measurement.
        var appConfig = AppConfig.fromEnvironment(["PARHUB_LOOKUP_RATE_LIMIT": "0", "PARHUB_DEMO": "0", "PARHUB_JOBS": "0",
                                                   "PARHUB_FILES_DIR": filesDirectory,
                                                   "PARHUB_LOG_LEVEL": ProcessInfo.processInfo.environment["PARHUB_BENCH_LOG_LEVEL"] ?? "warning"])
        appConfig.database = config
        appConfig.host = "127.0.0.1"
        appConfig.port = 0
        defer { try? FileManager.default.removeItem(atPath: filesDirectory) }
        let app = try await Application.make(Environment(name: "production", arguments: ["parhub-bench"]))
        do {
            try await configure(app, appConfig)
            app.get("bench", "hello") { _ -> String in "Hello, world!" }
            try await app.autoMigrate().get()
            try await app.asyncBoot()
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let report: DatabaseReport
            do {
                guard let port = app.http.server.shared.localAddress?.port else { throw BenchError.noPort }
                report = try await benchApp(app, base: "http://127.0.0.1:\(port)", database: name, options: options, wrk: wrk)
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
            try await app.asyncShutdown()
            return report
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func benchApp(_ app: Application, base: String, database name: String, options: Options,
                        wrk: String?) async throws -> DatabaseReport {
        let settings = try await databaseSettings(app.db)
        print("settings: \(settings)")
        let fixture = try await Fixture.make(app, base: base, units: options.units)
        // Receipts for the lookups, received through the API (which warms the intake path up too).
        let receipts = try await fixture.receive(app, base: base, count: options.seed, concurrency: min(4, options.clients))
        print("seeded \(receipts.count) receipts through POST /api/v1/dossiers")
        try await fixture.checkLookup(app, base: base, receipt: receipts[0])

        var raw: RawCommits?, intake: WrkRun?, hello: WrkRun?, lookup: WrkRun?
        var intakeRows: Int?
        if options.benches.contains("intake") {
            raw = try await rawCommits(app, clients: options.clients, seconds: options.seconds, warmup: options.warmup)
            print("\(pad("raw commits", 31)) \(pad(fmt(raw!.commitsPerSecond, 1), 9, left: true)) commits/s  (\(raw!.commits) in "
                  + "\(fmt(raw!.seconds, 2)) s; p50 \(fmt(raw!.latency.p50ms, 2)) ms, p99 \(fmt(raw!.latency.p99ms, 2)) ms)")
            if let wrk {
                let script = Wrk.script(expect: 201, requests: fixture.intakeRequests())
                if options.warmup > 0 {
                    _ = try await Wrk.run(wrk, url: base, script: script, threads: options.threads, connections: options.clients,
                                          seconds: options.warmup)
                }
                let before = try await count(app.db, "dossiers")
                intake = try await Wrk.run(wrk, url: base, script: script, threads: options.threads, connections: options.clients,
                                           seconds: options.seconds)
                intakeRows = try await count(app.db, "dossiers") - before
                print("\(pad("intake (POST /api/v1/dossiers)", 31)) \(pad(fmt(intake!.requestsPerSecond, 1), 9, left: true)) req/s      "
                      + "(\(intake!.ok) × 201, \(intakeRows!) rows committed; p50 \(fmt(intake!.p50ms, 2)) ms, p99 \(fmt(intake!.p99ms, 2)) ms)")
                try intake!.check("intake")
            }
        }
        if options.benches.contains("lookup"), let wrk {
            let helloScript = Wrk.script(expect: 200, requests: [.init(method: "GET", path: "/bench/hello")])
            let lookupScript = Wrk.script(expect: 200, requests: receipts.map {
                .init(method: "GET", path: "/api/v1/lookup?code=\(escape($0.code))&secret=\(escape($0.secret))",
                      headers: ["Accept": "application/json"])
            })
            for (label, script) in [("hello", helloScript), ("lookup", lookupScript)] {
                if options.warmup > 0 {
                    _ = try await Wrk.run(wrk, url: base, script: script, threads: options.threads, connections: options.connections,
                                          seconds: options.warmup)
                }
                let run = try await Wrk.run(wrk, url: base, script: script, threads: options.threads,
                                            connections: options.connections, seconds: options.seconds)
                print("\(pad(label == "hello" ? "hello (GET /bench/hello)" : "lookup (GET /api/v1/lookup)", 31)) "
                      + "\(pad(fmt(run.requestsPerSecond, 1), 9, left: true)) req/s      "
                      + "(\(run.ok) × 200; p50 \(fmt(run.p50ms, 2)) ms, p99 \(fmt(run.p99ms, 2)) ms)")
                try run.check(label)
                if label == "hello" { hello = run } else { lookup = run }
            }
        }
        try await AuditSealer.sealAll(on: app.db)
        let audit = try await AuditLog.verify(on: app.db)
        guard case .intact(let rows) = audit else {
            print("audit chain: BROKEN \(audit)")
            throw BenchError.auditBroken
        }
        print("audit chain intact: \(rows) rows")
        let intakeRatio = intake.flatMap { i in raw.map { i.requestsPerSecond / max($0.commitsPerSecond, 0.000_001) } }
        let lookupRatio = lookup.flatMap { l in hello.map { l.requestsPerSecond / max($0.requestsPerSecond, 0.000_001) } }
        if let intakeRatio {
            print("intake / raw commits: \(fmt(intakeRatio * 100, 1)) %  (goal ≥ 50 %: \(intakeRatio >= 0.5 ? "met" : "NOT met"))")
        }
        if let lookupRatio { print("lookup / hello: \(fmt(lookupRatio * 100, 1)) %") }
        let peak = Machine.peakRSSMiB()
        print("peak RSS of the benchmark process (app, pools and load generator's in-process clients) so far: \(peak.map { fmt($0, 0) } ?? "?") MiB")
        return DatabaseReport(database: name, settings: settings, rawCommits: raw, intake: intake, intakeRowsCommitted: intakeRows,
                              intakeRatio: intakeRatio, hello: hello, lookup: lookup, lookupRatio: lookupRatio, auditRows: rows, peakRSSMiB: peak)
    }

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }

    static func count(_ db: any Database, _ table: String) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Row.self)?.n ?? 0
    }

    static func databaseSettings(_ db: any Database) async throws -> String {
        let sql = try db.sql
        func value(_ query: String) async throws -> String {
            guard let row = try await sql.raw("\(unsafeRaw: query)").first() else { return "?" }
            guard let column = row.allColumns.first else { return "?" }
            if let s = try? row.decode(column: column, as: String.self) { return s }
            if let n = try? row.decode(column: column, as: Int.self) { return String(n) }
            return "?"
        }
        switch SQLDialectKind(db) {
        case .sqlite:
            let synchronous = ["0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"]
            let sync = try await value("PRAGMA synchronous")
            return "SQLite \(try await value("SELECT sqlite_version()")), journal_mode=\(try await value("PRAGMA journal_mode")), "
                + "synchronous=\(synchronous[sync] ?? sync), \(DatabaseConfig.sqliteConnectionsPerEventLoop) pooled connections per event loop"
        case .postgres:
            return "PostgreSQL \(try await value("SHOW server_version")), fsync=\(try await value("SHOW fsync")), "
                + "synchronous_commit=\(try await value("SHOW synchronous_commit")), "
                + "full_page_writes=\(try await value("SHOW full_page_writes"))"
        }
    }

    // MARK: Raw commits

    /// Single-row INSERT transactions into a scratch table, `clients` at a time, through the
    /// application's own pool and `writeTransaction` (BEGIN IMMEDIATE … COMMIT on SQLite).
    static func rawCommits(_ app: Application, clients: Int, seconds: Double, warmup: Double) async throws -> RawCommits {
        let sql = try app.db.sql
        try await sql.drop(table: "bench_raw_commits").ifExists().run()
        try await sql.create(table: "bench_raw_commits")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("n", type: .bigint, .notNull)
            .column("payload", type: .text, .notNull)
            .run()
        let payload = String(repeating: "x", count: 120)
        func phase(_ duration: Double) async throws -> (commits: Int, seconds: Double, nanos: [UInt64]) {
            let start = DispatchTime.now().uptimeNanoseconds
            let deadline = start + UInt64(duration * 1e9)
            let nanos = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for client in 0..<clients {
                    group.addTask {
                        var took: [UInt64] = []
                        var n = 0
                        while DispatchTime.now().uptimeNanoseconds < deadline {
                            let value = client * 1_000_000_000 + n
                            took.append(try await measure {
                                try await app.db.writeTransaction { tx in
                                    try await tx.sql.insert(into: "bench_raw_commits").columns("id", "n", "payload")
                                        .values(SQLBind(UUID().uuidString), SQLBind(value), SQLBind(payload)).run()
                                }
                            })
                            n += 1
                        }
                        return took
                    }
                }
                var all: [UInt64] = []
                for try await part in group { all += part }
                return all
            }
            return (nanos.count, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, nanos)
        }
        if warmup > 0 { _ = try await phase(warmup) }
        let measured = try await phase(seconds)
        return RawCommits(clients: clients, commits: measured.commits, seconds: measured.seconds,
                          commitsPerSecond: Double(measured.commits) / measured.seconds,
                          latency: Latency(name: "raw commit", nanos: measured.nanos.isEmpty ? [0] : measured.nanos))
    }

    // MARK: Report

    struct RawCommits: Codable {
        let clients: Int
        let commits: Int
        let seconds: Double
        let commitsPerSecond: Double
        let latency: Latency
    }

    struct DatabaseReport: Codable {
        let database: String
        let settings: String
        let rawCommits: RawCommits?
        let intake: WrkRun?
        /// Dossier rows added during the measured intake run (wrk's count plus requests still in flight when it stopped).
        let intakeRowsCommitted: Int?
        let intakeRatio: Double?
        let hello: WrkRun?
        let lookup: WrkRun?
        let lookupRatio: Double?
        let auditRows: Int
        /// The process's resident-set high-water mark (VmHWM) after this database's runs.
        let peakRSSMiB: Double?
    }

    struct Report: Codable {
        let benchmark: String, date: String, machine: String, cores: Int, loadAverageBefore: String, seconds: Double, warmup: Double, clients: Int
        let wrkThreads: Int, wrkConnections: Int, seededReceipts: Int, receivingUnits: Int, wrk: String
        let databases: [DatabaseReport]
    }
}

/// The machine a benchmark ran on, and the process's memory high-water mark (Linux /proc).
enum Machine {
    static var description: String {
        let cpu = ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "?"
        let memory = ((try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("MemTotal") }.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Double($0) } }
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(cpu) × \(ProcessInfo.processInfo.processorCount), \(memory.map { fmt($0 / 1_048_576, 1) } ?? "?") GiB RAM, Linux \(kernel)"
    }

    /// VmHWM of this process in MiB.
    static func peakRSSMiB() -> Double? {
        ((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("VmHWM:") }.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Double($0) } }.map { $0 / 1024 }
    }
}

func fmt(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? fill + text : text + fill
}

// MARK: Fixture

/// Receiving units (communes of one province), one counter officer on each with an API token
/// minted through `POST /api/v1/auth/tokens`, and one procedure with one component.
struct Fixture: Sendable {
    struct Officer: Sendable { let unitID: String; let token: String }
    struct Receipt: Sendable { let code: String; let secret: String }

    let procedureID: String
    let officers: [Officer]

    static let password = "bench-mat-khau-2025"

    static func make(_ app: Application, base: String, units count: Int) async throws -> Fixture {
        let actor = AuditActor.system("bench")
        let units = UnitRepository(db: app.db)
        let province = try await units.create(OrgUnit(id: .random(), key: "79", code: "79", kind: .province, name: "Thành phố Hồ Chí Minh",
                                                      parentID: nil, validFrom: nil, validTo: nil), actor: actor, now: SystemClock.now()).unit
        let procedure = try await ProcedureRepository(db: app.db).create(
            Procedure(id: .random(), code: "1.001193", name: "Đăng ký khai sinh", field: "Hộ tịch", level: .commune, unitID: nil,
                      agency: "UBND cấp xã", applicants: "Công dân", steps: ["Nộp hồ sơ", "Nhận kết quả"], methods: [.counter, .online],
                      documents: [.init(name: "Tờ khai", copies: 1)], processingTime: .init(amount: 5, unit: .workingDays),
                      result: "Giấy khai sinh", resultType: .both, fees: [], legalBasis: ["Luật Hộ tịch 2014"], onlineLevel: .full,
                      fullOnlineEligible: true, interAgencySteps: []),
            publication: .init(decision: nil, effectiveFrom: nil), actor: actor, now: SystemClock.now())
        let users = UserRepository(db: app.db)
        // Cost 4 keeps the one sign-in per officer fast; verification reads the cost from the hash.
        let hash = try Bcrypt.hash(password, cost: 4)
        var officers: [Officer] = []
        for i in 1...max(1, count) {
            let ward = try await units.create(OrgUnit(id: .random(), key: "79:\(26_700 + i)", code: "\(26_700 + i)", kind: .commune,
                                                      name: "Phường Bến Thành \(i)", parentID: province.id, validFrom: nil, validTo: nil),
                                              actor: actor, now: SystemClock.now()).unit
            let username = "bench.motcua\(i)"
            let user = try await users.create(username: username, displayName: "Công chức một cửa \(i)", passwordHash: hash,
                                              actor: actor, now: SystemClock.now())
            _ = try await users.grant(.counterOfficer, on: ward.id, to: user.id, actor: actor, now: SystemClock.now())
            struct Created: Decodable { let token: String }
            let created: Created = try await post(app, base + "/api/v1/auth/tokens",
                                                  json: #"{"username":"\#(username)","password":"\#(password)","name":"bench"}"#,
                                                  expect: .created)
            officers.append(.init(unitID: ward.id.description, token: created.token))
        }
        return Fixture(procedureID: procedure.id.description, officers: officers)
    }

    func intakeBody(_ officer: Officer) -> String {
        #"{"procedureId":"\#(procedureID)","receivingUnitId":"\#(officer.unitID)","channel":"counter","applicant":{"name":"Phạm Thị Dung","idNumber":"079190001234","phone":"0987654321","address":"12 Lê Lợi, phường Bến Thành"},"components":["Tờ khai"]}"#
    }

    func intakeRequests() -> [Wrk.Request] {
        officers.map { officer in
            Wrk.Request(method: "POST", path: "/api/v1/dossiers",
                        headers: ["Authorization": "Bearer \(officer.token)", "Content-Type": "application/json",
                                  "Accept": "application/json"],
                        body: intakeBody(officer))
        }
    }

    /// Receives `count` dossiers through the API, `concurrency` at a time, and returns their receipts.
    func receive(_ app: Application, base: String, count: Int, concurrency: Int) async throws -> [Receipt] {
        struct Response: Decodable {
            struct Dossier: Decodable { let code: String }
            let dossier: Dossier
            let lookupSecret: String
        }
        let fixture = self
        return try await withThrowingTaskGroup(of: [Receipt].self) { group in
            for worker in 0..<max(1, concurrency) {
                group.addTask {
                    var receipts: [Receipt] = []
                    for i in stride(from: worker, to: max(1, count), by: max(1, concurrency)) {
                        let officer = fixture.officers[i % fixture.officers.count]
                        let response: Response = try await Fixture.post(app, base + "/api/v1/dossiers", json: fixture.intakeBody(officer),
                                                                         token: officer.token, expect: .created)
                        receipts.append(.init(code: response.dossier.code, secret: response.lookupSecret))
                    }
                    return receipts
                }
            }
            var all: [Receipt] = []
            for try await part in group { all += part }
            return all.sorted { $0.code < $1.code }
        }
    }

    /// One lookup through the API: the status comes back, the applicant's personal data does not.
    func checkLookup(_ app: Application, base: String, receipt: Receipt) async throws {
        let url = base + "/api/v1/lookup?code=\(ServerBench.escape(receipt.code))&secret=\(ServerBench.escape(receipt.secret))"
        let response = try await app.client.get(URI(string: url), headers: ["Accept": "application/json"])
        let body = response.body.map { String(buffer: $0) } ?? ""
        guard response.status == .ok, body.contains(receipt.code), !body.contains("0987654321") else {
            print("lookup check failed: \(response.status) \(body.prefix(300))")
            throw BenchError.unexpectedResponse
        }
    }

    static func post<T: Decodable>(_ app: Application, _ url: String, json: String, token: String? = nil,
                                   expect: HTTPStatus) async throws -> T {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        let response = try await app.client.post(URI(string: url), headers: headers) { request in
            request.body = ByteBuffer(string: json)
        }
        guard response.status == expect, let body = response.body else {
            print("POST \(url): expected \(expect.code), got \(response.status.code): \(response.body.map { String(buffer: $0) }.map { String($0.prefix(400)) } ?? "")")
            throw BenchError.unexpectedResponse
        }
        return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }
}
