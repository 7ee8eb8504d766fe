import Testing
import XML

@Suite("HardenedXMLParser: well-formed input")
struct ParserWellFormedTests {
    @Test func soap11EnvelopeWithPrefixesDefaultNamespaceAndNamespacedAttributes() throws {
        let envelope = try parse(Fixtures.soap11)
        #expect(envelope.name == XMLName("Envelope", namespace: Namespaces.soap11))
        // xmlns declarations are not attributes.
        #expect(envelope.attributes.isEmpty)

        let header = try #require(envelope.first("Header", namespace: Namespaces.soap11))
        let token = try #require(header.first("Token"))
        #expect(token.name.namespace == "urn:example:auth")
        #expect(token.text == "abc")
        #expect(token.attributes == [XMLAttribute(XMLName("mustUnderstand", namespace: Namespaces.soap11), "1")])
        #expect(token.attribute("mustUnderstand", namespace: Namespaces.soap11) == "1")

        let body = try #require(envelope.first("Body", namespace: Namespaces.soap11))
        let response = try #require(body.first("GetOrderResponse", namespace: Namespaces.service))
        let order = try #require(response.first("order", namespace: Namespaces.service))
        #expect(order.attribute("id") == "42")
        #expect(order.attribute("id", namespace: Namespaces.service) == nil)  // unprefixed attributes have no namespace
        #expect(order.attribute("type", namespace: Namespaces.xsi) == "Order")
        #expect(order.first("batchName")?.text == "Q1 & Q2")
        #expect(order.first("total")?.attribute("currency") == "EUR")
        #expect(order.first("note") == XMLElement("note", namespace: Namespaces.service))
        #expect(order.elements.map(\.name.local) == ["batchName", "total", "note"])
        #expect(body.first("GetOrderResponse", namespace: "urn:other") == nil)
    }

    @Test func soap12FaultWithDefaultNamespaceAndXmlLang() throws {
        let envelope = try parse(Fixtures.soap12Fault)
        #expect(envelope.name == XMLName("Envelope", namespace: Namespaces.soap12))
        let fault = try #require(envelope.first("Body")?.first("Fault", namespace: Namespaces.soap12))
        #expect(fault.first("Code")?.first("Value")?.text == "Sender")
        let text = try #require(fault.first("Reason")?.first("Text"))
        #expect(text.name.namespace == Namespaces.soap12)
        #expect(text.text == "Bad \"order\"")
        #expect(text.attribute("lang", namespace: Namespaces.xml) == "en")
    }

    @Test func redeclaredPrefixesAndUndeclaredDefault() throws {
        let root = try parse("""
            <p:a xmlns:p="urn:one" xmlns="urn:default"><p:b xmlns:p="urn:two" p:x="2"><p:c/></p:b><p:d/>\
            <e/><f xmlns=""><g/></f></p:a>
            """)
        #expect(root.name == XMLName("a", namespace: "urn:one"))
        let b = try #require(root.first("b"))
        #expect(b.name.namespace == "urn:two")
        #expect(b.attributes == [XMLAttribute(XMLName("x", namespace: "urn:two"), "2")])
        #expect(b.first("c")?.name.namespace == "urn:two")
        #expect(root.first("d")?.name.namespace == "urn:one")
        #expect(root.first("e")?.name.namespace == "urn:default")
        #expect(root.first("f")?.name.namespace == nil)
        #expect(root.first("f")?.first("g")?.name.namespace == nil)
    }

    @Test func cdataBecomesTextMergedWithNeighbours() throws {
        let root = try parse("<a>x<![CDATA[<y>&amp;]]>z<![CDATA[]]></a>")
        #expect(root.children == [.text("x<y>&amp;z")])
    }

    @Test func unicodeBMPAndAstral() throws {
        let root = try parse("<Grüße a=\"ü€😀\">ü€😀</Grüße>")
        #expect(root.name.local == "Grüße")
        #expect(root.text == "ü€😀")
        #expect(root.attribute("a") == "ü€😀")
    }

    @Test func numericCharacterReferences() throws {
        let root = try parse("<a b=\"&#252;&#x20AC;&#x1F600;\">&#65;&#252;&#x20ac;&#x1F600;&#9;&#13;</a>")
        #expect(root.text == "Aü€😀\t\r")
        #expect(root.attribute("b") == "ü€😀")
    }

