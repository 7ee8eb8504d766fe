import JSON
import TestSupport
import Testing

/// The bridge checks every caller's bearer token itself, with the scopes each policy route
/// states (`scopes:` in policy.yaml).
@Suite struct BridgeAccessTests {
    @Test func eachPolicyRouteNeedsItsScopes() async throws {
        let issuer = try TestIssuer()
        let stack = try await BridgeStack.start(verifying: issuer)
        func bearer(_ token: String) -> [(name: String, value: String)] { [(name: "Authorization", value: "Bearer \(token)")] }
        let batch = #"{"batchConfigResID": 7001, "batchName": "b", "projectID": 12, "transactionData": {"customer": 42}}"#

        for path in ["/healthz", "/readyz", "/metrics"] { #expect(try await stack.call("GET", path).status != 401, "\(path)") }
        #expect(try await stack.call("POST", "/thunderhead/v1/batches", json: batch).status == 401)
        let writer = ["scope": JSONValue.string("documents.write")]
        let refused: [(String, String)] = [
            ("forged", try issuer.token(writer, signer: issuer.stranger)),
            ("expired", try issuer.token(writer.merging(["exp": .number(TestIssuer.now - 120), "iat": .number(TestIssuer.now - 600)]) { $1 })),
            ("other issuer", try issuer.token(writer.merging(["iss": "https://elsewhere.test"]) { $1 })),
        ]
        for (name, token) in refused {
            let answer = try await stack.call("POST", "/thunderhead/v1/batches", json: batch, headers: bearer(token))
            #expect(answer.status == 401, "\(name): \(answer.status)")
        }
        // submit-batch states documents.write; a reader is refused before any SOAP call.
        let reader = try await stack.call("POST", "/thunderhead/v1/batches", json: batch, headers: bearer(try issuer.token()))
        #expect(reader.status == 403, "\(reader.text)")
        #expect(reader.body?["error"]?["code"] == .string("insufficient_scope"))
        let submitted = try await stack.call("POST", "/thunderhead/v1/batches", json: batch, headers: bearer(try issuer.token(["scope": "documents.write"])))
        #expect(submitted.status == 201, "\(submitted.text)")
        // batch-status states documents.read.
        let id = submitted.body?["batchId"]?.stringValue ?? "1"
        #expect(try await stack.call("GET", "/thunderhead/v1/batches/\(id)", headers: bearer(try issuer.token())).status == 200)
        #expect(try await stack.call("GET", "/thunderhead/v1/batches/\(id)", headers: bearer(try issuer.token(["scope": "documents.write"]))).status == 403)
        await stack.stop()
    }
}
