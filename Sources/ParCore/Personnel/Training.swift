import Foundation

/// A course a person attended (đào tạo, bồi dưỡng): when, how many hours, and the certificate
/// it gave, if any.
public struct TrainingRecord: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<TrainingRecord>

    public var id: ID
    public var personID: Person.ID
    public var course: String
    public var startedOn: LocalDate
    public var endedOn: LocalDate
    /// Hours (tiết) attended.
    public var hours: Int
    public var certificate: String?

    public init(id: ID, personID: Person.ID, course: String, startedOn: LocalDate, endedOn: LocalDate, hours: Int, certificate: String?) {
        self.id = id
        self.personID = personID
        self.course = course
        self.startedOn = startedOn
        self.endedOn = endedOn
        self.hours = hours
        self.certificate = certificate
    }

    /// A course as entered for `person`, cleaned and checked: it has ended by `today`.
    public static func recorded(for person: Person, course raw: String, startedOn: LocalDate, endedOn: LocalDate, hours: Int,
                                certificate: String?, today: LocalDate) throws(DomainError) -> TrainingRecord {
        let course = VietnameseText.clean(raw)
        guard !course.isEmpty, course.unicodeScalars.count <= 300 else {
            throw .invalid("Cần tên khóa học (tối đa 300 ký tự).", english: "A course name is required (up to 300 characters).", field: "course")
        }
        guard startedOn <= endedOn, endedOn <= today, startedOn.year >= 1950 else {
            throw .invalid("Khóa học bắt đầu trước khi kết thúc và đã kết thúc.", english: "A course starts before it ends, and has ended.",
                           field: "endedOn")
        }
        guard (1...2000).contains(hours) else {
            throw .invalid("Số tiết từ 1 đến 2000.", english: "Hours are 1 to 2000.", field: "hours")
        }
        let certificate = certificate.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        guard (certificate?.unicodeScalars.count ?? 0) <= 300 else {
            throw .invalid("Tên chứng chỉ tối đa 300 ký tự.", english: "A certificate is up to 300 characters.", field: "certificate")
        }
        return TrainingRecord(id: .random(), personID: person.id, course: course, startedOn: startedOn, endedOn: endedOn, hours: hours,
                              certificate: certificate)
    }
}

/// What a civil servant or public employee must attend each year.
///
/// ParHub's reading of Decree 101/2017/NĐ-CP (training and refresher training of cadres, civil
/// servants and public employees): mandatory yearly refresher training of at least one week,
/// 40 hours (tiết). The article was not found in the stored texts (unverified); a requirement per
/// job position is not kept yet, so every position is held to the same 40 hours.
public enum TrainingRequirement {
    public static let yearlyHours = 40

    /// Hours attended in courses that ended in `year`.
    public static func hours(_ records: [TrainingRecord], year: Int) -> Int {
        records.filter { $0.endedOn.year == year }.reduce(0) { $0 + $1.hours }
    }

    /// Whether `records` meet the year's requirement.
    public static func isMet(_ records: [TrainingRecord], year: Int) -> Bool { hours(records, year: year) >= yearlyHours }
}
