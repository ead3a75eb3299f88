import FluentKit
import Foundation
import ParCore
import ParStore
import ParTestSupport
import SQLKit

/// The Decision 766 service index at province scale (issue 6): a generated province
/// (≈ 1,000 units, a few hundred procedures, N dossiers over some years, loaded with
/// multi-row INSERTs in large transactions, the roll-ups computed in memory the way
/// `IndexRollups.rows` and the unit lineage produce them), then, side by side on the
/// same data:
///
/// - dashboard: `IndexRepository.facts(scope, from:through:today:)` + `IndexScoring.evaluate`
///   for the province over a year, and for a random commune over a random month;
/// - ranking: `IndexRepository.facts(ofRoots:period:today:)` over every child of the province
///   for a year, each child scored and the list sorted;
/// - naive: one aggregate SQL over `dossiers` joined to `units` on the subtree
///   (`path LIKE '%/<root>/%'`), filtered to the period, grouped by channel and state.
///
/// Goal: dashboard p99 ≤ 20 ms and ≥ 100× faster than the naive aggregate.
/// Not generated: the dossier timeline (`dossier_events`), steps, files and the
/// per-procedure counters (`service_counters`, `open_counters` is): the dashboards
/// measured here read only the roll-ups, the open gauge and the catalogue.
enum IndexBench {
    struct Options: Sendable {
        var databases: [String] = ["sqlite", "postgres"]
        var dossiers = 10_000_000
        var years = 5
        var units = 1_000
        var procedures = 300
        /// Dashboard requests per method (province, commune, ranking, naive commune).
        var requests = 200
        /// Repetitions of the naive province query (slow).
        var naiveRuns = 10
        var seed = 766
        var keep = false
        /// A database kept by an earlier run (`--keep`) of the same seed and day, measured again without
        /// loading it: `sqlite:PATH` or a PostgreSQL URL (migrations still run, so new indexes are built).
        var reuse: String?
        var out: String?
    }

    static func run(_ options: Options) async throws {
        let loadBefore = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
        let started = DispatchTime.now().uptimeNanoseconds
        let plan = try Plan(options: options, now: SystemClock.now())
        print("""

        ParHub service index benchmark — \(ISO8601DateFormatter().string(from: SystemClock.now())) — \(ProcessInfo.processInfo.processorCount) cores, load average \(loadBefore)
        machine: \(Machine.description)
        province: \(plan.units.count) units (1 province, \(plan.departments.count) departments, \(plan.divisionCount) divisions, \
        \(plan.communes.count) communes), \(plan.procs.count) procedures, \(grouped(options.dossiers)) dossiers received \(plan.start.iso) … \(plan.today.iso) \
        (\(plan.days) days), today \(plan.today.iso); requests: \(options.requests) per dashboard method, naive province: \(options.naiveRuns)
        """)
        var reports: [DatabaseReport] = []
        for name in options.reuse.map({ [$0.hasPrefix("sqlite:") ? "sqlite" : "postgres"] }) ?? options.databases {
            let config: DatabaseConfig
            var dropPostgres: (() async -> Void)?
            switch name {
            case _ where options.reuse != nil:
                let reuse = options.reuse ?? ""
                config = name == "sqlite" ? .sqlite(path: String(reuse.dropFirst("sqlite:".count))) : .postgres(url: reuse)
            case "sqlite":
                config = .sqlite(path: NSTemporaryDirectory() + "parhub-bench-index-\(UUID().uuidString).sqlite")
            case "postgres":
                guard let base = ServerBench.postgresURL else {
                    print("\npostgres: skipped (set PARHUB_BENCH_POSTGRES_URL or DATABASE_URL; scripts/bench starts a throw-away cluster)")
                    continue
                }
                let database = "parhub_bench_index_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(10)
                try await TestDatabase.withDatabase(.postgres(url: base)) { db in
                    try await db.sql.raw("CREATE DATABASE \(unsafeRaw: String(database))").run()
                }
                config = .postgres(url: ServerBench.replacingDatabase(in: base, with: String(database)))
                dropPostgres = {
                    _ = try? await TestDatabase.withDatabase(.postgres(url: base)) { db in
                        try await db.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(database)) WITH (FORCE)").run()
                    }
                }
            default:
                print("unknown database \(name) (sqlite or postgres)")
                throw BenchError.usage
            }
            do {
                reports.append(try await bench(database: name, config: config, plan: plan, options: options))
            } catch {
                print("\(name): FAILED: \(error)")
                if !options.keep && options.reuse == nil { await ServerBench.cleanUp(config, dropPostgres) }
                throw error
            }
            if options.keep || options.reuse != nil { print("kept: \(config)") } else { await ServerBench.cleanUp(config, dropPostgres) }
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print("\nsummary (p99, ms)")
        for r in reports {
            print("  \(pad(r.database, 8)) dashboard province/year \(fmt(r.dashboardProvince.p99ms, 2)), overdue \(fmt(r.dashboardOverdue.p99ms, 2)), commune/month \(fmt(r.dashboardCommune.p99ms, 2)), "
                  + "ranking \(fmt(r.ranking.p99ms, 2)), naive province/year \(fmt(r.naiveProvince.p99ms, 1)): "
                  + "\(fmt(r.ratioP99, 0))×  (goals p99 ≤ 20 ms: \(r.dashboardGoalMet ? "met" : "NOT met"), ≥ 100×: \(r.ratioGoalMet ? "met" : "NOT met"))"
                  + "; results agree: \(r.resultsAgree)")
        }
        print("total time: \(fmt(total, 0)) s")
        if let out = options.out {
            let report = Report(benchmark: "index", date: ISO8601DateFormatter().string(from: SystemClock.now()), machine: Machine.description,
                                cores: ProcessInfo.processInfo.processorCount, loadAverageBefore: loadBefore, seconds: total,
                                size: plan.size(options), databases: reports)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: out))
        }
        if reports.contains(where: { !$0.resultsAgree }) { throw BenchError.resultsDiffer }
    }

    // MARK: One database

    static func bench(database name: String, config: DatabaseConfig, plan: Plan, options: Options) async throws -> DatabaseReport {
        print("\n== \(name)")
        try await TestDatabase.migrate(config)
        return try await TestDatabase.withDatabase(config) { db in
            if case .sqlite = config {
                // The application's setting (ParWeb configure): WAL, a property of the file.
                _ = try await db.sql.raw("PRAGMA journal_mode=WAL").all()
            }
            let settings = try await ServerBench.databaseSettings(db)
            print("settings: \(settings)")
            let load = options.reuse == nil ? try await Loader.load(db, plan: plan, config: config) : LoadReport.reused
            let measured = try await Measure.run(db, plan: plan, options: options)
            return DatabaseReport(database: name, settings: settings, load: load, scope: measured.scope,
                                  dashboardProvince: measured.province, dashboardProvinceCurrentYear: measured.provinceCurrentYear,
                                  dashboardProvincePastYears: measured.provincePastYears, provinceRollupSums: measured.rollupTotals,
                                  provinceOpenGauge: measured.openGauge, dashboardOverdue: measured.overdue, dashboardCommune: measured.commune, ranking: measured.ranking,
                                  rankingCurrentYear: measured.rankingCurrentYear, rankingPastYears: measured.rankingPastYears,
                                  openGaugeInSQL: measured.openGaugeInSQL, parts: measured.parts,
                                  naiveProvince: measured.naiveProvince, naiveCommune: measured.naiveCommune,
                                  firstRequestMs: measured.first, rankedUnits: measured.rankedUnits,
                                  ratioP99: measured.naiveProvince.p99ms / max(measured.province.p99ms, 0.000_001),
                                  ratioCommuneP99: measured.naiveCommune.p99ms / max(measured.commune.p99ms, 0.000_001),
                                  dashboardGoalMet: measured.province.p99ms <= 20 && measured.commune.p99ms <= 20 && measured.overdue.p99ms <= 20,
                                  ratioGoalMet: measured.naiveProvince.p99ms >= 100 * measured.province.p99ms,
                                  resultsAgree: measured.agree, checks: measured.checks)
        }
    }

    // MARK: Report

    struct Size: Codable {
        let units: Int, departments: Int, divisions: Int, communes: Int, procedures: Int
        let dossiers: Int, years: Int, from: String, today: String, days: Int, seed: Int
    }

    struct LoadReport: Codable {
        /// A database measured again (`--reuse`): its load is in the report of the run that kept it.
        static let reused = LoadReport(seconds: 0, dossierSeconds: 0, dossiersPerSecond: 0, rollupSeconds: 0, finishSeconds: 0, rows: [:],
                                       rollupRowsByGrain: [:], bytes: 0, shares: [:], notes: "reused: loaded by an earlier run with --keep")
        let seconds: Double
        let dossierSeconds: Double
        let dossiersPerSecond: Double
        let rollupSeconds: Double
        let finishSeconds: Double
        let rows: [String: Int]
        let rollupRowsByGrain: [String: Int]
        let bytes: Int64
        let shares: [String: Double]
        let notes: String
    }

    struct DatabaseReport: Codable {
        let database: String
        let settings: String
        let load: LoadReport
        let scope: Latency
        let dashboardProvince: Latency
        /// The province requests for the current year (they read the open gauge too) and for past years.
        let dashboardProvinceCurrentYear: Latency
        let dashboardProvincePastYears: Latency
        /// Parts of the province dashboard timed alone: `IndexRollups.totals` for a year and `IndexRollups.open`.
        let provinceRollupSums: Latency
        let provinceOpenGauge: Latency
        /// The leader's dashboard's overdue blocks of the province (`IndexService.overdue`).
        let dashboardOverdue: Latency
        let dashboardCommune: Latency
        let ranking: Latency
        let rankingCurrentYear: Latency
        let rankingPastYears: Latency
        /// Not what the app runs: the open gauge of the province summed by the database.
        let openGaugeInSQL: Latency
        /// Parts of the overdue blocks and of the ranking, timed alone.
        let parts: [Latency]
        let naiveProvince: Latency
        let naiveCommune: Latency
        /// The first request of each method (cold in this process), ms.
        let firstRequestMs: [String: Double]
        let rankedUnits: Int
        /// naive province/year p99 ÷ dashboard province/year p99.
        let ratioP99: Double
        /// naive commune/month p99 ÷ dashboard commune/month p99.
        let ratioCommuneP99: Double
        let dashboardGoalMet: Bool
        let ratioGoalMet: Bool
        let resultsAgree: Bool
        let checks: [String]
    }

    struct Report: Codable {
        let benchmark: String, date: String, machine: String, cores: Int, loadAverageBefore: String, seconds: Double
        let size: Size
        let databases: [DatabaseReport]
    }
}

