import Foundation
import ParCore
import ParStore
import Vapor

/// CSV cells as spreadsheet programs read them (RFC 4180 quoting).
enum CSVText {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Request {
    /// The uploaded-files store of this app.
    var fileStore: FileStore {
        FileStore(root: URL(fileURLWithPath: application.parConfig.filesDirectory, isDirectory: true))
    }

    /// Stores bytes in the file store on the thread pool: the event loops, which run async code
    /// (`ConcurrencyExecutor`), never wait for the disk.
    func putFile(_ bytes: [UInt8], store: FileStore? = nil) async throws -> FileStore.Blob {
        let store = store ?? fileStore
        return try await application.threadPool.runIfActive { try store.put(bytes) }
    }

    /// Reads a stored file's bytes on the thread pool.
    func readFile(_ sha256: String) async throws -> Data {
        let store = fileStore
        return try await application.threadPool.runIfActive { try store.read(sha256) }
    }

    /// Checks an upload (size, real type) and stores its bytes; the dossier row comes later, in the transaction.
    func storeUpload(_ file: File, kind: DossierFile.Kind, component: String?, digitised: Bool, store: FileStore) async throws -> FileDraft {
        let bytes = Array(file.data.readableBytesView)
        let type: String
        do {
            type = try FileRules.check(bytes, declaredType: file.contentType?.serialize(), maxBytes: application.parConfig.maxUploadBytes)
        } catch {
            throw Problem(error)
        }
        let blob = try await putFile(bytes, store: store)
        return FileDraft(kind: kind, component: component.map(VietnameseText.clean), blob: blob, contentType: type,
                         originalName: FileRules.safeName(file.filename, contentType: type), digitised: digitised)
    }

    /// A dossier's file as a download (never rendered inline: scans are not trusted content).
    func fileResponse(fileID raw: String?, of dossier: Dossier) async throws -> Response {
        guard let id = raw.flatMap(DossierFile.ID.init(string:)), let file = try await DossierRepository(db: db).file(id),
              file.dossierID == dossier.id else {
            throw Problem.notFound("Không tìm thấy tệp.", english: "File not found.")
        }
        let data: Data
        do {
            data = try await readFile(file.sha256)
        } catch {
            throw Problem(status: .gone, detail: "Tệp không còn trong kho lưu trữ.", detailEn: "The file is no longer in storage.")
        }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: file.contentType)
        response.headers.replaceOrAdd(name: .contentDisposition,
                                      value: "attachment; filename=\"\(file.originalName.asciiFileName)\"; filename*=UTF-8''\(file.originalName.urlQueryEscaped)")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
