import CXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns an attribute value reported by libxml2's SAX2 `startElementNs` into a String.
enum AttributeValue {
    /// With entity substitution off (we never pass XML_PARSE_NOENT), libxml2 2.9 keeps an
    /// ampersand in an attribute value — whether written `&amp;` or `&#38;` — as the five bytes
    /// `&#38;`, for its DOM builder to decode later (SAX2.c). A literal `&` cannot otherwise
    /// survive attribute parsing (XML 1.0 §3.1 AttValue), so every `&` here starts `&#38;`.
    static func decode(_ bytes: UnsafeBufferPointer<xmlChar>) -> String {
        guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "&")), bytes.count) != nil else {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: bytes.count) { output in
            var read = 0
            var written = 0
            while read < bytes.count {
                let remaining = bytes.count - read
                let ampersand = memchr(base + read, Int32(UInt8(ascii: "&")), remaining)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(base + read) } ?? remaining
                // Copy up to and including the `&` in one go.
                let run = min(ampersand + 1, remaining)
                UnsafeMutableRawPointer(output.baseAddress! + written).copyMemory(from: base + read, byteCount: run)
                written += run
                read += run
                // Skip the "#38;" that follows (anything else is kept verbatim).
                if ampersand < remaining, read + 4 <= bytes.count,
                    bytes[read] == UInt8(ascii: "#"), bytes[read + 1] == UInt8(ascii: "3"),
                    bytes[read + 2] == UInt8(ascii: "8"), bytes[read + 3] == UInt8(ascii: ";")
                {
                    read += 4
                }
            }
            return written
        }
    }
}
