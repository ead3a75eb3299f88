import Foundation

/// A file attached to a dossier: a scanned component or the result. The bytes live
/// in a content-addressed store (by SHA-256); this is what the dossier knows of them.
public struct DossierFile: Identifiable, Hashable, Sendable, Codable {
    public typealias ID = EntityID<DossierFile>

    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// A scan of one of the procedure's components (thành phần hồ sơ).
        case component
        /// The result (kết quả giải quyết).
        case result
    }

    public var id: ID
    public var dossierID: Dossier.ID
    public var kind: Kind
    /// The component it is a copy of (for `component` files).
    public var component: String?
    public var sha256: String
    public var size: Int
    public var contentType: String
    /// The name the uploader gave, kept for display only (never used as a path).
    public var originalName: String
    /// Flagged as a digitised copy with legal value (số hóa), reusable by later dossiers.
    public var digitised: Bool
    /// The earlier file this one reuses instead of a new upload.
    public var reusedFrom: ID?
    public var uploadedAt: Date
    public var uploadedBy: String

    public init(id: ID, dossierID: Dossier.ID, kind: Kind, component: String?, sha256: String, size: Int,
                contentType: String, originalName: String, digitised: Bool, reusedFrom: ID?, uploadedAt: Date, uploadedBy: String) {
        self.id = id
        self.dossierID = dossierID
        self.kind = kind
        self.component = component
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.originalName = originalName
        self.digitised = digitised
        self.reusedFrom = reusedFrom
        self.uploadedAt = uploadedAt
        self.uploadedBy = uploadedBy
    }
}

/// What may be uploaded: PDF, JPEG and PNG scans up to a size limit. The type is
/// read from the file's first bytes, not from what the client claims.
public enum FileRules {
    /// 10 MiB per file: an A4 page scanned at 300 dpi in colour is well under 5 MiB.
    public static let defaultMaxBytes = 10 * 1024 * 1024

    /// The content type the bytes really are, or nil when not an accepted kind.
    public static func sniff(_ head: some Collection<UInt8>) -> String? {
        let bytes = Array(head.prefix(8))
        if bytes.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        return nil
    }

    /// Checks an upload; returns its real content type.
    public static func check(_ bytes: some Collection<UInt8>, declaredType: String?, maxBytes: Int = defaultMaxBytes) throws(DomainError) -> String {
        guard !bytes.isEmpty else {
            throw .invalid("Tệp rỗng.", english: "The file is empty.", field: "file")
        }
        guard bytes.count <= maxBytes else {
            throw .invalid("Tệp lớn hơn \(maxBytes / 1024 / 1024) MB.", english: "The file is larger than \(maxBytes / 1024 / 1024) MB.", field: "file")
        }
        guard let actual = sniff(bytes) else {
            throw .invalid("Chỉ nhận tệp PDF, JPEG hoặc PNG.", english: "Only PDF, JPEG or PNG files are accepted.", field: "file")
        }
        if let declared = declaredType?.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
           !declared.isEmpty, declared != "application/octet-stream", declared != actual {
            throw .invalid("Tệp không đúng loại đã khai (\(declared)).", english: "The file is not the declared type (\(declared)).", field: "file")
        }
        return actual
    }

    /// The uploader's file name made safe to show and to offer as a download name:
    /// no directories, no control or quoting characters, at most 120 characters.
    public static func safeName(_ raw: String?, contentType: String) -> String {
        let base = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = VietnameseText.clean(base).unicodeScalars.filter { scalar in
            !CharacterSet.controlCharacters.contains(scalar) && !"\"<>:|?*;".unicodeScalars.contains(scalar)
        }
        var name = String(String.UnicodeScalarView(cleaned)).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        if name.unicodeScalars.count > 120 { name = String(String.UnicodeScalarView(name.unicodeScalars.suffix(120))) }
        if name.isEmpty {
            let ext = ["application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"][contentType] ?? "bin"
            name = "tep.\(ext)"
        }
        return name
    }
}

extension DossierFile {
    /// A file may be attached until the dossier is closed (a result until it is returned); a component scan
    /// must name one of the procedure's components — any of them, as a supplement may bring one that was
    /// not received at first.
    public static func checkAttach(kind: Kind, component: String?, to dossier: Dossier, procedure: Procedure?) throws(DomainError) {
        guard !dossier.state.isClosed else {
            throw DomainError(.conflict, "Hồ sơ đã kết thúc; không thể thêm tệp.", english: "The dossier is closed; files cannot be added.")
        }
        if kind == .component {
            guard let component, procedure?.hasComponent(component) == true else {
                throw .invalid("Chọn thành phần hồ sơ mà tệp này là bản sao.", english: "Name the dossier component this file copies.", field: "component")
            }
        }
    }

    /// Only a file uploaded here can be flagged digitised or not: a reused one keeps its original's flag.
    public func checkDigitisedFlagChange() throws(DomainError) {
        guard reusedFrom == nil else {
            throw DomainError(.conflict, "Tệp tái sử dụng giữ trạng thái số hóa của bản gốc.", english: "A reused file keeps its original's digitised flag.")
        }
    }

    /// Reuse takes an original digitised copy (not itself a reuse) of the same applicant: `owner` and
    /// `applicant` are the keys the store derives from the ID numbers (nil when there is none).
    public func checkReuse(owner: String?, applicant: String?) throws(DomainError) {
        guard digitised, reusedFrom == nil, let applicant, owner == applicant else { throw Self.notReusable }
    }

    /// The error for a reuse of a file that is not the applicant's own digitised copy (or does not exist).
    public static let notReusable = DomainError.invalid("Chỉ tái sử dụng được bản số hóa của chính người nộp.",
                                                        english: "Only the applicant's own digitised files can be reused.", field: "reuse")
}
