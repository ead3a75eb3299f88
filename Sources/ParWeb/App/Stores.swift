import Fluent
import ParStore
import Vapor

/// ParHub's repositories, built once in `configure` from `AppConfig` and the application's databases,
/// and handed to the route collections that use them (`ParAPI`, each feature's pages and service,
/// the background loops), as Hummingbird's controllers hold theirs.
///
/// A repository is a light value bound to one database handle. A handle belongs to an event loop
/// and carries a logger, so `Stores` makes the repository when it is used: on the database of the
/// request being served (`RequestContext`: the request's event loop, its logger with the request
/// id), or, outside a request (the outbox, the scheduler), on the application's database from the
/// event loop the code runs on. A repository is made by hand only on a database chosen for it: a
/// transaction's (`DossierRepository(db: tx)`), the replica or the primary of `Request.readOrPrimary`,
/// and `app.db` in the commands that run before any request (`FirstAdministrator`, `ShippedCalendar`).
struct Stores: Sendable {
    let databases: Databases
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    /// Where intakes wait to share a transaction (group commit).
    let intakes: IntakeQueue

    /// The primary database, for the current request or task.
    var db: any Database {
        if let request = RequestContext.request { return request.db }
        return databases.database(logger: logger, on: MultiThreadedEventLoopGroup.currentEventLoop ?? eventLoopGroup.any())!
    }

    /// The database for a read that may be a moment behind (`Request.readDB`, the streaming replica).
    var readDB: any Database {
        get async {
            if let request = RequestContext.request { return await request.readDB() }
            return db
        }
    }

    var announcements: AnnouncementRepository { AnnouncementRepository(db: db) }
    var appointments: AppointmentRepository { AppointmentRepository(db: db) }
    var calendar: CalendarRepository { CalendarRepository(db: db) }
    var centres: ServiceCentreRepository { ServiceCentreRepository(db: db) }
    var citizens: CitizenRepository { CitizenRepository(db: db) }
    var discipline: DisciplineRepository { DisciplineRepository(db: db) }
    var disciplinaryCases: DisciplinaryCaseRepository { DisciplinaryCaseRepository(db: db) }
    var dossiers: DossierRepository { DossierRepository(db: db, intakes: intakes) }
    var feedback: FeedbackRepository { FeedbackRepository(db: db) }
    var idempotency: IdempotencyStore { IdempotencyStore(db: db) }
    var index: IndexRepository { IndexRepository(db: db) }
    var inspections: InspectionRepository { InspectionRepository(db: db) }
    var jobs: JobStore { JobStore(db: db) }
    var outbox: OutboxRepository { OutboxRepository(db: db) }
    var parIndex: ParIndexRepository { ParIndexRepository(db: db) }
    var payments: PaymentRepository { PaymentRepository(db: db) }
    var personnel: PersonnelRepository { PersonnelRepository(db: db) }
    var plans: PlanRepository { PlanRepository(db: db) }
    var portalExport: PortalExportRepository { PortalExportRepository(db: db) }
    var procedures: ProcedureRepository { ProcedureRepository(db: db) }
    var rateLimits: RateLimitStore { RateLimitStore(db: db) }
    var reports: ReportRepository { ReportRepository(db: db) }
    var satisfaction: SatisfactionRepository { SatisfactionRepository(db: db) }
    var units: UnitRepository { UnitRepository(db: db) }
    var users: UserRepository { UserRepository(db: db) }

    /// The service index's figures from the replica when there is one (`readDB`).
    var indexForReading: IndexRepository { get async { IndexRepository(db: await readDB) } }
    /// The portal's announcements from the replica when there is one (`readDB`).
    var announcementsForReading: AnnouncementRepository { get async { AnnouncementRepository(db: await readDB) } }
}
