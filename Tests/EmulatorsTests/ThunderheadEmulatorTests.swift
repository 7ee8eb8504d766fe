import Curl
import EdgeRuntime
import Emulators
import Foundation
import JSON
import Logging
import SOAP
import TestSupport
import Testing
import XML

/// The Thunderhead emulator over HTTP, as the SOAP bridge (or any SOAP client) uses it.
@Suite(.serialized) struct ThunderheadEmulatorTests {
    static let namespace = "http://jobapi.ws.thunderhead.com/"

    struct Running {
        let port: Int
        let task: Task<Void, any Error>
        let http = CurlClient()

        var url: String { "http://127.0.0.1:\(port)/thunderhead/services/JobAPIWebWrapped" }

        func stop() async {
            task.cancel()
            await http.shutdown()
        }

        /// POSTs a JSON body to one of `/admin/*`; the HTTP status.
        func admin(_ path: String, _ body: String) async throws -> Int {
            try await http.execute(CurlRequest(
                url: "http://127.0.0.1:\(port)/admin/\(path)", method: "POST", headers: [("Content-Type", "application/json")], body: Array(body.utf8)
            )).status
        }

        /// Sends one operation and returns the HTTP status and the parsed answer.
        func call(
            _ operation: String, version: SOAPVersion = .v1_1, token: UsernameToken? = nil,
            headers: [(name: String, value: String)] = [], action: String? = nil,
            _ content: @escaping (inout XMLWriter) throws(XMLError) -> Void
        ) async throws -> (status: Int, envelope: SOAPEnvelope) {
            let text = try SOAPEnvelope.write(version: version, security: token) { (writer: inout XMLWriter) throws(XMLError) in
                try writer.start("tns:\(operation)", attributes: [("xmlns:tns", ThunderheadEmulatorTests.namespace)])
                try content(&writer)
                try writer.end()
            }
            let soapAction = action ?? "urn:\(operation)"
            let response = try await http.execute(CurlRequest(
                url: url, method: "POST",
                headers: [("Content-Type", version.contentType(action: soapAction))] + version.actionHeaders(soapAction) + headers,
                body: Array(text.utf8)
            ))
            return (response.status, try SOAPEnvelope.parse(response.body))
        }
    }

    func start(username: String? = nil, password: String? = nil, completeAfterMs: Int = 300) async throws -> Running {
        var configuration = ThunderheadEmulatorConfiguration(server: ServerSettings(host: "127.0.0.1", port: 0), username: username, password: password, completeAfterMs: completeAfterMs)
        configuration.wsdlFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sidecars/thunderhead/JobAPIWebWrapped.wsdl").path
        let emulator = try ThunderheadEmulator(configuration: configuration)
        let (port, task) = await Loopback.serve(service: { listening in
            emulator.application(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) { listening($0) }
        })
        return Running(port: port, task: task)
    }

    static func jobRequest(name: String = "statements-2026-11", data: String = "{\"customer\":42}", priority: String? = "5", correlation: String? = "corr-1")
        -> (inout XMLWriter) throws(XMLError) -> Void
    {
        { (writer: inout XMLWriter) throws(XMLError) in
            try writer.start("request")
            try writer.element("batchConfigResID", text: "7001")
            try writer.element("batchName", text: name)
            try writer.element("projectID", text: "12")
            try writer.element("jobType", text: "BATCH")
            if let priority { try writer.element("priority", text: priority) }
            try writer.element("transactionData", text: Data(data.utf8).base64EncodedString())
            if let correlation {
                try writer.start("properties")
                try writer.element("name", text: "correlationId")
                try writer.element("value", text: correlation)
                try writer.end()
            }
            try writer.end()
        }
    }

    static func batchID(_ id: String) -> (inout XMLWriter) throws(XMLError) -> Void {
        { (writer: inout XMLWriter) throws(XMLError) in try writer.element("batchId", text: id) }
    }

    @Test func servesItsWSDL() async throws {
        let running = try await start()
        let response = try await running.http.execute(CurlRequest(url: running.url + "?wsdl"))
        #expect(response.status == 200)
        let definitions = try HardenedXMLParser.parse(response.body)
        #expect(definitions.name.local == "definitions")
        #expect(definitions.attribute("targetNamespace") == Self.namespace)
        await running.stop()
    }

