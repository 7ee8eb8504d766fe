/// Base64url without padding, as JOSE uses it (RFC 7515 §2, RFC 4648 §5).
///
/// Decoding is strict so that every byte string has exactly one accepted encoding; otherwise a
/// token could be altered (re-encoded) while its decoded signature still verifies. Rejected:
/// `=` padding, `+` and `/` (the non-URL alphabet), whitespace or any other byte, a length of
/// 1 mod 4 (cannot occur in a valid encoding), and non-zero unused low bits in the last
/// character (RFC 4648 §3.5 "canonical encoding").
public struct Base64URL: Sendable {
    private init() {}

    /// Decodes strict unpadded base64url; nil if the text is not a canonical encoding.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(text.utf8)
    }

    /// Decodes strict unpadded base64url from ASCII bytes; nil if not a canonical encoding.
    public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        if let result = bytes.withContiguousStorageIfAvailable({ decodeBytes($0) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { decodeBytes($0) }
    }

    /// Encodes without padding using the URL-safe alphabet.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let result = bytes.withContiguousStorageIfAvailable({ encodeBytes($0) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { encodeBytes($0) }
    }

    // MARK: - Core (hot path of JWS verification)

    /// 0xFF marks bytes outside the base64url alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(index) }
        return table
    }()

    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func decodedLength(ofEncodedLength n: Int) -> Int? {
        let remainder = n & 3
        if remainder == 1 { return nil }
        return (n >> 2) * 3 + (remainder == 0 ? 0 : remainder - 1)
    }

    static func decodeBytes(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let outCount = decodedLength(ofEncodedLength: input.count) else { return nil }
        if outCount == 0 { return [] }
        var valid = true
        let output = decodeTable.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outCount) { out, initialized in
                valid = decode(input, table: table, into: out)
                initialized = valid ? outCount : 0
            }
        }
        return valid ? output : nil
    }

    private static func decode(
        _ input: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>,
        into out: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        let remainder = input.count & 3
        let fullEnd = input.count - remainder
        var i = 0
        var o = 0
        while i < fullEnd {
            let a = table[Int(input[i])], b = table[Int(input[i + 1])]
            let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
            if (a | b | c | d) & 0x80 != 0 { return false }
            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out[o] = UInt8(truncatingIfNeeded: v >> 16)
            out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
            out[o + 2] = UInt8(truncatingIfNeeded: v)
            i += 4
            o += 3
        }
        switch remainder {
        case 2:
            let a = table[Int(input[i])], b = table[Int(input[i + 1])]
            // 12 bits carry 8: the low 4 bits of the last symbol must be zero (canonical).
            if (a | b) & 0x80 != 0 || b & 0x0F != 0 { return false }
            out[o] = a << 2 | b >> 4
        case 3:
            let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])]
            // 18 bits carry 16: the low 2 bits of the last symbol must be zero (canonical).
            if (a | b | c) & 0x80 != 0 || c & 0x03 != 0 { return false }
            out[o] = a << 2 | b >> 4
            out[o + 1] = (b & 0x0F) << 4 | c >> 2
        default:
            break
        }
        return true
    }

    static func encodeBytes(_ input: UnsafeBufferPointer<UInt8>) -> String {
        let remainder = input.count % 3
        let length = (input.count / 3) * 4 + (remainder == 0 ? 0 : remainder + 1)
        if length == 0 { return "" }
        return alphabet.withUnsafeBufferPointer { symbols in
            String(unsafeUninitializedCapacity: length) { out in
                var i = 0
                var o = 0
                let fullEnd = input.count - remainder
                while i < fullEnd {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = symbols[Int(v >> 18 & 0x3F)]
                    out[o + 1] = symbols[Int(v >> 12 & 0x3F)]
                    out[o + 2] = symbols[Int(v >> 6 & 0x3F)]
                    out[o + 3] = symbols[Int(v & 0x3F)]
                    i += 3
                    o += 4
                }
                if remainder == 1 {
                    let v = UInt32(input[i]) << 16
                    out[o] = symbols[Int(v >> 18 & 0x3F)]
                    out[o + 1] = symbols[Int(v >> 12 & 0x3F)]
                } else if remainder == 2 {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                    out[o] = symbols[Int(v >> 18 & 0x3F)]
                    out[o + 1] = symbols[Int(v >> 12 & 0x3F)]
                    out[o + 2] = symbols[Int(v >> 6 & 0x3F)]
                }
                return length
            }
        }
    }
}
