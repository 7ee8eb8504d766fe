/// The three segments of a compact-serialized JWS (RFC 7515 §7.1), located without copying.
struct CompactJWS {
    let header: UnsafeBufferPointer<UInt8>
    let payload: UnsafeBufferPointer<UInt8>
    let signature: UnsafeBufferPointer<UInt8>
    /// `BASE64URL(header) || '.' || BASE64URL(payload)` exactly as received (RFC 7515 §5.2
    /// step 8): the bytes that were signed. Never re-encoded.
    let signingInput: UnsafeBufferPointer<UInt8>

    init(splitting token: UnsafeBufferPointer<UInt8>) throws(JOSEError) {
        var firstDot = -1
        var secondDot = -1
        var dots = 0
        for position in 0..<token.count {
            let byte = token[position]
            if byte >= 0x80 { throw .malformed("non-ASCII byte at offset \(position)") }
            if byte == UInt8(ascii: ".") {
                dots += 1
                if dots == 1 { firstDot = position } else if dots == 2 { secondDot = position }
            }
        }
        switch dots {
        case 2:
            break
        case 4:
            throw .unsupportedHeader("5 segments: JWE compact serialization (RFC 7516 §7.1) is not supported")
        default:
            throw .malformed("compact JWS has 3 segments (RFC 7515 §7.1), found \(dots + 1)")
        }
        header = UnsafeBufferPointer(rebasing: token[0..<firstDot])
        payload = UnsafeBufferPointer(rebasing: token[(firstDot + 1)..<secondDot])
        signature = UnsafeBufferPointer(rebasing: token[(secondDot + 1)...])
        signingInput = UnsafeBufferPointer(rebasing: token[0..<secondDot])
    }
}
