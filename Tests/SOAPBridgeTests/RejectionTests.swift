import JSON
import SOAPBridge
import Testing
import XML

/// Everything the request side refuses (HTTP 400).
@Suite("JSONToXML rejections")
struct RejectionTests {
    @Test("bad JSON is invalidJSON with its line and column")
    func badJSON() throws {
        let error = try #require(mappingError("{\n  \"a\": 1,\n  \"b\": ]\n}"))
        #expect(error.code == .invalidJSON)
        #expect(error.line == 3)
        #expect(error.column == 8)
        #expect(error.offset == 19)
        #expect(error.message.contains("line 3, column 8"))
        #expect(mappingError(#"{"a":1,}"#)?.column == 8)
        #expect(mappingError("")?.code == .invalidJSON)
        #expect(mappingError(#"{"a": 1} x"#)?.code == .invalidJSON)
        #expect(mappingError(#"{"a": 1, "a": 2}"#)?.code == .invalidJSON)
        #expect(mappingError(#"{"a": 01}"#)?.code == .invalidJSON)
    }

    @Test("a top-level value that is not an object is notAnObject", arguments: [#"[1]"#, #""s""#, "3", "null", "true"])
    func notAnObject(_ json: String) {
        #expect(mappingError(json)?.code == .notAnObject)
    }

    @Test("names that are not NCNames are invalidName", arguments: [
        #"{"a b": 1}"#, #"{"1x": 1}"#, #"{"x:y": 1}"#, #"{"<b>": 1}"#, #"{"": 1}"#, #"{"-a": 1}"#,
        #"{"o": {"a b": 1}}"#, #"{"o": {"@x:y": 1}}"#, #"{"o": {"@": 1}}"#, #"{"o": {"@xmlns": "urn:x"}}"#,
        #"{"@id": 1}"#, #"{"$": "t"}"#, #"{"o": [{"$x": 1}]}"#,
    ])
    func invalidNames(_ json: String) {
        #expect(mappingError(json)?.code == .invalidName)
    }

    @Test("shapes the convention cannot express are unsupportedShape", arguments: [
        #"{"a": [[1]]}"#, #"{"a": [1, [2]]}"#, #"{"o": {"i": [[]]}}"#, #"{"o": {"@x": {}}}"#, #"{"o": {"@x": [1]}}"#,
        #"{"o": {"$": {"a": 1}}}"#,
    ])
    func unsupportedShapes(_ json: String) {
        #expect(mappingError(json)?.code == .unsupportedShape)
    }

    @Test("characters XML 1.0 cannot carry are invalidCharacter", arguments: [
        #"{"a": "x\u0000y"}"#, #"{"a": "\u0001"}"#, #"{"a": "\u001f"}"#, #"{"a": "\ufffe"}"#, #"{"a": "\uffff"}"#,
        #"{"o": {"@v": "\u0008"}}"#, #"{"o": {"$": "\u000b"}}"#,
    ])
    func invalidCharacters(_ json: String) {
        #expect(mappingError(json)?.code == .invalidCharacter)
    }

    @Test("tab, LF and CR are fine")
    func allowedControls() throws {
        #expect(try mapToTree(#"{"a": "x\ty\nz"}"#).first("a")?.text == "x\ty\nz")
    }

    @Test("codes are stable for metrics")
    func codes() {
        #expect(MappingError.Code.invalidJSON.description == "invalid_json")
        #expect(MappingError.Code.missingField.description == "missing_field")
        #expect(MappingError(.invalidValue, "m").description == "MappingError(invalid_value): m")
    }
}
