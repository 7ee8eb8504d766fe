import Database
import RefData
import Testing

/// Both stores behave the same: versions, preconditions, paging, migrations.
@Suite struct StoreTests {
    @Test(arguments: StoreBackend.allCases)
    func createReplaceAndPreconditions(_ backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        #expect(try await store.item(kind: "sources", key: "crm") == nil)

        guard case .created(let first) = try await store.put(kind: "sources", key: "crm", value: #"{"allowed":true}"#, ifMatch: nil, nowMs: 1_000) else {
            Issue.record("the first put must create")
            return
        }
        #expect(first.version > 0)
        #expect(try await store.item(kind: "sources", key: "crm") == first)

        let replaced = try await store.put(kind: "sources", key: "crm", value: #"{"allowed":false}"#, ifMatch: first.version, nowMs: 2_000)
        guard case .replaced(let second) = replaced else {
            Issue.record("a matching If-Match must replace, got \(replaced)")
            return
        }
        #expect(second.version > first.version)
        #expect(second.value == #"{"allowed":false}"#)
        #expect(second.updatedAtMs == 2_000)

        // A stale If-Match changes nothing and reports what is there.
        #expect(try await store.put(kind: "sources", key: "crm", value: "{}", ifMatch: first.version, nowMs: 3_000) == .preconditionFailed(current: second.version))
        #expect(try await store.item(kind: "sources", key: "crm") == second)
        #expect(try await store.put(kind: "sources", key: "absent", value: "{}", ifMatch: 1, nowMs: 3_000) == .preconditionFailed(current: nil))
        #expect(try await store.item(kind: "sources", key: "absent") == nil)
        // The same key under another kind is another item.
        guard case .created = try await store.put(kind: "enrichment", key: "crm", value: "{}", ifMatch: nil, nowMs: 3_000) else {
            Issue.record("kinds must be separate")
            return
        }
        await store.shutdown()
    }

    @Test(arguments: StoreBackend.allCases)
    func deleteAndVersionsNeverRepeat(_ backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        #expect(try await store.delete(kind: "sources", key: "crm", ifMatch: nil) == .notFound)
        guard case .created(let first) = try await store.put(kind: "sources", key: "crm", value: "{}", ifMatch: nil, nowMs: 1) else {
            Issue.record("create failed")
            return
        }
        #expect(try await store.delete(kind: "sources", key: "crm", ifMatch: first.version + 1) == .preconditionFailed(current: first.version))
        #expect(try await store.delete(kind: "sources", key: "crm", ifMatch: first.version) == .deleted)
        #expect(try await store.item(kind: "sources", key: "crm") == nil)
        #expect(try await store.delete(kind: "sources", key: "crm", ifMatch: nil) == .notFound)
        // Created again: a version (an ETag) no client can hold from before.
        guard case .created(let again) = try await store.put(kind: "sources", key: "crm", value: "{}", ifMatch: nil, nowMs: 2) else {
            Issue.record("re-create failed")
            return
        }
        #expect(again.version > first.version)
        await store.shutdown()
    }

    @Test(arguments: StoreBackend.allCases)
    func listsPageInByteOrder(_ backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let keys = ["b", "B", "a", "A", "0", "-", "a.b", "a:b", "a_b", "Z9"]
        for key in keys {
            _ = try await store.put(kind: "types", key: key, value: #"{"k":"\#(key)"}"#, ifMatch: nil, nowMs: 1)
        }
        _ = try await store.put(kind: "other", key: "x", value: "{}", ifMatch: nil, nowMs: 1)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.list(kind: "types", after: cursor, limit: 3)
            #expect(page.count <= 3)
            seen += page.map(\.key)
            cursor = page.count == 3 ? page.last?.key : nil
        } while cursor != nil
        #expect(seen == keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(try await store.list(kind: "none", after: nil, limit: 10).isEmpty)
        await store.shutdown()
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentWritersGetDistinctVersions(_ backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let versions = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<20 {
                group.addTask {
                    switch try await store.put(kind: "sources", key: "hot", value: #"{"n":\#(index)}"#, ifMatch: nil, nowMs: Int64(index)) {
                    case .created(let item), .replaced(let item): return item.version
                    case .preconditionFailed: return -1
                    }
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(versions).count == 20)
        #expect(!versions.contains(-1))
        #expect(try await store.item(kind: "sources", key: "hot")?.version == versions.max())
        await store.shutdown()
    }

    @Test(arguments: StoreBackend.allCases)
    func migrationsRunOnceEvenTogether(_ backend: StoreBackend) async throws {
        let url = try await backend.makeDatabaseURL()
        let stores = [try await backend.openStore(at: url), try await backend.openStore(at: url)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        try await stores[0].migrate()
        _ = try await stores[0].put(kind: "k", key: "v", value: "{}", ifMatch: nil, nowMs: 1)
        #expect(try await stores[1].item(kind: "k", key: "v") != nil)
        for store in stores { await store.shutdown() }
    }
}
