import JSON
import SOAPBridge
import Testing
import XML

/// The Oracle API Gateway XML → JSON convention.
@Suite("XMLToJSON.convert")
struct XMLToJSONTests {
    func convert(_ xml: String) throws -> String {
        XMLToJSON.convert(try parseXML(xml))
    }

    @Test("a text-only element is a string; an empty one is \"\"")
    func leaves() throws {
        #expect(try convert("<a>x &amp; y</a>") == #""x & y""#)
        #expect(try convert("<a/>") == #""""#)
        #expect(try convert("<a>  </a>") == #""  ""#)
    }

    @Test("repeated elements become arrays, in first-appearance order")
    func repeated() throws {
        let json = try convert("<r><b>1</b><a>x</a><b>2</b><c/><b>3</b></r>")
        #expect(json == #"{"b":["1","2","3"],"a":"x","c":""}"#)
    }

    @Test("attributes become @ members, mixed text becomes $")
    func attributesAndText() throws {
        #expect(try convert(#"<a id="7" kind="x">hi</a>"#) == #"{"@id":"7","@kind":"x","$":"hi"}"#)
        #expect(try convert(#"<a>before<b>1</b>after</a>"#) == #"{"$":"beforeafter","b":"1"}"#)
        #expect(try convert("<a>\n  <b>1</b>\n</a>") == #"{"b":"1"}"#)
        #expect(try convert(#"<a x="1"/>"#) == #"{"@x":"1"}"#)
    }

    @Test("namespaces and prefixes are dropped")
    func namespaces() throws {
        let xml = #"<ns:r xmlns:ns="urn:a" xmlns:o="urn:b" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ns:item o:id="1">a</ns:item><o:item>b</o:item><xsi:type>t</xsi:type></ns:r>"#
        #expect(try convert(xml) == #"{"item":[{"@id":"1","$":"a"},"b"],"type":"t"}"#)
        // Two attributes with one local name keep the first: JSON names must be unique.
        #expect(try convert(#"<a xmlns:p="urn:p" id="1" p:id="2"/>"#) == #"{"@id":"1"}"#)
    }

    @Test("strings are escaped and unicode kept; the output is strict JSON")
    func escapingAndUnicode() throws {
        let json = try convert("<r><q>\"\\ &lt;\t\u{1F600} é</q><e/></r>")
        #expect(json == "{\"q\":\"\\\"\\\\ <\\t\u{1F600} é\",\"e\":\"\"}")
        let value = try StrictJSON.parse(json)
        #expect(value["q"]?.stringValue == "\"\\ <\t\u{1F600} é")
    }

    @Test("nested structures")
    func nested() throws {
        let xml = "<resp><return><batchId>42</batchId><lines><line n=\"1\"><sku>A</sku></line><line n=\"2\"><sku>B</sku></line></lines></return></resp>"
        #expect(try convert(xml) == #"{"return":{"batchId":"42","lines":{"line":[{"@n":"1","sku":"A"},{"@n":"2","sku":"B"}]}}}"#)
    }

    @Test("string escaping matches JSONString byte for byte", arguments: [
        "", "plain", "q\"uote", "back\\slash", "\n\r\t", "\u{1}\u{1F}\u{7F}", "\u{2028}\u{2029}", "\u{2027}\u{202A}",
        "é日本\u{1F600}", "a\u{0}b", "</x>&<",
    ])
    func escapingMatchesJSONString(_ text: String) {
        // Trees built in code may hold characters a parsed document cannot.
        #expect(XMLToJSON.convert(XMLElement("a", children: [.text(text)])) == JSONString.quoted(text))
        #expect(XMLToJSON.convert(XMLElement("a", attributes: [XMLAttribute(XMLName("v"), text)])) == "{\"@v\":\(JSONString.quoted(text))}")
    }

    @Test("grouping keeps first-appearance order with many names and many repeats")
    func grouping() throws {
        var xml = "<r>"
        for index in 0..<300 { xml += "<n\(index % 40)>\(index)</n\(index % 40)>" }
        xml += "<single/></r>"
        let json = XMLToJSON.convert(try parseXML(xml))
        let value = try StrictJSON.parse(json)
        let object = try #require(value.objectValue)
        #expect(object.count == 41)
        #expect(value["n0"]?.arrayValue?.compactMap(\.stringValue).prefix(3) == ["0", "40", "80"])
        #expect(value["n39"]?.arrayValue?.count == 7)
        #expect(value["single"]?.stringValue == "")
        #expect(json.hasPrefix(#"{"n0":["0","40""#))
        // Text-only children spread over several text nodes are still one string.
        #expect(XMLToJSON.convert(XMLElement("a", children: [.text("x"), .text("y")])) == #""xy""#)
    }
}

