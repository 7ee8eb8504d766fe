import JSON
import Testing

/// RFC 8259 conformance of `StrictJSON`, with emphasis on hostile input.
@Suite("StrictJSON")
struct StrictJSONTests {
    @Test("parses well-formed documents")
    func accepts() throws {
        let value = try StrictJSON.parse(#" { "a" : [1, -0, 2.5e3, 1E-2, true, false, null], "b": {"c": "d"} } "#)
        #expect(value["a"] == [1, 0, 2500, 0.01, true, false, nil])
        #expect(value["b"]?["c"] == "d")
        #expect(try StrictJSON.parse("\t\r\n 42 \n") == 42)
        #expect(try StrictJSON.parse(#""plain""#) == "plain")
        #expect(try StrictJSON.parse("[]") == [])
        #expect(try StrictJSON.parse("{}") == .object([:]))
        #expect(try StrictJSON.parse("1700000000") == 1_700_000_000)
        #expect(try StrictJSON.parse("9007199254740993").numberValue == 9_007_199_254_740_992)  // rounds like a Double
        #expect(try StrictJSON.parse("-12345678901234567890").numberValue == Double("-12345678901234567890"))
        #expect(try StrictJSON.parse("1e-999") == 0)  // underflow is finite
        #expect(try StrictJSON.parse("-999999999999999") == -999_999_999_999_999)  // the integer fast path's edge
        #expect(try StrictJSON.parse("1000000000000000") == 1_000_000_000_000_000)  // just past it
    }

    @Test("decodes escapes, surrogate pairs and raw UTF-8")
    func strings() throws {
        #expect(try StrictJSON.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try StrictJSON.parse(#""\u00e9\u20AC\ud83d\ude00""#) == "é€😀")
        #expect(try StrictJSON.parse(#""\u0000""#) == "\u{0}")
        #expect(try StrictJSON.parse(Array("\"é€😀\u{7F}\"".utf8)) == "é€😀\u{7F}")
    }

    @Test("rejects what RFC 8259 does not allow, at the offending byte", arguments: HostileInput.grammar)
    func rejects(_ input: HostileInput) {
        expectJSONError(input.code, offset: input.offset, "\(input.testDescription)") { _ = try StrictJSON.parse(input.bytes) }
    }

    @Test("rejects numbers a Double cannot hold, at the number", arguments: ["1e999", "-1e999", "1e400", "[0, 2e308]"])
    func outOfRange(_ text: String) {
        let offset = text.hasPrefix("[") ? 4 : 0
        expectJSONError(.invalidNumber, offset: offset, "\(text)") { _ = try StrictJSON.parse(text) }
    }

    @Test("rejects invalid UTF-8", arguments: HostileInput.utf8)
    func rejectsInvalidUTF8(_ input: HostileInput) {
        expectJSONError(input.code, offset: input.offset, "\(input.testDescription)") { _ = try StrictJSON.parse(input.bytes) }
    }

    @Test("rejects duplicate member names at any depth", arguments: HostileInput.duplicates)
    func duplicates(_ input: HostileInput) {
        expectJSONError(input.code, offset: input.offset, "\(input.testDescription)") { _ = try StrictJSON.parse(input.bytes) }
    }

    @Test("hostile nesting fails fast without exhausting the stack")
    func deepNesting() throws {
        for depth in [33, 10_000, 1_000_000] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            expectJSONError(.tooDeep, offset: 32, "arrays \(depth)") { _ = try StrictJSON.parse(arrays) }
            let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            expectJSONError(.tooDeep, offset: 32 * 5, "objects \(depth)") { _ = try StrictJSON.parse(objects) }
        }
        // Unterminated nesting, the cheapest attack, as well.
        expectJSONError(.tooDeep, offset: 32) { _ = try StrictJSON.parse(String(repeating: "[", count: 10_000)) }
        // Even an absurd caller-supplied limit is capped (the tree builder recurses per level).
        expectJSONError(.tooDeep, offset: StrictJSON.maxDepthLimit) {
            _ = try StrictJSON.parse(String(repeating: "[", count: 100_000), maxDepth: .max)
        }
    }

