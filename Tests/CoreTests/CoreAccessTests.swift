import Access
import Core
import JSON
import TestSupport
import Testing

/// The core checks every caller's bearer token itself, on its own port: nobody unverified is
/// answered, and each endpoint needs its scope (a rerun the operator's).
@Suite struct CoreAccessTests {
    @Test func everyEndpointButTheProbesNeedsAValidTokenWithItsScope() async throws {
        let issuer = try TestIssuer()
        let stack = try await CoreStack.start(access: .verifying(issuer, endpoints: CoreConfiguration.accessEndpoints))
        func bearer(_ token: String) -> [(name: String, value: String)] { [(name: "Authorization", value: "Bearer \(token)")] }
        let body = #"{"source": "crm", "documentType": "invoice", "data": {"customer": 42}}"#

        // Probes and scraping stay open.
        for path in ["/healthz", "/readyz", "/metrics"] {
            #expect(try await stack.call("GET", path).status == 200, "\(path)")
        }
        // No token: 401 with a challenge and no error code (RFC 6750 §3.1).
        let anonymous = try await stack.call("POST", "/v1/requests", json: body, headers: [(name: "Idempotency-Key", value: "a-1")])
        #expect(anonymous.status == 401 && anonymous.header("WWW-Authenticate") == #"Bearer realm="oms""#, "\(anonymous.status) \(anonymous.text)")
        #expect(anonymous.body?["error"]?["code"] == .string("unauthorized"))
        // Forged, expired, another issuer's, another audience's, not a JWS: 401 invalid_token.
        let writer = ["scope": JSONValue.string("documents.read documents.write")]
        let refused: [(String, String)] = [
            ("forged", try issuer.token(writer, signer: issuer.stranger)),
            ("expired", try issuer.token(writer.merging(["exp": .number(TestIssuer.now - 120), "iat": .number(TestIssuer.now - 600)]) { $1 })),
            ("other issuer", try issuer.token(writer.merging(["iss": "https://elsewhere.test"]) { $1 })),
            ("other audience", try issuer.token(writer.merging(["aud": "someone-else"]) { $1 })),
            ("garbage", "not-a-token"),
        ]
        for (name, token) in refused {
            let answer = try await stack.call("GET", "/v1/requests", headers: bearer(token))
            #expect(answer.status == 401 && answer.header("WWW-Authenticate") == #"Bearer realm="oms", error="invalid_token""#, "\(name): \(answer.status)")
        }
        // A reader reads but cannot submit.
        let reader = try issuer.token()
        #expect(try await stack.call("GET", "/v1/requests", headers: bearer(reader)).status == 200)
        let submitted = try await stack.call("POST", "/v1/requests", json: body, headers: bearer(reader) + [(name: "Idempotency-Key", value: "r-1")])
        #expect(submitted.status == 403, "\(submitted.text)")
        #expect(submitted.header("WWW-Authenticate") == #"Bearer realm="oms", error="insufficient_scope", scope="documents.write""#)
        // A writer submits; a rerun needs the operator, on the API and on the page.
        let accepted = try await stack.call("POST", "/v1/requests", json: body, headers: bearer(try issuer.token(writer)) + [(name: "Idempotency-Key", value: "w-1")])
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = accepted.body?["id"]?.stringValue ?? ""
        let writerRerun = try await stack.call("POST", "/v1/requests/\(id)/rerun", headers: bearer(try issuer.token(writer)))
        #expect(writerRerun.status == 403 && writerRerun.header("WWW-Authenticate")?.contains(#"scope="operator""#) == true, "\(writerRerun.status)")
        #expect(try await stack.call("GET", "/ops", headers: bearer(try issuer.token(writer))).status == 403)
        #expect(try await stack.call("GET", "/ops").status == 401)
        let operatorToken = try issuer.token(["scope": "operator"])
        let operatorRerun = try await stack.call("POST", "/v1/requests/\(id)/rerun", headers: bearer(operatorToken))
        #expect(operatorRerun.status == 409, "past the check, the core refuses to rerun a request that has not failed: \(operatorRerun.text)")
        #expect(try await stack.call("GET", "/ops", headers: bearer(operatorToken)).status == 200)
        // Every decision is counted, from the first scrape on.
        let metrics = try await stack.call("GET", "/metrics").text
        #expect(metrics.contains(#"oms_access_decisions_total{outcome="deny_401"}"#) && metrics.contains(#"oms_access_decisions_total{outcome="deny_403"}"#), "\(metrics.prefix(400))")
        await stack.stop()
    }
}
