import Crypto
import Foundation
import ParCore

/// A short token that proves a link was made by this server for one purpose and one record:
/// the HMAC-SHA256 of `purpose|id` under the server's secret, as 20 base-32 characters
/// (100 bits). Nothing is stored, every instance computes the same token, and it cannot be
/// forged without the secret.
public enum SignedToken {
    public static func make(_ purpose: String, _ id: String, key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((purpose + "|" + id).utf8), using: SymmetricKey(data: Data(key.utf8)))
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var bits = 0, value = 0, out = ""
        for byte in mac {
            value = (value << 8) | Int(byte)
            bits += 8
            while bits >= 5, out.count < 20 {
                bits -= 5
                out.append(alphabet[(value >> bits) & 31])
            }
            value &= (1 << bits) - 1
        }
        return out
    }

    /// Whether `token` is the one for `purpose` and `id`, compared in constant time.
    public static func verify(_ token: String, _ purpose: String, _ id: String, key: String) -> Bool {
        token.count <= 64 && DossierRepository.constantTimeEqual(make(purpose, id, key: key), token.lowercased())
    }

    /// The hex HMAC-SHA256 of a body: how payment providers sign their callbacks.
    public static func hmacHex(_ body: [UInt8], key: String) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(key.utf8))))
    }
}
