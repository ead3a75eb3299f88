import Foundation

/// Converts between a ParCore value and the generated API type of the same
/// JSON shape, through JSON: one mapping that cannot drift field by field.
/// `extra` adds or replaces top-level fields (derived values such as `isComplete`).
enum Bridge {
    static func convert<T: Decodable>(_ value: some Encodable, to _: T.Type = T.self,
                                      extra: [String: Any] = [:]) throws -> T {
        var data = try JSONEncoder().encode(value)
        if !extra.isEmpty, var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
            object.merge(extra) { _, new in new }
            data = try JSONSerialization.data(withJSONObject: object)
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}
