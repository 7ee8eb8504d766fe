import Core
import Database
import Foundation
import JSON
import TestSupport
import Testing

/// The jobs against real refdata, the SOAP bridge and the Thunderhead emulator, over HTTP.
@Suite struct PipelineTests {
    static func body(source: String = "crm", data: String = #"{"customer": 42}"#) -> String {
        #"{"source": "\#(source)", "documentType": "invoice", "data": \#(data), "correlationId": "corr-1"}"#
    }

    @Test(arguments: TestDatabase.allCases)
    func aRequestGoesAllTheWayToCompleted(_ backend: TestDatabase) async throws {
        let upstreams = try await Upstreams.start()
        try await upstreams.put("sources/crm", #"{"allowed": true}"#)
        try await upstreams.put("enrichment/invoice", #"{"batchConfigResID": 7001, "projectID": 12, "template": "inv-v2"}"#)
        let core = try await CoreStack.start(backend, jobs: upstreams.jobSettings)
        core.runJobs()
        let id = try #require(try await core.submit(Self.body(), key: "a").body?["id"]?.stringValue)
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == "COMPLETED", "\(final.text)")
        let history = final.body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue }
        #expect(history == ["RECEIVED", "VALIDATED", "ENRICHED", "SUBMITTING", "SUBMITTED", "COMPLETED"])
        #expect(final.body?["batchId"]?.stringValue?.isEmpty == false)
        #expect(try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"] == .array([]))

        // Its final status waits in the outbox as a CloudEvent, written with the status.
        let events = try await core.role.store.unsentEvents(limit: 10)
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.requestID == id)
        let cloudEvent = try StrictJSON.parse(event.payload)
        #expect(cloudEvent["specversion"] == "1.0")
        #expect(cloudEvent["id"]?.stringValue == event.eventID)
        #expect(cloudEvent["type"] == "com.oms.document.status.v1")
        #expect(cloudEvent["subject"]?.stringValue == id)
        #expect(cloudEvent["datacontenttype"] == "application/json")
        #expect(cloudEvent["data"]?["status"] == "COMPLETED")
        #expect(cloudEvent["data"]?["correlationId"] == "corr-1")
        #expect(cloudEvent["data"]?["batchId"] == final.body?["batchId"])
        try await core.role.store.markSent([event.eventID], nowMs: 1)
        #expect(try await core.role.store.unsentEvents(limit: 10).isEmpty)
        await core.stop()
        await upstreams.stop()
    }

    @Test func unknownOrDisallowedSourcesAreRejected() async throws {
        let upstreams = try await Upstreams.start()
        try await upstreams.put("sources/blocked", #"{"allowed": false}"#)
        let core = try await CoreStack.start(jobs: upstreams.jobSettings)
        core.runJobs()
        for source in ["unknown", "blocked"] {
            let id = try #require(try await core.submit(Self.body(source: source), key: source).body?["id"]?.stringValue)
            let final = try await core.waitForFinal(id)
            #expect(final.body?["status"] == "REJECTED", "\(source): \(final.text)")
            #expect(final.body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["RECEIVED", "REJECTED"])
        }
        let events = try await core.role.store.unsentEvents(limit: 10)
        #expect(events.count == 2)
        #expect(try events.allSatisfy { try StrictJSON.parse($0.payload)["data"]?["status"] == "REJECTED" })
        await core.stop()
        await upstreams.stop()
    }

    @Test func aBatchThunderheadFailsIsFailedWithItsErrors() async throws {
        let upstreams = try await Upstreams.start()
        try await upstreams.put("sources/crm", "{}")
        let core = try await CoreStack.start(jobs: upstreams.jobSettings)
        core.runJobs()
        let id = try #require(try await core.submit(Self.body(data: #"{"note": "FAIL please"}"#), key: "f").body?["id"]?.stringValue)
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == "FAILED", "\(final.text)")
        let errors = try #require(try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue)
        #expect(errors.count == 1)
        #expect(errors.first?["step"] == "poll")
        #expect(errors.first?["code"] == "batch_failed")
        #expect(errors.first?["detail"]?["errors"]?.arrayValue?.first?["code"] == "TH-2101")
        await core.stop()
        await upstreams.stop()
    }

    /// Thunderhead fails (503 and a Server fault, through the bridge) for a while: the
    /// submission is retried with backoff, each failure recorded, and completes once it is back.
    @Test func thunderheadFailingThenRecovering() async throws {
        let upstreams = try await Upstreams.start(completeAfterMs: 50)
        try await upstreams.put("sources/crm", "{}")
        var settings = upstreams.jobSettings
        settings.maxAttempts = 50
        let core = try await CoreStack.start(jobs: settings)
        try await upstreams.thunderheadOutage(503)
        core.runJobs()
        let id = try #require(try await core.submit(Self.body(), key: "th").body?["id"]?.stringValue)
        let recorded = ContinuousClock.now + .seconds(15)
        var errors: [JSONValue] = []
        while ContinuousClock.now < recorded, errors.count < 2 {
            try await Task.sleep(for: .milliseconds(50))
            errors = try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue ?? []
        }
        #expect(errors.count >= 2, "the outage is retried, not final")
        #expect(try await core.call("GET", "/v1/requests/\(id)").body?["status"] == "SUBMITTING")
        try await upstreams.thunderheadOutage(nil)
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == "COMPLETED", "\(final.text)")
        errors = try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue ?? []
        #expect(errors.allSatisfy { $0["step"] == "submit" && $0["code"] == "soap_bridge_502" }, "\(errors)")
        #expect(errors.first?["detail"]?["error"]?["code"] == "TH-9503", "the bridge passed Thunderhead's fault on: \(errors)")
        await core.stop()
        await upstreams.stop()
    }

    /// refdata is down when the request arrives: the step fails, is retried with backoff, and
    /// the request completes once refdata is up; the failed attempts are on record.
    @Test func anOutageIsRetriedAndRecorded() async throws {
        // Held until refdata comes up on it: a server of another test must not answer there.
        let reserved = Loopback.ReservedPort()
        let refdataPort = reserved.port
        var settings = JobSettings()
        settings.refdataURL = "http://127.0.0.1:\(refdataPort)"
        settings.interval = .milliseconds(50)
        settings.backoffBase = .milliseconds(100)
        settings.maxAttempts = 8
        settings.callTimeout = .seconds(2)
        // Short leases: stopping the first worker mid-step leaves its claim to run out.
        settings.lease = .seconds(1)
        let core = try await CoreStack.start(jobs: settings)
        core.runJobs()
        let id = try #require(try await core.submit(Self.body(), key: "o").body?["id"]?.stringValue)
        // Wait until the outage is on record (at least one failed attempt).
        let recorded = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < recorded, try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue?.isEmpty ?? true {
            try await Task.sleep(for: .milliseconds(50))
        }
        // The first worker stops before refdata appears: it must not see refdata without the
        // source (a 404 is a rejection, not an outage).
        await core.stop()
        reserved.release()
        let upstreams = try await Upstreams.start(refdataPort: refdataPort)
        try await upstreams.put("sources/crm", "{}")
        // The bridge only exists now: point the jobs at it through a second worker.
        var second = upstreams.jobSettings
        second.refdataURL = settings.refdataURL
        second.lease = .seconds(1)
        let worker = try await CoreStack.start(database: core.database, jobs: second)
        worker.runJobs()
        let final = try await worker.waitForFinal(id)
        #expect(final.body?["status"] == "COMPLETED", "\(final.text)")
        let errors = try #require(try await worker.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue)
        try #require(errors.count >= 1)
        #expect(errors.allSatisfy { $0["step"] == "validate" && $0["code"] == "refdata_unreachable" })
        #expect(errors.map { $0["attempt"]?.numberValue ?? 0 } == (1...errors.count).map(Double.init))
        await worker.stop()
        await upstreams.stop()
    }

    /// Two workers on one database: every request advances once per step, none twice.
    /// The requests in hand ask refdata for their source and document type together: a batch
    /// costs far fewer calls than two per request, and a value replaced afterwards is what
    /// the next request sees.
    @Test func requestsInHandShareTheirLookups() async throws {
        let upstreams = try await Upstreams.start(completeAfterMs: 50)
        try await upstreams.put("sources/crm", "{}")
        try await upstreams.put("enrichment/invoice", #"{"batchConfigResID": 7001}"#)
        let core = try await CoreStack.start(jobs: upstreams.jobSettings)
        var ids: [String] = []
        for index in 0..<40 {
            ids.append(try #require(try await core.submit(Self.body(), key: "k\(index)").body?["id"]?.stringValue))
        }
        let answeredBefore = try await upstreams.refdataAnswers()
        core.runJobs()
        for id in ids {
            #expect(try await core.waitForFinal(id, timeout: .seconds(30)).body?["status"] == "COMPLETED")
        }
        // Less the first look at refdata's metrics, answered in between.
        let calls = try await upstreams.refdataAnswers() - answeredBefore - 1
        let shared = try await core.metric("oms_core_refdata_lookups_shared_total")
        #expect(calls + shared == 80)
        #expect(calls < 40, "\(calls) calls for 40 requests")

        try await upstreams.put("sources/crm", #"{"allowed": false}"#)
        let late = try #require(try await core.submit(Self.body(), key: "late").body?["id"]?.stringValue)
        #expect(try await core.waitForFinal(late).body?["status"] == "REJECTED")
        await core.stop()
        await upstreams.stop()
    }

    @Test(arguments: TestDatabase.allCases)
    func twoWorkersNeverProcessARowTwice(_ backend: TestDatabase) async throws {
        let upstreams = try await Upstreams.start(completeAfterMs: 100)
        try await upstreams.put("sources/crm", "{}")
        let first = try await CoreStack.start(backend, jobs: upstreams.jobSettings)
        let second = try await CoreStack.start(database: first.database, jobs: upstreams.jobSettings)
        var ids: [String] = []
        for index in 0..<40 {
            ids.append(try #require(try await first.submit(Self.body(), key: "k\(index)").body?["id"]?.stringValue))
        }
        first.runJobs()
        second.runJobs()
        for id in ids {
            let final = try await first.waitForFinal(id, timeout: .seconds(30))
            #expect(final.body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["RECEIVED", "VALIDATED", "ENRICHED", "SUBMITTING", "SUBMITTED", "COMPLETED"], "\(final.text)")
        }
        #expect(try await upstreams.thunderheadBatches() == 40)
        var submitted = 0.0
        var lost = 0.0
        for stack in [first, second] {
            let metrics = try await stack.call("GET", "/metrics").text
            for line in metrics.split(separator: "\n") where !line.hasPrefix("#") {
                if line.hasPrefix(#"oms_core_steps_total{step="submit",result="submitted"}"#) || line.hasPrefix(#"oms_core_steps_total{result="submitted",step="submit"}"#) {
                    submitted += Double(line.split(separator: " ").last ?? "0") ?? 0
                }
                if line.contains(#"result="lease_lost""#) { lost += Double(line.split(separator: " ").last ?? "0") ?? 0 }
            }
        }
        // Each request was submitted to Thunderhead exactly once, by one of the workers.
        #expect(submitted == 40)
        #expect(lost == 0)
        await first.stop()
        await second.stop()
        await upstreams.stop()
    }

    /// A step that moves the request on to a status due at once keeps its lease, renewed, so
    /// the worker goes on without claiming it again; a later step, a wait or a final status
    /// releases it.
    @Test(arguments: TestDatabase.allCases)
    func aStepThatMovesOnKeepsTheLease(_ backend: TestDatabase) async throws {
        let core = try await CoreStack.start(backend)
        let store = core.role.store
        let now = WallClock.millisecondsNow()
        let id = RequestID.make(nowMs: now)
        _ = try await store.intake(try DocumentRequest(json: Array(Self.body().utf8)), idempotencyKey: "k", client: nil, id: id, nowMs: now)
        #expect(try await store.claim(owner: "w", nowMs: now, leaseUntilMs: now + 1_000, limit: 1).count == 1)
        #expect(try await store.complete(
            id, from: .received, owner: "w", result: .advance(to: .validated), step: "validate", maxAttempts: 5, retryAtMs: now, nowMs: now + 1,
            keepingLeaseUntilMs: now + 60_000
        ))
        var detail = try #require(try await store.detail(id: id))
        #expect(detail.leaseOwner == "w" && detail.leaseUntilMs == now + 60_000 && detail.record.status == .validated)
        // Past the first lease, still held: nobody else takes it.
        #expect(try await store.claim(owner: "x", nowMs: now + 10_000, leaseUntilMs: now + 20_000, limit: 1).isEmpty)
        // The next step moves on and releases it: due, and free for anyone.
        #expect(try await store.complete(id, from: .validated, owner: "w", result: .advance(to: .enriched), step: "enrich", maxAttempts: 5, retryAtMs: now, nowMs: now + 2))
        detail = try #require(try await store.detail(id: id))
        #expect(detail.leaseOwner == nil && detail.leaseUntilMs == nil)
        #expect(try await store.claim(owner: "x", nowMs: now + 10_000, leaseUntilMs: now + 20_000, limit: 1).map(\.id) == [id])
        // A final status never keeps it, whatever is asked.
        #expect(try await store.complete(
            id, from: .enriched, owner: "x", result: .advance(to: .rejected), step: "s", maxAttempts: 5, retryAtMs: now, nowMs: now + 10_001,
            keepingLeaseUntilMs: now + 60_000
        ))
        detail = try #require(try await store.detail(id: id))
        #expect(detail.leaseOwner == nil && detail.leaseUntilMs == nil && detail.record.status == .rejected)
        await core.stop()
    }
}

