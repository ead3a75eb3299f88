import Foundation

/// What a counter officer (or a citizen online) enters to file a dossier.
public struct DossierIntake: Sendable {
    public var procedureID: Procedure.ID
    public var receivingUnitID: OrgUnit.ID
    public var channel: DossierChannel
    public var applicant: Dossier.Applicant
    public var components: [String]
    /// Digitised files of the same applicant's earlier dossiers to reuse instead of new copies.
    public var reuse: [DossierFile.ID]
    /// The citizen account submitting online.
    public var citizenID: Citizen.ID?

    public init(procedureID: Procedure.ID, receivingUnitID: OrgUnit.ID, channel: DossierChannel,
                applicant: Dossier.Applicant, components: [String], reuse: [DossierFile.ID] = [], citizenID: Citizen.ID? = nil) {
        self.procedureID = procedureID
        self.receivingUnitID = receivingUnitID
        self.channel = channel
        self.applicant = applicant
        self.components = components
        self.reuse = reuse
        self.citizenID = citizenID
    }

    /// The intake with its text NFC-cleaned and checked on its own (before the procedure is known):
    /// the applicant's name is required and, like the other fields, within the API schema's limits
    /// (counted in code points, as `maxLength` counts them); an e-mail address must be one.
    public func validated() throws(DomainError) -> DossierIntake {
        var clean = self
        let name = VietnameseText.clean(applicant.name)
        guard !name.isEmpty, name.unicodeScalars.count <= 200 else {
            throw .invalid("Cần họ tên người nộp (tối đa 200 ký tự).", english: "The applicant's name (up to 200 characters) is required.",
                           field: "applicant.name")
        }
        let limits: [(String?, Int, String)] = [(applicant.idNumber, 20, "applicant.idNumber"), (applicant.phone, 20, "applicant.phone"),
                                                (applicant.address, 300, "applicant.address"), (applicant.email, 254, "applicant.email")]
        for (value, limit, field) in limits where (value.map(VietnameseText.clean)?.unicodeScalars.count ?? 0) > limit {
            throw .invalid("\(field) tối đa \(limit) ký tự.", english: "\(field) is at most \(limit) characters.", field: field)
        }
        var email: String?
        if let raw = applicant.email.map(VietnameseText.clean), !raw.isEmpty {
            guard let valid = Citizen.normalisedEmail(raw) else {
                throw .invalid("Địa chỉ thư điện tử không hợp lệ.", english: "applicant.email is not a valid address.", field: "applicant.email")
            }
            email = valid
        }
        let phone = applicant.phone.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        if applicant.notifyBy == .sms, phone == nil {
            throw .invalid("Chọn nhận thông báo bằng tin nhắn thì cần số điện thoại.", english: "Notices by SMS need the applicant's phone.",
                           field: "applicant.phone")
        }
        clean.applicant = .init(name: name, idNumber: applicant.idNumber.map(VietnameseText.clean), phone: phone,
                                address: applicant.address.map(VietnameseText.clean), email: email,
                                notifyBy: applicant.notifyBy == .sms ? .sms : nil)
        clean.components = components.map(VietnameseText.clean).filter { !$0.isEmpty }
        return clean
    }

    /// Checks the intake against its procedure: every required (non-conditional) component is there, no
    /// component is foreign to the procedure, and an online dossier only for a procedure offered online.
    public func check(against procedure: Procedure) throws(DomainError) {
        let required = Set(procedure.documents.filter { !$0.isConditional }.map(\.name))
        let missing = required.subtracting(components).sorted().joined(separator: "; ")
        if !missing.isEmpty {
            throw .invalid("Thiếu thành phần hồ sơ: \(missing).", english: "Missing components: \(missing).", field: "components")
        }
        if !procedure.documents.isEmpty, let unknown = components.first(where: { !procedure.hasComponent($0) }) {
            throw .invalid("Thành phần không có trong thủ tục: \(unknown).", english: "Not a component of this procedure: \(unknown).", field: "components")
        }
        if channel == .online && !procedure.methods.contains(.online) {
            throw .invalid("Thủ tục này không nhận hồ sơ trực tuyến.", english: "This procedure does not accept online dossiers.", field: "channel")
        }
    }

    /// A scan received with the dossier must name one of the procedure's components.
    public static func checkScan(kind: DossierFile.Kind, component: String?, of procedure: Procedure) throws(DomainError) {
        if kind == .component, let component, !procedure.hasComponent(component) {
            throw .invalid("Tệp gắn với thành phần không có trong thủ tục: \(component).",
                           english: "A file names a component not in this procedure: \(component).", field: "files")
        }
    }
}

extension Procedure {
    /// Whether `name` is one of its dossier components.
    public func hasComponent(_ name: String) -> Bool { documents.contains { $0.name == name } }
}

extension Dossier {
    /// The name of the first event of every dossier's timeline.
    public static let receiveEventName = "receive"

    /// The state machine's first transition: a dossier received at `now` under `code`. A dossier handed in
    /// at the counter is received (its clock runs); one sent online or by post is submitted and waits for
    /// the counter's acceptance (`DossierEvent.accept`). The appointment is the procedure's processing
    /// time from `now` on the working-day calendar (Decree 61/2018 art. 17). `intake` must be `validated()`.
    public static func receive(_ intake: DossierIntake, procedure: Procedure, id: ID, code: String, at now: Date,
                               calendar: WorkingCalendar, rules: DeadlineRules = .standard) throws(DomainError) -> Dossier {
        try intake.check(against: procedure)
        let due: Date
        do throws(CalendarError) {
            due = try procedure.processingTime.due(from: now, calendar: calendar, rules: rules)
        } catch {
            throw DomainError(error)
        }
        var dossier = Dossier(id: id, code: code, procedureID: procedure.id, receivingUnitID: intake.receivingUnitID, channel: intake.channel,
                              applicant: intake.applicant, components: intake.components,
                              state: intake.channel == .counter ? .received : .submitted, receivedAt: now, dueAt: due)
        dossier.citizenID = intake.citizenID
        dossier.processingTime = procedure.processingTime
        dossier.reusesDigitisedData = intake.reuse.isEmpty ? nil : true
        return dossier
    }
}

extension DomainError {
    /// The intake names a procedure the catalogue does not have.
    public static let unknownProcedure = DomainError.invalid("Không có thủ tục này trong danh mục.", english: "No such procedure in the catalogue.",
                                                             field: "procedureId")
    /// The intake names a receiving unit the registry does not have.
    public static let unknownReceivingUnit = DomainError.invalid("Không tìm thấy đơn vị tiếp nhận.", english: "The receiving unit does not exist.",
                                                                 field: "receivingUnitId")
}
