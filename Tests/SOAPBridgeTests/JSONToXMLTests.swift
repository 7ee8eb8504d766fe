import JSON
import SOAPBridge
import Testing
import XML

/// The Oracle API Gateway JSON → XML convention.
@Suite("JSONToXML convention")
struct JSONToXMLTests {
    @Test("scalars become text elements, unqualified, in document order")
    func scalars() throws {
        let xml = try mapToXML(#"{"batchName":"Q3","qty":3,"urgent":true,"late":false,"note":null}"#)
        #expect(xml == "<op><batchName>Q3</batchName><qty>3</qty><urgent>true</urgent><late>false</late><note/></op>")
    }

    @Test("markup in text arrives as text, never as elements")
    func escaping() throws {
        let tree = try mapToTree(#"{"batchName": "</batchName><x>", "amp": "a & b \"q\" 'a' ]]>"}"#)
        #expect(childNames(tree) == ["batchName", "amp"])
        #expect(tree.first("batchName")?.text == "</batchName><x>")
        #expect(tree.first("batchName")?.elements.isEmpty == true)
        #expect(tree.first("x") == nil)
        #expect(tree.first("amp")?.text == "a & b \"q\" 'a' ]]>")
    }

    @Test("attributes from @name and text from $, wherever they appear in the object")
    func attributesAndText() throws {
        let tree = try mapToTree(#"{"item": {"name": "n", "@id": "7", "$": "t", "@qty": 2, "@ok": true, "@gone": null}}"#)
        let item = try #require(tree.first("item"))
        #expect(item.attribute("id") == "7")
        #expect(item.attribute("qty") == "2")
        #expect(item.attribute("ok") == "true")
        #expect(item.attribute("gone") == nil)
        #expect(item.attributes.count == 3)
        #expect(item.first("name")?.text == "n")
        #expect(item.text == "t")
        #expect(childNames(item) == ["name"])
        // The attribute value is escaped too.
        let quoted = try mapToTree(#"{"a": {"@v": "\"><x y=\"1"}}"#)
        #expect(quoted.first("a")?.attribute("v") == #""><x y="1"#)
        #expect(quoted.first("a")?.elements.isEmpty == true)
    }

    @Test("arrays repeat the element, for scalars and for objects")
    func arrays() throws {
        let tree = try mapToTree(#"{"line": [1, "two", null, {"@n": "4", "sku": "A"}], "empty": [], "after": "x"}"#)
        #expect(childNames(tree) == ["line", "line", "line", "line", "after"])
        let lines = tree.all("line")
        #expect(lines.map(\.text) == ["1", "two", "", ""])
        #expect(lines[3].attribute("n") == "4")
        #expect(lines[3].first("sku")?.text == "A")
        let objects = try mapToTree(#"{"o": {"item": [{"a": 1}, {"a": 2}]}}"#)
        #expect(objects.first("o")?.all("item").compactMap { $0.first("a")?.text } == ["1", "2"])
    }

    @Test("unicode in the BMP and beyond survives the round trip")
    func unicode() throws {
        let text = "Grüße – 日本語 \u{1F600} \u{1D11E} \\u escaped: \u{00E9}"
        let json = #"{"t": "Grüße – 日本語 😀 \ud834\udd1e \\u escaped: \u00e9"}"#
        let tree = try mapToTree(json)
        #expect(tree.first("t")?.text == text)
        // Non-ASCII element names are NCNames too.
        let named = try mapToTree(#"{"größe": "L", "名前": "x"}"#)
        #expect(childNames(named) == ["größe", "名前"])
    }

    @Test("empty string and null are both empty elements, written distinctly")
    func emptyVersusNull() throws {
        #expect(try mapToXML(#"{"a": "", "b": null}"#) == "<op><a></a><b/></op>")
        let tree = try mapToTree(#"{"a": "", "b": null}"#)
        #expect(tree.first("a")?.text == "")
        #expect(tree.first("b")?.text == "")
    }

    @Test("numbers keep their exact lexeme", arguments: [
        "12345678901234567890", "1.10", "-0", "1E+2", "0.000001", "-12.500e-010", "0", "9007199254740993",
    ])
    func exactNumbers(_ lexeme: String) throws {
        let tree = try mapToTree(#"{"n": \#(lexeme), "m": {"@v": \#(lexeme)}}"#)
        #expect(tree.first("n")?.text == lexeme)
        #expect(tree.first("m")?.attribute("v") == lexeme)
    }

    @Test("nested objects nest elements")
    func nested() throws {
        let tree = try mapToTree(#"{"order": {"customer": {"name": "Ada", "address": {"city": "Zürich", "zip": "8000"}}, "total": 9.90}}"#)
        let order = try #require(tree.first("order"))
        #expect(childNames(order) == ["customer", "total"])
        #expect(order.first("customer")?.first("address")?.first("city")?.text == "Zürich")
        #expect(order.first("total")?.text == "9.90")
        #expect(tree.name.namespace == nil)
        #expect(order.first("customer")?.name.namespace == nil)
    }

    @Test("the writer is left unchanged when mapping fails")
    func writerUntouchedOnFailure() throws {
        var writer = XMLWriter(declaration: false)
        try writer.start("op")
        do {
            try JSONToXML.writeMembers(ofJSON: Array(#"{"a": "ok", "b": [[1]]}"#.utf8), into: &writer)
            Issue.record("accepted an array of arrays")
        } catch {
            #expect(error.code == .unsupportedShape)
        }
        try writer.element("c", text: "1")
        try writer.end()
        #expect(try writer.finish() == "<op><c>1</c></op>")
    }
}
