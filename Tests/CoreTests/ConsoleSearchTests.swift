@testable import Core
import Database
import Foundation
import TestSupport
import Testing

/// The console's list at the store: every filter, and a combination of filters read window by
/// window, which still finds exactly the matching requests, newest first, on both databases.
@Suite struct ConsoleSearchTests {
    @Test(arguments: TestDatabase.allCases)
    func windowsFindExactlyTheMatches(_ backend: TestDatabase) async throws {
        let core = try await CoreStack.start(backend)
        let store = core.role.store
        let start = WallClock.millisecondsNow() - 60_000
        var made: [(id: String, source: String, type: String, ms: Int64)] = []
        for index in 0..<23 {
            let source = ["crm", "web", "erp"][index % 3]
            let type = ["invoice", "letter"][index % 2]
            let ms = start + Int64(index) * 1000
            let id = RequestID.make(nowMs: ms)
            let document = try DocumentRequest(json: Array(#"{"source": "\#(source)", "documentType": "\#(type)", "data": {}}"#.utf8))
            _ = try await store.intake(document, idempotencyKey: "key-\(index)", client: "c", id: id, nowMs: ms)
            made.append((id, source, type, ms))
        }
        let newestFirst = made.sorted { $0.id > $1.id }

        /// Every page of `filter`, following `next`.
        func all(_ filter: RequestFilter, window: Int, limit: Int = 4) async throws -> (ids: [String], windows: Int) {
            var ids: [String] = []
            var before: String?
            var windows = 0
            var pages = 0
            repeat {
                let page = try await store.search(filter, before: before, limit: limit, window: window)
                #expect(page.records.count <= limit)
                ids += page.records.map(\.id)
                if page.windowEnded { windows += 1 }
                before = page.next
                pages += 1
            } while before != nil && pages < 100
            return (ids, windows)
        }

        let combination = RequestFilter(status: .received, source: "crm", documentType: "letter")
        let expected = newestFirst.filter { $0.source == "crm" && $0.type == "letter" }.map(\.id)
        #expect(expected.count == 4)
        for window in [1, 2, 3, 5, 50] {
            let (ids, windows) = try await all(combination, window: window)
            #expect(ids == expected, "window \(window)")
            #expect((windows > 0) == (window < 23), "window \(window): \(windows) pages ended at their window")
        }
        #expect(try await all(RequestFilter(source: "web", documentType: "invoice"), window: 2).ids == newestFirst.filter { $0.source == "web" && $0.type == "invoice" }.map(\.id))
        // Single filters read the index directly, and pages follow each other exactly.
        #expect(try await all(RequestFilter(source: "erp"), window: 1).ids == newestFirst.filter { $0.source == "erp" }.map(\.id))
        #expect(try await all(RequestFilter(), window: 1, limit: 5).ids == newestFirst.map(\.id))
        let middle = made[10].ms
        #expect(try await all(RequestFilter(fromMs: middle, toMs: middle + 5000), window: 1).ids == newestFirst.filter { $0.ms >= middle && $0.ms < middle + 5000 }.map(\.id))
        #expect(try await all(RequestFilter(search: "key-7"), window: 1).ids == [made[7].id])
        #expect(try await all(RequestFilter(documentType: made[3].type == "invoice" ? "letter" : "invoice", search: made[3].id), window: 1).ids == [])
        #expect(try await all(RequestFilter(status: .completed), window: 1).ids == [])
        // Counts are exact.
        #expect(try await store.count(combination) == 4)
        #expect(try await store.count(RequestFilter(status: .received)) == 23)
        await core.stop()
    }
}
