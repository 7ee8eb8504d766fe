/// SHA-256 and HMAC-SHA-256 as byte arrays, for values that are not on a hot path: PKCE
/// challenges (RFC 7636 §4.2), anti-forgery tokens derived from a session.
public enum SHA256 {
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = input.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { TokenDigest.sha256(input, into: $0) }
        }
        precondition(ok, "SHA-256 failed\(OpenSSLErrors.drain())")
        return digest
    }

    public static func hmac(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        let tag = Array(message).withUnsafeBufferPointer { HMACSHA2.authenticate(key: key, message: $0, digest: MessageDigest.sha256) }
        guard let tag else { preconditionFailure("HMAC-SHA-256 failed") }
        return tag
    }
}