@Suite struct RerunTests {
    @Test(arguments: TestDatabase.allCases)
    func operatorsRerunWhatFailed(_ backend: TestDatabase) async throws {
        let upstreams = try await Upstreams.start()
        try await upstreams.put("sources/crm", "{}")
        let core = try await CoreStack.start(backend, jobs: upstreams.jobSettings)
        core.runJobs()
        let id = try #require(try await core.submit(PipelineTests.body(data: #"{"note": "FAIL"}"#), key: "r").body?["id"]?.stringValue)
        #expect(try await core.waitForFinal(id).body?["status"] == "FAILED")
        // Not final yet, unknown, or done: nothing to rerun.
        let ok = try #require(try await core.submit(PipelineTests.body(), key: "ok").body?["id"]?.stringValue)
        #expect(try await core.waitForFinal(ok).body?["status"] == "COMPLETED")
        let done = try await core.call("POST", "/v1/requests/\(ok)/rerun")
        #expect(done.status == 409)
        #expect(done.body?["error"]?["code"] == "not_rerunnable")
        #expect(try await core.call("POST", "/v1/requests/018bcfe5-6800-7000-8000-000000000000/rerun").status == 404)

        // A failed batch is submitted anew (and here fails anew: the data still asks for it).
        let rerun = try await core.call("POST", "/v1/requests/\(id)/rerun")
        #expect(rerun.status == 202)
        #expect(rerun.body?["status"] == "ENRICHED")
        try await Task.sleep(for: .milliseconds(100))
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == "FAILED")
        #expect(final.body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue }
            == ["RECEIVED", "VALIDATED", "ENRICHED", "SUBMITTING", "SUBMITTED", "FAILED", "ENRICHED", "SUBMITTING", "SUBMITTED", "FAILED"])
        #expect(final.body?["batchName"]?.stringValue == "oms-\(id)-2", "a batch sent anew has a name of its own")
        #expect(try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue?.count == 2)
        await core.stop()
        await upstreams.stop()
    }
}