    @Test(arguments: SOAPVersion.allCases)
    func batchesMoveFromQueuedToCompleted(_ version: SOAPVersion) async throws {
        // Queued for the first two seconds, processing for four: long enough to see both even
        // on a loaded machine (the whole suite runs in parallel on two cores).
        let running = try await start(completeAfterMs: 6000)
        let submitted = try await running.call("submitBatch", version: version, Self.jobRequest())
        #expect(submitted.status == 200)
        let id = try #require(submitted.envelope.payload?.first("return")?.text)
        #expect(Int64(id) != nil)
        let first = try await running.call("getBatchStatus", version: version, Self.batchID(id))
        #expect(first.envelope.payload?.first("return")?.first("status")?.text == "QUEUED")
        #expect(first.envelope.payload?.first("return")?.first("correlationId")?.text == "corr-1")
        var states: [String] = []
        while states.last != "COMPLETED" && states.count < 120 {
            try await Task.sleep(for: .milliseconds(100))
            states.append(try await running.call("getBatchStatus", version: version, Self.batchID(id)).envelope.payload?.first("return")?.first("status")?.text ?? "")
        }
        // Forward only: queued, then processing, then completed.
        #expect(states.last == "COMPLETED")
        #expect(states.contains("PROCESSING"))
        #expect(states.drop(while: { $0 == "QUEUED" }).drop(while: { $0 == "PROCESSING" }).allSatisfy { $0 == "COMPLETED" })
        let errors = try await running.call("getBatchErrors", version: version, Self.batchID(id))
        #expect(errors.envelope.payload?.first("return")?.all("errors").isEmpty == true)
        await running.stop()
    }

    @Test func aBatchWhoseDataSaysFailFailsWithErrors() async throws {
        let running = try await start(completeAfterMs: 100)
        let id = try #require(try await running.call("submitBatch", Self.jobRequest(data: "line 1\nFAIL here")).envelope.payload?.first("return")?.text)
        try await Task.sleep(for: .milliseconds(250))
        #expect(try await running.call("getBatchStatus", Self.batchID(id)).envelope.payload?.first("return")?.first("status")?.text == "FAILED")
        let errors = try await running.call("getBatchErrors", Self.batchID(id)).envelope.payload?.first("return")?.all("errors") ?? []
        #expect(errors.count == 1)
        #expect(errors.first?.first("code")?.text == "TH-2101")
        #expect(errors.first?.first("transaction")?.text == "1")
        await running.stop()
    }

