import Testing
import XML

@Suite("XMLElement.serialized()")
struct SerializationTests {
    @Test(arguments: [Fixtures.soap11, Fixtures.soap12Fault, Fixtures.soapResponse()])
    func parsedDocumentsReparseToEqualTrees(_ xml: String) throws {
        let tree = try parse(xml)
        let serialized = tree.serialized()
        #expect(try parse(serialized) == tree)
        #expect(try parse(tree.serialized(declaration: true)) == tree)
    }

    @Test func generatedNamespaceDeclarations() throws {
        let tree = XMLElement("Envelope", namespace: Namespaces.soap11, children: [
            .element(XMLElement("Body", namespace: Namespaces.soap11, children: [
                .element(XMLElement(
                    "order",
                    namespace: Namespaces.service,
                    attributes: [
                        XMLAttribute(XMLName("id"), "1"),
                        XMLAttribute(XMLName("type", namespace: Namespaces.xsi), "o:Order"),
                        XMLAttribute(XMLName("mustUnderstand", namespace: Namespaces.soap11), "1"),
                        XMLAttribute(XMLName("lang", namespace: Namespaces.xml), "en"),
                    ],
                    children: [.element(XMLElement("plain", children: [.element(XMLElement("back", namespace: Namespaces.soap11))]))]
                ))
            ]))
        ])
        let xml = tree.serialized()
        #expect(xml == """
            <Envelope xmlns="\(Namespaces.soap11)" xmlns:ns1="\(Namespaces.service)" xmlns:ns2="\(Namespaces.xsi)" xmlns:ns3="\(Namespaces.soap11)">\
            <Body><ns1:order id="1" ns2:type="o:Order" ns3:mustUnderstand="1" xml:lang="en">\
            <plain xmlns=""><back xmlns="\(Namespaces.soap11)"/></plain></ns1:order></Body></Envelope>
            """)
        #expect(try parse(xml) == tree)
    }

    @Test func rootWithoutNamespace() throws {
        let tree = XMLElement("r", children: [
            .element(XMLElement("a", namespace: "urn:a")),
            .element(XMLElement("b")),
            .element(XMLElement("c", namespace: "")),  // empty means no namespace
        ])
        let xml = tree.serialized()
        #expect(xml == #"<r xmlns:ns1="urn:a"><ns1:a/><b/><c/></r>"#)
        #expect(try parse(xml).elements.map(\.name) == [XMLName("a", namespace: "urn:a"), XMLName("b"), XMLName("c")])
    }

    @Test func everythingIsEscaped() throws {
        let tree = XMLElement(
            "a",
            attributes: [XMLAttribute(XMLName("v"), "\"'<>&\t\n\r")],
            children: [.text("</a><x>&amp; ]]> \r\n")]
        )
        let xml = tree.serialized()
        #expect(xml == #"<a v="&quot;&apos;&lt;&gt;&amp;&#9;&#10;&#13;">&lt;/a&gt;&lt;x&gt;&amp;amp; ]]&gt; &#13;"# + "\n</a>")
        #expect(try parse(xml) == tree)
    }

    @Test func charactersXMLCannotCarryBecomeReplacementCharacters() throws {
        let tree = XMLElement("a", attributes: [XMLAttribute(XMLName("v"), "x\u{1}y")], children: [.text("a\u{0}b\u{FFFF}c")])
        let reparsed = try parse(tree.serialized())
        #expect(reparsed.text == "a\u{FFFD}b\u{FFFD}c")
        #expect(reparsed.attribute("v") == "x\u{FFFD}y")
    }

    @Test func deepTreesDoNotRecurse() throws {
        var tree = XMLElement("leaf")
        for _ in 0..<1_000 {
            tree = XMLElement("n", namespace: "urn:n", children: [.element(tree)])
        }
        let xml = tree.serialized()
        #expect(xml.hasPrefix(#"<n xmlns="urn:n"><n><n>"#))
        #expect(xml.contains(#"<leaf xmlns=""/>"#))
        #expect(parseError(xml)?.code == .tooDeep)
    }

    @Test func adjacentTextNodesMergeOnReparse() throws {
        let tree = XMLElement("a", children: [.text("x"), .text("y"), .element(XMLElement("b")), .text("")])
        #expect(try parse(tree.serialized()).children == [.text("xy"), .element(XMLElement("b"))])
    }
}
