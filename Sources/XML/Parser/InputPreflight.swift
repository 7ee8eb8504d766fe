#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cheap checks on the raw input before libxml2 sees it. On a typical SOAP response this is a
/// `memchr` and one vectorized count over the bytes; the attribute scan runs only when the
/// whole document has more `=` signs than one element may have attributes.
enum InputPreflight {
    static func check(_ bytes: UnsafeRawBufferPointer, limits: XMLLimits) throws(XMLError) {
        let family = try EncodingSniffer.family(of: bytes)
        let units: CodeUnits
        let start: Int
        switch family {
        case .asciiCompatible(let bomLength):
            units = CodeUnits(bytes, utf16BigEndian: nil)
            start = bomLength
            try EncodingSniffer.checkDeclaredEncoding(units, from: start, utf16: false)
            // U+0000 is not an XML 1.0 Char (§2.2) in any encoding; in ASCII-compatible ones it
            // can only be a 0x00 byte. libxml2 would read it as "end of input" and report a
            // misleading "premature end of data".
            if let nul = memchr(bytes.baseAddress!, 0, bytes.count) {
                let position = units.position(of: UnsafeRawPointer(nul) - bytes.baseAddress!)
                throw XMLError(
                    .invalidCharacter,
                    "NUL byte (U+0000 is not an XML 1.0 character)",
                    line: position.line,
                    column: position.column
                )
            }
        case .utf16(let bigEndian, let bomLength):
            units = CodeUnits(bytes, utf16BigEndian: bigEndian)
            start = bomLength / 2
            try EncodingSniffer.checkDeclaredEncoding(units, from: start, utf16: true)
        }

        // Every attribute and namespace declaration needs a `=` (in UTF-16, a unit whose low or
        // high byte is 0x3D), so few `=` bytes overall means no start tag can exceed the limit.
        let limit = limits.maxAttributesPerElement
        guard Self.hasMore(than: limit, UInt8(ascii: "="), in: bytes) else { return }
        if let tag = StartTagScanner(units).firstStartTag(withMoreThan: limit, from: start) {
            let position = units.position(of: tag)
            throw XMLError(
                .tooManyNodes,
                "an element has more than \(limit) attributes and namespace declarations",
                line: position.line,
                column: position.column
            )
        }
    }

    /// Whether `byte` occurs more than `limit` times: at most `limit + 1` memchr calls, each
    /// vectorized by libc, instead of a byte-by-byte loop.
    private static func hasMore(than limit: Int, _ byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var offset = 0
        var count = 0
        while offset < bytes.count, let found = memchr(base + offset, Int32(byte), bytes.count - offset) {
            count += 1
            if count > limit { return true }
            offset = UnsafeRawPointer(found) - base + 1
        }
        return false
    }
}
