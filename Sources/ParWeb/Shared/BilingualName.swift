import Foundation
import ParCore

/// A domain value that carries its own names — the Vietnamese one of the legal text and its English —
/// as ParCore defines them (states, roles, fields, kinds). Interface text is the message catalogue's;
/// these names belong to the domain and are shown as the domain gives them.
protocol BilingualName {
    var vietnamese: String { get }
    var english: String { get }
}

extension BilingualName {
    /// The name in the page language.
    func name(en: Bool) -> String { domainText(vietnamese, english, en: en) }
}

extension Appointment.Status: BilingualName {}
extension CounterRatingLevel: BilingualName {}
extension CriteriaSet.Phase: BilingualName {}
extension Disqualification: BilingualName {}
extension DossierState: BilingualName {}
extension Feedback.Kind: BilingualName {}
extension Feedback.State: BilingualName {}
extension Indicator.Group: BilingualName {}
extension Inspection.Kind: BilingualName {}
extension Inspection.Place: BilingualName {}
extension InspectionFinding.Category: BilingualName {}
extension Meeting.Attendance: BilingualName {}
extension PARField: BilingualName {}
extension Person.Kind: BilingualName {}
extension PersonnelMetric: BilingualName {}
extension DisciplinaryCase.Form: BilingualName {}
extension ParIndexField: BilingualName {}
extension ParReport.Part: BilingualName {}
extension QualityLevel: BilingualName {}
extension Payment.Status: BilingualName {}
extension PlanTask.Status: BilingualName {}
extension Procedure.Level: BilingualName {}
extension ProcessingTime.Unit: BilingualName {}
extension QueueTicket.Status: BilingualName {}
extension Role: BilingualName {}
extension SampleStatus: BilingualName {}
extension SatisfactionLevel: BilingualName {}
extension SipasAspect: BilingualName {}
extension SurveyMethod: BilingualName {}
extension UnitKind: BilingualName {}

/// A text the domain gives as a pair (a holiday's or an indicator's name, a rating reason, an error
/// message of `DomainError`), in the page language.
func domainText(_ vietnamese: String, _ english: String, en: Bool) -> String {
    switch Language(english: en) {
    case .vi: vietnamese
    case .en: english
    }
}
