import Curl
import Database
import EdgeRuntime
import Foundation
import JSON
import TestSupport
import Testing

@testable import Core

/// A batch is sent to Thunderhead at most once per submission: SUBMITTING is written before it
/// is sent, and a request found SUBMITTING is looked up before anything is sent again. When
/// nobody can tell, the request waits as UNCERTAIN for an operator's confirm or resubmit.
@Suite struct SubmissionRecoveryTests {
    @Test func batchNamesNeverRepeatForARequest() {
        let id = "018bcfe5-6800-7000-8000-000000000001"
        #expect(BatchName.next(for: id, after: nil) == "oms-\(id)")
        #expect(BatchName.next(for: id, after: "oms-\(id)") == "oms-\(id)-2")
        #expect(BatchName.next(for: id, after: "oms-\(id)-2") == "oms-\(id)-3")
        #expect(BatchName.next(for: id, after: "oms-\(id)-41") == "oms-\(id)-42")
        // Damaged or foreign names never lead back to the first name.
        #expect(BatchName.next(for: id, after: "oms-\(id)-x") == "oms-\(id)-2")
        #expect(BatchName.next(for: id, after: "something-else") == "oms-\(id)")
    }

    @Test func operatorActionsApplyOnlyWhereTheyMeanSomething() {
        let submittedThenFailed: [RequestStatus] = [.received, .validated, .enriched, .submitting, .submitted, .failed]
        let failedWhileSubmitting: [RequestStatus] = [.received, .validated, .enriched, .submitting, .failed]
        #expect(OperatorAction.rerun.target(from: .failed, history: submittedThenFailed)! == (.enriched, .clear))
        #expect(OperatorAction.rerun.target(from: .failed, history: failedWhileSubmitting)! == (.submitting, .keep), "looked up first, not sent blindly")
        #expect(OperatorAction.rerun.target(from: .uncertain, history: []) == nil)
        #expect(OperatorAction.confirm(batchId: "7").target(from: .uncertain, history: [])! == (.submitted, .set("7")))
        #expect(OperatorAction.resubmit.target(from: .uncertain, history: [])! == (.enriched, .clear))
        for status in RequestStatus.allCases where status != .uncertain {
            #expect(OperatorAction.confirm(batchId: "7").target(from: status, history: []) == nil)
            #expect(OperatorAction.resubmit.target(from: status, history: []) == nil)
        }
    }

    /// The store's side, on both databases: SUBMITTING needs the lease; UNCERTAIN is out of the
    /// jobs' reach and counted; confirm and resubmit move it on.
    @Test(arguments: TestDatabase.allCases)
    func theStoreKeepsSubmissionsAndUncertainty(_ backend: TestDatabase) async throws {
        let core = try await CoreStack.start(backend)
        let store = core.role.store
        let now = WallClock.millisecondsNow()
        let document = try DocumentRequest(json: Array(PipelineTests.body().utf8))
        let id = RequestID.make(nowMs: now)
        _ = try await store.intake(document, idempotencyKey: "k", client: nil, id: id, nowMs: now)
        func step(_ from: RequestStatus, _ result: StepResult, at offset: Int64) async throws -> Bool {
            _ = try await store.claim(owner: "w", nowMs: now + offset, leaseUntilMs: now + offset + 60_000, limit: 1)
            return try await store.complete(id, from: from, owner: "w", result: result, step: "s", maxAttempts: 5, retryAtMs: now, nowMs: now + offset)
        }
        #expect(try await step(.received, .advance(to: .validated), at: 1))
        #expect(try await step(.validated, .advance(to: .enriched, enrichment: "{}"), at: 2))
        let claimed = try await store.claim(owner: "w", nowMs: now + 3, leaseUntilMs: now + 60_000, limit: 1)
        #expect(claimed.first?.status == .enriched && claimed.first?.batchName == nil)
        #expect(try await !store.beginSubmission(id, owner: "someone-else", batchName: "oms-\(id)", nowMs: now + 3), "not the lease holder")
        #expect(try await store.beginSubmission(id, owner: "w", batchName: "oms-\(id)", nowMs: now + 3))
        #expect(try await !store.beginSubmission(id, owner: "w", batchName: "oms-\(id)", nowMs: now + 3), "no longer ENRICHED")
        var record = try #require(try await store.request(id: id))
        #expect(record.status == RequestStatus.submitting && record.batchName == "oms-\(id)")
        #expect(try await store.complete(id, from: .submitting, owner: "w", result: .uncertain(StepFailure(code: "c", message: "m")), step: "submit", maxAttempts: 5, retryAtMs: now, nowMs: now + 4))
        record = try #require(try await store.request(id: id))
        #expect(record.status == RequestStatus.uncertain)
        #expect(try await store.failures(id: id).map(\.code) == ["c"])
        #expect(try await store.claim(owner: "w", nowMs: now + 100_000, leaseUntilMs: now + 200_000, limit: 10).isEmpty, "nobody works on it")
        #expect(try await store.counts()[.uncertain] == 1)
        #expect(try await store.outboxBacklog().unsent == 0, "not final: no event")

        #expect(try await store.act(.rerun, on: id, nowMs: now + 5) == .notApplicable(.uncertain))
        #expect(try await store.act(.confirm(batchId: "1234"), on: id, nowMs: now + 5) == .moved(to: .submitted))
        record = try #require(try await store.request(id: id))
        #expect(record.status == RequestStatus.submitted && record.batchId == "1234" && record.batchName == "oms-\(id)")
        #expect(try await store.act(.resubmit, on: id, nowMs: now + 6) == .notApplicable(.submitted))
        #expect(try await store.request(id: id)?.history.map(\.status) == [.received, .validated, .enriched, .submitting, .uncertain, .submitted])
        await core.stop()
    }

