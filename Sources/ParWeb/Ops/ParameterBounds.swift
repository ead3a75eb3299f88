import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The bounds `openapi.yaml` gives its integer path and query parameters
/// (`year: {minimum: 2000, maximum: 2100}`, `limit: {minimum: 1, maximum: 200}`).
///
/// The generated server decodes a parameter's type but not its `minimum` and
/// `maximum`, so a handler would otherwise meet `year=0`. Read from the document,
/// the bounds are enforced in one place and cannot drift from what the API promises.
struct ParameterBounds: Sendable, Equatable {
    enum Location: String, Sendable { case path, query }

    struct Bound: Sendable, Equatable {
        let name: String
        let location: Location
        let range: ClosedRange<Int>
    }

    /// By operationId: the operation's own parameters and its path's.
    let byOperation: [String: [Bound]]

    /// Reads the document's `paths` and `components.parameters`. The document is
    /// ours and written in one layout (two-space indent); a parameter is either a
    /// flow mapping (`- {name: year, in: query, schema: {…}}`), a block mapping
    /// (`- name: view` with deeper lines) or a `$ref` to `components.parameters`.
    static func parse(_ text: String) -> ParameterBounds {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let shared = components(lines)
        var result: [String: [Bound]] = [:]
        var pathLevel: [Bound] = [], operationLevel: [Bound] = [], operationId = ""
        func flush() {
            if !operationId.isEmpty { result[operationId] = pathLevel + operationLevel }
            operationLevel = []; operationId = ""
        }
        var inPaths = false
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { break }
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if indent == 2, trimmed.hasPrefix("/") {
                flush(); pathLevel = []
            } else if indent == 4, ["get:", "post:", "put:", "patch:", "delete:"].contains(trimmed) {
                flush(); operationId = "-"
            } else if trimmed.hasPrefix("operationId: ") {
                operationId = String(trimmed.dropFirst("operationId: ".count))
            } else if trimmed.hasPrefix("- "), indent == 6 || indent == 8 {
                // A parameter item: its own line and every deeper line after it.
                var item = trimmed
                while index < lines.count, lines[index].prefix(while: { $0 == " " }).count > indent,
                      !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
                    item += " " + lines[index].trimmingCharacters(in: .whitespaces)
                    index += 1
                }
                let bound = reference(item).flatMap { shared[$0] } ?? bound(item)
                guard let bound else { continue }
                if operationId.isEmpty { pathLevel.append(bound) } else { operationLevel.append(bound) }
            }
        }
        flush()
        return ParameterBounds(byOperation: result.filter { !$0.value.isEmpty })
    }

    /// `components.parameters`, by name, that are bounded integers.
    private static func components(_ lines: [String]) -> [String: Bound] {
        var result: [String: Bound] = [:]
        var inComponents = false, inParameters = false
        var name = "", item = ""
        func flush() {
            if !name.isEmpty, let bound = bound(item) { result[name] = bound }
            name = ""; item = ""
        }
        for line in lines {
            if line == "components:" { inComponents = true; continue }
            guard inComponents else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { break }
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if indent == 2 { flush(); inParameters = trimmed == "parameters:"; continue }
            guard inParameters else { continue }
            if indent == 4, trimmed.hasSuffix(":") {
                flush(); name = String(trimmed.dropLast())
            } else if indent > 4 {
                item += " " + trimmed
            }
        }
        flush()
        return result
    }

    private static func reference(_ item: String) -> String? {
        guard let match = item.firstMatch(of: /\$ref: '#\/components\/parameters\/(\w+)'/) else { return nil }
        return String(match.1)
    }

    /// A bounded integer path or query parameter, or `nil` for anything else.
    private static func bound(_ item: String) -> Bound? {
        guard item.contains("type: integer"),
              let name = item.firstMatch(of: /name: ([A-Za-z0-9_-]+)/)?.1,
              let location = item.firstMatch(of: /in: (path|query)/).flatMap({ Location(rawValue: String($0.1)) }) else { return nil }
        let minimum = item.firstMatch(of: /minimum: (-?\d+)/).flatMap { Int($0.1) }
        let maximum = item.firstMatch(of: /maximum: (-?\d+)/).flatMap { Int($0.1) }
        guard minimum != nil || maximum != nil else { return nil }
        return Bound(name: String(name), location: location, range: (minimum ?? Int.min)...(maximum ?? Int.max))
    }
}

/// Refuses, with a 400 problem naming the parameter, a path or query integer
/// outside the bounds `openapi.yaml` gives it, before the handler runs.
struct ParameterBoundsMiddleware: ServerMiddleware {
    let bounds: ParameterBounds

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        if let list = bounds.byOperation[operationID] {
            let query = URLComponents(string: request.path ?? "")?.queryItems ?? []
            for bound in list {
                let raw = switch bound.location {
                case .path: metadata.pathParameters[bound.name].map(String.init)
                case .query: query.first { $0.name == bound.name }?.value
                }
                // A missing or non-integer value is the generated decoder's to refuse.
                guard let raw, let value = Int(raw), !bound.range.contains(value) else { continue }
                let low = bound.range.lowerBound == Int.min ? nil : bound.range.lowerBound
                let high = bound.range.upperBound == Int.max ? nil : bound.range.upperBound
                let (vi, en) = switch (low, high) {
                case let (low?, high?): ("từ \(low) đến \(high)", "between \(low) and \(high)")
                case let (low?, nil): ("từ \(low) trở lên", "at least \(low)")
                case let (nil, high?): ("không quá \(high)", "at most \(high)")
                case (nil, nil): ("", "")
                }
                throw Problem.badRequest("Tham số \(bound.name) phải \(vi).", english: "The parameter \(bound.name) must be \(en).",
                                         field: bound.name)
            }
        }
        return try await next(request, body, metadata)
    }
}
