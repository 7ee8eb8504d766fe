/// RFC 4648 §4 base64 with padding (what `xs:base64Binary` expects), without Foundation.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ text: String) -> String {
        var text = text
        return text.withUTF8 { encode($0) }
    }

    static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let length = (bytes.count + 2) / 3 * 4
        return String(unsafeUninitializedCapacity: length) { out in
            alphabet.withUnsafeBufferPointer { table in
                var read = 0
                var write = 0
                while read + 3 <= bytes.count {
                    let chunk = UInt32(bytes[read]) << 16 | UInt32(bytes[read + 1]) << 8 | UInt32(bytes[read + 2])
                    out[write] = table[Int(chunk >> 18 & 0x3F)]
                    out[write + 1] = table[Int(chunk >> 12 & 0x3F)]
                    out[write + 2] = table[Int(chunk >> 6 & 0x3F)]
                    out[write + 3] = table[Int(chunk & 0x3F)]
                    read += 3
                    write += 4
                }
                let rest = bytes.count - read
                if rest > 0 {
                    let chunk = UInt32(bytes[read]) << 16 | (rest == 2 ? UInt32(bytes[read + 1]) << 8 : 0)
                    out[write] = table[Int(chunk >> 18 & 0x3F)]
                    out[write + 1] = table[Int(chunk >> 12 & 0x3F)]
                    out[write + 2] = rest == 2 ? table[Int(chunk >> 6 & 0x3F)] : UInt8(ascii: "=")
                    out[write + 3] = UInt8(ascii: "=")
                    write += 4
                }
                return write
            }
        }
    }
}
