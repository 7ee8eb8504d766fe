import Testing
import XML

@Suite("XMLWriter")
struct XMLWriterTests {
    private func fragment(_ body: (inout XMLWriter) throws(XMLError) -> Void) throws -> String {
        var writer = XMLWriter(declaration: false)
        try body(&writer)
        return try writer.finish()
    }

    @Test func declarationIsOptional() throws {
        var writer = XMLWriter()
        try writer.element("a", text: "")
        #expect(try writer.finish() == #"<?xml version="1.0" encoding="UTF-8"?><a/>"#)
        #expect(try fragment { writer throws(XMLError) in try writer.element("a", text: "") } == "<a/>")
    }

    @Test func markupInTextIsEscaped() throws {
        let xml = try fragment { writer throws(XMLError) in
            try writer.element("batchName", text: "</batchName><x>")
        }
        #expect(xml == "<batchName>&lt;/batchName&gt;&lt;x&gt;</batchName>")
        #expect(try parse(xml).text == "</batchName><x>")
    }

    @Test func ampersandQuotesAndCDATAEndInText() throws {
        let xml = try fragment { writer throws(XMLError) in
            try writer.start("a")
            try writer.text(#"Tom & "Jerry's" ]]> done"#)
            try writer.end()
        }
        #expect(xml == #"<a>Tom &amp; "Jerry's" ]]&gt; done</a>"#)
    }

    @Test func attributeValuesAreEscaped() throws {
        let value = "</a><x y=\"1\"> & 'q' ]]> \t\n\r"
        let xml = try fragment { writer throws(XMLError) in
            try writer.element("a", text: "", attributes: [("v", value)])
        }
        #expect(xml == #"<a v="&lt;/a&gt;&lt;x y=&quot;1&quot;&gt; &amp; &apos;q&apos; ]]&gt; &#9;&#10;&#13;"/>"#)
        // Tab, LF and CR survive attribute-value normalization (XML 1.0 §3.3.3).
        #expect(try parse(xml).attribute("v") == value)
    }

    @Test(arguments: ["\u{0}", "\u{1}", "\u{8}", "\u{B}", "\u{C}", "\u{E}", "\u{1F}", "\u{FFFE}", "\u{FFFF}"])
    func charactersXMLCannotCarryAreRefused(_ character: String) {
        var writer = XMLWriter(declaration: false)
        #expect(writerError { () throws(XMLError) in try writer.start("a") } == nil)
        #expect(writerError { () throws(XMLError) in try writer.text("ok\(character)ok") }?.code == .invalidCharacter)
        #expect(writerError { () throws(XMLError) in try writer.element("b", text: "x\(character)") }?.code == .invalidCharacter)
        #expect(writerError { () throws(XMLError) in try writer.start("c", attributes: [("v", character)]) }?.code == .invalidCharacter)
        // Nothing half-written is left behind.
        #expect(writerError { () throws(XMLError) in try writer.end() } == nil)
        #expect((try? writer.finish()) == "<a></a>")
    }

    @Test func allowedCharactersRoundTrip() throws {
        let text = "\t\n\r \u{7F}\u{85}\u{D7FF}\u{E000}\u{FFFD}\u{10000}\u{10FFFF} ü€😀"
        let xml = try fragment { writer throws(XMLError) in
            try writer.element("a", text: text, attributes: [("b", text)])
        }
        let root = try parse(xml)
        #expect(root.text == text)
        #expect(root.attribute("b") == text)
    }

    @Test func unbalancedStartAndEnd() {
        var writer = XMLWriter()
        #expect(writerError { () throws(XMLError) in try writer.end() }?.code == .malformed)
        #expect(writerError { () throws(XMLError) in try writer.start("a") } == nil)
        #expect(writerError { () throws(XMLError) in try writer.start("b") } == nil)
        #expect(writerError { () throws(XMLError) in _ = try writer.finish() }?.code == .malformed)
        #expect(writerError { () throws(XMLError) in try writer.end() } == nil)
        #expect(writerError { () throws(XMLError) in _ = try writer.finish() }?.code == .malformed)
        #expect(writerError { () throws(XMLError) in try writer.end() } == nil)
        #expect(writerError { () throws(XMLError) in try writer.end() }?.code == .malformed)
        #expect((try? writer.finish()) == #"<?xml version="1.0" encoding="UTF-8"?><a><b></b></a>"#)
    }

    @Test(arguments: ["1abc", "a b", "<x>", "", ":a", "a:", "a:b:c", "-a", ".a", "a>", "a\"", "a=b", "a&b", "ü:1", "a\u{0}"])
    func invalidNamesAreRefused(_ name: String) {
        var writer = XMLWriter(declaration: false)
        #expect(writerError { () throws(XMLError) in try writer.start(name) }?.code == .malformed)
        #expect(writerError { () throws(XMLError) in try writer.element(name, text: "x") }?.code == .malformed)
        #expect(writerError { () throws(XMLError) in try writer.start("ok", attributes: [(name, "v")]) }?.code == .malformed)
        #expect((try? writer.finish()) == "")
    }

    @Test(arguments: ["a", "soap:Envelope", "_x", "x-1.2", "Grüße", "xmlns", "xmlns:soap", "日本", "a·b"])
    func validNamesAreAccepted(_ name: String) throws {
        let xml = try fragment { writer throws(XMLError) in
            try writer.element(name.hasPrefix("xmlns") ? "e" : name, text: "x", attributes: [(name, "urn:v")])
        }
        #expect(xml.contains("\(name)=\"urn:v\""))
    }

    @Test func duplicateAttributesAreRefused() {
        var writer = XMLWriter()
        #expect(writerError { () throws(XMLError) in try writer.start("a", attributes: [("x", "1"), ("x", "2")]) }?.code == .malformed)
    }

    @Test func rawIsAppendedVerbatim() throws {
        var inner = XMLWriter(declaration: false)
        try inner.element("b", text: "1 < 2")
        let xml = try fragment { writer throws(XMLError) in
            try writer.start("a")
            writer.raw(try inner.finish())
            try writer.end()
        }
        #expect(xml == "<a><b>1 &lt; 2</b></a>")
    }

    @Test func roundTripThroughTheParserKeepsTextExactly() throws {
        let texts = ["", " ", "  \n\t x \r\n y\r", "ü€😀", "a & b < c > d \" e ' f ]]> g", String(repeating: "long ", count: 2_000)]
        for text in texts {
            let xml = try fragment { writer throws(XMLError) in
                try writer.start("r")
                try writer.text(text)
                try writer.end()
            }
            let root = try parse(xml)
            #expect(root.text == text)
            #expect(root.children.count == (text.isEmpty ? 0 : 1))
        }
    }

    @Test func soapEnvelopeRoundTrip() throws {
        var writer = XMLWriter()
        try writer.start("soap:Envelope", attributes: [("xmlns:soap", Namespaces.soap11), ("xmlns:o", Namespaces.service)])
        try writer.start("soap:Body")
        try writer.start("o:createOrder", attributes: [("o:priority", "high"), ("id", "7")])
        try writer.element("o:batchName", text: "</batchName><x>")
        try writer.element("o:note", text: "")
        try writer.end()
        try writer.end()
        try writer.end()
        let envelope = try parse(try writer.finish())

        let order = XMLElement(
            "createOrder",
            namespace: Namespaces.service,
            attributes: [XMLAttribute(XMLName("priority", namespace: Namespaces.service), "high"), XMLAttribute(XMLName("id"), "7")],
            children: [
                .element(XMLElement("batchName", namespace: Namespaces.service, children: [.text("</batchName><x>")])),
                .element(XMLElement("note", namespace: Namespaces.service)),
            ]
        )
        #expect(envelope == XMLElement("Envelope", namespace: Namespaces.soap11, children: [
            .element(XMLElement("Body", namespace: Namespaces.soap11, children: [.element(order)]))
        ]))
    }
}
