import EdgeRuntime
@testable import RefData
import Testing

/// The small parsers of outside data: names, preconditions, cursors, cache entries.
@Suite struct ParsingTests {
    @Test func kindsAndKeys() {
        for kind in ["a", "sources", "doc-types", "x9", String(repeating: "k", count: 64)] {
            #expect(throws: Never.self) { try ItemName.checkKind(kind) }
        }
        for kind in ["", "A", "9a", "-a", "a_b", "a.b", "a/b", "é", String(repeating: "k", count: 65), "a\u{0}"] {
            #expect(throws: APIError.self, "\(kind.debugDescription)") { try ItemName.checkKind(kind) }
        }
        for key in ["a", "A-Z_0.9:x", String(repeating: "k", count: 128), ".a", "a.", "..a", "a..b", "-", "_.:"] {
            #expect(throws: Never.self) { try ItemName.checkKey(key) }
        }
        // Dots alone are dot segments: `/sources/.` is the list endpoint once a URL is normalised.
        for key in ["", "a b", "a/b", "a%2Fb", "é", "a\u{0}", String(repeating: "k", count: 129), "a\nb", ".", "..", "...", String(repeating: ".", count: 128)] {
            #expect(throws: APIError.self, "\(key.debugDescription)") { try ItemName.checkKey(key) }
        }
    }

    @Test func preconditions() throws {
        #expect(try EntityTag.condition("*") == .any)
        #expect(try EntityTag.condition(#""3""#) == .versions([3]))
        #expect(try EntityTag.condition(#" "3" , "7","x" "#) == .versions([3, 7]))
        // If-Match compares strongly: a weak tag matches nothing.
        #expect(try EntityTag.condition(#"W/"3""#) == .versions([]))
        #expect(try EntityTag.weakCondition(#"W/"3", "4""#) == .versions([3, 4]))
        for bad in ["", "3", #""3"#, #"3""#, #""3"x"#, #""a"b""#, ",", #""3",,"4""#, "W/3", "**"] {
            #expect(throws: APIError.self, "\(bad)") { try EntityTag.condition(bad) }
        }
        #expect(EntityTag.Condition.any.matches(5))
        #expect(!EntityTag.Condition.any.matches(nil))
        #expect(!EntityTag.Condition.versions([5]).matches(6))
    }

    @Test func cursors() throws {
        for key in ["a", "ab", "abc", "abcd", "A-Z_0.9:x", String(repeating: "k", count: 128)] {
            #expect(try PageCursor.key(from: PageCursor.cursor(after: key), isValid: Self.validKey) == key)
        }
        let valid = PageCursor.cursor(after: "abc")
        for bad in ["", "!", "a", "YW=", "YW==", valid + "A", "_w", "AA", String(repeating: "A", count: 200), "YS9i"] {
            #expect(throws: APIError.self, "\(bad)") { _ = try PageCursor.key(from: bad, isValid: Self.validKey) }
        }
    }

    static func validKey(_ key: String) -> Bool { ReferenceKey.isValid(key) }

    @Test func cacheEntries() {
        let item = RefDataItem(kind: "k", key: "x", version: 7, value: #"{"a":"1\n2"}"#, updatedAtMs: 1_700_000_000_123)
        #expect(CacheEntry(decoding: CacheEntry.present(item).encoded, kind: "k", key: "x") == .present(item))
        #expect(CacheEntry(decoding: CacheEntry.absent.encoded, kind: "k", key: "x") == .absent)
        // Anything else in Redis is not trusted: a miss.
        for bad in ["", "1", "00", "2 7 1\n{}", "1 7\n{}", "1 x 1\n{}", "1 0 1\n{}", "1 -3 1\n{}", "1 7 1 9\n{}", "1 7 1\n[1]", "1  7 1\n{}"] {
            #expect(CacheEntry(decoding: Array(bad.utf8), kind: "k", key: "x") == nil, "\(bad.debugDescription)")
        }
        #expect(CacheEntry(decoding: [0x31, 0x20, 0x37, 0x20, 0x31, 0x0A, 0x7B, 0xFF], kind: "k", key: "x") == nil)
    }

    @Test func timestamps() {
        #expect(Timestamp.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(milliseconds: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(Timestamp.rfc3339(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.rfc3339(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.rfc3339(milliseconds: 4_102_444_799_999) == "2099-12-31T23:59:59.999Z")
    }
}
