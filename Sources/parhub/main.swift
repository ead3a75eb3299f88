import Fluent
import Foundation
import Logging
import ParCore
import ParStore
import ParDemo
import ParWeb
import Vapor

/// `parhub serve | migrate | seed | import units FILE | audit verify | index rebuild [--apply]
/// | backup FILE | restore FILE [--yes] | checksums | users create-admin USERNAME`, each with
/// `--env production` (or `PARHUB_ENV=production`).
/// Argument parsing and wiring only; the work lives in ParWeb and ParStore.

// First, before any task exists: Swift Concurrency's jobs run on the event loops (ConcurrencyExecutor).
ConcurrencyExecutor.useEventLoops()
var environment = try Environment.detect()
if !CommandLine.arguments.contains(where: { $0 == "--env" || $0 == "-e" || $0.hasPrefix("--env=") }),
   let name = ProcessInfo.processInfo.environment["PARHUB_ENV"], !name.isEmpty {
    environment = ["prod", "production"].contains(name) ? .production : Environment(name: name)
    environment.arguments = CommandLine.arguments
}
if ProcessInfo.processInfo.environment["PARHUB_LOG_FORMAT"] == "json" {
    // One JSON object per line for log collectors; the level as Vapor would set it.
    let level = try Logger.Level.detect(from: &environment)
    LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
} else {
    try LoggingSystem.bootstrap(from: &environment)
}
ProcessMetrics.bootstrap()
// Application.make reads `.env` (and `.env.production`) into the environment; the
// configuration is read after it, so those files reach it.
let app = try await Application.make(environment)
let command = environment.arguments.dropFirst().first ?? "serve"
// `--help` (`-h`) only prints a command's usage (ConsoleKit's flag): nothing is checked, opened, migrated or
// loaded for it, so `parhub serve --help` neither creates a database nor prints the server's banner.
let helpOnly = environment.arguments.dropFirst().contains { $0 == "--help" || $0 == "-h" }
let config = {
    var config = AppConfig.fromEnvironment(production: environment == .production)
    // Only the server runs the daily jobs; a command runs the one it is asked for.
    if command != "serve" { config.runScheduler = false }
    return config
}()
do {
    // Backup, restore and checksums open the database on their own: no application (and no
    // outbox dispatcher) holds it open while a restore replaces it.
    let standalone = ["backup", "restore", "checksums"]
    guard helpOnly || config.invalidSettings.isEmpty else { throw ProductionRefused(refusals: config.invalidSettings) }
    if command == "serve", !helpOnly, config.isProduction {
        let refusals = ProductionCheck.refusals(config, environment: ProcessInfo.processInfo.environment)
        guard refusals.isEmpty else { throw ProductionRefused(refusals: refusals) }
    }
    if !standalone.contains(command), !helpOnly {
        try await configure(app, config)
    }
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(IndexCommand(), as: "index")
    app.asyncCommands.use(BackupCommand(database: config.database), as: "backup")
    app.asyncCommands.use(RestoreCommand(database: config.database), as: "restore")
    app.asyncCommands.use(ChecksumsCommand(database: config.database), as: "checksums")
    app.asyncCommands.use(UsersCommand(), as: "users")
    app.asyncCommands.use(JobsCommand(), as: "jobs")
    if command == "serve", !helpOnly {
        app.logger.notice("ParHub configuration: \(config.summary)")
        if case .sqlite = config.database {
            // The embedded default sets itself up; PostgreSQL deployments run `parhub migrate --yes` explicitly.
            try await app.autoMigrate().get()
            if config.loadDemoData, try await DemoData.loadIfEmpty(app) {
                app.logger.notice("Loaded the demo data (Hà Nội, before and after 1 July 2025).")
            }
        }
        do {
            let years = try await ShippedCalendar.loadMissing(app, now: config.clock())
            if !years.isEmpty { app.logger.notice("calendar: stored the shipped holiday decisions for \(years.map(String.init).joined(separator: ", ")).") }
        } catch {
            app.logger.warning("calendar: the shipped holiday decisions were not stored (run `parhub migrate --yes` first?): \(String(describing: error))")
        }
        if config.isProduction {
            let refusals = try await ProductionCheck.demoLogins(app, usernames: DemoData.users.map(\.0), password: DemoData.password)
            guard refusals.isEmpty else { throw ProductionRefused(refusals: refusals) }
            if case .sqlite = config.database {
                app.logger.notice("Production on SQLite: run a single instance (several instances need PostgreSQL, DATABASE_URL).")
            }
            print("\nParHub (production): http://\(config.host):\(config.port)/ — public address \(config.publicURL)\n")
        } else {
            printBanner(config)
        }
        if config.tracing { try ProcessTracing.start(app) }
    }
    try await app.execute()
} catch let refused as ProductionRefused {
    FileHandle.standardError.write(Data(refused.description.utf8))
    try? await app.asyncShutdown()
    Foundation.exit(78)
} catch let exit as ExitCode {
    try? await app.asyncShutdown()
    Foundation.exit(exit.code)
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    Foundation.exit(1)
}
try await app.asyncShutdown()