    @Test func predefinedEntitiesInTextAndAttributes() throws {
        let root = try parse("<a b=\"&lt;&gt;&amp;&quot;&apos;&#38;\">&lt;&gt;&amp;&quot;&apos;</a>")
        #expect(root.text == "<>&\"'")
        #expect(root.attribute("b") == "<>&\"'&")
        #expect(root.children.count == 1)
    }

    @Test func emptyElements() throws {
        #expect(try parse("<a/>") == XMLElement("a"))
        #expect(try parse("<a></a>") == XMLElement("a"))
        #expect(try parse("<a x=''/>").attributes == [XMLAttribute(XMLName("x"), "")])
    }

    @Test func adjacentTextIsMergedAcrossReferencesCommentsAndPIs() throws {
        let root = try parse("<a>one &amp; <!-- gone --><?pi gone?>two&#x21;<![CDATA[ three]]><b/>four</a>")
        #expect(root.children == [.text("one & two! three"), .element(XMLElement("b")), .text("four")])
        #expect(root.text == "one & two! threefour")
    }

    @Test func whitespaceIsKeptAndLineEndsNormalized() throws {
        let root = try parse("<?xml version=\"1.0\"?>\n<!-- c -->\n<a>\r\n  <b> </b>\r</a>\n<?pi?>\n")
        // XML 1.0 §2.11: CRLF and CR become LF.
        #expect(root.children == [.text("\n  "), .element(XMLElement("b", children: [.text(" ")])), .text("\n")])
    }

    @Test func longTextArrivesAsOneNode() throws {
        let text = String(repeating: "0123456789 ü ", count: 10_000)
        let root = try parse("<a>\(text)</a>")
        #expect(root.children == [.text(text)])
    }

    @Test func queriesMatchAnyNamespaceWhenNil() throws {
        let root = try parse("<r xmlns:p='urn:p'><p:x>1</p:x><x>2</x><p:x>3</p:x><y p:id='a' id='b'/></r>")
        #expect(root.all("x").map(\.text) == ["1", "2", "3"])
        #expect(root.all("x", namespace: "urn:p").map(\.text) == ["1", "3"])
        #expect(root.first("x")?.text == "1")
        #expect(root.first("missing") == nil)
        let y = try #require(root.first("y"))
        #expect(y.attribute("id") == "b")  // prefers the attribute without a namespace
        #expect(y.attribute("id", namespace: "urn:p") == "a")
        #expect(y.attribute("missing") == nil)
    }

    @Test(arguments: [false, true])
    func utf16Documents(bigEndian: Bool) throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a b=\"ü😀\">€</a>"
        let root = try HardenedXMLParser.parse(utf16(xml, bigEndian: bigEndian))
        #expect(root == XMLElement("a", attributes: [XMLAttribute(XMLName("b"), "ü😀")], children: [.text("€")]))
    }

    @Test func latin1Document() throws {
        let bytes = Array("<?xml version='1.0' encoding='ISO-8859-1'?><a>".utf8) + [0xE9, 0xFC] + Array("</a>".utf8)
        #expect(try HardenedXMLParser.parse(bytes).text == "éü")
    }

    @Test func utf8ByteOrderMark() throws {
        #expect(try HardenedXMLParser.parse([0xEF, 0xBB, 0xBF] + Array("<a>x</a>".utf8)).text == "x")
    }

    @Test func rawBufferOverload() throws {
        let bytes = Array(Fixtures.soap11.utf8)
        let fromBuffer = try bytes.withUnsafeBytes { buffer in try HardenedXMLParser.parse(buffer) }
        #expect(fromBuffer == (try HardenedXMLParser.parse(bytes)))
    }

    @Test func concurrentParsesAreIndependent() async throws {
        let expected = try parse(Fixtures.soapResponse())
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 {
                        guard try parse(Fixtures.soapResponse()) == expected else { return false }
                    }
                    return parseError("<a>&e;</a>")?.code == .entityForbidden
                }
            }
            for try await ok in group {
                #expect(ok)
            }
        }
    }
}
