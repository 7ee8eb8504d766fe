import JSON
import Testing

/// The pull tokenizer: token sequences, exact number lexemes, strings, and its contract.
@Suite("JSONTokenizer")
struct JSONTokenizerTests {
    @Test("nested documents come out in document order")
    func nested() throws {
        let text = #" {"a": [1, {"b": null, "c": [[], {}]}], "d": true, "e": "x", "f": false} "#
        #expect(try drain(text) == [
            .objectStart,
            .key("a"), .arrayStart, number("1"),
            .objectStart, .key("b"), .null, .key("c"), .arrayStart, .arrayStart, .arrayEnd, .objectStart, .objectEnd, .arrayEnd, .objectEnd,
            .arrayEnd,
            .key("d"), .bool(true), .key("e"), .string("x"), .key("f"), .bool(false),
            .objectEnd,
        ])
        #expect(try drain("[]") == [.arrayStart, .arrayEnd])
        #expect(try drain(" \"top\" ") == [.string("top")])
        #expect(try drain("null") == [.null])
    }

    @Test("numbers keep their exact lexeme", arguments: [
        "-0", "0", "0.1e-7", "12345678901234567890", "1.10", "1E+2", "-12.500e-010", "1e999", "9007199254740993",
        "-7", "1700000000", "999999999999999", "-999999999999999", "1000000000000000", "-0.0", "0e0",
    ])
    func exactNumbers(_ lexeme: String) throws {
        let found = try drain("[\(lexeme), {\"n\": \(lexeme)}]")
        guard case .number(let inArray) = found[1], case .number(let inObject) = found[4] else {
            Issue.record("no numbers in \(found)")
            return
        }
        #expect(inArray.text == lexeme)
        #expect(inObject.text == lexeme)
        #expect(inArray.description == lexeme)
        #expect(inArray.isInteger == !lexeme.contains(where: { ".eE".contains($0) }))
    }

    @Test("JSONNumberText: validated by the same lexer, and convertible")
    func numberText() {
        #expect(JSONNumberText("1.10")?.text == "1.10")
        for invalid in ["", " 1", "1 ", "01", "1.", "+1", "0x1", "NaN", "1e", "--1", "1.0.0"] {
            #expect(JSONNumberText(invalid) == nil, "\(invalid.debugDescription)")
        }
        #expect(JSONNumberText("1.10")?.doubleValue == 1.1)
        #expect(JSONNumberText("-0")?.doubleValue == 0)
        #expect(JSONNumberText("1700000000")?.doubleValue == 1_700_000_000)
        #expect(JSONNumberText("12345678901234567890")?.doubleValue == 12_345_678_901_234_567_168)  // nearest Double
        #expect(JSONNumberText("1e999")?.doubleValue == nil)  // a valid lexeme, but no Double
        #expect(JSONNumberText("-1e-999")?.doubleValue == 0)
        // Equal lexemes are equal values, however they were scanned.
        #expect(JSONNumberText("17") == JSONNumberText("17"))
        #expect(JSONNumberText("-0") != JSONNumberText("0"))
        #expect(JSONNumberText("1.0") != JSONNumberText("1"))
    }

    @Test("strings and keys are unescaped, including astral characters")
    func strings() throws {
        let text = #"{"k\u00e9y\t": "\ud83d\ude00 😀 \u20ac\"\\\/\b\f\n\r\t", "𝄞": "\uD834\uDD1E"}"#
        #expect(try drain(text) == [
            .objectStart, .key("kéy\t"), .string("😀 😀 €\"\\/\u{8}\u{C}\n\r\t"), .key("𝄞"), .string("𝄞"), .objectEnd,
        ])
    }

    @Test("tokenOffset is the first byte of the last token, then the end")
    func offsets() throws {
        let text = #"{ "a" : [ 1 , -2.5 ] }"#
        var tokenizer = JSONTokenizer(Array(text.utf8))
        var offsets: [Int] = []
        while try tokenizer.next() != nil { offsets.append(tokenizer.tokenOffset) }
        offsets.append(tokenizer.tokenOffset)
        #expect(offsets == [0, 2, 8, 10, 14, 19, 21, 22])
    }

    @Test("after the end: nil again; after an error: the same error again")
    func afterTheEnd() throws {
        var done = JSONTokenizer(Array("[1]".utf8))
        while try done.next() != nil {}
        #expect(try done.next() == nil)
        var broken = JSONTokenizer(Array("[1,,2]".utf8))
        #expect(try broken.next() == .arrayStart)
        #expect(try broken.next() == number("1"))
        let first = expectJSONError(.syntax, offset: 3) { _ = try broken.next() }
        let second = expectJSONError(.syntax, offset: 3) { _ = try broken.next() }
        #expect(first?.description == second?.description)
    }

    @Test("a value is yielded before anything after it is read")
    func pulls() throws {
        // Streaming consumers see the good prefix, then the error where it happens.
        var tokenizer = JSONTokenizer(Array(#"{"a":"b","c":01}"#.utf8))
        #expect(try tokenizer.next() == .objectStart)
        #expect(try tokenizer.next() == .key("a"))
        #expect(try tokenizer.next() == .string("b"))
        #expect(try tokenizer.next() == .key("c"))
        expectJSONError(.invalidNumber, offset: 14) { _ = try tokenizer.next() }
    }

    @Test("duplicate names are per object")
    func duplicatesPerObject() throws {
        #expect(try drain(#"[{"a":1},{"a":2}]"#).count == 10)
        #expect(try drain(#"{"a":{"a":{"a":1}},"b":{"a":2}}"#).count == 15)
        expectJSONError(.duplicateKey, offset: 19) { _ = try drain(#"{"a":{"a":{"a":1}},"a":2}"#) }
    }

    @Test("depth: maxDepth containers are fine, one more is not, past 64 levels too")
    func depth() throws {
        let depth = 150
        var text = ""
        for level in 0..<depth { text += level.isMultiple(of: 2) ? "[" : #"{"k":"# }
        text += "0"
        for level in (0..<depth).reversed() { text += level.isMultiple(of: 2) ? "]" : "}" }
        let found = try drain(text, maxDepth: depth)
        #expect(found.count == 2 * depth + depth / 2 + 1)
        #expect(found.last == .arrayEnd)
        #expect(found[found.count - 2] == .objectEnd)
        expectJSONError(.tooDeep) { _ = try drain(text, maxDepth: depth - 1) }
        // No stack to protect: the tokenizer accepts limits beyond StrictJSON.maxDepthLimit.
        let deep = String(repeating: "[", count: 2_000) + String(repeating: "]", count: 2_000)
        #expect(try drain(deep, maxDepth: 2_000).count == 4_000)
        expectJSONError(.tooDeep, offset: 32) { _ = try drain(deep) }
    }

    @Test("the raw-buffer entry point reads in place")
    func rawBuffer() throws {
        let bytes = Array(#"{"n":1.10}"#.utf8)
        let found = try bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> [JSONToken] in
                var tokenizer = JSONTokenizer(raw)
                var found: [JSONToken] = []
                while let token = try tokenizer.next() { found.append(token) }
                return found
            }
        }.get()
        #expect(found == [.objectStart, .key("n"), number("1.10"), .objectEnd])
        var empty = JSONTokenizer(UnsafeRawBufferPointer(start: nil, count: 0))
        expectJSONError(.syntax, offset: 0) { _ = try empty.next() }
    }
}
