import JSON
import Testing

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
        // One escaper for the package (JSONString): keys and values alike.
        let odd = "\u{8}\u{C}\u{7F}\u{2028}\u{2029}"
        #expect(JSONValue.object([odd: .string(odd)]).serialized() == #"{"\u0008\u000c\u007f\u2028\u2029":"\u0008\u000c\u007f\u2028\u2029"}"#)
    }

    @Test("serialize → parse round-trips", arguments: [
        ["a": 1, "b": ["x", 2.25, -1e-7, 1e300, false, nil], "é": ["\u{1}": "\u{7F}"]] as JSONValue,
        "line\nbreak", "\u{2028}\u{8}", 123_456_789_012, [], .object([:]),
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
