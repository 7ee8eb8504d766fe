import Core
import Database
import EdgeRuntime
import Foundation
import JSON
import TestSupport
import Testing

/// A request's trace as the stores keep it: taken at intake, handed to each step, and written
/// into its final event's CloudEvent and record, on both databases.
@Suite(.serialized) struct TraceStorageTests {
    @Test(arguments: TestDatabase.allCases)
    func theIntakeTraceReachesTheStepsAndTheEvent(_ backend: TestDatabase) async throws {
        let upstreams = try await Upstreams.start()
        let core = try await CoreStack.start(backend, jobs: upstreams.jobSettings)
        let store = core.role.store
        let trace = TraceCarrier(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "oms=1,vendor=x")
        let document = try DocumentRequest(json: Array(#"{"source": "crm", "documentType": "invoice", "data": {}}"#.utf8))
        let now = WallClock.millisecondsNow()
        let outcome = try await store.intake(document, idempotencyKey: "k", client: nil, id: "018bcfe5-6800-7000-8000-000000000001", nowMs: now, trace: trace)
        #expect(outcome == .accepted(id: "018bcfe5-6800-7000-8000-000000000001"))
        // One without a trace keeps none.
        _ = try await store.intake(document, idempotencyKey: "k2", client: nil, id: "018bcfe5-6800-7000-8000-000000000002", nowMs: now, trace: nil)

        let record = try #require(try await store.request(id: "018bcfe5-6800-7000-8000-000000000001"))
        #expect(record.traceparent == trace.traceparent && record.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(try await store.request(id: "018bcfe5-6800-7000-8000-000000000002")?.traceparent == nil)

        let claimed = try await store.claim(owner: "w", nowMs: now, leaseUntilMs: now + 30_000, limit: 10)
        #expect(claimed.first { $0.id.hasSuffix("1") }?.trace == trace)
        #expect(claimed.first { $0.id.hasSuffix("2") }?.trace == nil)
        for request in claimed {
            #expect(try await store.complete(request.id, from: .received, owner: "w", result: .advance(to: .rejected), step: "validate", maxAttempts: 5, retryAtMs: now, nowMs: now))
        }
        let events = try await store.unsentEvents(limit: 10)
        let traced = try #require(events.first { $0.requestID.hasSuffix("1") })
        #expect(traced.trace == trace)
        let cloudEvent = try StrictJSON.parse(Array(traced.payload.utf8))
        #expect(cloudEvent["traceparent"]?.stringValue == trace.traceparent && cloudEvent["tracestate"]?.stringValue == trace.tracestate)
        let untraced = try #require(events.first { $0.requestID.hasSuffix("2") })
        #expect(untraced.trace == nil && !untraced.payload.contains("traceparent"))
        await core.stop()
        await upstreams.stop()
    }
}