func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}

// MARK: Random numbers

/// SplitMix64: fast, deterministic for a seed.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func int(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
    mutating func chance(_ p: Double) -> Bool { unit() < p }
    mutating func gaussian() -> Double {
        let u1 = max(unit(), 1e-12), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
    /// A version-4 UUID from the stream.
    mutating func uuid() -> UUID { IndexBench.uuid(hi: (next() & ~0xF000) | 0x4000, lo: next()) }
}

/// Weighted choice by binary search over cumulative weights.
struct Picker: Sendable {
    let cumulative: [Double]
    init(_ weights: [Double]) {
        var sum = 0.0
        cumulative = weights.map { sum += $0; return sum }
    }
    func pick(_ rng: inout SplitMix) -> Int {
        let x = rng.unit() * (cumulative.last ?? 0)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

extension IndexBench {
    static func uuid(hi: UInt64, lo: UInt64) -> UUID {
        var bytes = (hi.bigEndian, ((lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000).bigEndian)
        return withUnsafeBytes(of: &bytes) { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    /// SHA-256 of the receipt secret `BENCH234` (every generated dossier has it), as `DossierRepository.hash` stores it.
    static let secretHash = "aa3334d708d0a0bf93a8444347a2392e6d46fdf7887d8ff6f37e9d9547c1c12f"
}

// MARK: The plan: province, catalogue, calendar, roll-up metrics

/// Everything fixed before loading, shared by the databases: the same province, catalogue
/// specification, calendar and event-to-roll-up table on each.
struct Plan: Sendable {
    struct Unit: Sendable {
        let id: UUID
        /// `id` as the path and the stored JSON write it.
        let lower: String
        let key: String
        let code: String
        let kind: UnitKind
        let name: String
        let parent: Int?
        let path: String
        /// Indexes of the unit's path, root first, itself last.
        let lineage: [Int]
    }

    struct Proc: Sendable {
        let code: String
        let name: String
        let field: String
        /// Implementing department (tree index); nil: commune level.
        let department: Int?
        let workingDays: Int
        let onlineLevel: String
        let complete: Bool
        var online: Bool { onlineLevel != "none" }
    }

    struct Delta: Sendable { let metric: Int; let n: Int32 }

    let seed: Int
    let units: [Unit]
    let departments: [Int]
    let divisions: [[Int]]
    let communes: [Int]
    /// Units that receive dossiers (departments and communes), tree indexes.
    let receiving: [Int]
    let receivingWeights: [Double]
    let procs: [Proc]
    var divisionCount: Int { divisions.reduce(0) { $0 + $1.count } }

    let now: Date
    let today: LocalDate
    let start: LocalDate
    let days: Int
    /// Unix seconds of local midnight starting `start`.
    let base: Int
    /// Minutes from `base` to `now`.
    let nowMinute: Int
    /// Monday = 0 … Sunday = 6 for day 0.
    let startWeekday: Int
    let dayISO: [String]
    let dayCode: [String]
    let monthOfDay: [Int]
    let monthKeys: [String]
    let yearOfDay: [Int]
    let yearKeys: [String]
    let dayCounts: [Int]

    /// Every metric name a roll-up row can carry, sorted (the order of the unique index).
    let metricNames: [String]
    /// Roll-up deltas (day grain) per event kind and channel: `eventDeltas[kind * 3 + channel]`.
    let eventDeltas: [[Delta]]

    init(options: IndexBench.Options, now: Date) throws {
        seed = options.seed
        var rng = SplitMix(UInt64(bitPattern: Int64(options.seed)))
        // Units: province; departments with divisions; communes under the province.
        let departmentCount = max(1, min(20, options.units / 50))
        let perDepartment = options.units >= 200 ? 8 : 2
        let communeCount = max(1, options.units - 1 - departmentCount * (1 + perDepartment))
        var units: [Unit] = []
        func add(key: String, code: String, kind: UnitKind, name: String, parent: Int?) -> Int {
            let id = rng.uuid()
            let lower = id.uuidString.lowercased()
            let parentUnit = parent.map { units[$0] }
            units.append(Unit(id: id, lower: lower, key: key, code: code, kind: kind, name: name, parent: parent,
                              path: (parentUnit?.path ?? "/") + lower + "/", lineage: (parentUnit?.lineage ?? []) + [units.count]))
            return units.count - 1
        }
        let root = add(key: "bench:99", code: "99", kind: .province, name: "Tỉnh Thử Nghiệm", parent: nil)
        var departments: [Int] = [], divisions: [[Int]] = [], communes: [Int] = []
        for i in 0..<departmentCount {
            let name = i < Self.departmentNames.count ? Self.departmentNames[i] : "Sở chuyên ngành \(i + 1)"
            let code = String(format: "000.00.%02d.H99", i + 1)
            let department = add(key: "bench:" + code, code: code, kind: .department, name: name, parent: root)
            departments.append(department)
            divisions.append((0..<perDepartment).map { j in
                let code = String(format: "000.%02d.%02d.H99", j + 1, i + 1)
                return add(key: "bench:" + code, code: code, kind: .division,
                           name: "Phòng \(Self.divisionNames[j % Self.divisionNames.count]) – \(name)", parent: department)
            })
        }
        for i in 0..<communeCount {
            let a = Self.syllables[i % Self.syllables.count], b = Self.syllables[(i / Self.syllables.count + i * 7 + 3) % Self.syllables.count]
            let kind = i % 3 == 0 ? "Phường" : "Xã"
            let code = String(26_000 + i)
            communes.append(add(key: "bench:" + code, code: code, kind: .commune,
                                name: "\(kind) \(a) \(b)" + (i >= Self.syllables.count ? " \(i / Self.syllables.count + 1)" : ""), parent: root))
        }
        self.units = units
        self.departments = departments
        self.divisions = divisions
        self.communes = communes
        // Volumes: departments take a quarter of the dossiers, communes the rest, each spread log-normally.
        let departmentWeights = departments.map { _ in 0.5 + rng.unit() }
        let communeWeights = communes.map { _ in exp(0.7 * rng.gaussian()) }
        let dSum = departmentWeights.reduce(0, +), cSum = communeWeights.reduce(0, +)
        receiving = departments + communes
        receivingWeights = departmentWeights.map { 0.25 * $0 / dSum } + communeWeights.map { 0.75 * $0 / cSum }

        // Catalogue: 40 % commune level (no implementing unit), the rest spread over the departments.
        let procedureCount = max(options.procedures, departmentCount * 3 + 6)
        var procs: [Proc] = []
        let communeDays = [1, 2, 3, 3, 5, 5, 7, 10, 12, 15], provinceDays = [3, 5, 7, 10, 10, 12, 15, 20, 30]
        for i in 0..<procedureCount {
            let communeLevel = i % 5 < 2
            let department: Int? = communeLevel ? nil : departments[(i / 5 * 3 + i % 5 - 2) % departments.count]
            let r = rng.unit()
            let online = r < 0.15 ? "none" : r < 0.6 ? "partial" : "full"
            let name = "\(SearchBench.verbs[rng.int(SearchBench.verbs.count)]) \(SearchBench.objects[rng.int(SearchBench.objects.count)]) (\(i + 1))"
            let days = communeLevel ? communeDays[rng.int(communeDays.count)] : provinceDays[rng.int(provinceDays.count)]
            procs.append(Proc(code: "IX.\(100_000 + i)", name: name, field: SearchBench.fields[rng.int(SearchBench.fields.count)],
                              department: department, workingDays: days, onlineLevel: online, complete: rng.unit() < 0.92))
        }
        self.procs = procs

        // Calendar: `years` years up to now, in Việt Nam days.
        self.now = now
        today = VietnamTime.localDate(of: now)
        start = today.adding(months: -12 * options.years).adding(days: 1)
        days = start.days(to: today) + 1
        base = (start.julianDay - 2_440_588) * 86_400 - VietnamTime.utcOffsetSeconds
        nowMinute = Int((now.timeIntervalSince1970 - Double(base)) / 60)
        startWeekday = start.weekday.rawValue - 1
        var dayISO: [String] = [], dayCode: [String] = [], monthOfDay: [Int] = [], yearOfDay: [Int] = []
        var monthKeys: [String] = [], yearKeys: [String] = []
        for d in 0..<days {
            let date = start.adding(days: d)
            dayISO.append(date.iso)
            dayCode.append(String(format: "%02d%02d%02d", date.year % 100, date.month, date.day))
            let month = String(date.iso.prefix(7)), year = String(date.iso.prefix(4))
            if monthKeys.last != month { monthKeys.append(month) }
            if yearKeys.last != year { yearKeys.append(year) }
            monthOfDay.append(monthKeys.count - 1)
            yearOfDay.append(yearKeys.count - 1)
        }
        self.dayISO = dayISO
        self.dayCode = dayCode
        self.monthOfDay = monthOfDay
        self.monthKeys = monthKeys
        self.yearOfDay = yearOfDay
        self.yearKeys = yearKeys
        // Dossiers per day: working days 1, Saturday 0.12, Sunday 0.06 (online only), growing 12 % a year.
        var weights: [Double] = []
        for d in 0..<days {
            let weekday = (startWeekday + d) % 7
            weights.append((weekday < 5 ? 1 : weekday == 5 ? 0.12 : 0.06) * (1 + 0.12 * Double(d) / 365))
        }
        let total = weights.reduce(0, +)
        var counts: [Int] = [], cumulative = 0.0, assigned = 0
        for w in weights {
            cumulative += w
            let upTo = Int((Double(options.dossiers) * cumulative / total).rounded())
            counts.append(upTo - assigned)
            assigned = upTo
        }
        counts[counts.count - 1] += options.dossiers - assigned
        dayCounts = counts

        // Roll-up metrics: what each kind of event adds, through ServiceCounters and IndexRollups.rows.
        metricNames = IndexRollups.metrics
        let index = Dictionary(uniqueKeysWithValues: metricNames.enumerated().map { ($1, $0) })
        var table: [[Delta]] = []
        let probe = LocalDate(year: 2025, month: 7, day: 14)!
        for kind in 0..<Kind.count {
            for channel in DossierChannel.allCases {
                let rows = IndexRollups.rows(try Self.deltas(kind: kind, channel: channel), channel: channel, day: probe)
                let dayRows = rows.filter { $0.0 == "d" }
                // Months and years are the same deltas under the month's and year's key: the loader sums days into them.
                for (grain, period) in [("m", String(probe.iso.prefix(7))), ("y", String(probe.iso.prefix(4)))] {
                    let other = rows.filter { $0.0 == grain }.map { "\($0.1)|\($0.2)|\($0.3)" }.sorted()
                    guard other == dayRows.map({ "\(period)|\($0.2)|\($0.3)" }).sorted() else { throw IndexBenchError.rollupShape("\(kind) \(grain)") }
                }
                guard rows.count == dayRows.count * 3, dayRows.allSatisfy({ $0.1 == probe.iso }) else { throw IndexBenchError.rollupShape("\(kind)") }
                table.append(try dayRows.map { row in
                    guard let metric = index[row.2] else { throw IndexBenchError.rollupShape("unknown metric \(row.2)") }
                    return Delta(metric: metric, n: Int32(row.3))
                })
            }
        }
        eventDeltas = table
    }

    /// Event kinds whose counters the generator adds (index into `eventDeltas` with the channel).
    enum Kind {
        /// receive + k components digitised (0…3) × 2 + j reused (0…1)
        static let receive = 0
        static let forward = 8 // + 1 when electronic
        static let supplement = 10
        static let apology = 11
        static let processed = 12 // + category (early 0, on time 1, late 2) × 2 + electronic result
        static let resultDigitised = 18
        static let returned = 19 // + 1 when electronic
        static let refuse = 21
        static let withdraw = 22
        static let stop = 23
        static let count = 24
    }

    /// The counters an event adds, as the dossier engine computes them (`ServiceCounters`, and
    /// `DossierRepository.receive` adding digitised and reused components to the intake).
    static func deltas(kind: Int, channel: DossierChannel) throws -> [ServiceMetric: Int] {
        let t0 = Date(timeIntervalSince1970: 1_752_476_400) // 2025-07-14 14:00 in Việt Nam
        let d = Dossier(id: .random(), code: "X", procedureID: .random(), receivingUnitID: .random(), channel: channel,
                        applicant: .init(name: "X"), components: [], state: .received, receivedAt: t0,
                        dueAt: t0.addingTimeInterval(5 * 86_400))
        switch kind {
        case 0..<8:
            var r = ServiceCounters.intake(d)
            if kind / 2 > 0 { r[.componentsDigitised, default: 0] += kind / 2 }
            if kind % 2 > 0 { r[.componentsReused, default: 0] += 1 }
            return r
        case 8, 9:
            return ServiceCounters.deltas(for: .forward(to: .random(), electronic: kind == 9, note: nil), before: d, after: d, at: t0)
        case Kind.supplement:
            return ServiceCounters.deltas(for: .requestSupplement(items: ["Tờ khai"]), before: d, after: d, at: t0)
        case Kind.apology:
            return ServiceCounters.deltas(for: .apologise(reason: "Quá tải", newDueAt: d.dueAt.addingTimeInterval(86_400)), before: d, after: d, at: t0)
        case 12..<18:
            let category = (kind - 12) / 2
            var after = d
            after.state = .processed
            after.processedAt = [t0, d.originalDueAt, d.originalDueAt.addingTimeInterval(86_400)][category]
            let r = ServiceCounters.deltas(for: .markProcessed(electronicResult: (kind - 12) % 2 == 1), before: d, after: after,
                                           at: after.processedAt!)
            guard r[Generator.categories[category]] == 1 else { throw IndexBenchError.rollupShape("finishing \(category)") }
            return r
        case Kind.resultDigitised:
            return [.resultsDigitised: 1] // a result file flagged digitised (DossierRepository's upload)
        case 19, 20:
            return ServiceCounters.deltas(for: .returnResult(method: kind == 20 ? "electronic" : "counter"), before: d, after: d, at: t0)
        case Kind.refuse:
            return ServiceCounters.deltas(for: .refuse(reason: "Không đủ điều kiện"), before: d, after: d, at: t0)
        case Kind.withdraw:
            return ServiceCounters.deltas(for: .withdraw(reason: nil), before: d, after: d, at: t0)
        default:
            return ServiceCounters.deltas(for: .stop(reason: "Theo đề nghị"), before: d, after: d, at: t0)
        }
    }

    func isWorking(_ day: Int) -> Bool { (startWeekday + day) % 7 < 5 }

    /// The `n`-th working day after `day` (weekends off; holidays are not modelled).
    func workingDay(after day: Int, _ n: Int) -> Int {
        var d = day, left = n
        while left > 0 {
            d += 1
            if isWorking(d) { left -= 1 }
        }
        return d
    }

    /// The next office minute at or after `minute` (working days, 07:30–17:00).
    func office(_ minute: Int) -> Int {
        var d = minute / 1440, t = minute % 1440
        if t >= 1020 { d += 1; t = 450 } else if t < 450 { t = 450 }
        while !isWorking(d) { d += 1; t = 450 }
        return d * 1440 + t
    }

    func date(_ minute: Int) -> Date { Date(timeIntervalSince1970: Double(base + minute * 60)) }

    func iso(day: Int) -> String { day < days ? dayISO[day] : start.adding(days: day).iso }

    func size(_ options: IndexBench.Options) -> IndexBench.Size {
        .init(units: units.count, departments: departments.count, divisions: divisionCount, communes: communes.count, procedures: procs.count,
              dossiers: options.dossiers, years: options.years, from: start.iso, today: today.iso, days: days, seed: options.seed)
    }

    static let departmentNames = [
        "Sở Tư pháp", "Sở Xây dựng", "Sở Tài chính", "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo",
        "Sở Y tế", "Sở Nội vụ", "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo",
        "Sở Ngoại vụ", "Thanh tra tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", "Ban Quản lý các khu công nghiệp", "Sở Du lịch",
        "Sở Giao thông công chính", "Sở Quy hoạch – Kiến trúc", "Sở An toàn thực phẩm", "Ban Dân tộc",
    ]
    static let divisionNames = ["Hành chính – Tổng hợp", "Nghiệp vụ 1", "Nghiệp vụ 2", "Pháp chế", "Kế hoạch – Tài chính",
                                "Thanh tra", "Tổ chức cán bộ", "Quản lý chuyên ngành"]
    static let syllables = ["An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Phước", "Vĩnh", "Đông", "Tây", "Nam", "Bắc",
                            "Hưng", "Thuận", "Mỹ", "Lợi", "Thịnh", "Khánh", "Thành", "Lộc", "Điền", "Xuân", "Quang", "Hiệp",
                            "Trung", "Hải", "Sơn", "Lâm", "Định"]
}

enum IndexBenchError: Error { case rollupShape(String), loadMismatch(String) }

// MARK: The generator

/// Generates the dossiers day by day (deterministic for the seed) and adds what each of
/// their events would add to the roll-ups, the open gauge and the daily code sequence.
final class Generator {
    static let categories: [ServiceMetric] = [.finishedEarly, .finishedOnTime, .finishedLate]
    static let applicants = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Minh Đức", "Vũ Thị Hạnh",
                             "Đặng Quốc Huy", "Bùi Thị Lan", "Đỗ Văn Long", "Ngô Thị Mai"]
    static let openStates: Set<DossierState> = [.submitted, .received, .inProcess, .supplementRequested, .awaitingPayment]
    static let nullID = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    struct OpenKey: Hashable { let unit: Int; let procedure: Int; let channel: Int; let bucket: String }
    struct Event { var at: Int; var kind: UInt8; var a: Int }
    enum E {
        static let accept: UInt8 = 0, refuse: UInt8 = 1, forward: UInt8 = 2, request: UInt8 = 3, complete: UInt8 = 4
        static let apologise: UInt8 = 5, processed: UInt8 = 6, resultDigitised: UInt8 = 7, returned: UInt8 = 8
        static let withdraw: UInt8 = 9, stop: UInt8 = 10
    }

    let plan: Plan
    var rng: SplitMix
    let procIDs: [UUID]
    let procLower: [String]
    /// Per receiving unit: the procedures it handles and a Zipf-like choice among them.
    let procLists: [[Int]]
    let procPickers: [Picker]
    let receivingPicker: Picker
    /// Tree index → receiving index.
    let receivingIndex: [Int: Int]
    let metricCount: Int
    /// Day-grain roll-up sums per receiving unit: `counts[(r * days + day) * metrics + metric]`.
    var counts: [Int32]
    var openRollups: [Int: [String: Int]] = [:]
    /// `open_steps` (`OverdueRollups`): unit → (holder, state, bucket) → n, past days already folded as a
    /// day's first dashboard read leaves them.
    var openSteps: [Int: [StepKey: Int]] = [:]
    struct StepKey: Hashable { let holder: Int; let state: String; let bucket: String }
    var openCounters: [OpenKey: Int] = [:]
    var todaySequence: [Int: Int] = [:]
    var day = 0
    var serial: UInt64 = 0
    var events: [Event] = []
    var generated = 0
    var stats: [String: Int] = [:]

    init(plan: Plan, procedureIDs: [String: UUID], seed: Int) throws {
        self.plan = plan
        rng = SplitMix(UInt64(bitPattern: Int64(seed)) ^ 0xD055_1E55)
        procIDs = try plan.procs.map { p in
            guard let id = procedureIDs[p.code] else { throw IndexBenchError.loadMismatch("procedure \(p.code) not stored") }
            return id
        }
        procLower = procIDs.map { $0.uuidString.lowercased() }
        var lists: [[Int]] = []
        for unit in plan.receiving {
            let own = plan.units[unit].kind == .department ? plan.procs.indices.filter { plan.procs[$0].department == unit }
                : plan.procs.indices.filter { plan.procs[$0].department == nil }
            lists.append(own)
        }
        procLists = lists
        procPickers = lists.map { list in Picker(list.indices.map { 1 / pow(Double($0 + 1), 0.9) }) }
        receivingPicker = Picker(plan.receivingWeights)
        receivingIndex = Dictionary(uniqueKeysWithValues: plan.receiving.enumerated().map { ($1, $0) })
        metricCount = plan.metricNames.count
        counts = [Int32](repeating: 0, count: plan.receiving.count * plan.days * plan.metricNames.count)
        events.reserveCapacity(16)
    }

    static let dossierColumns = ["id", "code", "procedure_id", "receiving_unit_id", "holder_unit_id", "state", "channel", "due_at",
                                 "received_at", "lookup_secret_hash", "data", "version", "gauge_key"]

    /// The next days' dossiers as rows for `dossiers`, at least `target` of them unless the span ends.
    func nextChunk(target: Int) -> [[any SQLExpression]]? {
        guard day < plan.days else { return nil }
        var rows: [[any SQLExpression]] = []
        rows.reserveCapacity(target + 8_000)
        while day < plan.days && rows.count < target {
            var sequence = [Int](repeating: 0, count: plan.receiving.count)
            for _ in 0..<plan.dayCounts[day] { rows.append(dossier(day: day, sequence: &sequence)) }
            if day == plan.days - 1 {
                for (r, n) in sequence.enumerated() where n > 0 { todaySequence[plan.receiving[r]] = n }
            }
            day += 1
        }
        return rows
    }

    @inline(__always) func add(_ kind: Int, channel: Int, r: Int, minute: Int) {
        let base = (r * plan.days + minute / 1440) * metricCount
        for delta in plan.eventDeltas[kind * 3 + channel] { counts[base + delta.metric] &+= delta.n }
    }

    func count(_ key: String, _ n: Int = 1) { stats[key, default: 0] += n }

    func dossier(day d: Int, sequence: inout [Int]) -> [any SQLExpression] {
        let r = receivingPicker.pick(&rng)
        let unit = plan.receiving[r]
        let isDepartment = plan.units[unit].kind == .department
        let t = Double(d) / Double(plan.days)
        var p = procLists[r][procPickers[r].pick(&rng)]
        var channel: DossierChannel
        if !plan.isWorking(d) {
            // Counters are closed: weekend dossiers are submitted online.
            channel = .online
            var tries = 0
            while !plan.procs[p].online && tries < 8 { p = procLists[r][procPickers[r].pick(&rng)]; tries += 1 }
            if !plan.procs[p].online { channel = .counter }
        } else {
            let u = rng.unit(), online = 0.27 + 0.32 * t
            channel = u < online ? .online : u < online + 0.02 ? .post : .counter
            if channel == .online && !plan.procs[p].online { channel = .counter }
        }
        let ch = channel == .counter ? 0 : channel == .online ? 1 : 2
        var received = d * 1440 + (channel == .online ? rng.int(1440) : 450 + rng.int(540))
        if received > plan.nowMinute { received = d * 1440 + rng.int(max(1, plan.nowMinute - d * 1440)) }
        let originalDue = plan.workingDay(after: d, plan.procs[p].workingDays) * 1440 + 1020

        // The dossier's timeline (events after now are dropped below).
        events.removeAll(keepingCapacity: true)
        var cursor = received
        var dueTrack = originalDue
        let digitised = channel == .counter && rng.chance(0.35 + 0.5 * t) ? 1 + rng.int(3) : 0
        let reused = rng.chance(0.05 + 0.25 * t) ? 1 : 0
        var planned = true
        if channel != .counter {
            cursor = plan.office(cursor + 10 + rng.int(600))
            if rng.chance(0.015) { events.append(Event(at: cursor, kind: E.refuse, a: 0)); planned = false }
            else { events.append(Event(at: cursor, kind: E.accept, a: 0)) }
        } else if rng.chance(0.005) {
            events.append(Event(at: cursor + 5, kind: E.refuse, a: 0)); planned = false
        }
        if planned {
            let fate = rng.unit()
            let stuckPaused = fate >= 0.024 && fate < 0.030, stuckOpen = fate >= 0.006 && fate < 0.024
            if isDepartment || rng.chance(0.10) {
                cursor = plan.office(cursor + 20 + rng.int(480))
                let target: Int
                if isDepartment, let k = plan.departments.firstIndex(of: unit), !plan.divisions[k].isEmpty {
                    target = plan.divisions[k][rng.int(plan.divisions[k].count)]
                } else {
                    target = plan.departments[rng.int(plan.departments.count)]
                }
                events.append(Event(at: cursor, kind: E.forward, a: target * 2 + (rng.chance(0.92) ? 1 : 0)))
            }
            let s = rng.unit()
            var supplements = s < 0.015 ? 2 : s < 0.105 ? 1 : 0
            if stuckPaused { supplements = max(1, supplements) }
            for i in 0..<supplements {
                cursor = plan.office(cursor + 30 + rng.int(max(60, (dueTrack - cursor) / 2)))
                events.append(Event(at: cursor, kind: E.request, a: 0))
                if stuckPaused && i == supplements - 1 { planned = false; break }
                let back = plan.office(cursor + (2 + rng.int(14)) * 1440)
                let shift = (back / 1440 - cursor / 1440) * 1440
                cursor = back
                dueTrack += shift
                events.append(Event(at: cursor, kind: E.complete, a: shift))
            }
            if planned && fate < 0.004 {
                events.append(Event(at: plan.office(cursor + rng.int(3 * 1440)), kind: E.withdraw, a: 0)); planned = false
            } else if planned && fate < 0.006 {
                events.append(Event(at: plan.office(cursor + rng.int(5 * 1440)), kind: E.stop, a: 0)); planned = false
            } else if stuckOpen {
                planned = false
            }
        }
        if planned {
            // Early 62 %, on time 30 %, late 8 % as aimed; the engine's rule decides what each one is.
            let u = rng.unit()
            let dueDay = dueTrack / 1440
            var processed: Int
            if u < 0.62 && dueDay - 1 >= cursor / 1440 {
                let day = cursor / 1440 + rng.int(dueDay - cursor / 1440)
                processed = plan.office(max(cursor + 20, day * 1440 + 450 + rng.int(560)))
            } else if u < 0.92 {
                processed = max(cursor + 20, dueDay * 1440 + 450 + rng.int(560))
            } else {
                processed = plan.office(dueTrack + (1 + rng.int(15)) * 1440 - rng.int(400))
                let apologyAt = dueTrack - 60 - rng.int(1440)
                if rng.chance(0.7) && apologyAt > cursor {
                    let newDue = (processed / 1440 + rng.int(3)) * 1440 + 1020
                    if newDue > dueTrack { events.append(Event(at: apologyAt, kind: E.apologise, a: newDue)) }
                }
            }
            if processed <= cursor { processed = cursor + 20 }
            events.append(Event(at: processed, kind: E.processed, a: rng.chance(0.25 + 0.55 * t) ? 1 : 0))
            if rng.chance(0.5 + 0.45 * t) { events.append(Event(at: processed + 1, kind: E.resultDigitised, a: 0)) }
            let electronic = rng.chance(channel == .online ? 0.5 + 0.3 * t : 0.05 + 0.15 * t)
            let v = rng.unit()
            let returned = electronic ? processed + 5 + rng.int(60)
                : plan.office(processed + (v < 0.4 ? 10 + rng.int(240) : v < 0.8 ? (1 + rng.int(3)) * 1440 : (4 + rng.int(12)) * 1440))
            events.append(Event(at: max(returned, processed + 2), kind: E.returned, a: electronic ? 1 : 0))
        }

        // Apply the events up to now, as the engine would have: state, clock, counters.
        var state: DossierState = channel == .counter ? .received : .submitted
        var holder = unit
        var due = originalDue, original = originalDue
        var supplementRequests = 0, apologies = 0, version = 1
        var processedAt: Int?, returnedAt: Int?, pausedDays: Int?
        add(Plan.Kind.receive + digitised * 2 + reused, channel: ch, r: r, minute: received)
        for event in events {
            if event.at > plan.nowMinute { break }
            version += 1
            switch event.kind {
            case E.accept:
                state = .received
            case E.refuse:
                state = .refused
                add(Plan.Kind.refuse, channel: ch, r: r, minute: event.at)
            case E.forward:
                state = .inProcess
                holder = event.a / 2
                add(Plan.Kind.forward + event.a % 2, channel: ch, r: r, minute: event.at)
            case E.request:
                pausedDays = max(0, (due - event.at) / 1440)
                supplementRequests += 1
                state = .supplementRequested
                add(Plan.Kind.supplement, channel: ch, r: r, minute: event.at)
            case E.complete:
                due += event.a
                original += event.a
                pausedDays = nil
                state = holder == unit ? .received : .inProcess
            case E.apologise:
                due = event.a
                apologies += 1
                add(Plan.Kind.apology, channel: ch, r: r, minute: event.at)
            case E.processed:
                state = .processed
                processedAt = event.at
                var after = Dossier(id: .init(Generator.nullID), code: "", procedureID: .init(Generator.nullID),
                                    receivingUnitID: .init(Generator.nullID), channel: channel, applicant: .init(name: ""),
                                    components: [], state: .processed, receivedAt: plan.date(received), dueAt: plan.date(due))
                after.originalDueAt = plan.date(original)
                after.processedAt = plan.date(event.at)
                after.supplementRequests = supplementRequests
                let category = Self.categories.firstIndex(of: ServiceCounters.finishing(after, endedAt: plan.date(event.at))) ?? 1
                count(Self.categories[category].rawValue)
                add(Plan.Kind.processed + category * 2 + event.a, channel: ch, r: r, minute: event.at)
            case E.resultDigitised:
                version -= 1 // a file, not a state change
                add(Plan.Kind.resultDigitised, channel: ch, r: r, minute: event.at)
            case E.returned:
                state = .returned
                returnedAt = event.at
                add(Plan.Kind.returned + event.a, channel: ch, r: r, minute: event.at)
            case E.withdraw:
                state = .withdrawn
                add(Plan.Kind.withdraw, channel: ch, r: r, minute: event.at)
            default:
                state = .stopped
                add(Plan.Kind.stop, channel: ch, r: r, minute: event.at)
            }
        }
        count("state:" + state.rawValue)
        count("channel:" + channel.rawValue)
        if supplementRequests > 0 { count("supplemented") }
        if apologies > 0 { count("apologised") }
        var gaugeKey: String?
        if Self.openStates.contains(state) {
            var open = Dossier(id: .init(Generator.nullID), code: "", procedureID: .init(Generator.nullID),
                               receivingUnitID: .init(Generator.nullID), channel: channel, applicant: .init(name: ""),
                               components: [], state: state, receivedAt: plan.date(received), dueAt: plan.date(due))
            open.originalDueAt = plan.date(original)
            if let bucket = ServiceCounters.openKey(open) {
                gaugeKey = bucket
                count("open")
                if bucket == "paused" { count("open:paused") } else if bucket < plan.today.iso { count("open:late") }
                for u in plan.units[unit].lineage { openRollups[u, default: [:]][bucket, default: 0] += 1 }
                if bucket != ServiceCounters.pausedOnTime, bucket != ServiceCounters.pausedLate {
                    let key = StepKey(holder: holder, state: state.rawValue, bucket: Overdue.bucket(bucket, today: plan.today))
                    for u in plan.units[unit].lineage { openSteps[u, default: [:]][key, default: 0] += 1 }
                }
                openCounters[OpenKey(unit: unit, procedure: p, channel: ch, bucket: bucket), default: 0] += 1
            }
        }

        // The row, and its data as the engine stores it (StoredJSON of `Dossier`: sorted keys, dates as
        // seconds since 2001).
        sequence[r] += 1
        let seq = sequence[r]
        let code = plan.units[unit].code + "-" + plan.dayCode[d] + "-" + (seq < 10 ? "000" : seq < 100 ? "00" : seq < 1000 ? "0" : "") + String(seq)
        serial += 1
        let id = IndexBench.uuid(hi: ((0x0190_0000_0000 &+ serial) << 16) | 0x7000 | (rng.next() & 0x0FFF), lo: rng.next())
        let reference = plan.base - 978_307_200
        func ref(_ minute: Int) -> String { String(reference + minute * 60) }
        var json = "{\"apologies\":\(apologies),\"applicant\":{\"name\":\"\(Self.applicants[Int(serial % 10)])\"},\"channel\":\"\(channel.rawValue)\","
        json += "\"code\":\"\(code)\",\"components\":[\"Tờ khai\"],\"dueAt\":\(ref(due)),\"holderUnitID\":\"\(plan.units[holder].lower)\","
        json += "\"id\":\"\(id.uuidString.lowercased())\",\"originalDueAt\":\(ref(original))"
        if state == .supplementRequested, let pausedDays { json += ",\"pausedRemainingWorkingDays\":\(pausedDays)" }
        json += ",\"procedureID\":\"\(procLower[p])\""
        if let processedAt { json += ",\"processedAt\":\(ref(processedAt))" }
        json += ",\"receivedAt\":\(ref(received)),\"receivingUnitID\":\"\(plan.units[unit].lower)\""
        if let returnedAt { json += ",\"returnedAt\":\(ref(returnedAt))" }
        json += ",\"state\":\"\(state.rawValue)\",\"supplementRequests\":\(supplementRequests),\"version\":\(version)}"
        generated += 1
        return [SQLBind(id), SQLBind(code), SQLBind(procIDs[p]), SQLBind(plan.units[unit].id), SQLBind(plan.units[holder].id),
                SQLBind(state.rawValue), SQLBind(channel.rawValue), SQLBind(plan.date(due)), SQLBind(plan.date(received)),
                SQLBind(IndexBench.secretHash), SQLBind(json), SQLBind(version), gaugeKey.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null]
    }

    // MARK: Roll-up rows

    /// Units with roll-ups (every unit on a receiving unit's path), in the order of the unique index.
    var rollupUnits: [Int] {
        Array(Set(plan.receiving.flatMap { plan.units[$0].lineage })).sorted { plan.units[$0].id.uuidString < plan.units[$1].id.uuidString }
    }

    /// `index_totals` rows of one unit — its subtree's receiving units summed — by day, month and year:
    /// a row per period with any event, a column per metric (in `IndexRollups.metrics` order).
    func rollupRows(unit: Int, grains: inout [String: Int]) -> [[any SQLExpression]] {
        let m = metricCount, days = plan.days
        var sums = [Int64](repeating: 0, count: days * m)
        for (r, receiver) in plan.receiving.enumerated() where plan.units[receiver].lineage.contains(unit) {
            let base = r * days * m
            for i in 0..<(days * m) where counts[base + i] != 0 { sums[i] += Int64(counts[base + i]) }
        }
        var months = [Int64](repeating: 0, count: plan.monthKeys.count * m)
        var years = [Int64](repeating: 0, count: plan.yearKeys.count * m)
        var rows: [[any SQLExpression]] = []
        let id = SQLBind(plan.units[unit].id)
        func row(_ grain: String, _ period: String, _ values: ArraySlice<Int64>) {
            guard values.contains(where: { $0 != 0 }) else { return }
            rows.append([id, SQLBind(grain), SQLBind(period)] + values.map { SQLBind($0) })
            grains[grain, default: 0] += 1
        }
        for d in 0..<days {
            for k in 0..<m where sums[d * m + k] != 0 {
                months[plan.monthOfDay[d] * m + k] += sums[d * m + k]
                years[plan.yearOfDay[d] * m + k] += sums[d * m + k]
            }
            row("d", plan.dayISO[d], sums[(d * m)..<((d + 1) * m)])
        }
        for (i, key) in plan.monthKeys.enumerated() { row("m", key, months[(i * m)..<((i + 1) * m)]) }
        for (i, key) in plan.yearKeys.enumerated() { row("y", key, years[(i * m)..<((i + 1) * m)]) }
        return rows
    }
}

// MARK: Loading

enum Loader {
    /// The dossier indexes of the migrations, dropped during the bulk load and built again after it
    /// (the same names and columns), so 10 million rows do not update four B-trees one row at a time.
    static let dossierIndexes: [(String, [String])] = [
        ("dossiers_holder_due_idx", ["holder_unit_id", "due_at"]), ("dossiers_receiving_idx", ["receiving_unit_id"]),
        ("dossiers_citizen_idx", ["citizen_id"]), ("dossiers_receiving_received_idx", ["receiving_unit_id", "received_at"]),
        ("dossiers_gauge_key_idx", ["receiving_unit_id", "gauge_key"]),
    ]

    static func load(_ db: any Database, plan: Plan, config: DatabaseConfig) async throws -> IndexBench.LoadReport {
        let postgres = SQLDialectKind(db) == .postgres
        let sql = try db.sql
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed(since t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9 }
        var sqliteDefaults: (synchronous: String, cacheSize: String)?
        if !postgres {
            // Bulk-load settings for this connection only, put back before measuring.
            func value(_ pragma: String) async throws -> String {
                guard let row = try await sql.raw("PRAGMA \(unsafeRaw: pragma)").first(), let column = row.allColumns.first else { return "" }
                return (try? row.decode(column: column, as: Int.self)).map(String.init) ?? ""
            }
            sqliteDefaults = (try await value("synchronous"), try await value("cache_size"))
            try await sql.raw("PRAGMA synchronous=OFF").run()
            try await sql.raw("PRAGMA cache_size=-524288").run()
        }

        // Units, with their materialised paths.
        let now = plan.now
        let unitRows: [[any SQLExpression]] = plan.units.map { u in
            [SQLBind(u.id), SQLBind(u.key), SQLBind(u.code), SQLBind(u.kind.rawValue), SQLBind(u.name),
             SQLBind(VietnameseText.searchKey(u.name + " " + u.code)),
             u.parent.map { SQLBind(plan.units[$0].id) as any SQLExpression } ?? SQLLiteral.null,
             SQLBind(u.path), SQLLiteral.null, SQLLiteral.null, SQLBind(1), SQLBind(now), SQLBind(now)]
        }
        try await insert(db, table: "units", columns: ["id", "key", "code", "kind", "name", "name_search", "parent_id", "path",
                                                        "valid_from", "valid_to", "version", "created_at", "updated_at"],
                         rows: unitRows, perStatement: 500, postgres: postgres)
        // The catalogue through the importer (one transaction; terms, versions, catalogue_state as usual).
        let file = ProcedureImportFile(procedures: plan.procs.map { p in
            .init(code: p.code, name: p.name, field: p.field, level: p.department == nil ? "commune" : "province",
                  unitKey: p.department.map { plan.units[$0].key },
                  agency: p.department.map { plan.units[$0].name } ?? "Ủy ban nhân dân cấp xã", applicants: "Cá nhân, tổ chức",
                  steps: ["Nộp hồ sơ", "Thẩm định", "Trả kết quả"], methods: p.online ? ["counter", "post", "online"] : ["counter", "post"],
                  documents: [.init(name: "Tờ khai", copies: 1)],
                  processingTime: .init(amount: Double(p.workingDays), unit: "workingDays"), processingNote: nil,
                  result: "Quyết định", resultType: "both", fees: [], legalBasis: p.complete ? ["Nghị định 61/2018/NĐ-CP"] : [],
                  onlineLevel: p.onlineLevel, fullOnlineEligible: p.onlineLevel == "full", interAgencySteps: nil, history: nil)
        })
        _ = try await ProcedureImporter(db: db).run(file, actor: .system("bench"), now: now)
        var procedureIDs: [String: UUID] = [:]
        for row in try await sql.select().columns("id", "code").from("procedures").all() {
            procedureIDs[try row.decode(column: "code", as: String.self)] = try row.decode(column: "id", as: UUID.self)
        }
        print("units: \(plan.units.count), procedures: \(procedureIDs.count) (\(fmt(elapsed(since: started), 1)) s)")

        // Dossiers, day by day, 20,000 rows a transaction, the next chunk generated while one is written.
        let generator = try Generator(plan: plan, procedureIDs: procedureIDs, seed: plan.seed)
        for (name, _) in dossierIndexes { try await sql.drop(index: name).run() }
        let dossierStart = DispatchTime.now().uptimeNanoseconds
        var reported = 0
        let total = plan.dayCounts.reduce(0, +)
        let step = max(100_000, total / 10)
        try await pipeline(db, table: "dossiers", columns: Generator.dossierColumns, perStatement: 1_000, postgres: postgres) {
            let chunk = generator.nextChunk(target: 20_000)
            if generator.generated - reported >= step || (chunk == nil && reported < generator.generated) {
                reported = generator.generated
                let s = elapsed(since: dossierStart)
                print("  dossiers: \(grouped(reported)) / \(grouped(total)) in \(fmt(s, 0)) s (\(grouped(Int(Double(reported) / max(s, 0.001))))/s)")
            }
            return chunk
        }
        let indexStart = DispatchTime.now().uptimeNanoseconds
        for (name, columns) in dossierIndexes {
            var create = sql.create(index: name).on("dossiers")
            for column in columns { create = create.column(column) }
            try await create.run()
        }
        let dossierSeconds = elapsed(since: dossierStart)
        print("dossiers: \(grouped(generator.generated)) rows in \(fmt(dossierSeconds, 1)) s (indexes built again in \(fmt(elapsed(since: indexStart), 1)) s)")

        // Roll-ups, unit by unit in index order; the open gauge; today's code sequences.
        let rollupStart = DispatchTime.now().uptimeNanoseconds
        var grains: [String: Int] = [:]
        var pendingUnits = generator.rollupUnits[...]
        try await pipeline(db, table: "index_totals", columns: ["unit_id", "grain", "period"] + plan.metricNames, perStatement: 500,
                           postgres: postgres) {
            var rows: [[any SQLExpression]] = []
            while rows.count < 10_000, let unit = pendingUnits.popFirst() { rows += generator.rollupRows(unit: unit, grains: &grains) }
            return rows.isEmpty ? nil : rows
        }
        let openRows: [[any SQLExpression]] = generator.openRollups.sorted { plan.units[$0.key].id.uuidString < plan.units[$1.key].id.uuidString }
            .flatMap { unit, buckets in
                buckets.sorted { $0.key < $1.key }.map { [SQLBind(plan.units[unit].id), SQLBind($0.key), SQLBind(Int64($0.value))] as [any SQLExpression] }
            }
        try await insert(db, table: "open_rollups", columns: ["unit_id", "bucket", "n"], rows: openRows, perStatement: 2_000, postgres: postgres)
        let openTotalRows: [[any SQLExpression]] = generator.openRollups.compactMap { unit, buckets in
            let n = buckets.values.reduce(0, +)
            return n == 0 ? nil : [SQLBind(plan.units[unit].id), SQLBind(Int64(n))]
        }
        try await insert(db, table: "open_totals", columns: ["unit_id", "n"], rows: openTotalRows, perStatement: 2_000, postgres: postgres)
        let stepRows: [[any SQLExpression]] = generator.openSteps.flatMap { unit, keys in
            keys.map { key, n in
                [SQLBind(plan.units[unit].id), SQLBind(plan.units[key.holder].id), SQLBind(key.state), SQLBind(key.bucket), SQLBind(Int64(n))] as [any SQLExpression]
            }
        }
        try await insert(db, table: "open_steps", columns: ["unit_id", "holder_unit_id", "state", "bucket", "n"], rows: stepRows,
                         perStatement: 2_000, postgres: postgres)
        let openCounterRows: [[any SQLExpression]] = generator.openCounters.map { key, n in
            [SQLBind(plan.units[key.unit].id), SQLBind(generator.procIDs[key.procedure]), SQLBind(DossierChannel.allCases[key.channel].rawValue),
             SQLBind(key.bucket), SQLBind(Int64(n))]
        }
        try await insert(db, table: "open_counters", columns: ["unit_id", "procedure_id", "channel", "due_day", "n"], rows: openCounterRows,
                         perStatement: 2_000, postgres: postgres)
        let sequenceRows: [[any SQLExpression]] = generator.todaySequence.map { unit, n in
            [SQLBind(plan.units[unit].id), SQLBind(plan.today.iso), SQLBind(n)]
        }
        try await insert(db, table: "dossier_counters", columns: ["unit_id", "day", "n"], rows: sequenceRows, perStatement: 2_000, postgres: postgres)
        let rollupSeconds = elapsed(since: rollupStart)
        let rollupTotal = grains.values.reduce(0, +)
        print("index_totals: \(grouped(rollupTotal)) rows (d \(grouped(grains["d"] ?? 0)), m \(grouped(grains["m"] ?? 0)), y \(grouped(grains["y"] ?? 0))), "
              + "open_rollups: \(openRows.count), open_steps: \(stepRows.count), open_counters: \(openCounterRows.count) in \(fmt(rollupSeconds, 1)) s")

        // What the nightly `index-settle` job leaves: the gauge at the end of each past month (the
        // periods the dashboards and rankings ask for) and of the last 31 days, past due days folded.
        let settleStart = DispatchTime.now().uptimeNanoseconds
        for key in plan.monthKeys {
            let parts = key.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, let first = LocalDate(year: parts[0], month: parts[1], day: 1) else { continue }
            let end = first.adding(months: 1).adding(days: -1)
            if end < plan.today.adding(days: -IndexSettle.catchUpDays) { try await IndexSettle.recordEnd(of: end, today: plan.today, on: db) }
        }
        let settled = try await IndexSettle.run(today: plan.today, on: db)
        print("index-settle: \(settled.recorded.count) day ends + the month ends recorded, \(grouped(settled.folded)) gauge rows folded "
              + "in \(fmt(elapsed(since: settleStart), 1)) s")

        // Settle: statistics for the planner, the WAL folded into the file, the app's own settings back.
        let finishStart = DispatchTime.now().uptimeNanoseconds
        if postgres {
            struct Broken: Decodable { let n: Int }
            let broken = try await sql.raw("""
                SELECT COUNT(*) AS n FROM dossiers d
                WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.id = d.receiving_unit_id)
                   OR NOT EXISTS (SELECT 1 FROM units u WHERE u.id = d.holder_unit_id)
                   OR NOT EXISTS (SELECT 1 FROM procedures p WHERE p.id = d.procedure_id)
                """).first(decoding: Broken.self)?.n ?? -1
            guard broken == 0 else { throw IndexBenchError.loadMismatch("\(broken) dossiers with a unit or procedure that does not exist") }
            for table in ["units", "procedures", "dossiers", "index_totals", "open_rollups", "open_totals", "open_steps", "open_counters"] {
                try await sql.raw("VACUUM (ANALYZE) \(ident: table)").run()
            }
            for table in ["open_moves", "open_ends", "open_end_days"] {
                try await sql.raw("VACUUM (ANALYZE) \(ident: table)").run()
            }
        } else {
            try await sql.raw("PRAGMA analysis_limit=1000").run()
            try await sql.raw("ANALYZE").run()
            _ = try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
            if let sqliteDefaults {
                try await sql.raw("PRAGMA synchronous=\(unsafeRaw: sqliteDefaults.synchronous)").run()
                try await sql.raw("PRAGMA cache_size=\(unsafeRaw: sqliteDefaults.cacheSize)").run()
                try await sql.raw("PRAGMA analysis_limit=0").run()
            }
        }
        let finishSeconds = elapsed(since: finishStart)
        // The rows the database holds, counted by it.
        var rows: [String: Int] = [:]
        for table in ["units", "procedures", "dossiers", "index_totals", "open_rollups", "open_totals", "open_steps", "open_counters"] {
            rows[table] = try await ServerBench.count(db, table)
        }
        guard rows["dossiers"] == generator.generated, rows["index_totals"] == rollupTotal else {
            throw IndexBenchError.loadMismatch("rows \(rows) vs generated \(generator.generated) dossiers, \(rollupTotal) roll-ups")
        }
        let bytes: Int64
        switch config {
        case .sqlite(let path):
            bytes = ["", "-wal", "-shm"].reduce(Int64(0)) { sum, suffix in
                sum + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? NSNumber)?.int64Value ?? 0)
            }
        case .postgres:
            struct Size: Decodable { let size: Int64 }
            bytes = try await sql.raw("SELECT pg_database_size(current_database()) AS size").first(decoding: Size.self)?.size ?? 0
        }
        let seconds = elapsed(since: started)
        print("load: \(fmt(seconds, 1)) s (dossiers \(fmt(dossierSeconds, 1)) s = \(grouped(Int(Double(generator.generated) / max(dossierSeconds, 0.001))))/s, "
              + "roll-ups \(fmt(rollupSeconds, 1)) s, \(postgres ? "VACUUM ANALYZE" : "ANALYZE + checkpoint") \(fmt(finishSeconds, 1)) s); "
              + "database \(fmt(Double(bytes) / 1e9, 2)) GB")
        // What the generator made, as shares of all dossiers.
        let n = Double(max(1, generator.generated))
        var shares: [String: Double] = [:]
        for (key, value) in generator.stats { shares[key] = Double(value) / n }
        let finished = Double(["finished_early", "finished_on_time", "finished_late"].reduce(0) { $0 + (generator.stats[$1] ?? 0) })
        for key in ["finished_early", "finished_on_time", "finished_late"] { shares[key + " (of finished)"] = Double(generator.stats[key] ?? 0) / max(1, finished) }
        print("generated: " + ["channel:online", "channel:counter", "channel:post", "state:returned", "state:processed", "open", "open:late",
                               "open:paused", "supplemented", "apologised", "state:refused", "state:withdrawn", "state:stopped"]
            .map { "\($0) \(fmt(100 * (shares[$0] ?? 0), 1)) %" }.joined(separator: ", ")
            + "; of finished: early \(fmt(100 * (shares["finished_early (of finished)"] ?? 0), 1)) %, on time \(fmt(100 * (shares["finished_on_time (of finished)"] ?? 0), 1)) %, "
            + "late \(fmt(100 * (shares["finished_late (of finished)"] ?? 0), 1)) %")
        return IndexBench.LoadReport(
            seconds: seconds, dossierSeconds: dossierSeconds, dossiersPerSecond: Double(generator.generated) / max(dossierSeconds, 0.001),
            rollupSeconds: rollupSeconds, finishSeconds: finishSeconds, rows: rows, rollupRowsByGrain: grains, bytes: bytes, shares: shares,
            notes: "multi-row INSERTs (1,000 dossiers or 2,000 roll-up rows a statement, 20,000 dossiers a transaction); "
                + "the four secondary dossier indexes dropped during the load and built again; "
                + (postgres ? "synchronous_commit off and foreign-key triggers off (session_replication_role = replica) in the load transactions, the references checked in one query after; VACUUM (ANALYZE) after"
                    : "synchronous=OFF and a 512 MB page cache while loading, the defaults back after; ANALYZE (analysis_limit 1000) and a WAL checkpoint after"))
    }

    /// Inserts rows in multi-row statements inside one write transaction.
    static func insert(_ db: any Database, table: String, columns: [String], rows: [[any SQLExpression]], perStatement: Int,
                       postgres: Bool) async throws {
        guard !rows.isEmpty else { return }
        try await db.writeTransaction { tx in
            if postgres {
                // Bulk-load settings of this transaction only: no wait for the WAL flush at commit, and no
                // row-by-row foreign-key triggers (what pg_restore --disable-triggers does); the references
                // are checked in one query after the load.
                try await tx.sql.raw("SET LOCAL synchronous_commit TO OFF").run()
                try await tx.sql.raw("SET LOCAL session_replication_role = replica").run()
            }
            var i = 0
            while i < rows.count {
                let end = min(i + perStatement, rows.count)
                let insert = try tx.sql.insert(into: table).columns(columns)
                for row in rows[i..<end] { _ = insert.values(row) }
                try await insert.run()
                i = end
            }
        }
    }

    /// Writes the chunks `next` returns, one transaction each, generating the next while one is written.
    static func pipeline(_ db: any Database, table: String, columns: [String], perStatement: Int, postgres: Bool,
                         next: () throws -> [[any SQLExpression]]?) async throws {
        var pending: Task<Void, any Error>?
        while let chunk = try next() {
            if let pending { try await pending.value }
            pending = Task { try await insert(db, table: table, columns: columns, rows: chunk, perStatement: perStatement, postgres: postgres) }
        }
        try await pending?.value
    }
}

// MARK: Measuring

enum Measure {
    struct Result {
        var scope: Latency
        var province: Latency
        var provinceCurrentYear: Latency
        var provincePastYears: Latency
        var rollupTotals: Latency
        var openGauge: Latency
        /// The leader's dashboard's overdue blocks: counts by unit and step, and the ten longest overdue.
        var overdue: Latency
        var commune: Latency
        var ranking: Latency
        var rankingCurrentYear: Latency
        var rankingPastYears: Latency
        var openGaugeInSQL: Latency
        /// Parts of the overdue blocks and of the ranking, timed alone.
        var parts: [Latency]
        var naiveProvince: Latency
        var naiveCommune: Latency
        var first: [String: Double]
        var rankedUnits: Int
        var agree: Bool
        var checks: [String]
    }

    struct NaiveRow: Decodable { let channel: String; let state: String; let n: Int; let past_due: Int? }

    /// The naive aggregate: dossiers of the subtree received in the period, by channel and state.
    static func naive(_ db: any Database, root: Plan.Unit, from: Date, to: Date, now: Date) async throws -> [NaiveRow] {
        try await db.sql.raw("""
            SELECT d.channel AS channel, d.state AS state, COUNT(*) AS n,
                   SUM(CASE WHEN d.due_at < \(bind: now) THEN 1 ELSE 0 END) AS past_due
            FROM dossiers d JOIN units u ON u.id = d.receiving_unit_id
            WHERE u.path LIKE \(bind: "%/" + root.lower + "/%")
              AND d.received_at >= \(bind: from) AND d.received_at < \(bind: to)
            GROUP BY d.channel, d.state
            """).all(decoding: NaiveRow.self)
    }

    static func run(_ db: any Database, plan: Plan, options: IndexBench.Options) async throws -> Result {
        let repo = IndexRepository(db: db)
        let set = IndicatorSet.decision766v2022
        let today = plan.today
        var rng = SplitMix(UInt64(bitPattern: Int64(options.seed)) &+ 17)
        var checks: [String] = []
        var agree = true
        func check(_ ok: Bool, _ text: String) {
            if !ok { agree = false; print("CHECK FAILED: \(text)") }
            checks.append((ok ? "ok: " : "FAILED: ") + text)
        }
        // Whole years of the data (the first, partial year only when nothing else), the current one included.
        let firstYear = plan.start.month == 1 && plan.start.day == 1 ? plan.start.year : plan.start.year + 1
        let yearList = firstYear <= today.year ? Array(firstYear...today.year) : [today.year]
        func yearPeriod(_ y: Int) -> (LocalDate, LocalDate) { (LocalDate(year: y, month: 1, day: 1)!, LocalDate(year: y, month: 12, day: 31)!) }
        func instant(_ date: LocalDate) -> Date { VietnamTime.instant(date, TimeOfDay(hour: 0)!) }
        let root = plan.units[0]
        let rootID = OrgUnit.ID(root.id)

        // The scope of the province, read once (timed separately).
        var scopeNanos: [UInt64] = []
        var scope = IndexScope(root: rootID, units: [], includesCommunes: false)
        for _ in 0..<max(5, min(20, options.requests / 10)) { scopeNanos.append(try await measure { scope = try await repo.scope(rootID) }) }
        check(scope.units.count == plan.units.count && scope.includesCommunes, "scope of the province: \(scope.units.count) units")

        // (a) Dashboard of the province for a year.
        var first: [String: Double] = [:]
        var provinceNanos: [UInt64] = [], currentYearNanos: [UInt64] = [], pastYearNanos: [UInt64] = []
        var provinceFacts: [Int: [IndexFact: Double]] = [:]
        for _ in 0..<options.requests {
            let y = yearList[rng.int(yearList.count)]
            let (from, through) = yearPeriod(y)
            var facts: [IndexFact: Double] = [:]
            provinceNanos.append(try await measure {
                facts = try await repo.facts(scope, from: from, through: through, today: today)
                _ = IndexScoring.total(IndexScoring.evaluate(set, facts: facts))
            })
            provinceFacts[y] = facts
            if y == today.year { currentYearNanos.append(provinceNanos.last!) } else { pastYearNanos.append(provinceNanos.last!) }
        }
        first["dashboardProvince"] = Double(provinceNanos[0]) / 1e6
        let province = Latency(name: "dashboard province × year", nanos: provinceNanos)
        // Where its time goes: the year's roll-up sums and the open gauge (read only when the year reaches
        // today); the rest is the catalogue's count over the scope's units.
        var totalsNanos: [UInt64] = [], openNanos: [UInt64] = []
        for _ in 0..<max(1, options.requests / 2) {
            let y = yearList[rng.int(yearList.count)]
            let period = try ReportPeriod(from: yearPeriod(y).0, through: yearPeriod(y).1)
            totalsNanos.append(try await measure { _ = try await IndexRollups.totals(unit: rootID, period: period, on: db) })
            openNanos.append(try await measure { _ = try await IndexRollups.open(unit: rootID, today: today, on: db) })
        }
        // For comparison only (not what the app runs): the same gauge summed by the database, which
        // returns three rows instead of one per due day.
        var openSQLNanos: [UInt64] = []
        var openSQL = OpenSums()
        for _ in 0..<max(1, options.requests / 2) {
            openSQLNanos.append(try await measure { openSQL = try await openGaugeInSQL(db, units: [rootID.rawValue], today: today)[rootID.rawValue] ?? OpenSums() })
        }
        let appGauge = try await IndexRollups.open(unit: rootID, today: today, on: db)
        check(openSQL == appGauge, "open gauge summed in SQL = IndexRollups.open")
        let children = plan.units.indices.filter { plan.units[$0].parent == 0 }
        let childIDs = children.map { plan.units[$0].id }
        let childGauges = try await IndexRollups.open(units: .children(of: rootID.rawValue), today: today, on: db)
        let childGaugesInSQL = try await openGaugeInSQL(db, units: childIDs, today: today)
        check(childIDs.allSatisfy { (childGauges[$0] ?? OpenSums()) == (childGaugesInSQL[$0] ?? OpenSums()) },
              "open gauge of \(childIDs.count) children (their totals, late and paused rows) = every row summed in SQL")
        // The dashboard's overdue blocks (`IndexService.overdue`): counts by holding unit and step, and the
        // ten longest overdue dossiers, read through the gauge's index on the dossiers.
        var overdueNanos: [UInt64] = []
        var counted = Overdue.Summary(total: 0, byState: [:], byHolder: [:])
        for _ in 0..<options.requests {
            overdueNanos.append(try await measure {
                counted = try await repo.overdueSummary(scope, today: today, holders: 10)
                _ = try await repo.longestOverdue(scope, today: today, limit: 10)
            })
        }
        first["dashboardOverdue"] = Double(overdueNanos[0]) / 1e6
        let overdue = Latency(name: "dashboard overdue by unit/step + list", nanos: overdueNanos)
        // Its parts: the roll-up's counts, and the ten longest overdue read through the gauge's days.
        var overdueCountNanos: [UInt64] = [], overdueListNanos: [UInt64] = []
        for _ in 0..<max(1, options.requests / 2) {
            overdueCountNanos.append(try await measure { _ = try await repo.overdueSummary(scope, today: today, holders: 10) })
            overdueListNanos.append(try await measure { _ = try await repo.longestOverdue(scope, today: today, limit: 10) })
        }
        let overdueCounts = Latency(name: "part: overdue counts (open_steps)", nanos: overdueCountNanos)
        let overdueList = Latency(name: "part: ten longest overdue", nanos: overdueListNanos)
        check(counted.total == appGauge.late, "overdue now \(counted.total) = the gauge's late \(appGauge.late)")

        // (a) Dashboard of a random commune for a random month (scopes read beforehand).
        let monthList: [LocalDate] = {
            var list: [LocalDate] = []
            var m = LocalDate(year: plan.start.year, month: plan.start.month, day: 1)!.adding(months: 1)
            while m <= today { list.append(m); m = m.adding(months: 1) }
            return list.isEmpty ? [LocalDate(year: today.year, month: today.month, day: 1)!] : list
        }()
        let samples = (0..<options.requests).map { _ in (plan.communes[rng.int(plan.communes.count)], monthList[rng.int(monthList.count)]) }
        var scopes: [Int: IndexScope] = [:]
        for (commune, _) in samples where scopes[commune] == nil { scopes[commune] = try await repo.scope(OrgUnit.ID(plan.units[commune].id)) }
        var communeNanos: [UInt64] = []
        var communeFacts: [[IndexFact: Double]] = []
        for (commune, month) in samples {
            let through = month.adding(months: 1).adding(days: -1)
            var facts: [IndexFact: Double] = [:]
            communeNanos.append(try await measure {
                facts = try await repo.facts(scopes[commune]!, from: month, through: through, today: today)
                _ = IndexScoring.total(IndexScoring.evaluate(set, facts: facts))
            })
            communeFacts.append(facts)
        }
        first["dashboardCommune"] = Double(communeNanos[0]) / 1e6
        let commune = Latency(name: "dashboard commune × month", nanos: communeNanos)

        // (b) Ranking: every child of the province for a year, scored and sorted.
        let roots = children.map { (id: OrgUnit.ID(plan.units[$0].id), communes: plan.units[$0].kind == .commune) }
        let names = Dictionary(uniqueKeysWithValues: children.map { (OrgUnit.ID(plan.units[$0].id), plan.units[$0].name) })
        // Scored and ranked as the app ranks (`IndexService.rankings`: `IndexRanking.rank`, ties by name).
        func rank(_ facts: [OrgUnit.ID: IndexFacts]) -> Int {
            IndexRanking.rank(facts.map { (subject: $0.key, name: names[$0.key] ?? "", facts: $0.value) }, set: set).count
        }
        var rankingNanos: [UInt64] = [], rankingCurrentNanos: [UInt64] = [], rankingPastNanos: [UInt64] = []
        var ranked = 0
        for _ in 0..<options.requests {
            let y = yearList[rng.int(yearList.count)]
            let period = try ReportPeriod(from: yearPeriod(y).0, through: yearPeriod(y).1)
            rankingNanos.append(try await measure {
                ranked = rank(try await repo.facts(ofRoots: roots, childrenOf: rootID, period: period, today: today))
            })
            if y == today.year { rankingCurrentNanos.append(rankingNanos.last!) } else { rankingPastNanos.append(rankingNanos.last!) }
        }
        first["ranking"] = Double(rankingNanos[0]) / 1e6
        let ranking = Latency(name: "ranking \(roots.count) children × year", nanos: rankingNanos)
        // Where the ranking's time goes: the children's roll-up sums, their gauges now (current year) or at a
        // past year's end, and scoring and sorting in Swift; the rest is the catalogue and feedback.
        var sumsNanos: [UInt64] = [], nowNanos: [UInt64] = [], endNanos: [UInt64] = [], scoringNanos: [UInt64] = []
        let rootIDs = roots.map(\.id), pastYear = yearList.count > 1 ? yearList[yearList.count - 2] : today.year - 1
        let sample = try await repo.facts(ofRoots: roots, childrenOf: rootID, period: try ReportPeriod(from: yearPeriod(today.year).0, through: yearPeriod(today.year).1), today: today)
        for _ in 0..<max(1, options.requests / 4) {
            let y = yearList[rng.int(yearList.count)]
            let period = try ReportPeriod(from: yearPeriod(y).0, through: yearPeriod(y).1)
            sumsNanos.append(try await measure { _ = try await IndexRollups.totals(units: .children(of: rootID.rawValue), period: period, on: db) })
            nowNanos.append(try await measure { _ = try await IndexRollups.open(units: .children(of: rootID.rawValue), today: today, on: db) })
            endNanos.append(try await measure { _ = try await OpenCounterStore.atEnd(of: yearPeriod(pastYear).1, roots: rootIDs, childrenOf: rootID, on: db) })
            scoringNanos.append(try await measure { _ = rank(sample) })
        }
        let rankingParts = [Latency(name: "part: children's roll-up sums", nanos: sumsNanos),
                            Latency(name: "part: children's gauges now", nanos: nowNanos),
                            Latency(name: "part: children's gauges at a year's end", nanos: endNanos),
                            Latency(name: "part: scoring and sorting", nanos: scoringNanos)]
        check(ranked == roots.count, "ranking scored \(ranked) of \(roots.count) children")
        // The ranking's facts of a child are the child's own dashboard facts.
        let y = yearList.last!
        let period = try ReportPeriod(from: yearPeriod(y).0, through: yearPeriod(y).1)
        let ofRoots = try await repo.facts(ofRoots: roots, childrenOf: rootID, period: period, today: today)
        check(ofRoots == (try await repo.facts(ofRoots: roots, period: period, today: today)), "ranking facts read as the children of the province = read by their ids")
        for child in [children.first!, children[children.count / 2], children.last!] {
            let id = OrgUnit.ID(plan.units[child].id)
            let own = try await repo.facts(try await repo.scope(id), from: period.from, through: period.through, today: today)
            let other = ofRoots[id]?.dictionary ?? [:]
            let differ = Set(own.keys).union(other.keys).filter { (own[$0] ?? 0) != (other[$0] ?? 0) }
            check(differ.isEmpty, "ranking facts = dashboard facts for \(plan.units[child].name) \(y)"
                  + (differ.isEmpty ? "" : ": " + differ.map { "\($0.rawValue) \(own[$0] ?? 0) vs \(other[$0] ?? 0)" }.joined(separator: ", ")))
        }

        // (c) Naive: the commune months first (cheap), then the province years.
        var naiveCommuneNanos: [UInt64] = []
        var communeMismatches = 0
        for (i, (unit, month)) in samples.enumerated() {
            let next = month.adding(months: 1)
            var rows: [NaiveRow] = []
            naiveCommuneNanos.append(try await measure { rows = try await naive(db, root: plan.units[unit], from: instant(month), to: instant(next), now: plan.now) })
            if !agrees(rows, communeFacts[i]) { communeMismatches += 1 }
        }
        first["naiveCommune"] = Double(naiveCommuneNanos[0]) / 1e6
        check(communeMismatches == 0, "received by channel, naive = roll-ups, \(samples.count) commune months (\(communeMismatches) differ)")
        let naiveCommune = Latency(name: "naive commune × month", nanos: naiveCommuneNanos)
        var naiveNanos: [UInt64] = []
        for run in 0..<options.naiveRuns {
            // Each measured year in turn (the dashboard's facts of that year are known).
            let y = yearList[(yearList.count - 1 + run) % yearList.count]
            let (from, through) = yearPeriod(y)
            var rows: [NaiveRow] = []
            naiveNanos.append(try await measure { rows = try await naive(db, root: root, from: instant(from), to: instant(through.adding(days: 1)), now: plan.now) })
            print("  naive province \(y): \(fmt(Double(naiveNanos.last!) / 1e6, 1)) ms, \(grouped(rows.reduce(0) { $0 + $1.n })) dossiers")
            var facts = provinceFacts[y] ?? [:]
            if provinceFacts[y] == nil { facts = try await repo.facts(scope, from: from, through: through, today: today) }
            if run < yearList.count {
                check(agrees(rows, facts), "received by channel, naive = roll-ups, province \(y): \(grouped(rows.reduce(0) { $0 + $1.n })) dossiers")
            }
        }
        first["naiveProvince"] = Double(naiveNanos[0]) / 1e6
        let naiveProvince = Latency(name: "naive province × year", nanos: naiveNanos)
        // The open gauge against the dossiers themselves.
        struct Open: Decodable { let n: Int }
        let openStates = Generator.openStates.map(\.rawValue)
        let open = try await db.sql.select().column(SQLRaw("COUNT(*)"), as: "n").from("dossiers").where("state", .in, openStates)
            .first(decoding: Open.self)?.n ?? -1
        let gauge = try await IndexRollups.open(unit: rootID, today: today, on: db)
        check(open == gauge.onTime + gauge.late + gauge.paused, "open dossiers \(open) = gauge \(gauge.onTime) on time + \(gauge.late) late + \(gauge.paused) paused")
        // A sample of stored dossiers decodes as the engine's `Dossier` and matches its columns.
        struct Stored: Decodable { let code: String; let state: String; let channel: String; let data: String }
        let stored = try await db.sql.select().columns("code", "state", "channel", "data").from("dossiers").orderBy("code").limit(200)
            .all(decoding: Stored.self)
        let decodes = stored.allSatisfy { row in
            guard let d = try? JSONDecoder().decode(Dossier.self, from: Data(row.data.utf8)) else { return false }
            return d.code == row.code && d.state.rawValue == row.state && d.channel.rawValue == row.channel
        }
        check(decodes && !stored.isEmpty, "\(stored.count) stored dossiers decode as Dossier and match their columns")

        print("method                                  p50 ms    p99 ms   mean ms  samples  first ms")
        let currentYear = Latency(name: "province, current year", nanos: currentYearNanos.isEmpty ? [0] : currentYearNanos)
        let pastYears = Latency(name: "province, past years", nanos: pastYearNanos.isEmpty ? [0] : pastYearNanos)
        let rollupTotals = Latency(name: "part: roll-up sums (year)", nanos: totalsNanos)
        let openGauge = Latency(name: "part: open gauge", nanos: openNanos)
        let openInSQL = Latency(name: "alt: open gauge summed in SQL", nanos: openSQLNanos)
        let rankingCurrent = Latency(name: "ranking, current year", nanos: rankingCurrentNanos.isEmpty ? [0] : rankingCurrentNanos)
        let rankingPast = Latency(name: "ranking, past years", nanos: rankingPastNanos.isEmpty ? [0] : rankingPastNanos)
        for (l, key) in [(Latency(name: "scope(province) (once per dashboard)", nanos: scopeNanos), ""), (province, "dashboardProvince"),
                         (currentYear, ""), (pastYears, ""), (rollupTotals, ""), (openGauge, ""), (overdue, "dashboardOverdue"), (overdueCounts, ""), (overdueList, ""),
                         (commune, "dashboardCommune"),
                         (ranking, "ranking"), (rankingCurrent, ""), (rankingPast, "")] + rankingParts.map({ ($0, "") }) + [(openInSQL, ""),
                         (naiveCommune, "naiveCommune"),
                         (naiveProvince, "naiveProvince")] {
            let parts = [currentYear.name, pastYears.name, rollupTotals.name, openGauge.name, overdueCounts.name, overdueList.name,
                         rankingCurrent.name, rankingPast.name, openInSQL.name] + rankingParts.map(\.name)
            let indent = parts.contains(l.name) ? "  " : ""
            print(pad(indent + l.name, 36) + String(format: " %9.3f %9.3f %9.3f %8d", l.p50ms, l.p99ms, l.meanms, l.samples)
                  + (key.isEmpty ? "" : String(format: " %9.2f", first[key] ?? 0)))
        }
        let ratio = naiveProvince.p99ms / max(province.p99ms, 0.000_001)
        print("ratio naive/dashboard at p99: province × year \(fmt(ratio, 0))×, commune × month \(fmt(naiveCommune.p99ms / max(commune.p99ms, 0.000_001), 1))×")
        print("goals: dashboard p99 ≤ 20 ms: \(province.p99ms <= 20 && commune.p99ms <= 20 && overdue.p99ms <= 20 ? "met" : "NOT met"); "
              + "≥ 100× the naive query: \(ratio >= 100 ? "met" : "NOT met"); results agree: \(agree)")
        return Result(scope: Latency(name: "scope(province)", nanos: scopeNanos), province: province, provinceCurrentYear: currentYear,
                      provincePastYears: pastYears, rollupTotals: rollupTotals, openGauge: openGauge, overdue: overdue, commune: commune, ranking: ranking,
                      rankingCurrentYear: rankingCurrent, rankingPastYears: rankingPast, openGaugeInSQL: openInSQL,
                      parts: [overdueCounts, overdueList] + rankingParts,
                      naiveProvince: naiveProvince, naiveCommune: naiveCommune, first: first, rankedUnits: roots.count, agree: agree, checks: checks)
    }

    /// The open gauge of units summed by the database: on time, late, paused per unit (for comparison with
    /// `IndexRollups.open`, which reads one row per due day and sums them in Swift).
    static func openGaugeInSQL(_ db: any Database, units: [UUID], today: LocalDate) async throws -> [UUID: OpenSums] {
        let rows = try await db.sql.select().column("unit_id")
            .column(SQLQueryString("CASE WHEN bucket = 'paused' THEN 'paused' WHEN bucket = 'paused-late' THEN 'paused_late' WHEN bucket < \(bind: today.iso) THEN 'late' ELSE 'on_time' END"), as: "b")
            .column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "total")
            .from("open_rollups").where("unit_id", .in, units).groupBy("unit_id").groupBy(SQLRaw("2")).all()
        var result: [UUID: OpenSums] = [:]
        for row in rows {
            let unit = try row.decode(column: "unit_id", as: UUID.self), n = Int(try row.decode(column: "total", as: Int64.self))
            var value = result[unit] ?? OpenSums()
            switch try row.decode(column: "b", as: String.self) {
            case "paused": value.paused += n
            case "paused_late": value.pausedLate += n
            case "late": value.late += n
            default: value.onTime += n
            }
            result[unit] = value
        }
        return result
    }

    /// Received dossiers per channel, naive count against the roll-up facts.
    static func agrees(_ rows: [NaiveRow], _ facts: [IndexFact: Double]) -> Bool {
        var byChannel: [String: Int] = [:]
        for row in rows { byChannel[row.channel, default: 0] += row.n }
        return Double(byChannel.values.reduce(0, +)) == (facts[.received] ?? 0)
            && Double(byChannel["online"] ?? 0) == (facts[.receivedOnline] ?? 0)
            && Double(byChannel["counter"] ?? 0) == (facts[.receivedCounter] ?? 0)
            && Double(byChannel["post"] ?? 0) == (facts[.receivedPost] ?? 0)
    }
}
