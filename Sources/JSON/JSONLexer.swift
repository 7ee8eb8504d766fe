/// The one RFC 8259 lexer: whitespace, literals, numbers and strings over UTF-8 bytes.
///
/// It knows nothing about structure (that is `JSONTokenizer`'s job); each scanning method
/// starts at the first byte of its token and leaves `index` just past it. Scanning is split
/// over `JSONLexer+Number.swift` and `JSONLexer+String.swift`.
struct JSONLexer {
    let input: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    var isAtEnd: Bool { index >= input.count }

    /// The byte at `index`; callers check `isAtEnd` first.
    var current: UInt8 { input[index] }

    func failure(_ code: JSONError.Code, _ message: String, at offset: Int) -> JSONError {
        JSONError(code, message, offset: offset, in: input)
    }

    /// A syntax error at `index`, naming what was found there.
    func unexpected(expected: String) -> JSONError {
        failure(.syntax, "expected \(expected), found \(foundDescription)", at: index)
    }

    /// What sits at `index`, for messages; never echoes more than one byte of the input.
    var foundDescription: String {
        guard !isAtEnd else { return "end of input" }
        let byte = current
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count < 2 ? "0" : "") + hex
    }

    /// RFC 8259 §2: insignificant whitespace is exactly space, tab, LF and CR.
    @inline(__always)
    mutating func skipWhitespace() {
        while index < input.count {
            switch input[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// `true`, `false` or `null`, starting at its first byte; the offending byte is the first
    /// that differs (or the end of input).
    mutating func literal(_ literal: StaticString) throws(JSONError) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard index < input.count, input[index] == byte else {
                throw failure(.syntax, "invalid literal (expected \(literal))", at: index)
            }
            index += 1
        }
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