func printBanner(_ config: AppConfig) {
    var lines = ["", "ParHub: http://\(config.host):\(config.port)/  (API: /openapi.yaml, /api/docs)",
                 "Demo logins (password \(DemoData.password)):"]
    for (username, name, role, _) in DemoData.users {
        lines.append("  \(username.padding(toLength: 16, withPad: " ", startingAt: 0)) \(role.english) — \(name)")
    }
    print(lines.joined(separator: "\n") + "\n")
}

/// `parhub seed`: load the demo data into an empty database (after `migrate`).
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Loads the Hà Nội demo data and demo users into an empty database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let loaded = try await DemoData.loadIfEmpty(context.application)
        context.console.print(loaded ? "Demo data loaded." : "The database already has data; nothing loaded.")
    }
}

/// `parhub import units|procedures FILE`: all-or-nothing, idempotent imports.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "What to import: units, procedures or people")
        var what: String
        @Argument(name: "file", help: "JSON or CSV (docs/units-import.md, docs/catalogue.md)")
        var file: String
    }
    var help: String { "Imports units (with reorganisations and quotas), procedures or people from a file in one transaction." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard ["units", "procedures", "people"].contains(signature.what) else {
            context.console.error("Only 'units', 'procedures' or 'people' can be imported.")
            throw ExitCode(2)
        }
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            context.console.error("Cannot read \(signature.file)")
            throw ExitCode(2)
        }
        let console = context.console
        let db = context.application.db
        do {
            if signature.what == "people" {
                let report = try await PersonImporter(db: db).run(try PersonImportFile.parse(data), allowed: nil, actor: .system("import"),
                                                                  now: config.clock())
                console.print("Imported: \(report.summary)")
            } else if signature.what == "procedures" {
                let progress = CommandProgress("importing procedures", console: console)
                let report = try await ProcedureImporter(db: db).run(try ProcedureImportFile.parse(data),
                                                                     actor: .system("import"), now: config.clock(), progress: progress.update)
                console.print("Imported: \(report.summary)")
            } else {
                let report = try await UnitImporter(db: db).run(
                    try UnitImportFile.parse(data), actor: .system("import"), now: config.clock(),
                    progress: CommandProgress("importing units", console: console).update)
                console.print("Imported: \(report.summary)")
            }
        } catch {
            let rows: [UnitImportReport.Rejection]
            switch error {
            case let rejected as UnitImportRejected: rows = rejected.report.rejected
            case let rejected as ProcedureImportRejected: rows = rejected.report.rejected
            case let rejected as PersonImportRejected: rows = rejected.report.rejected
            case let invalid as DomainError: rows = [.init(row: "-", key: signature.file, reason: invalid.english)]
            default: throw error
            }
            console.error("Rejected, nothing imported: \(rows.count) bad row(s)")
            for row in rows { console.error("  row \(row.row) [\(row.key)]: \(row.reason)") }
            throw ExitCode(1)
        }
    }
}

/// `parhub export procedures`: the catalogue as CSV on standard output (the import's format).
/// `parhub export portal [--since CURSOR] [--limit N]`: dossier status changes for the National
/// Public Service Portal after the cursor, as JSON (`records` and `nextCursor`, the API's shape).
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "procedures | portal")
        var what: String
        @Option(name: "since", help: "portal: the cursor the last run printed as nextCursor (default: from the beginning)")
        var since: String?
        @Option(name: "limit", help: "portal: at most this many records (1–100000, default 10000)")
        var limit: Int?
    }
    var help: String { "Writes the procedure catalogue as CSV, or the National Portal export as JSON, to standard output." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        switch signature.what {
        case "procedures":
            let page = try await ProcedureRepository(db: db).search(.init(offset: 0, limit: Int.max))
            let keys = Dictionary(try await UnitRepository(db: db).all().map { ($0.id, $0.key) }, uniquingKeysWith: { a, _ in a })
            FileHandle.standardOutput.write(Data(ProcedureImportFile.csv(page.items, unitKeys: keys).utf8))
        case "portal":
            var cursor = PortalCursor.start
            if let since = signature.since, !since.isEmpty {
                guard let parsed = PortalCursor(token: since) else {
                    context.console.error("Not a valid cursor: \(since)")
                    throw ExitCode(2)
                }
                cursor = parsed
            }
            let wanted = min(max(signature.limit ?? 10_000, 1), 100_000)
            let settled = config.clock().addingTimeInterval(-config.portalExportSettle)
            let repository = PortalExportRepository(db: db)
            var records: [PortalRecord] = []
            while records.count < wanted {
                let (batch, next) = try await repository.records(after: cursor, limit: min(1000, wanted - records.count), settledBefore: settled)
                records += batch
                cursor = next
                if batch.isEmpty { break }
            }
            struct Output: Encodable { let nextCursor: String; let records: [PortalRecord] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            FileHandle.standardOutput.write(try encoder.encode(Output(nextCursor: cursor.token, records: records)) + Data("\n".utf8))
            context.console.error("\(records.count) records; next run: parhub export portal --since \(cursor.token)")
        default:
            context.console.error("Usage: parhub export procedures > catalogue.csv | parhub export portal [--since CURSOR] [--limit N] > portal.json")
            throw ExitCode(2)
        }
    }
}

