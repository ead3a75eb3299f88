import Foundation
import ParCore
import ParStore
import Vapor

/// A unit's commitments (status from ParHub's own figures), meetings and attendance (the
/// discipline report), the share of documents exchanged electronically by month, and ISO 9001.
struct DisciplinePages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.discipline.pattern, use: show)
        routes.post(Paths.disciplineCommitments.pattern, use: addCommitment)
        routes.post(Paths.disciplineMeetings.pattern, use: addMeeting)
        routes.post(Paths.disciplineTracked.pattern, use: saveTracked)
        routes.get(Paths.meeting.pattern, use: meeting)
        routes.post(Paths.meeting.pattern, use: mark)
    }

    typealias Option = PlanPages.Option

    struct CommitmentLine: Encodable {
        let leader: String
        let text: String
        let metric: String
        let target: String
        let rate: String
        let status: String
        let statusLabel: String
    }

    struct AttendanceLine: Encodable {
        let unit: String
        let cells: [Int]
        let breaches: Int
    }

    struct MonthLine: Encodable {
        let month: String
        let share: String
        let met: Bool
    }

    struct MeetingLine: Encodable {
        let title: String
        let at: String
        let link: String
    }

    struct Context: Encodable {
        let unitName: String
        let year: Int
        let commitments: [CommitmentLine]
        let attendanceHeader: [String]
        let attendance: [AttendanceLine]
        let months: [MonthLine]
        let iso: String
        let isoMaintained: Bool?
        let meetings: [MeetingLine]
        let canEdit: Bool
        let metrics: [Option]
        let base: String
        let query: String
        let errors: [FormError]?
    }

    func render(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .viewPlans)
        let year = try PlanPages.year(request)
        let view = try await DisciplineView.load(record, year: year, stores: stores, request: request)
        let metrics = try await stores.oversightService.commitmentMetrics(request)
        let metricNames = Dictionary(metrics.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var names = Names(stores)
        var attendance: [AttendanceLine] = []
        for line in view.attendance {
            attendance.append(AttendanceLine(unit: try await names.unit(line.unitID), cells: Meeting.Attendance.allCases.map { line.counts[$0] ?? 0 },
                                             breaches: line.breaches))
        }
        let today = VietnamTime.localDate(of: request.now)
        let target = TrackedIndicator.electronicDocuments.target
        let meetings = try await stores.discipline.meetings(organisers: try await stores.units.subtreeIDs(of: [record.unit.id]))
        let context = Context(
            unitName: record.unit.name, year: year,
            commitments: view.commitments.map {
                CommitmentLine(leader: $0.commitment.leader, text: $0.commitment.text, metric: metricNames[$0.commitment.metric] ?? $0.commitment.metric,
                               target: Format.percent($0.commitment.target * 100, en: en, digits: 2),
                               rate: $0.rate.map { Format.percent(IndexScoring.round2($0 * 100), en: en, digits: 2) } ?? "—",
                               status: $0.status.rawValue, statusLabel: IndexPages.statusLabel($0.status, en: en))
            },
            attendanceHeader: Meeting.Attendance.allCases.map { $0.name(en: en) }, attendance: attendance,
            months: view.electronicDocuments.sorted { $0.key < $1.key }.map {
                MonthLine(month: $0.key, share: Format.percent(IndexScoring.round2($0.value * 100), en: en, digits: 2), met: $0.value + 1e-9 >= target)
            },
            iso: view.iso.map { "\($0.certificate) · \(Messages.text("discipline-pages.next-review", en: en)) \(LocalTime.format($0.nextReview))" } ?? "",
            isoMaintained: view.iso.map { $0.isMaintained(today: today) },
            meetings: meetings.map { MeetingLine(title: $0.title, at: LocalTime.format($0.at), link: Paths.meeting.link($0.id)) },
            canEdit: try request.requirePrincipal().may(.editPlans, onUnitWithAncestry: record.ancestry),
            metrics: metrics.map { Option(value: $0.id, label: $0.name, selected: false) },
            base: Paths.discipline.link(record.unit.id), query: "?year=\(year)", errors: errors)
        return try await Page.render("discipline", title: "\(Messages.text("discipline-pages.commitments-and-discipline", en: en)) — \(record.unit.name)",
                                     context: context, request: request, failed: errors != nil)
    }

    @Sendable func show(_ request: Request) async throws -> Response { try await render(request) }

    /// Runs a form's change; a refused one re-renders the page with its errors.
    func change(_ request: Request, _ body: (UnitRecord, [String: String]) async throws -> Void) async throws -> Response {
        let record = try await stores.access(request).authorizedUnit(request.parameters.get("unitID"), .editPlans)
        let form = try request.content.decode([String: String].self)
        do {
            try await body(record, form)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await render(request, errors: errors)
        }
        return request.redirect(to: Paths.discipline.link(record.unit.id) + "?year=\(try PlanPages.year(request))")
    }

    func percent(_ raw: String?, field: String) throws -> Double {
        guard let value = Double((raw ?? "").replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)) else {
            throw DomainError.invalid("Cần một số phần trăm.", english: "A percentage is required.", field: field)
        }
        return value / 100
    }

    @Sendable func addCommitment(_ request: Request) async throws -> Response {
        try await change(request) { record, form in
            let metrics = Set(try await stores.oversightService.commitmentMetrics(request).map(\.id))
            _ = try await stores.discipline.addCommitment(
                Commitment(id: .random(), unitID: record.unit.id, year: try PlanPages.year(request), leader: form["leader"] ?? "", text: form["text"] ?? "",
                           metric: form["metric"] ?? "", target: try percent(form["target"], field: "target")),
                metrics: metrics, actor: request.auditActor, now: request.now)
        }
    }

    @Sendable func addMeeting(_ request: Request) async throws -> Response {
        try await change(request) { record, form in
            guard let at = LocalInput.parseDateTime(form["at"] ?? "") else {
                throw DomainError.invalid("Thời gian họp không hợp lệ.", english: "Not a valid time.", field: "at")
            }
            var attendees: [Meeting.Attendee] = []
            for line in (form["attendees"] ?? "").split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                var unit = record.unit.id
                if parts.count == 2, !parts[1].isEmpty {
                    guard let found = try await stores.units.find(key: parts[1]) else {
                        throw DomainError.invalid("Không có đơn vị mã “\(parts[1])”.", english: "No unit with key “\(parts[1])”.", field: "attendees")
                    }
                    unit = found.unit.id
                }
                attendees.append(Meeting.Attendee(unitID: unit, person: parts[0]))
            }
            _ = try await stores.discipline.addMeeting(
                Meeting(id: .random(), organiserID: record.unit.id, title: form["title"] ?? "", at: at, attendees: attendees),
                actor: request.auditActor, now: request.now)
        }
    }

    @Sendable func saveTracked(_ request: Request) async throws -> Response {
        try await change(request) { record, form in
            let repository = stores.discipline
            if let month = form["month"], !month.isEmpty {
                try await repository.setValue(.electronicDocuments, unit: record.unit.id, month: month, value: try percent(form["share"], field: "share"),
                                              actor: request.auditActor, now: request.now)
            }
            if let certificate = form["certificate"], !certificate.isEmpty {
                try await repository.setIso(IsoStatus(unitID: record.unit.id, certificate: certificate, lastReview: LocalDate(iso: form["lastReview"] ?? ""),
                                                      nextReview: LocalDate(iso: form["nextReview"] ?? "")), actor: request.auditActor, now: request.now)
            }
        }
    }

    struct AttendeeLine: Encodable {
        /// A stable id for the row's form fields.
        let slot: String
        let person: String
        let unit: String
        let unitID: String
        let attendance: String
        let reason: String
        let options: [Option]
    }

    func meetingAndUnit(_ request: Request, _ permission: Permission) async throws -> (Meeting, UnitRecord) {
        guard let id = Meeting.ID(string: request.parameters.get("meetingID") ?? ""),
              let meeting = try await stores.discipline.meeting(id) else {
            throw Problem.notFound("Không tìm thấy cuộc họp.", english: "Meeting not found.")
        }
        return (meeting, try await stores.access(request).authorizedUnit(meeting.organiserID.description, permission))
    }

    @Sendable func meeting(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let (meeting, record) = try await meetingAndUnit(request, .viewPlans)
        var names = Names(stores)
        var lines: [AttendeeLine] = []
        for (i, a) in meeting.attendees.enumerated() {
            lines.append(AttendeeLine(slot: "a\(i)", person: a.person, unit: try await names.unit(a.unitID), unitID: a.unitID.description,
                                      attendance: a.attendance.map { $0.name(en: en) } ?? "—", reason: a.reason ?? "",
                                      options: Meeting.Attendance.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: $0 == a.attendance) }))
        }
        struct Context: Encodable {
            let title: String
            let at: String
            let attendees: [AttendeeLine]
            let canEdit: Bool
            let action: String
            let backLink: String
        }
        return try await Page.render("meeting", title: meeting.title, context: Context(
            title: meeting.title, at: LocalTime.format(meeting.at), attendees: lines,
            canEdit: try request.requirePrincipal().may(.editPlans, onUnitWithAncestry: record.ancestry),
            action: Paths.meeting.link(meeting.id), backLink: Paths.discipline.link(record.unit.id)), request: request)
    }

    @Sendable func mark(_ request: Request) async throws -> Response {
        let (meeting, _) = try await meetingAndUnit(request, .editPlans)
        let form = try request.content.decode([String: String].self)
        guard let attendance = Meeting.Attendance(rawValue: form["attendance"] ?? ""), let unit = OrgUnit.ID(string: form["unitId"] ?? "") else {
            throw Problem(DomainError.invalid("Chọn tình trạng dự họp.", english: "Choose the attendance.", field: "attendance"))
        }
        try await stores.discipline.mark(meeting.id, person: form["person"] ?? "", unit: unit, attendance: attendance,
                                                            reason: form["reason"], actor: request.auditActor, now: request.now)
        return request.redirect(to: Paths.meeting.link(meeting.id))
    }
}
