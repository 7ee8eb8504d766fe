import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`), for nonces,
/// keys, PKCE verifiers and anti-forgery values.
public enum RandomBytes {
    public static func make(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // RAND_bytes fails only when the DRBG cannot be seeded; nothing that needs a secret
        // value may go on without one.
        precondition(count == 0 || RAND_bytes(&bytes, Int32(count)) == 1, "RAND_bytes failed\(OpenSSLErrors.drain())")
        return bytes
    }

    /// `count` random bytes as base64url without padding.
    public static func token(_ count: Int = 32) -> String {
        Base64URL.encode(make(count))
    }
}
