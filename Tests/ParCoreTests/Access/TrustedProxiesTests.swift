import ParCore
import Testing

@Suite("Trusted proxies and the client's address")
struct TrustedProxiesTests {
    static let proxies = try! TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8 fd00::/8")

    @Test("the client's address, by peer and forwarded list", arguments: [
        // An untrusted peer: the headers are ignored, whatever they say.
        ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
        ("127.0.0.2", ["198.51.100.1"], "127.0.0.2"),
        // A trusted peer with no header: the peer.
        ("127.0.0.1", [], "127.0.0.1"),
        // nginx appends the address it saw: the right-most untrusted entry is the client.
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        // A forged entry on the left is not read: the client sent it, nginx appended the real one.
        ("127.0.0.1", ["1.2.3.4", "198.51.100.1"], "198.51.100.1"),
        // Through two trusted hops.
        ("127.0.0.1", ["198.51.100.1", "10.1.2.3"], "198.51.100.1"),
        // Ports, brackets and quotes as Forwarded writes them.
        ("127.0.0.1", ["\"[2001:db8::1]:4711\""], "2001:db8::1"),
        ("127.0.0.1", ["198.51.100.1:5555"], "198.51.100.1"),
        // Every hop trusted: the left-most.
        ("127.0.0.1", ["10.0.0.5", "10.0.0.6"], "10.0.0.5"),
        // Garbage ends the walk at the last address read.
        ("127.0.0.1", ["unknown"], "127.0.0.1"),
        ("127.0.0.1", ["198.51.100.1", "not-an-address"], "127.0.0.1"),
        // IPv6 peers and IPv4-mapped addresses.
        ("fd00::1", ["2001:db8::2"], "2001:db8::2"),
        ("::ffff:127.0.0.1", ["198.51.100.9"], "198.51.100.9"),
    ])
    func client(peer: String, forwarded: [String], expected: String) {
        #expect(Self.proxies.client(peer: peer, forwarded: forwarded) == expected)
    }

    @Test("no trusted proxies: always the peer")
    func none() {
        #expect(TrustedProxies().client(peer: "127.0.0.1", forwarded: ["1.2.3.4"]) == "127.0.0.1")
        #expect(TrustedProxies().client(peer: nil, forwarded: ["1.2.3.4"]) == nil)
    }

    @Test("blocks parse and match by prefix; anything else is refused naming the entry", arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.0/25", "192.168.1.127", true), ("192.168.1.0/25", "192.168.1.128", false),
        ("0.0.0.0/0", "8.8.8.8", true), ("::1", "::1", true), ("::1", "127.0.0.1", false),
        ("2001:db8::/32", "2001:db8:ffff::1", true), ("2001:db8::/32", "2001:db9::1", false),
        ("fd00::/8", "fdff:1::", true),
    ])
    func blocks(block: String, address: String, inside: Bool) throws {
        #expect(try TrustedProxies(parsing: block).trusts(address) == inside)
    }

    @Test("a bad entry is refused", arguments: ["10.0.0.0/33", "300.1.1.1", "10.0.0", "proxy.local", "::1/129", "1::2::3", "10.0.0.1/x"])
    func refused(entry: String) {
        #expect(throws: DomainError.self) { try TrustedProxies(parsing: "127.0.0.1," + entry) }
    }
}
