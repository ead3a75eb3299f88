import Foundation

/// The fields (lĩnh vực) of a PAR index criteria set (Decision 876/QĐ-BNV, 2022–2030).
///
/// The first seven are the PAR fields of Resolution 76/NQ-CP (`PARField`), which plans,
/// inspections' follow-ups and report drafts use; the province criteria sets add an eighth,
/// the impact of reform on people, organisations and socio-economic development, which only
/// the PAR index scores (it is measured, mostly by survey, not planned as tasks).
public enum ParIndexField: String, CaseIterable, Codable, Hashable, Sendable {
    case direction
    case institutions
    case procedures
    case organisation
    case civilService = "civil_service"
    case publicFinance = "public_finance"
    case eGovernment = "e_government"
    /// 8. Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội.
    case impact

    /// The index field of a PAR field (the same seven).
    public init(_ field: PARField) {
        self = ParIndexField(rawValue: field.rawValue)!
    }

    /// The PAR field it is, or nil for the impact of reform, which only the index has.
    public var parField: PARField? { PARField(rawValue: rawValue) }

    /// The field's number in the criteria set (1–8).
    public var number: Int { Self.allCases.firstIndex(of: self)! + 1 }

    public var vietnamese: String {
        parField?.vietnamese ?? "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội"
    }

    public var english: String {
        parField?.english ?? "Impact of reform on people, organisations and socio-economic development"
    }
}
