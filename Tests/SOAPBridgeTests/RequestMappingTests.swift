import JSON
import SOAPBridge
import Testing
import XML

/// `RequestMapping`: order, required, base64 and entries.
@Suite("RequestMapping")
struct RequestMappingTests {
    @Test("without order, members follow document order")
    func documentOrder() throws {
        #expect(childNames(try mapToTree(#"{"c": 1, "a": 2, "b": 3}"#)) == ["c", "a", "b"])
    }

    @Test("order puts listed members first; with additional: pass the rest follow in document order; absent ones are skipped")
    func order() throws {
        let mapping = RequestMapping(order: ["a", "missing", "b"], additional: .pass)
        #expect(childNames(try mapToTree(#"{"z": 0, "b": [1, 2], "c": 3, "a": {"x": 1}}"#, mapping)) == ["a", "b", "b", "z", "c"])
        #expect(childNames(try mapToTree(#"{"b": 1, "a": 2}"#, RequestMapping(order: ["a", "b"]))) == ["a", "b"])
    }

    @Test("with order given, a member the route does not name is refused by name")
    func unknownMembers() throws {
        let mapping = RequestMapping(order: ["a", "b"], required: ["r"], base64: ["data"], entries: ["props": EntryShape(key: "name", value: "value")])
        #expect(mapping.additional == .reject)
        #expect(childNames(try mapToTree(#"{"r": 1, "data": "x", "props": {"k": "v"}, "a": 1}"#, mapping)) == ["a", "r", "data", "props"])
        for body in [#"{"r": 1, "evil": {"x": 1}}"#, #"{"evil": 1, "r": 1}"#, #"{"r": 1, "A": 1}"#, #"{"r": 1, "a ": 1}"#] {
            let error = mappingError(body, mapping)
            #expect(error?.code == .unknownMember, "\(body)")
        }
        #expect(mappingError(#"{"r": 1, "evil": {"x": 1}}"#, mapping)?.message.contains("\"evil\"") == true)
        // Without order there is nothing to tell known from unknown: everything is written.
        #expect(RequestMapping().additional == .pass)
    }

    @Test("required members must be present and not null")
    func required() throws {
        let mapping = RequestMapping(required: ["batchName", "qty"])
        #expect(childNames(try mapToTree(#"{"qty": 0, "batchName": ""}"#, mapping)) == ["qty", "batchName"])
        let missing = mappingError(#"{"batchName": "x"}"#, mapping)
        #expect(missing?.code == .missingField)
        #expect(missing?.message.contains("qty") == true)
        #expect(mappingError(#"{"batchName": null, "qty": 1}"#, mapping)?.code == .missingField)
    }

    @Test("base64 of a string is its UTF-8 bytes")
    func base64String() throws {
        let mapping = RequestMapping(base64: ["payload"])
        for text in ["", "a", "ab", "abc", "abcd", "Grüße 😀 </x>"] {
            let tree = try mapToTree(#"{"payload": \#(JSONString.quoted(text)), "plain": "p"}"#, mapping)
            #expect(decodeBase64(tree.first("payload")?.text ?? "?") == Array(text.utf8))
            #expect(tree.first("plain")?.text == "p")
        }
        #expect(try mapToXML(#"{"payload": "hello"}"#, mapping) == "<op><payload>aGVsbG8=</payload></op>")
    }

    @Test("base64 of an object or array is the caller's JSON text without whitespace, tokens as sent")
    func base64JSON() throws {
        let mapping = RequestMapping(base64: ["doc", "list", "n", "t"])
        let json = #"{"doc": { "z": 1.10, "a": [true, null, -0, 1E+2],\#n\#t"s": "q\" <\u00e9 \\", "o": {} }, "list": [ ], "n": 12345678901234567890, "t": true}"#
        let tree = try mapToTree(json, mapping)
        let docText = try #require(tree.first("doc")?.text)
        let doc = try #require(decodeBase64(docText))
        #expect(String(decoding: doc, as: UTF8.self) == #"{"z":1.10,"a":[true,null,-0,1E+2],"s":"q\" <\u00e9 \\","o":{}}"#)
        #expect(decodeBase64(tree.first("list")?.text ?? "?") == Array("[]".utf8))
        #expect(decodeBase64(tree.first("n")?.text ?? "?") == Array("12345678901234567890".utf8))
        #expect(decodeBase64(tree.first("t")?.text ?? "?") == Array("true".utf8))
    }

    @Test("a base64 member is still validated: bad JSON inside it is refused at its position")
    func base64StillValidated() {
        let mapping = RequestMapping(base64: ["doc"])
        let deep = #"{"doc": "# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        for json in [
            #"{"doc": {"a": 1, "a": 2}}"#, #"{"doc": [1, 2,]}"#, #"{"doc": {"a": 01}}"#,
            #"{"doc": {"a": [1}}"#, #"{"doc": {"a": 1}"#, #"{"doc": ["\x"]}"#, deep,
        ] {
            var tokens = JSONTokenizer(Array(json.utf8))
            var expected: JSONError?
            do {
                while try tokens.next() != nil {}
            } catch {
                expected = error
            }
            let error = mappingError(json, mapping)
            #expect(expected != nil && error?.code == .invalidJSON, "\(json)")
            #expect(error?.offset == expected?.offset, "\(json)")
        }
    }

    @Test("entries: an object of name → scalar becomes repeated key/value elements")
    func entries() throws {
        let mapping = RequestMapping(entries: ["attribute": EntryShape(key: "name", value: "val")])
        let tree = try mapToTree(#"{"id": 1, "attribute": {"colour": "red", "size": 42, "flag": false, "none": null, "<k>": "v"}}"#, mapping)
        #expect(childNames(tree) == ["id", "attribute", "attribute", "attribute", "attribute", "attribute"])
        let pairs = tree.all("attribute").map { ($0.first("name")?.text ?? "?", $0.first("val")?.text ?? "?") }
        #expect(pairs.map(\.0) == ["colour", "size", "flag", "none", "<k>"])
        #expect(pairs.map(\.1) == ["red", "42", "false", "", "v"])
        #expect(tree.all("attribute").allSatisfy { childNames($0) == ["name", "val"] })
        #expect(mappingError(#"{"attribute": {"a": [1]}}"#, mapping)?.code == .unsupportedShape)
        #expect(mappingError(#"{"attribute": "flat"}"#, mapping)?.code == .unsupportedShape)
        let defaults = RequestMapping(entries: ["m": EntryShape()])
        #expect(try mapToXML(#"{"m": {"a": "1"}}"#, defaults) == "<op><m><key>a</key><value>1</value></m></op>")
    }
}
