import JSON
import Testing

/// A document that must be rejected, with the code and the offset of the offending byte (see
/// `JSONError`'s position convention). Shared by the tree parser and tokenizer tests, which
/// must agree on every one.
struct HostileInput: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let code: JSONError.Code
    let offset: Int

    init(_ text: String, _ code: JSONError.Code, at offset: Int) {
        self.init(Array(text.utf8), code, at: offset)
    }

    init(_ bytes: [UInt8], _ code: JSONError.Code, at offset: Int) {
        self.bytes = bytes
        self.code = code
        self.offset = offset
    }

    var testDescription: String {
        String(validating: bytes, as: UTF8.self).map { $0.debugDescription } ?? "\(bytes)"
    }

    /// What RFC 8259 does not allow: grammar, literals, numbers, strings, escapes.
    static let grammar: [HostileInput] = [
        .init("", .syntax, at: 0), .init(" ", .syntax, at: 1), .init("nul", .syntax, at: 3),
        .init("tru", .syntax, at: 3), .init("True", .syntax, at: 0), .init("NULL", .syntax, at: 0),
        .init("NaN", .syntax, at: 0), .init("Infinity", .syntax, at: 0), .init("-Infinity", .invalidNumber, at: 1),
        .init("+1", .syntax, at: 0), .init(".5", .syntax, at: 0), .init("1.", .invalidNumber, at: 2),
        .init("1e", .invalidNumber, at: 2), .init("1e+", .invalidNumber, at: 3), .init("01", .invalidNumber, at: 1),
        .init("-01", .invalidNumber, at: 2), .init("00", .invalidNumber, at: 1), .init("-", .invalidNumber, at: 1),
        .init("0x10", .trailingData, at: 1), .init("1_000", .trailingData, at: 1), .init("'single'", .syntax, at: 0),
        .init("{a:1}", .syntax, at: 1), .init("{'a':1}", .syntax, at: 1), .init("[1,]", .syntax, at: 3),
        .init(#"{"a":1,}"#, .syntax, at: 7), .init("[,1]", .syntax, at: 1), .init("[1 2]", .syntax, at: 3),
        .init(#"{"a" 1}"#, .syntax, at: 5), .init(#"{"a":}"#, .syntax, at: 5), .init(#"{"a"}"#, .syntax, at: 4),
        .init("[1]]", .trailingData, at: 3), .init("{}}", .trailingData, at: 2), .init("{} x", .trailingData, at: 3),
        .init("{}{}", .trailingData, at: 2), .init("1 2", .trailingData, at: 2), .init("// c\n1", .syntax, at: 0),
        .init("/* c */1", .syntax, at: 0), .init("[1] // c", .trailingData, at: 4),
        .init(#""\x41""#, .syntax, at: 2), .init(#""\u12""#, .syntax, at: 5), .init(#""\u12G4""#, .syntax, at: 5),
        .init(#""\U0041""#, .syntax, at: 2), .init(#""unterminated"#, .syntax, at: 13), .init("\"a\nb\"", .syntax, at: 2),
        .init("\"tab\there\"", .syntax, at: 4), .init(#""\"#, .syntax, at: 2), .init(#""\u00"#, .syntax, at: 5),
        .init(#""\ud800""#, .invalidUTF8, at: 1), .init(#""\udc00""#, .invalidUTF8, at: 1),
        .init(#""\ud800\u0041""#, .invalidUTF8, at: 1), .init(#""\ud800x""#, .invalidUTF8, at: 1),
        .init(#""\udbff\udbff""#, .invalidUTF8, at: 1), .init(#"["ok","\ude00"]"#, .invalidUTF8, at: 7),
        .init("\u{FEFF}{}", .syntax, at: 0), .init("[1,2", .syntax, at: 4), .init(#"{"a":[}"#, .syntax, at: 6),
        .init(#"{"a":1"#, .syntax, at: 6), .init("{", .syntax, at: 1), .init(#"{"a""#, .syntax, at: 4),
    ]

    /// Ill-formed UTF-8 (RFC 3629), reported at the first byte of the bad sequence.
    static let utf8: [HostileInput] = [
        .init([0x22, 0xC0, 0x80, 0x22], .invalidUTF8, at: 1),  // overlong NUL
        .init([0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8, at: 1),  // overlong '/'
        .init([0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, at: 1),  // UTF-8-encoded surrogate U+D800
        .init([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),  // above U+10FFFF
        .init([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
        .init([0x22, 0x80, 0x22], .invalidUTF8, at: 1),  // lone continuation byte
        .init([0x22, 0xE2, 0x82, 0x22], .invalidUTF8, at: 1),  // truncated sequence
        .init([0x22, 0x61, 0xF0, 0x9F, 0x98], .invalidUTF8, at: 2),  // truncated by the end of input
        .init([0x22, 0xFF, 0x22], .invalidUTF8, at: 1),
        .init([0xFF], .syntax, at: 0),  // not even inside a string
    ]

    /// Duplicate member names, at any depth, compared after unescaping; at the duplicate's quote.
    static let duplicates: [HostileInput] = [
        .init(#"{"a":1,"a":1}"#, .duplicateKey, at: 7),
        .init(#"{"x":{"b":true,"b":false}}"#, .duplicateKey, at: 15),
        .init(#"[{"c":1,"d":2,"c":3}]"#, .duplicateKey, at: 14),
        .init(#"{"alg":1,"\u0061lg":2}"#, .duplicateKey, at: 9),
    ]
}
