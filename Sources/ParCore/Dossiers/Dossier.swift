import Foundation

/// A one-stop dossier: what was received, from whom, and where its clock stands.
public struct Dossier: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<Dossier>

    /// The person or organisation that filed it (never shown on public pages).
    public struct Applicant: Hashable, Sendable, Codable {
        public var name: String
        public var idNumber: String?
        public var phone: String?
        public var address: String?
        /// Where notices (supplement requests, apology slips, results) are sent.
        public var email: String?
        /// How the applicant chose to get notices: by SMS to `phone`, or (nil, the default) by e-mail.
        public var notifyBy: OutboxMessage.Channel?
        public init(name: String, idNumber: String? = nil, phone: String? = nil, address: String? = nil, email: String? = nil,
                    notifyBy: OutboxMessage.Channel? = nil) {
            self.name = name
            self.idNumber = idNumber
            self.phone = phone
            self.address = address
            self.email = email
            self.notifyBy = notifyBy
        }
    }

    public var id: ID
    /// Mã hồ sơ: receiving unit code – yymmdd – daily sequence (`DossierCode`).
    public var code: String
    public var procedureID: Procedure.ID
    public var receivingUnitID: OrgUnit.ID
    /// The unit holding the dossier now (the current processing step).
    public var holderUnitID: OrgUnit.ID
    public var channel: DossierChannel
    /// The citizen account that submitted it online, if any.
    public var citizenID: Citizen.ID?
    public var applicant: Applicant
    /// Components received (names from the procedure's list).
    public var components: [String]
    public var state: DossierState
    public var receivedAt: Date
    /// The appointment first given on the receipt (form 01).
    public var originalDueAt: Date
    /// The current appointment (moved by supplements and apology slips).
    public var dueAt: Date
    /// Working days left on the clock when it was paused for a supplement.
    public var pausedRemainingWorkingDays: Int?
    public var supplementRequests: Int
    /// When the latest supplement was requested: a dossier waiting for the applicant is measured
    /// at that moment (Decision 766, indicator 2.1). Absent from dossiers stored before it was kept.
    public var supplementRequestedAt: Date?
    public var apologies: Int
    public var processedAt: Date?
    public var returnedAt: Date?
    /// The procedure's processing time when the dossier came in: an online or postal dossier's clock
    /// starts again from this when the counter accepts it. Absent from dossiers stored before it was kept.
    public var processingTime: ProcessingTime?
    /// When the counter accepted an online or postal dossier as complete and valid.
    public var acceptedAt: Date?
    /// Whether every component it was received with had a digitised (or reused digitised) copy when
    /// processing ended (set then, from its files): with an electronic result, a digitised dossier
    /// (Decision 766, digitisation group).
    public var componentsDigitised: Bool?
    /// Whether it was received reusing the applicant's digitised data (a component taken from an
    /// earlier dossier instead of asked again).
    public var reusesDigitisedData: Bool?
    public var version: Int

    public init(id: ID, code: String, procedureID: Procedure.ID, receivingUnitID: OrgUnit.ID, channel: DossierChannel,
                applicant: Applicant, components: [String], state: DossierState, receivedAt: Date, dueAt: Date) {
        self.id = id
        self.code = code
        self.procedureID = procedureID
        self.receivingUnitID = receivingUnitID
        self.holderUnitID = receivingUnitID
        self.channel = channel
        self.applicant = applicant
        self.components = components
        self.state = state
        self.receivedAt = receivedAt
        self.originalDueAt = dueAt
        self.dueAt = dueAt
        self.pausedRemainingWorkingDays = nil
        self.supplementRequests = 0
        self.apologies = 0
        self.processedAt = nil
        self.returnedAt = nil
        self.version = 1
    }

    /// On time, due soon or overdue — derived from the clock, never stored.
    public enum Timeliness: String, Codable, Sendable {
        case onTime = "on_time"
        case dueSoon = "due_soon"
        case overdue
        case paused
        /// Finished on or before its original appointment.
        case finishedOnTime = "finished_on_time"
        /// Finished after its original appointment, or after more than one supplement request.
        case finishedLate = "finished_late"
    }

    /// Where the clock stands at `now`. Decision 766: a dossier is late when finished
    /// after its original appointment (an apology slip moves the appointment, not the
    /// verdict) or when more than one supplement was requested.
    public func timeliness(at now: Date, dueSoonWithin hours: Double = 48) -> Timeliness {
        if let finished = processedAt ?? (state.isClosed ? returnedAt : nil) {
            return finished > originalDueAt || supplementRequests > 1 ? .finishedLate : .finishedOnTime
        }
        if state.isClosed { return .finishedOnTime }
        if state == .supplementRequested { return .paused }
        if now > dueAt || supplementRequests > 1 { return .overdue }
        return dueAt.timeIntervalSince(now) <= hours * 3600 ? .dueSoon : .onTime
    }
}

/// The daily dossier code: `<receiving unit code>-<yymmdd>-<4-digit sequence>`,
/// e.g. `000.00.12.H26-261126-0001` (DOMAIN.md; day in Việt Nam time).
public enum DossierCode {
    public static func make(unitCode: String, day: LocalDate, sequence: Int) -> String {
        unitCode + "-" + day.yymmdd + "-" + sequence.zeroPadded(4)
    }
}
