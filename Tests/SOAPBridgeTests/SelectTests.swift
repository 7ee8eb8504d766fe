import JSON
import SOAPBridge
import Testing
import XML

/// `XMLToJSON.select`: typed fields from a response (failures are HTTP 502).
@Suite("XMLToJSON.select")
struct SelectTests {
    let response = """
        <ns:submitBatchResponse xmlns:ns="urn:oms" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <return>
            <batchId> 12345678901234567890 </batchId>
            <status>ACCEPTED</status>
            <total>1.10</total>
            <ok>1</ok>
            <late>false</late>
            <note xsi:nil="true"/>
            <line no="1"><sku>A</sku><qty>2</qty><tag>x</tag><tag>y</tag></line>
            <line no="2"><sku>B</sku><qty>-0</qty></line>
            <meta a="1"><k>v</k></meta>
          </return>
        </ns:submitBatchResponse>
        """

    @Test("nested paths, types and mapping order")
    func typedFields() throws {
        let mapping = ResponseMapping(fields: [
            ResponseField("status", path: ["return", "status"]),
            ResponseField("batchId", path: ["return", "batchId"], type: .integer),
            ResponseField("total", path: ["return", "total"], type: .number),
            ResponseField("ok", path: ["return", "ok"], type: .boolean),
            ResponseField("late", path: ["return", "late"], type: .boolean),
            ResponseField("meta", path: ["return", "meta"], type: .raw),
            ResponseField("note", path: ["return", "note"]),
        ])
        let json = try XMLToJSON.select(mapping, from: try parseXML(response))
        #expect(json == #"{"status":"ACCEPTED","batchId":12345678901234567890,"total":1.10,"ok":true,"late":false,"meta":{"@a":"1","k":"v"},"note":null}"#)
        #expect(try StrictJSON.parse(json)["status"]?.stringValue == "ACCEPTED")
    }

    @Test("each builds an array of objects relative to every match")
    func each() throws {
        let mapping = ResponseMapping(fields: [
            ResponseField("lines", path: ["return", "line"], each: [
                ResponseField("sku", path: ["sku"]),
                ResponseField("qty", path: ["qty"], type: .integer),
                ResponseField("tags", path: ["tag"], each: [ResponseField("value", path: [])]),
                ResponseField("missing", path: ["nope"]),
            ]),
            ResponseField("none", path: ["return", "nothing"], each: [ResponseField("a", path: ["a"])]),
            ResponseField("noParent", path: ["gone", "line"], each: [ResponseField("a", path: ["a"])]),
        ])
        let json = try XMLToJSON.select(mapping, from: try parseXML(response))
        #expect(json == #"{"lines":[{"sku":"A","qty":2,"tags":[{"value":"x"},{"value":"y"}],"missing":null},{"sku":"B","qty":-0,"tags":[],"missing":null}],"none":[],"noParent":[]}"#)
    }

    @Test("missing elements are null, missing lists []")
    func missing() throws {
        let mapping = ResponseMapping(fields: [
            ResponseField("a", path: ["return", "absent"], type: .integer),
            ResponseField("b", path: ["absent", "deeper"]),
            ResponseField("c", path: ["return", "absent"], each: []),
        ])
        #expect(try XMLToJSON.select(mapping, from: try parseXML(response)) == #"{"a":null,"b":null,"c":[]}"#)
        #expect(try XMLToJSON.select(ResponseMapping(fields: []), from: try parseXML("<a/>")) == "{}")
    }

    @Test("values that break their type are invalidValue", arguments: [
        ("integer", "12a"), ("integer", "1.5"), ("integer", ""), ("integer", "+5"), ("integer", "007"),
        ("number", "1e"), ("number", "NaN"), ("number", ".5"), ("number", "1 2"),
        ("boolean", "yes"), ("boolean", "TRUE"), ("boolean", ""),
    ])
    func invalidValues(_ type: String, _ text: String) throws {
        let fieldType: ResponseField.FieldType = switch type {
        case "integer": .integer
        case "number": .number
        default: .boolean
        }
        let mapping = ResponseMapping(fields: [ResponseField("v", path: ["v"], type: fieldType)])
        let error = try selectError(mapping, "<r><v>\(text)</v></r>")
        #expect(error?.code == .invalidValue)
    }

    @Test("valid typed values pass through exactly", arguments: ["0", "-0", "1E+2", "0.000001", "-12.500e-010"])
    func validNumbers(_ text: String) throws {
        let mapping = ResponseMapping(fields: [ResponseField("v", path: ["v"], type: .number)])
        #expect(try XMLToJSON.select(mapping, from: try parseXML("<r><v>\n\(text)\t</v></r>")) == #"{"v":\#(text)}"#)
    }

    @Test("each with an empty path is unsupportedShape")
    func eachWithoutPath() throws {
        let mapping = ResponseMapping(fields: [ResponseField("x", path: [], each: [])])
        #expect(try selectError(mapping, "<r/>")?.code == .unsupportedShape)
    }
}