    /// `/admin/outage`: every call answered with that status and a Server fault until it ends;
    /// a body that is not `{"status": 500…599 | null}` is refused.
    @Test func anOutageOnDemand() async throws {
        let running = try await start()
        func admin(_ body: String) async throws -> Int { try await running.admin("outage", body) }
        for bad in [#"{"status": 200}"#, #"{"status": "503"}"#, "{}", "not json"] { #expect(try await admin(bad) == 400, "\(bad)") }
        #expect(try await admin(#"{"status": 503}"#) == 200)
        for version in SOAPVersion.allCases {
            let down = try await running.call("submitBatch", version: version, Self.jobRequest())
            #expect(down.status == 503)
            #expect(down.envelope.fault?.side == .server)
            #expect(down.envelope.fault?.detail?.first("code")?.text == "TH-9503")
        }
        #expect(try await admin(#"{"status": null}"#) == 200)
        let up = try await running.call("submitBatch", Self.jobRequest())
        #expect(up.status == 200 && up.envelope.payload?.first("return")?.text.isEmpty == false)
        let stats = try await running.http.execute(CurlRequest(url: "http://127.0.0.1:\(running.port)/admin/stats"))
        #expect(String(decoding: stats.body, as: UTF8.self) == #"{"batches":1,"delay_ms":0,"outage":null}"#)
        await running.stop()
    }

    /// `findBatches`: the batches sent under a name, newest first; none is an empty answer,
    /// not a fault; no name is a Client fault.
    @Test(arguments: SOAPVersion.allCases)
    func batchesAreFoundByName(_ version: SOAPVersion) async throws {
        // Queued for the whole test, however loaded the machine.
        let running = try await start(completeAfterMs: 600_000)
        func find(_ name: String?) async throws -> (status: Int, envelope: SOAPEnvelope) {
            try await running.call("findBatches", version: version) { (writer: inout XMLWriter) throws(XMLError) in
                if let name { try writer.element("batchName", text: name) }
            }
        }
        let none = try await find("oms-nothing")
        #expect(none.status == 200)
        #expect(none.envelope.payload?.first("return")?.all("batches").isEmpty == true)
        var ids: [String] = []
        for name in ["oms-a", "oms-b", "oms-a"] {
            ids.append(try #require(try await running.call("submitBatch", version: version, Self.jobRequest(name: name)).envelope.payload?.first("return")?.text))
        }
        let found = try await find("oms-a").envelope.payload?.first("return")?.all("batches") ?? []
        #expect(found.map { $0.first("batchId")?.text } == [ids[2], ids[0]], "newest first")
        #expect(found.allSatisfy { $0.first("batchName")?.text == "oms-a" && $0.first("status")?.text == "QUEUED" })
        for missing in [nil, ""] as [String?] {
            let refused = try await find(missing)
            #expect(refused.envelope.fault?.side == .client)
            #expect(refused.envelope.fault?.detail?.first("code")?.text == "TH-1011")
        }
        await running.stop()
    }

    /// `/admin/delay`: the work is done at once and the answer held back (a lost answer, as
    /// the client sees it); a body that is not `{"ms": 0…600000}` is refused.
    @Test func aDelayOnDemand() async throws {
        let running = try await start()
        func admin(_ body: String) async throws -> Int { try await running.admin("delay", body) }
        for bad in [#"{"ms": -1}"#, #"{"ms": 600001}"#, #"{"ms": "5"}"#, "{}", "not json"] { #expect(try await admin(bad) == 400, "\(bad)") }
        #expect(try await admin(#"{"ms": 1500}"#) == 200)
        let started = ContinuousClock.now
        let submitted = Task { try await running.call("submitBatch", Self.jobRequest()) }
        // The batch exists while its answer is still held.
        var batches = 0.0
        while batches < 1, ContinuousClock.now - started < .seconds(1) {
            let stats = try await running.http.execute(CurlRequest(url: "http://127.0.0.1:\(running.port)/admin/stats"))
            batches = try StrictJSON.parse(stats.body)["batches"]?.numberValue ?? 0
        }
        #expect(batches == 1)
        #expect(ContinuousClock.now - started < .milliseconds(1500))
        #expect(try await submitted.value.status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(1500))
        #expect(try await admin(#"{"ms": 0}"#) == 200)
        await running.stop()
    }

    @Test func aPreviewIsARealPDF() async throws {
        let running = try await start()
        let width = 96  // the page's line width
        let data = "first (line)\n" + String(repeating: "x", count: width) + "tail"
        let answer = try await running.call("executePreview", Self.jobRequest(name: "preview (1) \\ test", data: data))
        #expect(answer.status == 200)
        let channel = try #require(answer.envelope.payload?.first("return")?.first("masterChannels"))
        #expect(channel.first("formatString")?.text == "application/pdf")
        let pdf = try #require(Data(base64Encoded: channel.first("data")?.text ?? ""))
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.4\n") && text.hasSuffix("%%EOF\n"))
        // The cross-reference table is where startxref says it is.
        let offset = try #require(text.components(separatedBy: "startxref\n").last?.split(separator: "\n").first.flatMap { Int($0) })
        #expect(text.utf8.dropFirst(offset).starts(with: "xref".utf8))
        // The page shows the title and the data, wrapped, in escaped PDF strings.
        #expect(text.contains(#"(OMS preview: preview \(1\) \\ test)"#))
        #expect(text.contains(#"(first \(line\))"#))
        #expect(text.contains("(\(String(repeating: "x", count: width))) Tj 0 -10 Td (tail)"))

        let failing = try await running.call("executePreview", Self.jobRequest(data: "FAIL"))
        #expect(failing.status == 200)
        let message = failing.envelope.payload?.first("return")?.first("jobMessages")
        #expect(message?.first("type")?.text == "ERROR")
        await running.stop()
    }

    @Test(arguments: SOAPVersion.allCases)
    func badRequestsGetClientFaults(_ version: SOAPVersion) async throws {
        let running = try await start()
        let cases: [(String, String, (inout XMLWriter) throws(XMLError) -> Void)] = [
            ("submitBatch", "TH-1003", Self.jobRequest(name: "")),
            ("submitBatch", "TH-2001", Self.jobRequest(priority: "12")),
            ("submitBatch", "TH-1006", Self.jobRequest(priority: "high")),
            ("getBatchStatus", "TH-2010", Self.batchID("999999")),
            ("getBatchStatus", "TH-1010", Self.batchID("abc")),
        ]
        for (operation, code, content) in cases {
            let answer = try await running.call(operation, version: version, content)
            #expect(answer.status == (version == .v1_1 ? 500 : 400), "\(code)")
            let fault = try #require(answer.envelope.fault, "\(code)")
            #expect(fault.side == .client)
            #expect(fault.detail?.first("code")?.text == code)
        }
        let wrongAction = try await running.call("getBatchStatus", version: version, action: "urn:submitBatch", Self.batchID("1"))
        #expect(wrongAction.envelope.fault?.detail?.first("code")?.text == "TH-1105")
        await running.stop()
    }

    @Test func hostileAndForeignRequestsAreRefused() async throws {
        let running = try await start()
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body>&x;</e:Body></e:Envelope>"
        let answer = try await running.http.execute(CurlRequest(url: running.url, method: "POST", headers: [("Content-Type", "text/xml")], body: Array(xxe.utf8)))
        #expect(answer.status == 500)
        #expect(!String(decoding: answer.body, as: UTF8.self).contains("root:"))
        #expect(try SOAPEnvelope.parse(answer.body).fault?.detail?.first("code")?.text == "TH-1101")
        let json = try await running.http.execute(CurlRequest(url: running.url, method: "POST", headers: [("Content-Type", "application/json")], body: Array("{}".utf8)))
        #expect(json.status == 415)
        await running.stop()
    }

    @Test func credentialsAreRequiredWhenConfigured() async throws {
        let running = try await start(username: "oms", password: "s3cret")
        let none = try await running.call("submitBatch", Self.jobRequest())
        #expect(none.envelope.fault?.detail?.first("code")?.text == "TH-1103")
        let wrong = try await running.call("submitBatch", token: UsernameToken(username: "oms", password: "nope"), Self.jobRequest())
        #expect(wrong.envelope.fault != nil)
        let token = try await running.call("submitBatch", token: UsernameToken(username: "oms", password: "s3cret"), Self.jobRequest())
        #expect(token.status == 200 && token.envelope.fault == nil)
        let basic = try await running.call("submitBatch", headers: [("Authorization", "Basic " + Data("oms:s3cret".utf8).base64EncodedString())], Self.jobRequest())
        #expect(basic.status == 200 && basic.envelope.fault == nil)
        await running.stop()
    }

    // MARK: What third-party clients found

    /// The served WSDL names the address it was fetched from, so a WSDL-driven client calls
    /// this emulator, not the port written in the file; a Host that is no plain host:port is
    /// not repeated into the XML.
    @Test func theWSDLNamesTheAddressItWasFetchedFrom() async throws {
        let emulator = try await start()
        let served = String(decoding: try await emulator.http.execute(CurlRequest(url: emulator.url + "?wsdl")).body, as: UTF8.self)
        let expected = "location=\"http://127.0.0.1:\(emulator.port)/thunderhead/services/JobAPIWebWrapped\""
        #expect(served.contains("<soap:address \(expected)") && served.contains("<soap12:address \(expected)"), "\(served.suffix(400))")
        #expect(!served.contains(":9002/"))
        let named = String(decoding: try await emulator.http.execute(CurlRequest(url: emulator.url + "?wsdl", headers: [("Host", "th.example:8443")])).body, as: UTF8.self)
        #expect(named.contains("location=\"http://th.example:8443/thunderhead/services/JobAPIWebWrapped\""))
        let hostile = String(decoding: try await emulator.http.execute(CurlRequest(url: emulator.url + "?wsdl", headers: [("Host", "x\"/><evil a=\"")])).body, as: UTF8.self)
        #expect(!hostile.contains("evil") && hostile.contains(expected))
        await emulator.stop()
    }

    /// zeep, a WSDL-driven client, reaches the emulator through the address in its WSDL.
    @Test func aWSDLDrivenClientCallsTheEmulator() async throws {
        let emulator = try await start()
        defer { Task { await emulator.stop() } }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("zeep-client.py").path
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("zeep-\(UUID().uuidString.prefix(8)).log").path
        // Debian's python3-zeep (scripts/install-deps.sh installs it) is on Debian's python.
        let status = try await OffPool.run { try ChildProcess.run(["/usr/bin/python3", script, emulator.url + "?wsdl"], output: log) }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "zeep failed (is python3-zeep installed?): \(output)")
        #expect(output.contains("FAULT TH-2"), "the call did not reach the emulator: \(output)")
    }

    /// A header block addressed to the service, marked mustUnderstand and unknown to it, gets a
    /// MustUnderstand fault in both versions; one for another role, one not marked, and
    /// WS-Security (which the service understands) do not.
    @Test func anUnknownMandatoryHeaderGetsAMustUnderstandFault() async throws {
        let emulator = try await start()
        func send(_ version: SOAPVersion, header: String) async throws -> (Int, SOAPEnvelope) {
            let text = """
                <env:Envelope xmlns:env="\(version.envelopeNamespace)"><env:Header>\(header)</env:Header>\
                <env:Body><tns:getBatchStatus xmlns:tns="\(Self.namespace)"><batchId>1</batchId></tns:getBatchStatus></env:Body></env:Envelope>
                """
            let response = try await emulator.http.execute(CurlRequest(
                url: emulator.url, method: "POST",
                headers: [("Content-Type", version.contentType(action: "urn:getBatchStatus"))] + version.actionHeaders("urn:getBatchStatus"),
                body: Array(text.utf8)
            ))
            return (response.status, try SOAPEnvelope.parse(response.body))
        }
        for (version, yes) in [(SOAPVersion.v1_1, "1"), (.v1_2, "true"), (.v1_2, "1")] {
            let (status, answer) = try await send(version, header: "<x:Tracking xmlns:x=\"urn:other\" env:mustUnderstand=\"\(yes)\">42</x:Tracking>")
            #expect(status == 500, "\(version)")
            #expect(answer.fault?.mustUnderstand == true, "\(version): \(String(describing: answer.fault))")
            #expect(answer.fault?.message.contains("{urn:other}Tracking") == true)
        }
        let roleNext = try await send(.v1_1, header: "<x:T xmlns:x=\"urn:o\" env:mustUnderstand=\"1\" env:actor=\"http://schemas.xmlsoap.org/soap/actor/next\"/>")
        #expect(roleNext.1.fault?.mustUnderstand == true)
        // Processed normally: an unknown batch is the business fault TH-2xxx, not MustUnderstand.
        for (version, header) in [
            (SOAPVersion.v1_1, "<x:T xmlns:x=\"urn:o\" env:mustUnderstand=\"0\"/>"),
            (.v1_1, "<x:T xmlns:x=\"urn:o\"/>"),
            (.v1_1, "<x:T xmlns:x=\"urn:o\" env:mustUnderstand=\"1\" env:actor=\"urn:some-other-node\"/>"),
            (.v1_2, "<x:T xmlns:x=\"urn:o\" env:mustUnderstand=\"true\" env:role=\"http://www.w3.org/2003/05/soap-envelope/role/none\"/>"),
            (.v1_1, "<wsse:Security xmlns:wsse=\"\(UsernameToken.securityNamespace)\" env:mustUnderstand=\"1\"/>"),
        ] {
            let (_, answer) = try await send(version, header: header)
            #expect(answer.fault?.mustUnderstand == false, "\(header)")
            #expect(answer.fault?.detail?.first("code")?.text.hasPrefix("TH-2") == true, "\(header): \(String(describing: answer.fault))")
        }
        await emulator.stop()
    }
}
