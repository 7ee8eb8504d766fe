import JSON
import Testing

/// `JSONString`, the package's one escaper (log lines, `JSONValue` serialization).
@Suite("JSONString")
struct JSONStringTests {
    /// The escaper EdgeRuntime's `JSONText` had before it moved here, kept as the oracle:
    /// log lines must stay byte-identical.
    static func formerJSONText(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static let samples: [String] = [
        "", "plain", "q\"b\\n\n\t\u{0}\u{1F}/é😀", "\u{8}\u{C}\r\u{7F}\u{80}\u{9F}", "\u{2027}\u{2028}\u{2029}\u{202A}",
        "\u{E2}\u{80}", "€\u{2028}x", "\"\u{301}", "\n\u{301}e\u{301}", "ab\u{1B}[31mred", "🇫🇷\u{2029}",
        String(repeating: "long \"run\" ", count: 50),
    ]

    @Test("byte-identical to the former JSONText", arguments: samples)
    func matchesFormerJSONText(_ text: String) {
        #expect(JSONString.quoted(text) == Self.formerJSONText(text))
        var appended = "prefix:"
        JSONString.appendQuoted(text, to: &appended)
        #expect(appended == "prefix:" + Self.formerJSONText(text))
    }

    @Test("byte-identical for every scalar of the BMP's first planes and some astral ones")
    func everyScalar() throws {
        var scalars = Array(0..<0x3000) + Array(0xD7F0..<0xD800) + Array(0xE000..<0xE100) + [0xFEFF, 0xFFFD, 0x1_0000, 0x1_F600, 0x10_FFFF]
        scalars.removeAll { (0xD800...0xDFFF).contains($0) }
        let text = String(String.UnicodeScalarView(scalars.map { Unicode.Scalar(UInt32($0))! }))
        #expect(JSONString.quoted(text) == Self.formerJSONText(text))
        // And what it writes is JSON that reads back as the same text.
        #expect(try StrictJSON.parse(JSONString.quoted(text)) == .string(text))
    }

    @Test("the chosen escapes")
    func escapes() {
        #expect(JSONString.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONString.quoted("\n\r\t\u{8}\u{C}\u{0}\u{1F}\u{7F}") == #""\n\r\t\u0008\u000c\u0000\u001f\u007f""#)
        #expect(JSONString.quoted("\u{2028}|\u{2029}") == #""\u2028|\u2029""#)
        #expect(JSONString.quoted("/é😀\u{80}") == "\"/é😀\u{80}\"")
    }

    @Test("JSONValue serializes strings with the same escaper")
    func sharedWithJSONValue() {
        for text in Self.samples {
            #expect(JSONValue.string(text).serialized() == JSONString.quoted(text))
        }
    }
}
