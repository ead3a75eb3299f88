import Foundation
import ParCore
import ParStore
import Vapor

/// The reminders to staff and to people who booked (issue 21; rules in ParCore `Reminders`). Each
/// sends at most once per object and key (`JobStore.remind`), so a rerun the same day sends nothing.
extension Jobs {
    /// Each morning, every officer with a work e-mail gets the dossiers held by their units that are
    /// overdue or due within two working days — the counter queue's two tabs — if there are any.
    static let officerDigest = ScheduledJob(name: "officer-digest", schedule: DailySchedule(hour: 7, minute: 30)) { app, now in
        let store = app.stores.jobs, dossiers = app.stores.dossiers, units = app.stores.units
        let calendar = try await app.stores.calendar.calendar()
        let day = VietnamTime.localDate(of: now)
        var sent = 0, officers = 0
        for user in try await app.stores.users.reachable(roles: UserAccount.digestRoles) {
            let roots = Set(user.grants.filter { UserAccount.digestRoles.contains($0.role) }.map(\.unitID))
            let held = try await units.subtreeIDs(of: roots)
            func filter(_ view: DossierQueueView) async -> DossierRepository.QueueFilter {
                await .init(view: view, holderUnits: held, now: now, calendar: calendar, limit: Reminders.digestListed)
            }
            let overdueCount = try await dossiers.queueCount(await filter(.overdue))
            let dueSoonCount = try await dossiers.queueCount(await filter(.dueSoon))
            officers += 1
            guard overdueCount + dueSoonCount > 0 else { continue }
            func lines(_ view: DossierQueueView) async throws -> [Reminders.DigestLine] {
                try await dossiers.queue(await filter(view)).map {
                    Reminders.DigestLine(code: $0.code, dueAt: $0.dueAt, daysLate: Overdue.workingDaysLate(due: $0.dueAt, now: now, calendar: calendar))
                }
            }
            guard let notice = Reminders.officerDigest(
                name: user.displayName, day: day, overdue: try await lines(.overdue), overdueCount: overdueCount,
                dueSoon: try await lines(.dueSoon), dueSoonCount: dueSoonCount,
                link: app.parConfig.publicURL + Paths.dossiers.rawValue + "?view=" + DossierQueueView.overdue.rawValue) else { continue }
            if try await store.remind("officer-digest", object: user.id.description, key: day.iso, staff: user, notice: notice, now: now) { sent += 1 }
        }
        return JobOutcome(succeeded: true, message: "\(sent) digests sent to \(officers) officers with an e-mail")
    }

    /// Feedback whose limit (answer, or publishing the answer) is within two working days or past
    /// reaches the leaders of the unit handling it (`Reminders.nearestHolders`); feedback not yet
    /// assigned to a unit reaches the PAR officers who assign it. Once per limit and stage.
    static let feedbackReminder = ScheduledJob(name: "feedback-reminder", schedule: DailySchedule(hour: 8, minute: 15)) { app, now in
        let store = app.stores.jobs, units = app.stores.units
        let calendar = try await app.stores.calendar.calendar()
        let horizon = Reminders.nearHorizon(now: now, calendar: calendar)
        let staff = try await app.stores.users.reachable(roles: [.unitLeader, .parOfficer])
        var sent = 0, due = 0
        for feedback in try await app.stores.feedback.awaiting() {
            guard let (limit, answering) = Reminders.feedbackLimit(feedback),
                  let stage = Reminders.stage(of: limit, now: now, horizon: horizon) else { continue }
            due += 1
            let recipients: [UserAccount]
            if let unitID = feedback.unitID, let unit = try await units.find(unitID) {
                recipients = Reminders.nearestHolders(of: .unitLeader, ancestry: unit.ancestry, among: staff)
            } else {
                recipients = staff.filter { $0.grants.contains { $0.role == .parOfficer } }
            }
            let notice = Reminders.feedbackNotice(feedback, stage: stage, limit: limit, answering: answering,
                                                  link: app.parConfig.publicURL + Paths.feedbackItem.link(feedback.id))
            for user in recipients {
                if try await store.remind("feedback-reminder", object: "\(feedback.id)/\(user.id)",
                                          key: "\(stage.rawValue)-\(Leases.milliseconds(limit))", staff: user, notice: notice, now: now) { sent += 1 }
            }
        }
        return JobOutcome(succeeded: true, message: "\(sent) reminders sent; \(due) feedback items near or past a limit")
    }

    /// Units that have not submitted their self-assessment hear about its last day five working days
    /// before and once it has passed (their leaders, `Reminders.nearestHolders`).
    static let parDeadlineReminder = ScheduledJob(name: "par-deadline-reminder", schedule: DailySchedule(hour: 8, minute: 30)) { app, now in
        let store = app.stores.jobs, repository = app.stores.parIndex, units = app.stores.units
        let calendar = try await app.stores.calendar.calendar()
        let leaders = try await app.stores.users.reachable(roles: [.unitLeader])
        var sent = 0, late = 0
        for set in try await repository.sets() where set.phase == Reminders.parReminderPhase {
            guard let lastDay = set.deadline(Reminders.parReminderPhase),
                  let stage = Reminders.parDeadlineStage(lastDay: lastDay, now: now, calendar: calendar) else { continue }
            for assessment in try await repository.assessments(set.id) where assessment.submittedAt == nil {
                guard let unit = try await units.find(assessment.unitID) else { continue }
                late += 1
                let notice = Reminders.parDeadlineNotice(set: set, unitName: unit.unit.name, lastDay: lastDay, stage: stage,
                                                         link: app.parConfig.publicURL + Paths.parIndexAssessment.link(set.id, unit.unit.id))
                for user in Reminders.nearestHolders(of: .unitLeader, ancestry: unit.ancestry, among: leaders) {
                    if try await store.remind("par-deadline-reminder", object: "\(set.id)/\(unit.unit.id)/\(user.id)",
                                              key: "\(stage.rawValue)-\(lastDay.iso)", staff: user, notice: notice, now: now) { sent += 1 }
                }
            }
        }
        return JobOutcome(succeeded: true, message: "\(sent) reminders sent; \(late) units have not submitted")
    }

    /// Bookings of tomorrow that left a contact get one reminder (SMS to a phone, else e-mail); the
    /// contacts of bookings whose day has passed are erased.
    static let appointmentReminder = ScheduledJob(name: "appointment-reminder", schedule: DailySchedule(hour: 16, minute: 0)) { app, now in
        let store = app.stores.jobs, appointments = app.stores.appointments, units = app.stores.units
        let today = VietnamTime.localDate(of: now)
        var sent = 0
        for appointment in try await appointments.reachable(day: today.adding(days: 1)) where Reminders.appointmentReminderDue(appointment, now: now) {
            let centre = try await units.find(appointment.unitID)?.unit.name ?? ""
            guard let route = appointment.reminderRoute(Reminders.appointmentNotice(appointment, centreName: centre)) else { continue }
            if try await store.remind("appointment-reminder", object: appointment.id.uuidString, key: "day-before", route: route, now: now) {
                sent += 1
            }
        }
        let erased = try await appointments.eraseContacts(before: today)
        return JobOutcome(succeeded: true, message: "\(sent) appointment reminders sent; \(erased) past contacts erased")
    }
}
