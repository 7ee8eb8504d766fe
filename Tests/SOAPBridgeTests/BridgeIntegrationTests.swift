import Foundation
import JSON
import SOAPBridge
import Testing

/// The bridge and the Thunderhead emulator over real HTTP: the four routes and their errors.
@Suite(.serialized) struct BridgeIntegrationTests {
    static let batch = """
        {"batchConfigResID": 7001, "batchName": "statements-2026-11", "projectID": 12, "jobType": "BATCH",
         "priority": 5, "transactionData": {"customer": 42, "amount": 12.10}, "properties": {"correlationId": "corr-9"}}
        """

    @Test(arguments: ["1.1", "1.2"])
    func submitThenFollowABatch(_ soapVersion: String) async throws {
        // Queued for the first two seconds, then processing until the sixth.
        let stack = try await BridgeStack.start(soapVersion: soapVersion, completeAfterMs: 6000)
        let sent = ContinuousClock.now
        let submitted = try await stack.call("POST", "/thunderhead/v1/batches", json: Self.batch, headers: [("X-Request-Id", "req-77")])
        #expect(submitted.status == 201, "\(submitted.text)")
        let id = try #require(submitted.body?["batchId"]?.stringValue)
        let status = try await stack.call("GET", "/thunderhead/v1/batches/\(id)")
        #expect(status.status == 200)
        #expect(status.body?["batchId"]?.stringValue == id)
        // A loaded machine can take longer than two seconds for the two calls: the batch has
        // moved on by then.
        let expected = ContinuousClock.now - sent < .seconds(2) ? ["QUEUED"] : ["QUEUED", "PROCESSING"]
        #expect(expected.contains(status.body?["status"]?.stringValue ?? ""), "\(status.text)")
        #expect(status.body?["correlationId"]?.stringValue == "corr-9")
        var final = ""
        for _ in 0..<120 where final != "COMPLETED" {
            try await Task.sleep(for: .milliseconds(100))
            final = try await stack.call("GET", "/thunderhead/v1/batches/\(id)").body?["status"]?.stringValue ?? ""
        }
        #expect(final == "COMPLETED")
        let errors = try await stack.call("GET", "/thunderhead/v1/batches/\(id)/errors")
        #expect(errors.status == 200)
        #expect(errors.body?["errors"] == .array([]))
        await stack.stop()
    }

    @Test func aFailedBatchListsItsErrors() async throws {
        let stack = try await BridgeStack.start()
        let body = Self.batch.replacingOccurrences(of: "{\"customer\": 42, \"amount\": 12.10}", with: "\"FAIL please\"")
        let id = try #require(try await stack.call("POST", "/thunderhead/v1/batches", json: body).body?["batchId"]?.stringValue)
        try await Task.sleep(for: .milliseconds(300))
        let errors = try await stack.call("GET", "/thunderhead/v1/batches/\(id)/errors")
        let list = try #require(errors.body?["errors"]?.arrayValue)
        #expect(list.count == 1)
        #expect(list.first?["code"]?.stringValue == "TH-2101")
        #expect(list.first?["transaction"]?.stringValue == "1")
        await stack.stop()
    }