    @Test("maxDepth counts containers; exactly maxDepth is allowed")
    func depthLimit() throws {
        let nested32 = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try StrictJSON.parse(nested32)
        expectJSONError(.tooDeep, offset: 31) { _ = try StrictJSON.parse(nested32, maxDepth: 31) }
        #expect(try StrictJSON.parse("1", maxDepth: 0) == 1)
        expectJSONError(.tooDeep, offset: 0) { _ = try StrictJSON.parse("[]", maxDepth: 0) }
        expectJSONError(.tooDeep, offset: 0) { _ = try StrictJSON.parse("[]", maxDepth: -1) }
    }

    @Test("positions: 1-based line and column, columns in Unicode scalars")
    func positions() {
        // The example from JSONError's documentation.
        expectJSONError(.syntax, offset: 7, line: 1, column: 8) { _ = try StrictJSON.parse(#"{"a":1,}"#) }
        expectJSONError(.duplicateKey, offset: 14, line: 3, column: 3) { _ = try StrictJSON.parse("{\n  \"a\": 1,\n  \"a\": 2\n}") }
        expectJSONError(.syntax, offset: 10, line: 4, column: 1) { _ = try StrictJSON.parse("[\n 1,\n 2,\n]") }
        // "é" is two bytes but one column; CR is whitespace, not a line break.
        expectJSONError(.syntax, offset: 7, line: 1, column: 7) { _ = try StrictJSON.parse(#"["é", x]"#) }
        expectJSONError(.syntax, offset: 4, line: 1, column: 5) { _ = try StrictJSON.parse("[1,\r]") }
        // At the end of input the position is one past the last byte.
        expectJSONError(.syntax, offset: 4, line: 2, column: 3) { _ = try StrictJSON.parse("[\n 1") }
    }

    @Test("messages name the problem and what was found; descriptions add the position")
    func messages() {
        let comma = expectJSONError(.syntax) { _ = try StrictJSON.parse(#"{"a":1,}"#) }
        #expect(comma?.message == "expected a member name, found '}'")
        #expect(comma?.description == "JSONError(syntax) at line 1, column 8 (byte 7): expected a member name, found '}'")
        let duplicate = expectJSONError(.duplicateKey) { _ = try StrictJSON.parse("{\"a\\n\":1,\"a\\n\":2}") }
        #expect(duplicate?.message == #"duplicate member name "a\n""#)  // escaped: names may be logged
        let long = String(repeating: "k", count: 100)
        let truncated = expectJSONError(.duplicateKey) { _ = try StrictJSON.parse("{\"\(long)\":1,\"\(long)\":2}") }
        #expect(truncated?.message == "duplicate member name \"\(String(repeating: "k", count: 64))…\"")
        let control = expectJSONError(.trailingData) { _ = try StrictJSON.parse("1\u{1}") }
        #expect(control?.message == "unexpected byte 0x01 after the JSON value")
        #expect(JSONError.Code.duplicateKey.description == "duplicate_key")
    }

    @Test("parseObject requires an object; other errors come first", arguments: ["[]", #""claims""#, "42", " null", "true", "[{}]"])
    func parseObject(_ text: String) {
        let offset = text.hasPrefix(" ") ? 1 : 0
        expectJSONError(.notAnObject, offset: offset, "\(text)") { _ = try StrictJSON.parseObject(text.utf8) }
        expectJSONError(.trailingData, "\(text)") { _ = try StrictJSON.parseObject(Array((text + ",").utf8)) }
    }

    @Test("parseObject returns the members")
    func parseObjectMembers() throws {
        #expect(try StrictJSON.parseObject(Array(#"{"k":[1]}"#.utf8)) == ["k": [1]])
    }

    @Test("all byte-input overloads agree")
    func overloads() throws {
        let text = #"{"k":["v",1]}"#
        let bytes = Array(text.utf8)
        let expected: JSONValue = ["k": ["v", 1]]
        #expect(try StrictJSON.parse(bytes) == expected)
        #expect(try StrictJSON.parse(text.utf8) == expected)
        #expect(try StrictJSON.parse(bytes[...]) == expected)
        #expect(try StrictJSON.parse(text) == expected)
        let fromRaw = try bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in try StrictJSON.parse(raw) }
        }.get()
        #expect(fromRaw == expected)
    }
}
