import Testing
import XML

@Suite("HardenedXMLParser: limits")
struct ParserLimitsTests {
    @Test func defaultDepth64IsAcceptedAnd65Refused() throws {
        #expect(XMLLimits().maxDepth == 64)
        _ = try parse(nested(64))
        let error = try #require(parseError(nested(65)))
        #expect(error.code == .tooDeep)
        #expect(error.line == 1)
    }

    @Test func tenThousandLevelsAreRefusedQuickly() {
        var error: XMLError?
        let time = elapsed { error = parseError(nested(10_000)) }
        #expect(error?.code == .tooDeep)
        #expect(time < .milliseconds(500))  // stops at level 65
        // Unclosed, too.
        #expect(parseError(String(repeating: "<a>", count: 10_000))?.code == .tooDeep)
    }

    @Test func customDepthAndLibxml2sOwnCeiling() {
        #expect(parseError(nested(3), limits: XMLLimits(maxDepth: 2))?.code == .tooDeep)
        #expect(parseError(nested(2), limits: XMLLimits(maxDepth: 2)) == nil)
        // libxml2 2.9 refuses more than 256 levels itself (no XML_PARSE_HUGE); same code.
        #expect(parseError(nested(200), limits: XMLLimits(maxDepth: 1_000)) == nil)
        #expect(parseError(nested(300), limits: XMLLimits(maxDepth: 1_000))?.code == .tooDeep)
    }

    @Test func oversizedInputIsRefusedBeforeParsing() throws {
        let body = [UInt8](repeating: UInt8(ascii: "<"), count: 50 << 20)  // not even XML
        var error: XMLError?
        let time = elapsed { error = parseError(body) }
        #expect(error?.code == .tooLarge)
        #expect(time < .milliseconds(100))  // no pass over the bytes
        let viaBuffer = body.withUnsafeBytes { buffer in
            Result { () throws(XMLError) in try HardenedXMLParser.parse(buffer) }
        }
        #expect(throws: XMLError.self) { try viaBuffer.get() }
        if case .failure(let failure) = viaBuffer {
            #expect(failure.code == .tooLarge)
        }
    }

    @Test func maxBytesIsInclusive() {
        let xml = "<a>0123456789</a>"  // 17 bytes
        #expect(parseError(xml, limits: XMLLimits(maxBytes: 17)) == nil)
        #expect(parseError(xml, limits: XMLLimits(maxBytes: 16))?.code == .tooLarge)
    }

    @Test func nodesCountElementsAttributesAndTextNodes() {
        let xml = "<a x='1'>text<b/>more</a>"  // a, x, "text", b, "more"
        #expect(parseError(xml, limits: XMLLimits(maxNodes: 5)) == nil)
        #expect(parseError(xml, limits: XMLLimits(maxNodes: 4))?.code == .tooManyNodes)
        let many = "<r>" + String(repeating: "<i/>", count: 1_001) + "</r>"
        #expect(parseError(many, limits: XMLLimits(maxNodes: 1_000))?.code == .tooManyNodes)
    }

    @Test func attributesPerElement() throws {
        func element(_ count: Int) -> String {
            var xml = "<a xmlns:p='urn:p'"
            for index in 1..<count { xml += " p:a\(index)='\(index)'" }
            return xml + "/>"
        }
        #expect(XMLLimits().maxAttributesPerElement == 256)
        #expect(try parse(element(256)).attributes.count == 255)  // plus one namespace declaration
        let error = try #require(parseError(element(257)))
        #expect(error.code == .tooManyNodes)
        #expect(error.line == 1)
        #expect(parseError(element(10), limits: XMLLimits(maxAttributesPerElement: 9))?.code == .tooManyNodes)
    }

    /// libxml2 2.9 checks attribute uniqueness in quadratic time: a million attributes in one
    /// tag would take minutes. Refused before libxml2 sees it.
    @Test func attributeFloodIsRefusedQuickly() {
        var xml = "<a"
        for index in 0..<100_000 { xml += " a\(index)=''" }  // ~1 MB
        xml += "/>"
        var error: XMLError?
        let time = elapsed { error = parseError(xml) }
        #expect(error?.code == .tooManyNodes)
        #expect(time < .milliseconds(500))  // unbounded, this took ~2 s per MB squared
        #expect(parseError(utf16(xml, bigEndian: true))?.code == .tooManyNodes)
    }

    /// The attribute count looks only at start tags, not at text that resembles markup.
    @Test func markupLookalikesDoNotCountAsAttributes() throws {
        var xml = "<r a='=====' b=\"> = = = > '\">"
        for index in 0..<2_000 { xml += "&lt;row a=\"\(index)\" b=\"x=y\"/&gt; " }
        xml += "<!-- <x a='1' \" b=2 --><![CDATA[<y a=\"1\" b=2 '>]]><?pi a=1 b=2 \"?><z q='1'/></r>"
        let root = try parse(xml)
        #expect(root.attributes.count == 2)
        #expect(root.first("z")?.attribute("q") == "1")
    }

    @Test func namespacesInScope() {
        func document(levels: Int) -> String {
            var xml = "<r>"
            for level in 0..<levels {
                xml += "<e xmlns:a\(level)='urn:a' xmlns:b\(level)='urn:b' xmlns:c\(level)='urn:c'>"
            }
            return xml + String(repeating: "</e>", count: levels) + "</r>"
        }
        let deep = XMLLimits(maxDepth: 100)
        #expect(parseError(document(levels: 50)) == nil)  // 150 in scope
        #expect(parseError(document(levels: 86), limits: deep)?.code == .tooManyNodes)  // 258 in scope
        #expect(parseError(document(levels: 86), limits: XMLLimits(maxDepth: 100, maxNamespacesInScope: 300)) == nil)
    }
}
