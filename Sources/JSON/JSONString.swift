/// JSON string escaping (RFC 8259 §7), the one escaper in the package: `JSONValue`'s
/// serializer and hand-built JSON such as log lines both use it.
///
/// Escapes `"` and `\`; LF, CR and tab as `\n`, `\r`, `\t`; every other C0 control character
/// and DEL as `\u00XX` (lowercase hex); and U+2028/U+2029 as `\u2028`/`\u2029`, which JSON
/// allows raw but JavaScript source and some log viewers treat as line breaks. Everything else
/// is copied as UTF-8. The output is ASCII-safe for control characters, so attacker-chosen
/// text can neither end a log line nor smuggle terminal escapes into one.
public enum JSONString {
    /// Appends `text` as a quoted JSON string.
    public static func appendQuoted(_ text: String, to out: inout String) {
        var text = text
        text.withUTF8 { bytes in
            out += "\""
            if let first = firstEscape(in: bytes) {
                var escaped: [UInt8] = []
                escaped.reserveCapacity(bytes.count + 16)
                appendEscaped(bytes, from: first, to: &escaped)
                out += String(decoding: UnsafeBufferPointer(rebasing: bytes[..<first]), as: UTF8.self)
                out += String(decoding: escaped, as: UTF8.self)
            } else {
                // The common case: nothing to escape, one copy.
                out += String(decoding: bytes, as: UTF8.self)
            }
            out += "\""
        }
    }

    /// `text` as a quoted JSON string.
    public static func quoted(_ text: String) -> String {
        var out = ""
        appendQuoted(text, to: &out)
        return out
    }

    /// Appends `text` as a quoted JSON string in UTF-8 (what `JSONValue` serializes into).
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        var text = text
        out.append(UInt8(ascii: "\""))
        text.withUTF8 { bytes in
            let first = firstEscape(in: bytes) ?? bytes.count
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<first]))
            appendEscaped(bytes, from: first, to: &out)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Index of the first byte that starts an escape, if any.
    private static func firstEscape(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            if escapeLength(bytes, at: index) > 0 { return index }
            index += 1
        }
        return nil
    }

    /// How many input bytes the escape starting at `index` replaces; 0 when the byte is kept.
    @inline(__always)
    private static func escapeLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        switch bytes[index] {
        case 0x00..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x7F:
            return 1
        case 0xE2:  // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
            guard bytes.count - index >= 3, bytes[index + 1] == 0x80, bytes[index + 2] & 0xFE == 0xA8 else { return 0 }
            return 3
        default:
            return 0
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escapes `bytes[start...]` into `out` (no quotes).
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to out: inout [UInt8]) {
        var index = start
        var runStart = start
        while index < bytes.count {
            let length = escapeLength(bytes, at: index)
            if length == 0 {
                index += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            let byte = bytes[index]
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0xE2: out.append(contentsOf: (bytes[index + 2] == 0xA8 ? "u2028" : "u2029").utf8)
            default:
                out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
            index += length
            runStart = index
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
    }
}
