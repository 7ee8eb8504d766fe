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

    /// Each client has its own idempotency keys and sees only its own requests; the operator
    /// sees every request.
    @Test(arguments: TestDatabase.allCases)
    func clientsHaveTheirOwnKeysAndRequests(_ backend: TestDatabase) async throws {
        let issuer = try TestIssuer()
        let stack = try await CoreStack.start(backend, access: .verifying(issuer, endpoints: CoreConfiguration.accessEndpoints))
        func as_(_ client: String, _ scope: String = "documents.read documents.write", key: String? = nil) throws -> [(name: String, value: String)] {
            [(name: "Authorization", value: "Bearer \(try issuer.token(["client_id": .string(client), "scope": .string(scope)]))")]
                + (key.map { [(name: "Idempotency-Key", value: $0)] } ?? [])
        }
        let first = #"{"source": "crm", "documentType": "invoice", "data": {"customer": 1}}"#
        let other = #"{"source": "crm", "documentType": "invoice", "data": {"customer": 2}}"#

        let a = try await stack.call("POST", "/v1/requests", json: first, headers: try as_("portal-a", key: "k-1"))
        #expect(a.status == 202, "\(a.text)")
        let idA = try #require(a.body?["id"]?.stringValue)
        // The same key from another client: its own request, not a conflict naming A's.
        let b = try await stack.call("POST", "/v1/requests", json: other, headers: try as_("portal-b", key: "k-1"))
        #expect(b.status == 202 && b.header("Idempotent-Replayed") == nil, "\(b.text)")
        let idB = try #require(b.body?["id"]?.stringValue)
        #expect(idA != idB)
        // Within one client, the key still means what it meant.
        let again = try await stack.call("POST", "/v1/requests", json: other, headers: try as_("portal-b", key: "k-1"))
        #expect(again.status == 202 && again.body?["id"]?.stringValue == idB && again.header("Idempotent-Replayed") == "true")
        let conflict = try await stack.call("POST", "/v1/requests", json: first, headers: try as_("portal-b", key: "k-1"))
        #expect(conflict.status == 409 && conflict.text.contains(idB) && !conflict.text.contains(idA), "\(conflict.text)")

        // B cannot see A's request, nor learn that it exists.
        #expect(try await stack.call("GET", "/v1/requests/\(idA)", headers: try as_("portal-b")).status == 404)
        #expect(try await stack.call("GET", "/v1/requests/\(idA)/errors", headers: try as_("portal-b")).status == 404)
        #expect(try await stack.call("GET", "/v1/requests/\(idA)", headers: try as_("portal-a")).status == 200)
        func listed(_ headers: [(name: String, value: String)]) async throws -> [String] {
            try await stack.call("GET", "/v1/requests", headers: headers).body?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        }
        #expect(try await listed(try as_("portal-a")) == [idA])
        #expect(try await listed(try as_("portal-b")) == [idB])
        #expect(try await listed(try as_("ops-console", "documents.read operator")) == [idA, idB].sorted())
        #expect(try await stack.call("GET", "/v1/requests/\(idA)", headers: try as_("ops-console", "documents.read operator")).status == 200)
        await stack.stop()
    }
}
