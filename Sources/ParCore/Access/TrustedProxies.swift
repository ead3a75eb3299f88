import Foundation

/// The reverse proxies whose word on the client's address is taken (`PARHUB_TRUSTED_PROXIES`).
///
/// Behind nginx every request comes from the proxy's address; the client's is in
/// `X-Forwarded-For` or `Forwarded`. Those headers are believed only from a trusted peer, and
/// only as far as trusted hops reach: walking the list from the right (the hop nearest to us),
/// the first address that is not a trusted proxy is the client. A client can put anything at
/// the left of the list, so nothing left of that address is read.
public struct TrustedProxies: Sendable, Equatable {
    /// An address block: `10.0.0.0/8`, `::1`, `fd00::/8`.
    public struct Block: Sendable, Equatable, CustomStringConvertible {
        let bytes: [UInt8]
        let prefix: Int

        /// Parses `ADDRESS` or `ADDRESS/PREFIX`; nil for anything else.
        public init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let bytes = TrustedProxies.bytes(of: String(parts[0])) else { return nil }
            let maximum = bytes.count * 8
            if parts.count == 2 {
                guard let prefix = Int(parts[1]), (0...maximum).contains(prefix) else { return nil }
                self.prefix = prefix
            } else {
                prefix = maximum
            }
            self.bytes = bytes
        }

        public func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefix
            for (a, b) in zip(address, bytes) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                remaining -= bits
            }
            return true
        }

        public var description: String {
            let address = bytes.count == 4 ? bytes.map(String.init).joined(separator: ".")
                : stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
            return prefix == bytes.count * 8 ? address : "\(address)/\(prefix)"
        }
    }

    public let blocks: [Block]

    public init(_ blocks: [Block] = []) { self.blocks = blocks }

    /// Parses a comma- or space-separated list; throws naming the first entry that is not an address or block.
    public init(parsing text: String) throws(DomainError) {
        var blocks: [Block] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let block = Block(String(entry)) else {
                throw .invalid("Không phải địa chỉ IP hay dải địa chỉ: \(entry)", english: "Not an IP address or block: \(entry)",
                               field: "PARHUB_TRUSTED_PROXIES")
            }
            blocks.append(block)
        }
        self.blocks = blocks
    }

    public func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return blocks.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most
    /// forwarded address that is not a trusted proxy (the left-most when every hop is trusted).
    /// `forwarded` is the list as the headers give it, the client first and the nearest hop last;
    /// entries that are not addresses (`unknown`, an obfuscated node) end the walk there.
    public func client(peer: String?, forwarded: [String]) -> String? {
        guard let peer, trusts(peer), !forwarded.isEmpty else { return peer }
        var candidate = peer
        for hop in forwarded.reversed() {
            let address = Self.stripped(hop)
            guard Self.bytes(of: address) != nil else { return candidate }
            candidate = address
            if !trusts(address) { return address }
        }
        return candidate
    }

    /// An address without the port or brackets a header may add: `[2001:db8::1]:4711`, `192.0.2.1:80`, `"…"`.
    static func stripped(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address in text; nil for anything else.
    /// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is read as its IPv4 address.
    static func bytes(of text: String) -> [UInt8]? {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var result: [UInt8] = []
            for part in parts {
                guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
                result.append(value)
            }
            return result
        }
        var text = Substring(text)
        var tail: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = bytes(of: String(text[text.index(after: lastColon)...])) else { return nil }
            tail = v4
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]), let rest = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let wanted = tail.isEmpty ? 8 : 6
        let words: [UInt16]
        if halves.count == 2 {
            guard head.count + rest.count < wanted else { return nil }
            words = head + Array(repeating: 0, count: wanted - head.count - rest.count) + rest
        } else {
            guard head.count == wanted else { return nil }
            words = head
        }
        let result = words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + tail
        if result.count == 16, result[0..<10].allSatisfy({ $0 == 0 }), result[10] == 0xFF, result[11] == 0xFF {
            return Array(result[12...])
        }
        return result
    }
}
