@testable import Core
import Database
import EdgeRuntime
import Foundation
import TestSupport
import Testing

/// `retention.finished_days`: finished requests past it go, with their history, failures and
/// published event; everything else stays, on both databases.
@Suite struct RetentionTests {
    @Test(arguments: TestDatabase.allCases)
    func finishedRequestsPastRetentionAreDeleted(_ backend: TestDatabase) async throws {
        let core = try await CoreStack.start(backend)
        let store = core.role.store
        let now = WallClock.millisecondsNow()
        let old = now - 100 * 86_400_000
        let document = try DocumentRequest(json: Array(#"{"source": "crm", "documentType": "invoice", "data": {}}"#.utf8))
        func take(_ key: String, at ms: Int64) async throws -> String {
            let id = RequestID.make(nowMs: ms)
            _ = try await store.intake(document, idempotencyKey: key, client: "c", id: id, nowMs: ms)
            return id
        }
        // Five old requests: four finish (three of them published), one is still in flight.
        let oldIDs = [try await take("old-0", at: old), try await take("old-1", at: old + 1), try await take("old-2", at: old + 2), try await take("old-3", at: old + 3)]
        let inFlight = try await take("old-4", at: old + 4)
        let claimed = try await store.claim(owner: "w", nowMs: old + 10, leaseUntilMs: old + 60_000, limit: 10)
        #expect(Set(claimed.map(\.id)) == Set(oldIDs + [inFlight]))
        for id in oldIDs {
            #expect(try await store.complete(id, from: .received, owner: "w", result: .advance(to: .rejected), step: "validate", maxAttempts: 5, retryAtMs: old + 10, nowMs: old + 10))
        }
        let events = try await store.unsentEvents(limit: 10)
        #expect(events.count == 4)
        let unpublished = oldIDs[3]
        try await store.markSent(events.filter { $0.requestID != unpublished }.map(\.eventID), nowMs: old + 20)
        // A recent finished one.
        let recent = try await take("new-0", at: now)
        let fresh = try await store.claim(owner: "w", nowMs: now + 10, leaseUntilMs: now + 60_000, limit: 10).filter { $0.id == recent }
        #expect(fresh.count == 1)
        #expect(try await store.complete(recent, from: .received, owner: "w", result: .advance(to: .rejected), step: "validate", maxAttempts: 5, retryAtMs: now, nowMs: now + 10))

        let sweeper = RetentionSweeper(store: store, days: 90, logger: CoreStack.quiet)
        #expect(await sweeper.sweep(nowMs: now) == 3)
        for id in oldIDs.prefix(3) {
            #expect(try await store.request(id: id) == nil, "\(id) deleted")
            #expect(try await store.failures(id: id).isEmpty)
        }
        for id in [unpublished, inFlight, recent] {
            #expect(try await store.request(id: id) != nil, "\(id) kept")
        }
        #expect(try await store.request(id: unpublished)?.history.isEmpty == false, "its history with it")
        #expect(try await store.unsentEvents(limit: 10).map(\.requestID) == [unpublished, recent], "the unpublished events stay")
        // The console's counts follow (the delete trigger).
        let counts = try await store.counts()
        #expect(counts[.rejected] == 2 && counts[.received] == 1, "\(counts)")
        // Nothing more to do, and 0 days keeps everything.
        #expect(await sweeper.sweep(nowMs: now) == 0)
        try await RetentionSweeper(store: store, days: 0, logger: CoreStack.quiet).run()
        #expect(try await store.request(id: unpublished) != nil)
        await core.stop()
    }

    @Test func theSettingIsReadAndChecked() throws {
        func days(_ yaml: String) throws -> Int {
            let reader = try ConfigReader(yaml: yaml + "\n" + AccessYAML.verifying)
            let configuration = try CoreConfiguration(reader: reader)
            try reader.checkNoUnknownKeys()
            return configuration.retentionDays
        }
        #expect(try days("") == 90)
        #expect(try days("retention: {finished_days: 30}") == 30)
        #expect(try days("retention: {finished_days: 0}") == 0)
        #expect(throws: ConfigError.self) { try days("retention: {finished_days: -1}") }
        #expect(throws: ConfigError.self) { try days("retention: {finished_day: 1}") }
    }
}
