/// Recursive-descent RFC 8259 parser over UTF-8 bytes; see `StrictJSON` for the policy.
///
/// Depth is checked before each recursion, so hostile nesting fails fast at `maxDepth`.
struct StrictJSONParser {
    private let input: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0

    init(_ input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JOSEError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == input.count else { throw failure("unexpected data after the JSON value") }
        return value
    }

    private func failure(_ reason: String) -> JOSEError {
        .invalidJSON("\(reason) at byte \(index)")
    }

    /// RFC 8259 §2: insignificant whitespace is exactly space, tab, LF and CR.
    private mutating func skipWhitespace() {
        while index < input.count {
            switch input[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JOSEError) -> JSONValue {
        guard index < input.count else { throw failure("unexpected end of input") }
        switch input[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JOSEError) {
        let count = literal.utf8CodeUnitCount
        guard input.count - index >= count else { throw failure("invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for offset in 0..<count where input[index + offset] != expected[offset] {
            throw failure("invalid literal")
        }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(JOSEError) -> JSONValue {
        guard depth <= maxDepth else { throw failure("nesting deeper than \(maxDepth)") }
        index += 1  // {
        // Top-level objects are JOSE headers and claim sets: reserving room for a typical one
        // avoids repeated rehashing while it grows (measurable on the verify hot path).
        var members: [String: JSONValue] = depth == 1 ? Dictionary(minimumCapacity: 12) : [:]
        skipWhitespace()
        if index < input.count, input[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard index < input.count, input[index] == UInt8(ascii: "\"") else {
                throw failure("expected a member name")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < input.count, input[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if members.updateValue(value, forKey: key) != nil {
                // RFC 7515 §5.2 / RFC 7519 §4: duplicate names make the meaning ambiguous.
                throw failure("duplicate member name \"\(key)\"")
            }
            skipWhitespace()
            guard index < input.count else { throw failure("unterminated object") }
            switch input[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default:
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JOSEError) -> JSONValue {
        guard depth <= maxDepth else { throw failure("nesting deeper than \(maxDepth)") }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < input.count, input[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < input.count else { throw failure("unterminated array") }
            switch input[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default:
                throw failure("expected ',' or ']'")
            }
        }
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JOSEError) -> Double {
        let start = index
        var isInteger = true
        if input[index] == UInt8(ascii: "-") { index += 1 }
        guard index < input.count, isDigit(input[index]) else { throw failure("invalid number") }
        if input[index] == UInt8(ascii: "0") {
            index += 1
            // RFC 8259 §6: no leading zeros ("01" is not a number).
            if index < input.count, isDigit(input[index]) { throw failure("leading zero in number") }
        } else {
            while index < input.count, isDigit(input[index]) { index += 1 }
        }
        if index < input.count, input[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < input.count, isDigit(input[index]) else { throw failure("invalid fraction") }
            while index < input.count, isDigit(input[index]) { index += 1 }
        }
        if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < input.count, isDigit(input[index]) else { throw failure("invalid exponent") }
            while index < input.count, isDigit(input[index]) { index += 1 }
        }
        let text = UnsafeBufferPointer(rebasing: input[start..<index])
        // Fast path: up to 15 digits is exact in both Int64 and Double (the common NumericDate).
        if isInteger, text.count <= 16 {
            var negative = false
            var magnitude: Int64 = 0
            for byte in text {
                if byte == UInt8(ascii: "-") { negative = true; continue }
                magnitude = magnitude &* 10 &+ Int64(byte &- UInt8(ascii: "0"))
            }
            if magnitude < 1_000_000_000_000_000 { return Double(negative ? -magnitude : magnitude) }
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else {
            throw failure("number out of range")
        }
        return value
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    // MARK: Strings

    private mutating func parseString() throws(JOSEError) -> String {
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
                try parseEscape(into: &bytes)
            case 0x00..<0x20:
                // RFC 8259 §7: control characters must be escaped.
                throw failure("unescaped control character in string")
            case 0x20..<0x80:
                bytes.append(byte)
                index += 1
            default:
                try copyMultiByteScalar(into: &bytes)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseEscape(into bytes: inout [UInt8]) throws(JOSEError) {
        index += 1  // backslash
        guard index < input.count else { throw failure("unterminated escape") }
        let escaped = input[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4())
            if (0xD800...0xDBFF).contains(scalar) {
                // RFC 8259 §7: a high surrogate must be followed by an escaped low surrogate.
                guard input.count - index >= 6, input[index] == UInt8(ascii: "\\"),
                    input[index + 1] == UInt8(ascii: "u")
                else { throw failure("lone high surrogate") }
                index += 2
                let low = UInt32(try parseHex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("lone high surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure("lone low surrogate")
            }
            bytes.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
        default:
            throw failure("invalid escape")
        }
    }

    private mutating func parseHex4() throws(JOSEError) -> UInt16 {
        guard input.count - index >= 4 else { throw failure("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = input[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// Validates one UTF-8 encoded scalar (RFC 3629 §4: no overlongs, no surrogates,
    /// nothing above U+10FFFF) and copies it.
    private mutating func copyMultiByteScalar(into bytes: inout [UInt8]) throws(JOSEError) {
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
        default: throw failure("invalid UTF-8")
        }
        guard input.count - index >= length, secondRange.contains(input[index + 1]) else {
            throw failure("invalid UTF-8")
        }
        for offset in 2..<max(length, 2) where input[index + offset] & 0xC0 != 0x80 {
            throw failure("invalid UTF-8")
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<index + length]))
        index += length
    }
}
