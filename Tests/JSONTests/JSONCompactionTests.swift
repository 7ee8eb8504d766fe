import JSON
import Testing

@Suite("JSONCompaction")
struct JSONCompactionTests {
    private func compacted(_ text: String) -> String {
        var output: [UInt8] = []
        Array(text.utf8).withUnsafeBufferPointer { JSONCompaction.append($0, to: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    @Test("whitespace between tokens goes, tokens stay exactly as written")
    func removesOnlyInsignificantWhitespace() {
        #expect(compacted(" {\n\t\"a\" : [ 1.10 , -0 ,1E+2 ] ,\r\n \"b\":{ } } ") == #"{"a":[1.10,-0,1E+2],"b":{}}"#)
        #expect(compacted(#"[ "a b", "\t\u0020", " \" ] ", "\\", "x\\\" y" ]"#) == #"["a b","\t\u0020"," \" ] ","\\","x\\\" y"]"#)
        #expect(compacted("\"  \"") == "\"  \"")
        #expect(compacted("") == "")
    }

    @Test("the result parses to the same value as the input", arguments: [
        #"{"k": [true, false, null, {"z": "é \u00e9"}], "n": 12345678901234567890}"#,
        "[ [ [ ] ] , { } ]",
        #"  "just a string with \" quotes "  "#,
    ])
    func sameValue(_ text: String) throws {
        #expect(try StrictJSON.parse(compacted(text)) == StrictJSON.parse(text))
    }

    @Test("text that is not JSON is copied without reading past its end")
    func hostileTail() {
        #expect(compacted("\"\\") == "\"\\")
        #expect(compacted("[\"abc\\") == "[\"abc\\")
        #expect(compacted("\" unterminated   ") == "\" unterminated   ")
    }
}
