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
/// 40 hours (tiết). The article was not found in the stored texts (unverified). A position on the
/// unit's approved list may require other hours (`JobPosition.trainingHours`).
public enum TrainingRequirement {
    public static let yearlyHours = 40

    /// Hours attended in courses that ended in `year`.
    public static func hours(_ records: [TrainingRecord], year: Int) -> Int {
        records.filter { $0.endedOn.year == year }.reduce(0) { $0 + $1.hours }
    }

    /// Whether `records` meet the year's requirement: `required` hours (the position's, else 40).
    public static func isMet(_ records: [TrainingRecord], year: Int, required: Int = yearlyHours) -> Bool {
        hours(records, year: year) >= required
    }
}

/// A job position on a unit's approved list (danh mục vị trí việc làm): what it requires of the
/// people in it — yearly training hours, and a periodic rotation where the position must rotate.
public struct JobPosition: Codable, Hashable, Sendable {
    public var name: String
    /// Yearly training hours required (default `TrainingRequirement.yearlyHours`).
    public var trainingHours: Int
    /// The rotation period in years (2–5) for a position that must rotate (Decree 59/2019); nil otherwise.
    public var rotationYears: Int?

    public init(name: String, trainingHours: Int = TrainingRequirement.yearlyHours, rotationYears: Int? = nil) {
        self.name = name
        self.trainingHours = trainingHours
        self.rotationYears = rotationYears
    }

    /// A unit's list as entered: names cleaned and unique, hours 0–400, periods 2–5.
    public static func validatedList(_ positions: [JobPosition]) throws(DomainError) -> [JobPosition] {
        var seen: Set<String> = []
        var list: [JobPosition] = []
        for raw in positions {
            var position = raw
            position.name = VietnameseText.clean(raw.name)
            guard !position.name.isEmpty, position.name.unicodeScalars.count <= 200 else {
                throw .invalid("Cần tên vị trí việc làm (tối đa 200 ký tự).", english: "A position needs a name (up to 200 characters).", field: "positions")
            }
            guard seen.insert(position.name.lowercased()).inserted else {
                throw .invalid("Vị trí \(position.name) bị lặp.", english: "The position \(position.name) is listed twice.", field: "positions")
            }
            guard (0...400).contains(position.trainingHours) else {
                throw .invalid("Số tiết bồi dưỡng từ 0 đến 400.", english: "Training hours are 0 to 400.", field: "positions")
            }
            guard position.rotationYears.map({ (2...5).contains($0) }) ?? true else {
                throw .invalid("Thời hạn chuyển đổi vị trí công tác từ 2 đến 5 năm.", english: "A rotation period is 2 to 5 years.", field: "positions")
            }
            list.append(position)
        }
        guard list.count <= 500 else {
            throw .invalid("Tối đa 500 vị trí.", english: "At most 500 positions.", field: "positions")
        }
        return list.sorted { VietnameseText.precedes($0.name, $1.name) }
    }

    /// A person's record checked against their unit's list: when the unit has a list, the
    /// position must be on it, and a position that rotates gives its period when none is set.
    public static func placed(_ person: Person, list: [JobPosition]) throws(DomainError) -> Person {
        guard !list.isEmpty else { return person }
        guard let position = list.first(where: { $0.name.lowercased() == person.position.lowercased() }) else {
            throw .invalid("Vị trí \(person.position) không có trong danh mục vị trí việc làm của đơn vị.",
                           english: "The position \(person.position) is not on the unit's approved list.", field: "position")
        }
        var placed = person
        placed.position = position.name
        if placed.rotationYears == nil { placed.rotationYears = position.rotationYears }
        return placed
    }
}
