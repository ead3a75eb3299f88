import Crypto
import Foundation
import ParCore

/// Uploaded files on disk, addressed by the SHA-256 of their bytes:
/// `<root>/ab/cd/abcd…` (two levels of fan-out). The same bytes are stored once;
/// names given by uploaders never reach the file system.
public struct FileStore: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// A stored file's digest and size.
    public struct Blob: Sendable, Equatable {
        public var sha256: String
        public var size: Int
    }

    /// Stores `bytes` (written to a temporary file and renamed, so a reader never sees
    /// half a file) and returns its digest.
    public func put(_ bytes: [UInt8]) throws -> Blob {
        let digest = Hex.string(SHA256.hash(data: bytes))
        guard let target = url(for: digest) else { throw DomainStoreError.corruptRow("file digest") }
        let fm = FileManager.default
        if !fm.fileExists(atPath: target.path) {
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(digest).\(UUID().uuidString).tmp")
            try Data(bytes).write(to: temporary)
            do {
                try fm.moveItem(at: temporary, to: target)
            } catch where fm.fileExists(atPath: target.path) {
                // Another request stored the same bytes first.
                try? fm.removeItem(at: temporary)
            }
        }
        return Blob(sha256: digest, size: bytes.count)
    }

    /// The path of a digest, or nil when `sha256` is not 64 lowercase hex digits.
    public func url(for sha256: String) -> URL? {
        guard sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        let a = String(sha256.prefix(2)), b = String(sha256.dropFirst(2).prefix(2))
        return root.appendingPathComponent(a).appendingPathComponent(b).appendingPathComponent(sha256)
    }

    public func read(_ sha256: String) throws -> Data {
        guard let url = url(for: sha256) else { throw DomainStoreError.corruptRow("file digest") }
        return try Data(contentsOf: url)
    }
}