    /// Routes with no `request` mapping details and no `response.fields`: the Oracle API
    /// Gateway convention both ways, so callers written against that gateway keep working.
    @Test func routesWithoutMappingsUseTheOracleConvention() async throws {
        let policy = """
            namespace: http://jobapi.ws.thunderhead.com/
            wsdl: JobAPIWebWrapped.wsdl
            routes:
              - {name: submit, method: POST, path: /raw/batches, operation: submitBatch, soap_action: urn:submitBatch, scopes: [], request: {element: request}}
              - {name: status, method: GET, path: "/raw/batches/{batchId}", operation: getBatchStatus, soap_action: urn:getBatchStatus, scopes: [],
                 request: {from_path: [{parameter: batchId, element: batchId}]}}
            """
        let stack = try await BridgeStack.start(completeAfterMs: 60_000, policy: policy)
        // The caller does what the convention cannot know: base64 itself, entries as an array.
        let body = """
            {"batchConfigResID": 7001, "batchName": "raw", "projectID": 12, "transactionData": "eyJjdXN0b21lciI6NDJ9",
             "properties": [{"name": "correlationId", "value": "corr-raw"}, {"name": "region", "value": "emea"}]}
            """
        let submitted = try await stack.call("POST", "/raw/batches", json: body)
        #expect(submitted.status == 200, "\(submitted.text)")
        // The whole response wrapper, every value a string.
        let id = try #require(submitted.body?["return"]?.stringValue)
        #expect(submitted.body == .object(["return": .string(id)]))
        let status = try await stack.call("GET", "/raw/batches/\(id)")
        #expect(status.status == 200, "\(status.text)")
        #expect(status.body == .object(["return": .object([
            "batchId": .string(id), "status": "QUEUED", "statusText": status.body?["return"]?["statusText"] ?? .null,
            "correlationId": "corr-raw",
        ])]))
        #expect(status.body?["return"]?["statusText"]?.stringValue?.isEmpty == false)
        await stack.stop()
    }

    @Test func previewsAreDocuments() async throws {
        let stack = try await BridgeStack.start()
        let preview = try await stack.call("POST", "/thunderhead/v1/previews", json: Self.batch)
        #expect(preview.status == 200, "\(preview.text)")
        let document = try #require(preview.body?["documents"]?.arrayValue?.first)
        #expect(document["format"]?.stringValue == "application/pdf")
        let pdf = try #require(Data(base64Encoded: document["data"]?.stringValue ?? ""))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        // A 200 carrying an ERROR message is a failure.
        let failing = try await stack.call("POST", "/thunderhead/v1/previews", json: Self.batch.replacingOccurrences(of: "{\"customer\": 42, \"amount\": 12.10}", with: "\"FAIL\""))
        #expect(failing.status == 502)
        #expect(failing.body?["error"]?["code"]?.stringValue == "TH-3001")
        await stack.stop()
    }

    @Test func faultsBecomeJSONErrors() async throws {
        let stack = try await BridgeStack.start()
        let business = try await stack.call("POST", "/thunderhead/v1/batches", json: Self.batch.replacingOccurrences(of: "\"priority\": 5", with: "\"priority\": 12"))
        #expect(business.status == 422, "\(business.text)")
        #expect(business.body?["error"]?["code"]?.stringValue == "TH-2001")
        #expect(business.body?["error"]?["message"]?.stringValue?.contains("priority") == true)
        #expect(business.body?["error"]?["detail"]?["code"]?.stringValue == "TH-2001")
        let invalid = try await stack.call("GET", "/thunderhead/v1/batches/not-a-number")
        #expect(invalid.status == 400)
        #expect(invalid.body?["error"]?["code"]?.stringValue == "TH-1010")
        await stack.stop()
    }

    @Test func badCallersGetClearErrors() async throws {
        let stack = try await BridgeStack.start()
        let broken = try await stack.call("POST", "/thunderhead/v1/batches", json: "{\"batchName\": \"x\",\n \"projectID\": }")
        #expect(broken.status == 400)
        #expect(broken.body?["error"]?["message"]?.stringValue?.contains("line 2") == true, "\(broken.text)")
        let missing = try await stack.call("POST", "/thunderhead/v1/batches", json: "{\"batchName\": \"x\"}")
        #expect(missing.status == 400)
        let notObject = try await stack.call("POST", "/thunderhead/v1/batches", json: "[1, 2]")
        #expect(notObject.status == 400)
        let ready = try await stack.call("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.body?["checks"]?["thunderhead"]?.stringValue == "ok")
        let none = try await stack.call("GET", "/thunderhead/v2/nothing")
        #expect(none.status == 404)
        #expect(none.body?["error"]?["code"]?.stringValue == "no_route")
        // Over server.max_body_bytes (1 MiB): a JSON 413, nothing sent upstream.
        let huge = try await stack.call("POST", "/thunderhead/v1/batches", json: "{\"batchName\": \"" + String(repeating: "x", count: 1_100_000) + "\"}")
        #expect(huge.status == 413)
        #expect(huge.body?["error"]?["code"]?.stringValue == "body_too_large", "\(huge.text.prefix(200))")
        await stack.stop()
    }

    @Test func callerStringsNeverBecomeMarkup() async throws {
        let stack = try await BridgeStack.start()
        let sneaky = Self.batch.replacingOccurrences(of: "statements-2026-11", with: "</batchName><priority>99</priority><batchName>x")
        let submitted = try await stack.call("POST", "/thunderhead/v1/batches", json: sneaky)
        // Had the markup gone through, the emulator would see priority 99 (a business fault).
        #expect(submitted.status == 201, "\(submitted.text)")
        await stack.stop()
    }

    @Test func credentialsTravelAsUsernameTokenOrBasic() async throws {
        for auth in [UpstreamSettings.Authentication.usernameToken, .basic] {
            let stack = try await BridgeStack.start(username: "oms", password: "s3cret", bridgeAuth: auth)
            #expect(try await stack.call("POST", "/thunderhead/v1/batches", json: Self.batch).status == 201)
            await stack.stop()
        }
        let without = try await BridgeStack.start(username: "oms", password: "s3cret", bridgeAuth: .none)
        let refused = try await without.call("POST", "/thunderhead/v1/batches", json: Self.batch)
        #expect(refused.status == 400)
        #expect(refused.body?["error"]?["code"]?.stringValue == "TH-1103")
        await without.stop()
    }
}
