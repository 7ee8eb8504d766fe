import Foundation
import JSON
import Testing

/// Hostile or broken upstream answers: each gives a 502 (or 504) quickly and reads no file.
@Suite(.serialized) struct HostileUpstreamTests {
    static let envelopeStart = "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body><t:getBatchStatusResponse xmlns:t=\"http://jobapi.ws.thunderhead.com/\"><return>"
    static let envelopeEnd = "</return></t:getBatchStatusResponse></e:Body></e:Envelope>"

    /// `limit` only catches a runaway parse (an expansion or a deep recursion takes far longer);
    /// it is generous because the whole test run loads this 2-core machine.
    func expect502(_ body: @escaping @Sendable () -> [UInt8], code: String = "upstream_invalid_response", within limit: Duration = .seconds(8)) async throws {
        let stack = try await BridgeStack.hostile(body: body)
        let started = ContinuousClock.now
        let answer = try await stack.call("GET", "/thunderhead/v1/batches/1")
        #expect(answer.status == 502, "\(answer.text.prefix(300))")
        #expect(answer.body?["error"]?["code"]?.stringValue == code)
        #expect(!answer.text.contains("root:x:0:0"), "a local file leaked")
        #expect(ContinuousClock.now - started < limit)
        await stack.stop()
    }

    @Test func xxeReadingALocalFile() async throws {
        try await expect502 { Array("<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\(Self.envelopeStart)<batchId>&x;</batchId>\(Self.envelopeEnd)".utf8) }
    }

    @Test func billionLaughs() async throws {
        var doctype = "<!DOCTYPE e [<!ENTITY a \"lol\">"
        for level in 1...9 { doctype += "<!ENTITY \(Character(UnicodeScalar(97 + level)!)) \"" + String(repeating: "&\(Character(UnicodeScalar(96 + level)!));", count: 10) + "\">" }
        let text = doctype + "]>" + Self.envelopeStart + "<batchId>&j;</batchId>" + Self.envelopeEnd
        try await expect502 { Array(text.utf8) }
    }

    @Test func tenThousandDeep() async throws {
        let text = Self.envelopeStart + String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000) + Self.envelopeEnd
        try await expect502 { Array(text.utf8) }
    }

    @Test func fiftyMegabytes() async throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        try await expect502({ Array(Self.envelopeStart.utf8) + big + Array(Self.envelopeEnd.utf8) }, code: "upstream_response_too_large", within: .seconds(10))
    }

    @Test func aDoctypeAlone() async throws {
        try await expect502 { Array(("<!DOCTYPE e>" + Self.envelopeStart + Self.envelopeEnd).utf8) }
    }

    @Test func notSOAPAtAll() async throws {
        try await expect502 { Array("<html>maintenance</html>".utf8) }
    }

    @Test func aSlowUpstreamIsA504() async throws {
        // The upstream would take 6 s; the 500 ms timeout must answer well before that, even on
        // a loaded machine.
        let stack = try await BridgeStack.hostile(delayMs: 6000, timeoutMs: 500) { Array("<x/>".utf8) }
        let started = ContinuousClock.now
        let answer = try await stack.call("GET", "/thunderhead/v1/batches/1")
        #expect(answer.status == 504)
        #expect(answer.body?["error"]?["code"]?.stringValue == "upstream_timeout")
        #expect(ContinuousClock.now - started < .seconds(4))
        await stack.stop()
    }

    @Test func anUnreachableUpstreamIsA502() async throws {
        let stack = try await BridgeStack.unreachable()
        let answer = try await stack.call("GET", "/thunderhead/v1/batches/1")
        #expect(answer.status == 502)
        #expect(answer.body?["error"]?["code"]?.stringValue == "upstream_unreachable")
        let ready = try await stack.call("GET", "/readyz")
        #expect(ready.status == 503)
        #expect(ready.body?["checks"]?["thunderhead"]?.stringValue?.hasPrefix("unreachable: ") == true)
        await stack.stop()
    }

    @Test func theRequestIDAndThePolicysActionGoUpstreamAndAreCounted() async throws {
        let answer = Self.envelopeStart + "<batchId>7</batchId><status>QUEUED</status>" + Self.envelopeEnd
        let stack = try await BridgeStack.hostile { Array(answer.utf8) }
        let response = try await stack.call("GET", "/thunderhead/v1/batches/7", headers: [("X-Request-Id", "req-abc"), ("SOAPAction", "urn:evil")])
        #expect(response.status == 200, "\(response.text)")
        #expect(response.body?["status"]?.stringValue == "QUEUED")
        #expect(stack.lastUpstreamHeader("X-Request-Id") == "req-abc")
        // The action comes from the policy, whatever the caller sent.
        #expect(stack.lastUpstreamHeader("SOAPAction") == "\"urn:getBatchStatus\"")
        let metrics = try await stack.call("GET", "/metrics").text
        #expect(metrics.contains("oms_soap_bridge_requests_total{route=\"batch-status\",status=\"200\"} 1"), "\(metrics)")
        await stack.stop()
    }
}