/// `parhub audit verify`: walks the hash chain; non-zero exit naming the first broken row.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify | seal")
        var action: String
    }
    var help: String { "Verifies the audit log's hash chain (verify), or seals the rows not chained yet (seal)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        switch signature.action {
        case "verify": break
        case "seal":
            // What a running server's sealer does within moments; for a database no server runs on.
            let sealed = try await AuditSealer.sealAll(on: context.application.db)
            context.console.print("Sealed \(sealed) audit rows.")
            return
        default:
            context.console.error("Usage: parhub audit verify | parhub audit seal")
            throw ExitCode(2)
        }
        switch try await AuditLog.verify(on: context.application.db) {
        case .intact(let rows):
            context.console.print("Audit chain intact: \(rows) rows.")
        case .broken(let sequence, let reason):
            context.console.error("Audit chain broken at row \(sequence): \(reason)")
            throw ExitCode(1)
        }
    }
}

/// `parhub index rebuild [--apply]`: recomputes the Decision 766 counters, the open-dossier
/// gauge and their roll-ups from the dossiers' events and files, and compares them with the
/// live tables. Exit 0 when they match; 1 listing the differences (with --apply they are
/// then replaced by the recomputed ones).
struct IndexCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rebuild")
        var action: String
        @Flag(name: "apply", help: "Replace the live tables with the recomputed ones.")
        var apply: Bool
    }
    var help: String { "Recomputes the service index counters from the dossier events and checks them." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "rebuild" else {
            context.console.error("Usage: parhub index rebuild [--apply]")
            throw ExitCode(2)
        }
        let report = try await IndexRebuild(db: context.application.db).run(
            apply: signature.apply, now: config.clock(), progress: CommandProgress("replaying events", console: context.console).update)
        context.console.print("Replayed \(report.events) events: \(report.counters) counter rows, \(report.openRows) open-dossier rows.")
        if report.unreplayable > 0 {
            context.console.error("\(report.unreplayable) events were written before events kept their payload and cannot be replayed.")
        }
        for difference in report.differences.prefix(50) {
            context.console.error("\(difference.table) \(difference.key.unit) \(difference.key.channel) \(difference.key.bucket) \(difference.key.metric): live \(difference.live), rebuilt \(difference.rebuilt)")
        }
        if report.differences.count > 50 { context.console.error("… and \(report.differences.count - 50) more differences.") }
        if report.matches {
            context.console.print("The live counters match the recomputed ones.")
        } else if signature.apply {
            context.console.print("Replaced the live counters with the recomputed ones (\(report.differences.count) differences).")
            throw ExitCode(1)
        } else {
            context.console.error("The live counters differ from the recomputed ones (\(report.differences.count) differences). Run with --apply to replace them.")
            throw ExitCode(1)
        }
    }
}

/// `parhub backup FILE`: a consistent copy of the running database (SQLite `VACUUM INTO`,
/// PostgreSQL `pg_dump -Fc`).
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the backup (must not exist)")
        var file: String
    }
    let database: DatabaseConfig
    var help: String { "Writes a backup of the database to FILE; safe while the server runs." }

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            let database = database, file = signature.file
            try await CommandProgress("backing up", console: context.console).heartbeat { try await DatabaseBackup.backup(database, to: file) }
            context.console.print("Backed up \(database) to \(signature.file).")
        } catch let failure as DatabaseBackup.Failure {
            context.console.error(failure.message)
            throw ExitCode(1)
        }
    }
}

