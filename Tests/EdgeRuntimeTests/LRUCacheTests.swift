import Testing
import EdgeRuntime

@Suite struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(capacity: 3)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        cache.set(3, for: "c")
        #expect(cache.value(for: "a") == 1)  // a is now the most recent
        cache.set(4, for: "d")               // evicts b
        #expect(cache.value(for: "b") == nil)
        #expect(cache.value(for: "a") == 1)
        #expect(cache.value(for: "c") == 3)
        #expect(cache.value(for: "d") == 4)
        #expect(cache.count == 3)
    }

    @Test func reusesSlotsAndStaysBounded() {
        var cache = LRUCache<Int, Int>(capacity: 100)
        for i in 0..<10_000 { cache.set(i, for: i) }
        #expect(cache.count == 100)
        #expect(cache.value(for: 9_999) == 9_999)
        #expect(cache.value(for: 9_899) == nil)
        cache.removeValue(for: 9_999)
        #expect(cache.value(for: 9_999) == nil)
        #expect(cache.count == 99)
        cache.update(9_998) { $0 = -1 }
        #expect(cache.value(for: 9_998) == -1)
    }
}
