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

@Suite struct LRUCacheCostTests {
    @Test func staysWithinItsCostByEvictingTheLeastRecentlyUsed() {
        var cache = LRUCache<Int, String>(capacity: 1_000, maxCost: 100)
        for i in 0..<10 { cache.set("\(i)", for: i, cost: 10) }
        #expect(cache.totalCost == 100 && cache.count == 10)
        #expect(cache.value(for: 0) == "0")       // 0 is now the most recent
        cache.set("big", for: 10, cost: 35)        // evicts 1, 2, 3, 4
        #expect(cache.totalCost <= 100)
        #expect((1...4).allSatisfy { cache.value(for: $0) == nil })
        #expect(cache.value(for: 0) == "0" && cache.value(for: 10) == "big")
        #expect(cache.totalCost == 95)
    }

    @Test func anUpdateThatGrowsAnEntryEvictsOthersAndOneOverTheBoundIsDropped() {
        var cache = LRUCache<Int, Int>(capacity: 1_000, maxCost: 100)
        for i in 0..<5 { cache.set(i, for: i, cost: 10) }
        cache.update(4, cost: 80) { $0 = 40 }      // 50 + 70 = 120: 0 and 1 go
        #expect(cache.totalCost == 100 && cache.count == 3)
        #expect(cache.value(for: 0) == nil && cache.value(for: 1) == nil && cache.value(for: 4) == 40)
        cache.update(4, cost: 101) { $0 = 41 }     // alone over the bound: dropped, the rest stays
        #expect(cache.value(for: 4) == nil)
        #expect(cache.totalCost == 20 && cache.count == 2)
        cache.set(9, for: 9, cost: 500)
        #expect(cache.value(for: 9) == nil && cache.totalCost == 20)
        cache.removeValue(for: 2)
        #expect(cache.totalCost == 10)
        cache.removeAll()
        #expect(cache.totalCost == 0 && cache.maxCost == 100)
    }
}
