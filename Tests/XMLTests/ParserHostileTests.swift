import CXML2
import Foundation
import Testing
import XML

@Suite("HardenedXMLParser: hostile input")
struct ParserHostileTests {
    @Test func classicXXEIsRefusedAtTheDoctype() throws {
        let xml = #"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#
        let error = try #require(parseError(xml))
        #expect(error.code == .doctypeForbidden)
        #expect(error.line == 1)
        #expect(!error.description.contains("root:"))
    }

    /// The SYSTEM identifiers point at a file holding a unique marker: if anything read it, the
    /// marker would surface in the tree or the error. It never does.
    @Test func externalEntitiesAreNeverRead() throws {
        let marker = "MARKER-\(UUID().uuidString)"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xxe-\(UUID().uuidString).txt")
        try Data("<m>\(marker)</m>".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let url = file.absoluteString  // file:///tmp/…

        let documents = [
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"\(url)\">]><x>&e;</x>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"\(file.path)\">]><x a=\"&e;\"/>",
            "<!DOCTYPE x SYSTEM \"\(url)\"><x>&e;</x>",
            "<!DOCTYPE x PUBLIC \"-//x//EN\" \"\(url)\"><x/>",
            "<!DOCTYPE x [<!ENTITY % p SYSTEM \"\(url)\"> %p;]><x/>",
            "<?xml version=\"1.0\" standalone=\"no\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"\(url)\">]><x>&e;</x>",
        ]
        for xml in documents {
            let error = try #require(parseError(xml), "\(xml)")
            #expect(error.code == .doctypeForbidden, "\(xml)")
            #expect(!error.description.contains(marker))
        }
        let xinclude = try parse("<x xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"\(url)\" parse=\"text\"/></x>")
        #expect(!xinclude.serialized().contains(marker))  // XInclude is not processed
    }

    /// The process-wide loader also protects code that calls libxml2 directly with the
    /// dangerous options we never use (XML_PARSE_NOENT | XML_PARSE_DTDLOAD).
    @Test func processWideEntityLoaderRefusesEvenWithNoent() throws {
        _ = try parse("<warm-up/>")  // installs the loader
        let marker = "MARKER-\(UUID().uuidString)"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xxe-\(UUID().uuidString).txt")
        try Data(marker.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let xml = "<!DOCTYPE x [<!ENTITY e SYSTEM \"\(file.absoluteString)\">]><x>[&e;]</x>"
        let options = Int32(XML_PARSE_NOENT.rawValue | XML_PARSE_DTDLOAD.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = try #require(xmlReadMemory(xml, Int32(xml.utf8.count), nil, nil, options))
        defer { xmlFreeDoc(document) }
        let buffer = try #require(xmlBufferCreate())
        defer { xmlBufferFree(buffer) }
        xmlNodeBufGetContent(buffer, xmlDocGetRootElement(document))
        let content = String(cString: xmlBufferContent(buffer))
        #expect(content == "[]")
        #expect(!content.contains(marker))
    }

    /// A listening socket stands in for an attacker's server: nothing connects to it.
    @Test func externalDTDCausesNoNetworkAccess() throws {
        let listener = try #require(LoopbackListener())
        defer { listener.close() }
        let documents = [
            "<!DOCTYPE x SYSTEM \"http://127.0.0.1:\(listener.port)/x.dtd\"><x/>",
            "<!DOCTYPE x [<!ENTITY % p SYSTEM \"http://127.0.0.1:\(listener.port)/p\"> %p;]><x/>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"http://127.0.0.1:\(listener.port)/e\">]><x>&e;</x>",
            "<!DOCTYPE x SYSTEM \"http://127.0.0.1:1/x.dtd\"><x/>",
        ]
        for xml in documents {
            #expect(parseError(xml)?.code == .doctypeForbidden)
        }
        #expect(!listener.hasPendingConnection())
    }

    @Test func internalParameterEntities() throws {
        #expect(parseError("<!DOCTYPE x [<!ENTITY % p \"<!ENTITY e 'x'>\"> %p;]><x>&e;</x>")?.code == .doctypeForbidden)
        // Outside a DTD, %p; is just text (XML 1.0 §4.4.1).
        #expect(try parse("<x>%p;</x>").text == "%p;")
    }

    @Test func billionLaughsIsRefusedInMilliseconds() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            xml += " <!ENTITY lol\(level) \"\(String(repeating: "&\(previous);", count: 10))\">\n"
        }
        xml += "]>\n<lolz>&lol9;</lolz>"
        var error: XMLError?
        let time = elapsed { error = parseError(xml) }
        #expect(error?.code == .doctypeForbidden)
        #expect(error?.line == 2)
        #expect(time < .milliseconds(500))  // measured: ~10 µs
    }

    @Test func quadraticBlowupEntityIsRefused() {
        let xml = "<!DOCTYPE x [<!ENTITY a \"\(String(repeating: "a", count: 50_000))\">]><x>\(String(repeating: "&a;", count: 50_000))</x>"
        #expect(parseError(xml)?.code == .doctypeForbidden)
    }

    /// Without a DOCTYPE no entity can be declared; a reference to one is `.entityForbidden`
    /// (our getEntity callback refuses before libxml2 reports it as undeclared).
    @Test(arguments: ["<x>&foo;</x>", "<x a='&foo;'/>", "<x>&lol9;</x>", "<x>ok &amp; &foo;</x>"])
    func entityReferenceWithoutDoctype(_ xml: String) {
        #expect(parseError(xml)?.code == .entityForbidden)
    }

    @Test func doctypeAfterTheRootIsMalformed() {
        #expect(parseError("<x/><!DOCTYPE x>")?.code == .malformed)
        #expect(parseError("<x><!DOCTYPE x></x>")?.code == .malformed)
    }

    /// libxml2 keeps parsing after a fatal error; we stop feeding it input, so the first error
    /// is reported and the rest of a large hostile body is never parsed.
    @Test func firstErrorStopsTheParse() throws {
        let tail = String(repeating: "<b x='1'>y</b>", count: 200_000)  // ~2.8 MB
        var error: XMLError?
        let time = elapsed { error = parseError("<a><b></a>\(tail)</a>") }
        #expect(error?.code == .malformed)
        #expect(error?.line == 1)
        #expect(error?.message.contains("mismatch") == true)
        #expect(time < .seconds(1))
    }

    /// After an error libxml2 may resynchronise differently from our attribute pre-scan: here
    /// it reports the control character and then reads the comment's remainder as content,
    /// including a start tag with 100,000 attributes that the pre-scan skipped as comment text.
    /// Because libxml2 gets no more input after its first error, it never reaches that tag.
    @Test func attributeFloodHiddenBehindAnEarlierErrorIsNeverParsed() {
        var tag = "<b"
        for index in 0..<100_000 { tag += " a\(index)=''" }
        tag += "/>"
        var error: XMLError?
        let time = elapsed { error = parseError("<a><!-- \u{1} \(tag) --></a>") }
        #expect(error?.code == .invalidCharacter)
        #expect(time < .milliseconds(500))
    }

    @Test func repeatedHostileParsesKeepMemoryBounded() throws {
        let laughs = "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>"
        let deep = nested(10_000)
        var attributes = "<a"
        for index in 0..<20_000 { attributes += " a\(index)=''" }
        attributes += "/>"
        let inputs = [laughs, deep, attributes, "<a>&x;</a>", "<a><b></a>"].map { Array($0.utf8) }
        for input in inputs { _ = parseError(input) }  // warm up allocator and caches

        let before = try #require(residentBytes())
        for _ in 0..<100 {
            for input in inputs {
                #expect(parseError(input) != nil)
            }
        }
        let after = try #require(residentBytes())
        #expect(after - before < 32 << 20, "RSS grew from \(before) to \(after)")
    }
}
