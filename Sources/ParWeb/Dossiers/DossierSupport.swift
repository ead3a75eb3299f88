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

    /// Checks an upload (size, real type) and stores its bytes; the dossier row comes later, in the transaction.
    func storeUpload(_ file: File, kind: DossierFile.Kind, component: String?, digitised: Bool, store: FileStore) throws -> FileDraft {
        let bytes = Array(file.data.readableBytesView)
        let type: String
        do {
            type = try FileRules.check(bytes, declaredType: file.contentType?.serialize(), maxBytes: application.parConfig.maxUploadBytes)
        } catch {
            throw Problem(error)
        }
        let blob = try store.put(bytes)
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
            data = try fileStore.read(file.sha256)
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