    /// Thunderhead took the batch, and its answer came too late: the call timed out. The next
    /// attempt asks for the batch by name, finds it and follows it: one batch, never two.
    @Test(arguments: TestDatabase.allCases)
    func aBatchWhoseAnswerWasLostIsAdoptedNotSentAgain(_ backend: TestDatabase) async throws {
        let (upstreams, core) = try await Self.answersGetLost(backend, lookup: true)
        core.runJobs()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "lost").body?["id"]?.stringValue)
        // Thunderhead has it (on a loaded machine the bridge may pass it on after the core gave
        // up waiting) and the core recorded the lost answer: only then do answers come again.
        try await Self.waitForBatches(upstreams, 1)
        try await waitForFailures(core, id, count: 1)
        try await upstreams.thunderheadDelay(ms: 0)
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == "COMPLETED", "\(final.text)")
        #expect(try await upstreams.thunderheadBatches() == 1)
        #expect(final.body?["batchName"]?.stringValue == "oms-\(id)")
        #expect(final.body?["batchId"]?.stringValue == (try await upstreams.batchIDs(named: "oms-\(id)")).first)
        let adopted = try await core.metric(#"oms_core_batch_lookups_total{result="adopted"}"#)
        #expect(adopted == 1, "\(adopted) adoptions")
        #expect(Self.history(final) == ["RECEIVED", "VALIDATED", "ENRICHED", "SUBMITTING", "SUBMITTED", "COMPLETED"])
        await core.stop()
        await upstreams.stop()
    }

    /// Thunderhead was down when the batch was sent: the lookup finds nothing and the batch is
    /// sent once Thunderhead is back.
    @Test func aBatchThatNeverArrivedIsSentOnce() async throws {
        let upstreams = try await Upstreams.start(completeAfterMs: 100)
        try await upstreams.put("sources/crm", "{}")
        // Attempts enough to outlast the outage however long this test takes to end it: with
        // three, a loaded machine saw the request UNCERTAIN first.
        var settings = upstreams.jobSettings
        settings.maxAttempts = 20
        let core = try await CoreStack.start(jobs: settings)
        try await upstreams.thunderheadOutage(503)
        core.runJobs()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "down").body?["id"]?.stringValue)
        try await waitForFailures(core, id, count: 1)
        #expect(try await core.call("GET", "/v1/requests/\(id)").body?["status"] == "SUBMITTING")
        try await upstreams.thunderheadOutage(nil)
        #expect(try await core.waitForFinal(id).body?["status"] == "COMPLETED")
        #expect(try await upstreams.thunderheadBatches() == 1)
        #expect(try await core.metric(#"oms_core_batch_lookups_total{result="absent"}"#) == 1)
        await core.stop()
        await upstreams.stop()
    }

    /// Without a lookup (`soap_bridge.batch_lookup: false`), a lost answer makes the request
    /// UNCERTAIN at once. The operator finds the batch in Thunderhead and confirms it: the
    /// request follows it, and nothing is sent again.
    @Test(arguments: TestDatabase.allCases)
    func anOperatorConfirmsTheBatchTheyFound(_ backend: TestDatabase) async throws {
        let (upstreams, core) = try await Self.answersGetLost(backend, lookup: false)
        core.runJobs()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "confirm").body?["id"]?.stringValue)
        try await Self.waitForBatches(upstreams, 1)
        let uncertain = try await waitForStatus(core, id, "UNCERTAIN")
        #expect(uncertain.body?["status"] == "UNCERTAIN", "\(uncertain.text)")
        try await upstreams.thunderheadDelay(ms: 0)
        let errors = try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue ?? []
        #expect(errors.last?["code"] == "batch_lookup_off", "\(errors)")
        #expect(try await core.metric(#"oms_core_batch_lookups_total{result="off"}"#) == 1)

        // The console says so, and offers both answers.
        let page = try await core.call("GET", "/ops/requests/\(id)")
        #expect(page.text.contains(#"id="uncertain""#) && page.text.contains("oms-\(id)"))
        #expect(page.text.contains(#"id="confirm-batch""#) && page.text.contains(#"id="resubmit""#))
        #expect(!page.text.contains(#"http-equiv="refresh""#), "a page waiting for input does not reload")

        let found = try #require(try await upstreams.batchIDs(named: "oms-\(id)").first)
        let confirm = try await core.http.execute(CurlRequest(
            url: "http://127.0.0.1:\(core.port)/ops/resolve/\(id)", method: "POST",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("action=confirm&batch_id=\(found)".utf8)
        ))
        #expect(confirm.status == 303)
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == "COMPLETED", "\(final.text)")
        #expect(final.body?["batchId"]?.stringValue == found)
        #expect(try await upstreams.thunderheadBatches() == 1)
        #expect(Self.history(final) == ["RECEIVED", "VALIDATED", "ENRICHED", "SUBMITTING", "UNCERTAIN", "SUBMITTED", "COMPLETED"])
        await core.stop()
        await upstreams.stop()
    }

    /// A bridge without the lookup route: UNCERTAIN with the reason. The operator finds no
    /// batch and resubmits: a new batch under a new name, so the first name can never be
    /// mistaken for it.
    @Test func anOperatorResubmitsWhenTheBridgeHasNoLookup() async throws {
        let policies = try Self.policiesWithoutTheLookup()
        let upstreams = try await Upstreams.start(completeAfterMs: 100, policies: policies)
        try await upstreams.put("sources/crm", "{}")
        let core = try await CoreStack.start(jobs: upstreams.jobSettings)
        try await upstreams.thunderheadOutage(503)
        core.runJobs()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "resubmit").body?["id"]?.stringValue)
        #expect(try await waitForStatus(core, id, "UNCERTAIN").body?["status"] == "UNCERTAIN")
        let errors = try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue ?? []
        #expect(errors.last?["code"] == "batch_lookup_unsupported", "\(errors)")
        try await upstreams.thunderheadOutage(nil)

        let resubmit = try await core.call("POST", "/v1/requests/\(id)/resolve", json: #"{"action": "resubmit"}"#)
        #expect(resubmit.status == 202)
        #expect(resubmit.body?["status"] == "ENRICHED")
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == "COMPLETED", "\(final.text)")
        #expect(final.body?["batchName"]?.stringValue == "oms-\(id)-2")
        #expect(try await upstreams.thunderheadBatches() == 1)
        await core.stop()
        await upstreams.stop()
    }

    /// Every malformed or misplaced resolution is a clear 4xx, and changes nothing.
    @Test func badResolutionsAreRefused() async throws {
        let core = try await CoreStack.start()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "r").body?["id"]?.stringValue)
        let path = "/v1/requests/\(id)/resolve"
        let refusals: [(body: String, status: Int, code: String)] = [
            ("not json", 400, "invalid_json"),
            ("[]", 400, "invalid_request"),
            (#"{}"#, 400, "invalid_action"),
            (#"{"action": "adopt"}"#, 400, "invalid_action"),
            (#"{"action": 1}"#, 400, "invalid_request"),
            (#"{"action": "confirm"}"#, 400, "invalid_batch_id"),
            (#"{"action": "confirm", "batchId": ""}"#, 400, "invalid_batch_id"),
            (#"{"action": "confirm", "batchId": "../1000"}"#, 400, "invalid_batch_id"),
            (#"{"action": "confirm", "batchId": "1000/errors"}"#, 400, "invalid_batch_id"),
            (#"{"action": "confirm", "batchId": ".."}"#, 400, "invalid_batch_id"),
            (#"{"action": "confirm", "batchId": "\#(String(repeating: "9", count: 129))"}"#, 400, "invalid_batch_id"),
            (#"{"action": "confirm", "batchId": 1000}"#, 400, "invalid_request"),
            (#"{"action": "confirm", "action": "resubmit"}"#, 400, "invalid_json"),
            (#"{"action": "resubmit", "batchId": "1"}"#, 400, "invalid_request"),
            (#"{"action": "resubmit", "extra": true}"#, 400, "invalid_request"),
            // Well formed, but the request is RECEIVED, not UNCERTAIN.
            (#"{"action": "resubmit"}"#, 409, "not_uncertain"),
            (#"{"action": "confirm", "batchId": "1000"}"#, 409, "not_uncertain"),
        ]
        for refusal in refusals {
            let answer = try await core.call("POST", path, json: refusal.body)
            #expect(answer.status == refusal.status, "\(refusal.body): \(answer.text)")
            #expect(answer.body?["error"]?["code"]?.stringValue == refusal.code, "\(refusal.body): \(answer.text)")
        }
        #expect(try await core.call("POST", "/v1/requests/018bcfe5-6800-7000-8000-000000000000/resolve", json: #"{"action": "resubmit"}"#).status == 404)
        #expect(try await core.call("GET", "/v1/requests/\(id)").body?["status"] == "RECEIVED")
        // The console's form goes through the same checks.
        let form = try await core.http.execute(CurlRequest(
            url: "http://127.0.0.1:\(core.port)/ops/resolve/\(id)", method: "POST",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("action=confirm&batch_id=%2E%2E%2Fx".utf8)
        ))
        #expect(form.status == 400)
        await core.stop()
    }

    // MARK: Helpers

    /// The upstreams, with Thunderhead answering a minute late, and a core that waits 500 ms for
    /// an answer: every submission's answer is lost (however loaded the machine, the answer
    /// cannot beat the timeout), and Thunderhead has the batch. With the lookup, the lookups
    /// during the delay time out too, and none may end the request.
    static func answersGetLost(_ backend: TestDatabase, lookup: Bool) async throws -> (Upstreams, CoreStack) {
        let upstreams = try await Upstreams.start(completeAfterMs: 100)
        try await upstreams.put("sources/crm", "{}")
        var settings = upstreams.jobSettings
        // Long enough for refdata's answers on a loaded machine; Thunderhead's never come.
        settings.callTimeout = .seconds(2)
        settings.batchLookup = lookup
        settings.maxAttempts = 20
        let core = try await CoreStack.start(backend, jobs: settings)
        try await upstreams.thunderheadDelay(ms: 60_000)
        return (upstreams, core)
    }

    static func history(_ answer: JSONAnswer) -> [String] {
        answer.body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
    }

    /// The shipped policy folder, copied without the batch-lookup route (a bridge in front of
    /// a Thunderhead that cannot answer it).
    static func policiesWithoutTheLookup() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-policies-\(UUID().uuidString)")
        let service = folder.appendingPathComponent("thunderhead")
        try FileManager.default.createDirectory(at: service, withIntermediateDirectories: true)
        let shipped = Upstreams.root.appendingPathComponent("sidecars/thunderhead")
        try FileManager.default.copyItem(at: shipped.appendingPathComponent("JobAPIWebWrapped.wsdl"), to: service.appendingPathComponent("JobAPIWebWrapped.wsdl"))
        let policy = try String(contentsOf: shipped.appendingPathComponent("policy.yaml"), encoding: .utf8)
        let cut = try #require(policy.range(of: "\n  # Not in Thunderhead's published JobAPI"))
        try String(policy[..<cut.lowerBound]).appending("\n").write(to: service.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        return folder.path
    }

    static func waitForBatches(_ upstreams: Upstreams, _ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while try await upstreams.thunderheadBatches() < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await upstreams.thunderheadBatches() == count, "Thunderhead got the batch")
    }

    private func waitForFailures(_ core: CoreStack, _ id: String, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if (try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue?.count ?? 0) >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no \(count) failure(s) recorded for \(id) within 15 s")
    }

    private func waitForStatus(_ core: CoreStack, _ id: String, _ status: String) async throws -> JSONAnswer {
        let deadline = ContinuousClock.now + .seconds(15)
        var answer = try await core.call("GET", "/v1/requests/\(id)")
        while ContinuousClock.now < deadline, answer.body?["status"]?.stringValue != status {
            try await Task.sleep(for: .milliseconds(50))
            answer = try await core.call("GET", "/v1/requests/\(id)")
        }
        return answer
    }
}