/// `parhub restore FILE --yes`: replaces the database with a backup. The server must be stopped.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A backup written by `parhub backup`")
        var file: String
        // `--yes` is ConsoleKit's global flag (as for `parhub migrate --yes`): it sets confirmOverride.
    }
    let database: DatabaseConfig
    var help: String { "Replaces the database with the backup in FILE (stop the server first; needs --yes)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        var exists = true
        if case .sqlite(let path) = database { exists = FileManager.default.fileExists(atPath: path) }
        guard context.console.confirmOverride == true || !exists else {
            context.console.error("This replaces every row of \(database) with the backup \(signature.file). Stop the server, then run again with --yes.")
            throw ExitCode(2)
        }
        do {
            let database = database, file = signature.file
            try await CommandProgress("restoring", console: context.console).heartbeat { try await DatabaseBackup.restore(database, from: file) }
            context.console.print("Restored \(database) from \(signature.file). Run `parhub migrate --yes` if the backup is older than this version, then `parhub audit verify`.")
        } catch let failure as DatabaseBackup.Failure {
            context.console.error(failure.message)
            throw ExitCode(1)
        }
    }
}

/// `parhub checksums`: each table's row count and SHA-256 of its rows in primary-key order,
/// to compare a restored database with the moment of its backup.
struct ChecksumsCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    let database: DatabaseConfig
    var help: String { "Prints each table's row count and a SHA-256 of its rows (stable for one database)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if case .sqlite(let path) = database, !FileManager.default.fileExists(atPath: path) {
            context.console.error("There is no database at \(path).")
            throw ExitCode(1)
        }
        let sums = try await database.withDatabase { try await TableChecksums.compute(on: $0) }
        for sum in sums { context.console.print(sum.description) }
    }
}

/// A command's failure, already explained on the console; only the exit status remains.
struct ExitCode: Error, CustomStringConvertible {
    let code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String { "finished with errors (exit status \(code))" }
}

/// A setting could not be read, or `parhub serve --env production` found unsafe ones; exit status 78 (EX_CONFIG).
struct ProductionRefused: Error, CustomStringConvertible {
    let refusals: [ProductionCheck.Refusal]
    var description: String {
        "ParHub refuses to start until these are fixed:\n"
            + refusals.map { "  - \($0)\n" }.joined()
            + "See README, \"Running in production\".\n"
    }
}

/// `parhub users create-admin USERNAME [--name NAME] [--unit KEY] [--email ADDRESS]`: the first administrator.
/// The password is read from the terminal (asked twice, not echoed) or from the first line of
/// standard input — never from the command line, where `ps` and the shell history would keep it.
struct UsersCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create-admin")
        var action: String
        @Argument(name: "username", help: "The administrator's username (3–64 characters: a–z, digits, . _ - @)")
        var username: String
        @Option(name: "name", help: "Display name (default: Quản trị hệ thống)")
        var name: String?
        @Option(name: "unit", help: "Key of the unit the role is granted on (default: the only top-level unit)")
        var unit: String?
        @Option(name: "email", help: "Work e-mail, where staff reminders go (optional)")
        var email: String?
    }
    var help: String { "Creates the first administrator; the password comes from the terminal or standard input." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create-admin" else {
            context.console.error("Usage: parhub users create-admin USERNAME [--name NAME] [--unit KEY] [--email ADDRESS] (password on standard input)")
            throw ExitCode(2)
        }
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            password = context.console.ask("Password (10–72 bytes): ", isSecure: true)
            guard context.console.ask("Again: ", isSecure: true) == password else {
                context.console.error("The passwords differ; nothing created.")
                throw ExitCode(1)
            }
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        do {
            let (user, unit) = try await FirstAdministrator.create(context.application, username: signature.username,
                                                                    displayName: signature.name ?? "Quản trị hệ thống",
                                                                    password: password, unitKey: signature.unit, email: signature.email,
                                                                    now: config.clock())
            context.console.print("Created the administrator \(user.username) on \(unit.unit.name) (\(unit.unit.key)).")
        } catch let error as DomainError {
            context.console.error(error.english)
            throw ExitCode(1)
        }
    }
}

/// `parhub jobs list` and `parhub jobs run NAME`: the scheduled jobs, and one of them now (under
/// its lease, so never at the same time as a server running it). Exit 1 when the run failed.
struct JobsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "list | run")
        var action: String
        @Option(name: "name", short: "n", help: "run: the job's name (see parhub jobs list)")
        var name: String?
    }
    var help: String { "Lists the scheduled jobs with their last run, or runs one now (--name NAME)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "list":
            for line in try await JobsConsole.list(app) { context.console.print(line) }
        case "run":
            guard let name = signature.name else {
                context.console.error("Usage: parhub jobs run --name NAME (parhub jobs list names them)")
                throw ExitCode(2)
            }
            do {
                let outcome = try await JobsConsole.run(name, app: app)
                context.console.print("\(name): \(outcome.message)")
                if !outcome.succeeded { throw ExitCode(1) }
            } catch let error as DomainError {
                context.console.error(error.english)
                throw ExitCode(error.kind == .notFound ? 2 : 1)
            }
        default:
            context.console.error("Usage: parhub jobs list | parhub jobs run --name NAME")
            throw ExitCode(2)
        }
    }
}
