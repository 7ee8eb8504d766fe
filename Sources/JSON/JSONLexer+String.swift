extension JSONLexer {
    /// RFC 8259 §7, starting at the opening quote: returns the unescaped text. Raw bytes must be
    /// well-formed UTF-8 (§8.1), control characters must be escaped, and `\u` escapes must
    /// not leave a lone surrogate.
    mutating func string() throws(JSONError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: printable ASCII without escapes, the shape of nearly every JOSE string.
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        var bytes = Array(input[start..<index])
        while index < input.count {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &bytes)
            case 0x00..<0x20:
                throw failure(.syntax, "unescaped control character in string", at: index)
            case 0x20..<0x80:
                bytes.append(byte)
                index += 1
            default:
                try copyMultiByteScalar(into: &bytes)
            }
        }
        throw failure(.syntax, "unterminated string", at: index)
    }

    private mutating func escape(into bytes: inout [UInt8]) throws(JSONError) {
        let backslash = index
        index += 1
        guard index < input.count else { throw failure(.syntax, "unterminated string", at: index) }
        let escaped = input[index]
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            index += 1
            try unicodeEscape(startingAt: backslash, into: &bytes)
            return
        default:
            throw failure(.syntax, "invalid escape", at: index)
        }
        index += 1
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uDC00`–`\uDFFF` that must
    /// follow it. A lone surrogate is reported at the backslash of its escape.
    private mutating func unicodeEscape(startingAt backslash: Int, into bytes: inout [UInt8]) throws(JSONError) {
        var scalar = UInt32(try hex4())
        if (0xD800...0xDBFF).contains(scalar) {
            guard input.count - index >= 2, input[index] == UInt8(ascii: "\\"), input[index + 1] == UInt8(ascii: "u") else {
                throw failure(.invalidUTF8, "lone high surrogate", at: backslash)
            }
            index += 2
            let low = UInt32(try hex4())
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure(.invalidUTF8, "lone high surrogate", at: backslash)
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw failure(.invalidUTF8, "lone low surrogate", at: backslash)
        }
        bytes.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
    }

    private mutating func hex4() throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < input.count else { throw failure(.syntax, "unterminated string", at: index) }
            let byte = input[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure(.syntax, "invalid \\u escape (expected a hex digit)", at: index)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// Validates one UTF-8 encoded scalar (RFC 3629 §4: no overlongs, no surrogates, nothing
    /// above U+10FFFF) and copies it; an ill-formed sequence is reported at its first byte.
    private mutating func copyMultiByteScalar(into bytes: inout [UInt8]) throws(JSONError) {
        let lead = input[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw failure(.invalidUTF8, "invalid UTF-8", at: index)
        }
        guard input.count - index >= length, secondRange.contains(input[index + 1]) else {
            throw failure(.invalidUTF8, "invalid UTF-8", at: index)
        }
        for offset in 2..<max(length, 2) where input[index + offset] & 0xC0 != 0x80 {
            throw failure(.invalidUTF8, "invalid UTF-8", at: index)
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<index + length]))
        index += length
    }
}
