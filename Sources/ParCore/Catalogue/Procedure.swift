import Foundation

/// TTHC — an administrative procedure as published (Decree 63/2010/NĐ-CP art. 8:
/// name, steps, methods, dossier components and copies, processing time,
/// applicants, implementing agency; plus result, fees, legal basis, field,
/// level, online level and inter-agency steps).
public struct Procedure: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<Procedure>

    /// Cấp thực hiện — who implements it.
    public enum Level: String, CaseIterable, Codable, Sendable {
        case province, commune
        public var vietnamese: String { self == .province ? "Cấp tỉnh" : "Cấp xã" }
        public var english: String { self == .province ? "Province" : "Commune" }
    }

    /// Cách thức thực hiện — how a dossier may be submitted.
    public enum Method: String, CaseIterable, Codable, Sendable {
        case counter, online, post
        public var vietnamese: String {
            switch self {
            case .counter: "Trực tiếp"
            case .online: "Trực tuyến"
            case .post: "Bưu chính công ích"
            }
        }
    }

    /// Mức độ dịch vụ công trực tuyến.
    public enum OnlineLevel: String, CaseIterable, Codable, Sendable {
        case none, partial, full
        public var vietnamese: String {
            switch self {
            case .none: "Không trực tuyến"
            case .partial: "Trực tuyến một phần"
            case .full: "Trực tuyến toàn trình"
            }
        }
    }

    /// The form of the result.
    public enum ResultType: String, CaseIterable, Codable, Sendable {
        case paper, electronic, both
    }

    /// Thành phần hồ sơ — one component of the dossier.
    public struct Document: Hashable, Sendable, Codable {
        public var name: String
        public var copies: Int
        /// The form (mẫu) to fill in, when there is one.
        public var template: String?
        public init(name: String, copies: Int, template: String? = nil) {
            self.name = name
            self.copies = copies
            self.template = template
        }

        /// Whether the component is needed only in some cases. Published catalogues mark
        /// those in the name: "(trường hợp …)", "(nếu có)", "(đối với …)"; the counter
        /// may receive a dossier without them.
        public var isConditional: Bool {
            let key = VietnameseText.searchKey(name)
            return ["(truong hop", "(neu co", "(doi voi", "(neu "].contains { key.contains($0) }
        }
    }

    /// Phí, lệ phí.
    public struct Fee: Hashable, Sendable, Codable {
        public var description: String
        public var amountVND: Int
        public init(description: String, amountVND: Int) {
            self.description = description
            self.amountVND = amountVND
        }
    }

    /// One unit's share of an inter-agency (liên thông) procedure, in working days.
    public struct InterAgencyStep: Hashable, Sendable, Codable {
        public var unit: String
        public var days: Int
        public init(unit: String, days: Int) {
            self.unit = unit
            self.days = days
        }
    }

    public var id: ID
    /// Mã TTHC on the national database, e.g. "1.001193".
    public var code: String
    public var name: String
    /// Lĩnh vực, e.g. "Hộ tịch".
    public var field: String
    public var level: Level
    /// The implementing department; `nil` for a commune-level procedure every commune implements.
    public var unitID: OrgUnit.ID?
    /// Cơ quan thực hiện, as published.
    public var agency: String
    /// Đối tượng thực hiện.
    public var applicants: String
    /// Trình tự thực hiện.
    public var steps: [String]
    public var methods: [Method]
    public var documents: [Document]
    public var processingTime: ProcessingTime
    public var processingNote: String?
    /// Kết quả thực hiện.
    public var result: String
    public var resultType: ResultType
    public var fees: [Fee]
    /// Căn cứ pháp lý.
    public var legalBasis: [String]
    public var onlineLevel: OnlineLevel
    /// Whether the procedure qualifies for full online service (Decree 42/2022).
    public var fullOnlineEligible: Bool
    public var interAgencySteps: [InterAgencyStep]
    public var version: Int

    public init(id: ID, code: String, name: String, field: String, level: Level, unitID: OrgUnit.ID?, agency: String,
                applicants: String, steps: [String], methods: [Method], documents: [Document],
                processingTime: ProcessingTime, processingNote: String? = nil, result: String, resultType: ResultType,
                fees: [Fee], legalBasis: [String], onlineLevel: OnlineLevel, fullOnlineEligible: Bool,
                interAgencySteps: [InterAgencyStep], version: Int = 1) {
        self.id = id
        self.code = code
        self.name = name
        self.field = field
        self.level = level
        self.unitID = unitID
        self.agency = agency
        self.applicants = applicants
        self.steps = steps
        self.methods = methods
        self.documents = documents
        self.processingTime = processingTime
        self.processingNote = processingNote
        self.result = result
        self.resultType = resultType
        self.fees = fees
        self.legalBasis = legalBasis
        self.onlineLevel = onlineLevel
        self.fullOnlineEligible = fullOnlineEligible
        self.interAgencySteps = interAgencySteps
        self.version = version
    }

    /// Cleans the text and checks the rules a procedure must keep to be stored.
    /// Missing optional parts are allowed (they show in `completeness`); broken ones are not.
    public func validated() throws(DomainError) -> Procedure {
        var p = self
        p.code = VietnameseText.clean(code)
        p.name = VietnameseText.clean(name)
        p.field = VietnameseText.clean(field)
        p.agency = VietnameseText.clean(agency)
        p.applicants = VietnameseText.clean(applicants)
        p.result = VietnameseText.clean(result)
        p.processingNote = processingNote.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }
        p.steps = steps.map(VietnameseText.clean).filter { !$0.isEmpty }
        p.legalBasis = legalBasis.map(VietnameseText.clean).filter { !$0.isEmpty }
        p.documents = documents.map { Document(name: VietnameseText.clean($0.name), copies: $0.copies,
                                               template: $0.template.map(VietnameseText.clean).flatMap { $0.isEmpty ? nil : $0 }) }
        p.fees = fees.map { Fee(description: VietnameseText.clean($0.description), amountVND: $0.amountVND) }
        p.interAgencySteps = interAgencySteps.map { InterAgencyStep(unit: VietnameseText.clean($0.unit), days: $0.days) }
        p.methods = Method.allCases.filter(methods.contains)
        guard !p.code.isEmpty, p.code.count <= 40 else {
            throw .invalid("Mã thủ tục phải có từ 1 đến 40 ký tự.", english: "The procedure code must be 1 to 40 characters.", field: "code")
        }
        guard !p.name.isEmpty, p.name.count <= 500 else {
            throw .invalid("Tên thủ tục phải có từ 1 đến 500 ký tự.", english: "The name must be 1 to 500 characters.", field: "name")
        }
        guard !p.field.isEmpty, p.field.count <= 200 else {
            throw .invalid("Cần ghi lĩnh vực (tối đa 200 ký tự).", english: "A field (up to 200 characters) is required.", field: "field")
        }
        if level == .province && unitID == nil {
            throw .invalid("Thủ tục cấp tỉnh phải có cơ quan thực hiện.", english: "A province-level procedure needs its implementing unit.", field: "unitId")
        }
        try processingTime.validate()
        guard p.documents.allSatisfy({ !$0.name.isEmpty && (1...100).contains($0.copies) }) else {
            throw .invalid("Mỗi thành phần hồ sơ cần tên và số bản từ 1 đến 100.", english: "Each document needs a name and 1 to 100 copies.", field: "documents")
        }
        guard p.fees.allSatisfy({ !$0.description.isEmpty && (0...10_000_000_000).contains($0.amountVND) }) else {
            throw .invalid("Phí, lệ phí phải có mô tả và số tiền không âm.", english: "Each fee needs a description and a non-negative amount.", field: "fees")
        }
        if !p.interAgencySteps.isEmpty {
            guard p.interAgencySteps.allSatisfy({ !$0.unit.isEmpty && $0.days >= 0 }) else {
                throw .invalid("Mỗi bước liên thông cần đơn vị và số ngày không âm.", english: "Each inter-agency step needs a unit and non-negative days.", field: "interAgencySteps")
            }
            let total = p.interAgencySteps.reduce(0) { $0 + $1.days }
            guard processingTime.unit == .workingDays, Double(total) == processingTime.amount else {
                throw .invalid("Tổng thời gian các bước liên thông (\(total) ngày) phải bằng thời hạn giải quyết.",
                               english: "The inter-agency steps (\(total) days) must add up to the processing time.",
                               field: "interAgencySteps")
            }
        }
        if onlineLevel == .full && !p.methods.contains(.online) {
            throw .invalid("Thủ tục trực tuyến toàn trình phải cho phép nộp trực tuyến.", english: "A full-online procedure must accept online submission.", field: "methods")
        }
        return p
    }

    /// The mandatory parts (Decree 63/2010 art. 8) that are missing: the
    /// "published in full" check behind the Decision 766 publication indicator.
    public var missingParts: [String] {
        var missing: [String] = []
        if steps.isEmpty { missing.append("steps") }
        if methods.isEmpty { missing.append("methods") }
        if documents.isEmpty { missing.append("documents") }
        if applicants.isEmpty { missing.append("applicants") }
        if agency.isEmpty { missing.append("agency") }
        if result.isEmpty { missing.append("result") }
        if legalBasis.isEmpty { missing.append("legalBasis") }
        return missing
    }

    public var isComplete: Bool { missingParts.isEmpty }

    /// The text searched: name, code, field and agency.
    public var searchText: String { [name, code, field, agency].joined(separator: " ") }
}
