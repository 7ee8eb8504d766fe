/// Escapes character data and attribute values into UTF-8 output.
///
/// - Text (XML 1.0 §2.4): `&` and `<` must be escaped; `>` is escaped too, which makes `]]>`
///   impossible in content. CR is written `&#13;`, or end-of-line handling (§2.11) would turn
///   it into LF on the way back.
/// - Attribute values (§3.1 AttValue, always written in double quotes): additionally `"` and
///   `'`; tab, LF and CR become character references because attribute-value normalization
///   (§3.3.3) would otherwise turn them into spaces.
/// - Characters outside the §2.2 `Char` production (C0 controls except tab/LF/CR, U+FFFE,
///   U+FFFF) cannot be written at all, not even as references. Swift strings cannot hold
///   surrogates, so that is all there is to check.
enum XMLEscaper {
    enum Context {
        case text
        case attribute
    }

    enum InvalidCharacters {
        /// Throw ``XMLError/Code/invalidCharacter`` (the writer).
        case refuse
        /// Write U+FFFD instead (tree serialization, which cannot throw).
        case replace
    }

    static func append(
        _ value: String,
        to output: inout [UInt8],
        _ context: Context,
        _ invalid: InvalidCharacters
    ) throws(XMLError) {
        var value = value
        // withUTF8 gives contiguous UTF-8 (free for native strings): unescaped runs are copied
        // whole, and only the bytes below are looked at individually.
        let failure: XMLError? = value.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            let mask: UInt8 = context == .text ? Self.textFlag : Self.attributeFlag
            let flags = Self.flags
            while index < bytes.count {
                // Skip the run of bytes that need no look (nearly all of them) with a table.
                if flags[Int(bytes[index])] & mask == 0 {
                    index += 1
                    continue
                }
                let action = Self.action(bytes, index, context)
                guard case .keep = action else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    switch action {
                    case .keep:
                        break
                    case .escape(let reference):
                        let count = reference.utf8CodeUnitCount
                        output.append(contentsOf: UnsafeBufferPointer(start: reference.utf8Start, count: count))
                        index += 1
                    case .invalid(let scalar, let width):
                        if invalid == .refuse {
                            let hex = String(scalar, radix: 16, uppercase: true)
                            let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                            return XMLError(.invalidCharacter, "U+\(padded) cannot appear in XML 1.0 (§2.2 Char)")
                        }
                        output.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD
                        index += width
                    }
                    runStart = index
                    continue
                }
                index += 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            return nil
        }
        if let failure { throw failure }
    }

    private static let textFlag: UInt8 = 1
    private static let attributeFlag: UInt8 = 2

    /// Per byte: whether `action` must look at it in text (bit 0) and in attribute values
    /// (bit 1). Every byte `action` does not answer `.keep` for has its bit set; 0xEF starts
    /// U+FFFE/U+FFFF.
    private static let flags: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch byte {
        case 0x26, 0x3C, 0x3E, 0x0D, 0xEF: return 3  // & < > CR
        case 0x22, 0x27, 0x09, 0x0A: return 2  // " ' tab LF
        case 0x00..<0x20: return 3
        default: return 0
        }
    }

    private enum Action {
        case keep
        case escape(StaticString)
        case invalid(scalar: UInt32, width: Int)
    }

    @inline(__always)
    private static func action(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ context: Context) -> Action {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "&"): return .escape("&amp;")
        case UInt8(ascii: "<"): return .escape("&lt;")
        case UInt8(ascii: ">"): return .escape("&gt;")
        case 0x0D: return .escape("&#13;")
        case UInt8(ascii: "\""): return context == .attribute ? .escape("&quot;") : .keep
        case UInt8(ascii: "'"): return context == .attribute ? .escape("&apos;") : .keep
        case 0x09: return context == .attribute ? .escape("&#9;") : .keep
        case 0x0A: return context == .attribute ? .escape("&#10;") : .keep
        case 0x00..<0x20: return .invalid(scalar: UInt32(byte), width: 1)
        case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            return .invalid(scalar: 0xFFC0 | UInt32(bytes[index + 2] & 0x3F), width: 3)
        default: return .keep
        }
    }
}
