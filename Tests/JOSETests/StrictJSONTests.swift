import JOSE
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
    }

    @Test("decodes escapes, surrogate pairs and raw UTF-8")
    func strings() throws {
        #expect(try StrictJSON.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try StrictJSON.parse(#""\u00e9\u20AC\ud83d\ude00""#) == "é€😀")
        #expect(try StrictJSON.parse(#""\u0000""#) == "\u{0}")
        #expect(try StrictJSON.parse(Array("\"é€😀\u{7F}\"".utf8)) == "é€😀\u{7F}")
        // Keys are compared after unescaping: these two spell the same name.
        expectRejection(.invalidJSON) { _ = try StrictJSON.parse(#"{"alg":1,"\u0061lg":2}"#) }
    }

    @Test("rejects what RFC 8259 does not allow", arguments: [
        "", " ", "nul", "tru", "True", "NULL", "NaN", "Infinity", "-Infinity", "+1", ".5", "1.", "1e", "1e+",
        "01", "-01", "00", "-", "0x10", "1_000", "'single'", "{a:1}", "{'a':1}", "[1,]", "{\"a\":1,}", "[,1]",
        "[1 2]", "{\"a\" 1}", "{\"a\":}", "{\"a\"}", "[1]]", "{}}", "{} x", "{}{}", "1 2", "// c\n1", "/* c */1",
        "[1] // c", "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"unterminated", "\"a\nb\"",
        "\"tab\there\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"\\udbff\\udbff\"",
        "1e999", "-1e999", "1e400", "\u{FEFF}{}", "[1,2", "{\"a\":[}",
    ])
    func rejects(_ text: String) {
        expectRejection(.invalidJSON, "\(text.debugDescription)") { _ = try StrictJSON.parse(text) }
    }

    @Test("rejects invalid UTF-8", arguments: [
        [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
        [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong '/'
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate U+D800
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
        [0x22, 0x80, 0x22],  // lone continuation byte
        [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
        [0x22, 0xFF, 0x22],
        [0xFF],
    ] as [[UInt8]])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        expectRejection(.invalidJSON, "\(bytes)") { _ = try StrictJSON.parse(bytes) }
    }

    @Test("rejects duplicate member names at any depth")
    func duplicates() {
        expectRejection(.invalidJSON) { _ = try StrictJSON.parse(#"{"a":1,"a":1}"#) }
        expectRejection(.invalidJSON) { _ = try StrictJSON.parse(#"{"x":{"b":true,"b":false}}"#) }
        expectRejection(.invalidJSON) { _ = try StrictJSON.parse(#"[{"c":1,"d":2,"c":3}]"#) }
    }

    @Test("hostile nesting fails fast without exhausting the stack")
    func deepNesting() throws {
        for depth in [33, 10_000, 1_000_000] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            expectRejection(.invalidJSON, "arrays \(depth)") { _ = try StrictJSON.parse(arrays) }
            let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            expectRejection(.invalidJSON, "objects \(depth)") { _ = try StrictJSON.parse(objects) }
        }
        // Unterminated nesting, the cheapest attack, as well.
        expectRejection(.invalidJSON) { _ = try StrictJSON.parse(String(repeating: "[", count: 10_000)) }
        // Even an absurd caller-supplied limit is capped (the parser recurses per level).
        expectRejection(.invalidJSON) {
            _ = try StrictJSON.parse(String(repeating: "[", count: 100_000), maxDepth: .max)
        }
    }

    @Test("maxDepth counts containers; exactly maxDepth is allowed")
    func depthLimit() throws {
        let nested32 = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try StrictJSON.parse(nested32)
        expectRejection(.invalidJSON) { _ = try StrictJSON.parse(nested32, maxDepth: 31) }
        #expect(try StrictJSON.parse("1", maxDepth: 0) == 1)
        expectRejection(.invalidJSON) { _ = try StrictJSON.parse("[]", maxDepth: 0) }
    }

    @Test("all byte-input overloads agree")
    func overloads() throws {
        let text = #"{"k":["v",1]}"#
        let bytes = Array(text.utf8)
        let expected: JSONValue = ["k": ["v", 1]]
        #expect(try StrictJSON.parse(bytes) == expected)
        #expect(try StrictJSON.parse(text.utf8) == expected)
        #expect(try StrictJSON.parse(bytes[...]) == expected)
        let fromRaw = try bytes.withUnsafeBytes { raw in
            Result { () throws(JOSEError) in try StrictJSON.parse(raw) }
        }.get()
        #expect(fromRaw == expected)
    }
}

@Suite("JSONValue serialization")
struct JSONValueTests {
    @Test("compact, sorted keys, integral numbers without a fraction")
    func compactSorted() {
        let value: JSONValue = ["b": 1, "a": [true, nil, 1.5], "c": ["z": "y", "aa": -3]]
        #expect(value.serialized() == #"{"a":[true,null,1.5],"b":1,"c":{"aa":-3,"z":"y"}}"#)
        #expect(JSONValue.number(1_700_000_000).serialized() == "1700000000")
        #expect(JSONValue.number(-0.0).serialized() == "0")
        #expect(JSONValue.number(9_007_199_254_740_991).serialized() == "9007199254740991")
        #expect(JSONValue.number(0.1).serialized() == "0.1")
        #expect(JSONValue.number(.nan).serialized() == "null")
        #expect(JSONValue.number(.infinity).serialized() == "null")
    }

    @Test("escapes quotes, backslashes and control characters; keeps other UTF-8")
    func escaping() {
        let value = JSONValue.string("q\"b\\n\n\t\u{0}\u{1F}/é😀")
        #expect(value.serialized() == #""q\"b\\n\n\t\u0000\u001f/é😀""#)
    }

    @Test("serialize → parse round-trips", arguments: [
        ["a": 1, "b": ["x", 2.25, -1e-7, 1e300, false, nil], "é": ["\u{1}": "\u{7F}"]] as JSONValue,
        "line\nbreak", 123_456_789_012, [], .object([:]),
    ])
    func roundTrip(_ value: JSONValue) throws {
        #expect(try StrictJSON.parse(value.serialized()) == value)
    }

    @Test("accessors")
    func accessors() {
        let value: JSONValue = ["s": "t", "n": 3, "f": 2.5, "b": true, "a": [1], "o": ["k": nil]]
        #expect(value["s"]?.stringValue == "t")
        #expect(value["n"]?.numberValue == 3)
        #expect(value["n"]?.integerValue == 3)
        #expect(value["f"]?.integerValue == nil)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == ["k": .null])
        #expect(value["o"]?["k"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value.stringValue == nil)
    }
}
