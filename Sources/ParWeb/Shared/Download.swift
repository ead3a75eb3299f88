import Foundation
import ParCore
import Vapor

/// A file sent as an attachment (exports, registers, slips), never cached.
enum Download {
    static func response(_ data: Data, type: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name.asciiFileName)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
