import SOAP
import Testing
import XML

@Suite struct SOAPEnvelopeTests {
    func roundTrip(_ version: SOAPVersion, token: UsernameToken? = nil) throws -> SOAPEnvelope {
        let text = try SOAPEnvelope.write(version: version, security: token) { (writer: inout XMLWriter) throws(XMLError) in
            try writer.start("tns:getBatchStatus", attributes: [("xmlns:tns", "urn:test")])
            try writer.element("batchId", text: "</batchId><x>&amp;")
            try writer.end()
        }
        return try SOAPEnvelope.parse(Array(text.utf8))
    }

    @Test(arguments: SOAPVersion.allCases)
    func envelopesRoundTrip(_ version: SOAPVersion) throws {
        let envelope = try roundTrip(version)
        #expect(envelope.version == version)
        #expect(envelope.payload?.name == XMLName("getBatchStatus", namespace: "urn:test"))
        // Caller text stays text: it never becomes markup.
        #expect(envelope.payload?.first("batchId")?.text == "</batchId><x>&amp;")
        #expect(envelope.payload?.first("x") == nil)
        #expect(envelope.fault == nil)
    }

    @Test(arguments: SOAPVersion.allCases)
    func usernameTokensRoundTrip(_ version: SOAPVersion) throws {
        let token = UsernameToken(username: "oms", password: "p<&>\"'")
        let envelope = try roundTrip(version, token: token)
        #expect(UsernameToken(header: envelope.header) == token)
        let mustUnderstand = envelope.header?.first("Security")?.attribute("mustUnderstand", namespace: version.envelopeNamespace)
        #expect(mustUnderstand == (version == .v1_1 ? "1" : "true"))
    }

    @Test(arguments: SOAPVersion.allCases)
    func faultsRoundTrip(_ version: SOAPVersion) throws {
        let detail = XMLElement("JobAPIFault", namespace: "urn:test", children: [.element(XMLElement("code", children: [.text("TH-2001")]))])
        for side in [SOAPFault.Side.client, .server] {
            let text = try SOAPEnvelope.fault(SOAPFault(side: side, message: "priority <10>", detail: detail), version: version)
            let fault = try #require(try SOAPEnvelope.parse(Array(text.utf8)).fault)
            #expect(fault.side == side)
            #expect(fault.message == "priority <10>")
            #expect(fault.detail?.name == XMLName("JobAPIFault", namespace: "urn:test"))
            #expect(fault.detail?.first("code")?.text == "TH-2001")
        }
    }

    @Test func versionsAreDetectedFromTheTransport() {
        #expect(SOAPVersion.detect(contentType: "text/xml; charset=utf-8") == .v1_1)
        #expect(SOAPVersion.detect(contentType: "application/soap+xml;charset=utf-8;action=\"urn:x\"") == .v1_2)
        #expect(SOAPVersion.detect(contentType: "application/json") == nil)
        #expect(SOAPVersion.detect(contentType: nil) == nil)
        #expect(SOAPVersion.action(inContentType: "application/soap+xml; charset=utf-8; action=\"urn:submitBatch\"") == "urn:submitBatch")
        #expect(SOAPVersion.v1_1.actionHeaders("urn:a").first?.value == "\"urn:a\"")
    }

    @Test func whatIsNotAnEnvelopeIsRefused() {
        let cases: [(String, SOAPError.Code)] = [
            ("<Envelope/>", .notAnEnvelope),
            ("<e:Envelope xmlns:e=\"urn:other\"><e:Body/></e:Envelope>", .notAnEnvelope),
            ("<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"/>", .noBody),
            ("<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><e>&x;</e>", .xml),
            ("not xml", .xml),
        ]
        for (text, code) in cases {
            do {
                _ = try SOAPEnvelope.parse(Array(text.utf8))
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.code == code, "\(text): \(error)")
                #expect(!error.message.contains("root:"), "a file's content leaked into the error")
            }
        }
    }

    @Test func aDigestPasswordIsNotAClearTextOne() throws {
        let text = """
            <e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header>
            <w:Security xmlns:w="\(UsernameToken.securityNamespace)"><w:UsernameToken><w:Username>u</w:Username>
            <w:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">p</w:Password>
            </w:UsernameToken></w:Security></e:Header><e:Body/></e:Envelope>
            """
        #expect(UsernameToken(header: try SOAPEnvelope.parse(Array(text.utf8)).header) == nil)
    }
}
