/// ASCII case folding for protocol tokens, whose case carries no meaning: URI schemes
/// (RFC 3986 §3.1), authentication schemes (RFC 7235 §2.1), header field names (RFC 9110
/// §5.1). Only A–Z fold; every other byte must match exactly. No allocation.
enum ASCIICase {
    static func lowered(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// Whether `bytes` starts with `prefix`, whatever the case of either.
    static func hasPrefix<Bytes: Sequence<UInt8>>(_ bytes: Bytes, _ prefix: String) -> Bool {
        bytes.starts(with: prefix.utf8) { lowered($0) == lowered($1) }
    }

    /// Whether `a` and `b` are the same, whatever their case. On the contiguous bytes native
    /// strings have (every header name and literal here), as one loop over two buffers.
    static func equal(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                for index in 0..<left.count where lowered(left[index]) != lowered(right[index]) { return false }
                return true
            }
        }
        if let fast, let answer = fast { return answer }
        return a.utf8.elementsEqual(b.utf8) { lowered($0) == lowered($1) }
    }
}
