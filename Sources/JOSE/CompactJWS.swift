#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The three segments of a compact-serialized JWS (RFC 7515 §7.1), located without copying.
///
/// Only the separators are located here (with `memchr`); bytes outside the base64url
/// alphabet, including any non-ASCII byte, are rejected when each segment is decoded, which
/// happens for all three segments before any signature check.
struct CompactJWS {
    let header: UnsafeBufferPointer<UInt8>
    let payload: UnsafeBufferPointer<UInt8>
    let signature: UnsafeBufferPointer<UInt8>
    /// `BASE64URL(header) || '.' || BASE64URL(payload)` exactly as received (RFC 7515 §5.2
    /// step 8): the bytes that were signed. Never re-encoded.
    let signingInput: UnsafeBufferPointer<UInt8>

    init(splitting token: UnsafeBufferPointer<UInt8>) throws(JOSEError) {
        // Locate up to five separators: two is JWS, four is JWE, anything else is malformed.
        var dots = (0, 0)
        var count = 0
        var position = 0
        while count < 5, let found = CompactJWS.nextDot(in: token, from: position) {
            if count == 0 { dots.0 = found } else if count == 1 { dots.1 = found }
            count += 1
            position = found + 1
        }
        switch count {
        case 2:
            break
        case 4:
            throw .unsupportedHeader("5 segments: JWE compact serialization (RFC 7516 §7.1) is not supported")
        default:
            throw .malformed("compact JWS has 3 segments (RFC 7515 §7.1), found \(count >= 5 ? "more than 5" : String(count + 1))")
        }
        header = UnsafeBufferPointer(rebasing: token[0..<dots.0])
        payload = UnsafeBufferPointer(rebasing: token[(dots.0 + 1)..<dots.1])
        signature = UnsafeBufferPointer(rebasing: token[(dots.1 + 1)...])
        signingInput = UnsafeBufferPointer(rebasing: token[0..<dots.1])
    }

    private static func nextDot(in token: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < token.count, let base = token.baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(UInt8(ascii: ".")), token.count - start) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}
