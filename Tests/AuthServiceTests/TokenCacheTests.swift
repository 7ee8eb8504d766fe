import JOSE
import Testing
@testable import AuthService

/// The token cache is bounded in bytes as well as entries: issuer-signed tokens with huge
/// claims (3,000 with a 10 KB `sub` once held 75 MB) push out older entries instead.
@Suite struct TokenCacheTests {
    static func identity(subjectBytes: Int, index: Int) -> TokenIdentity {
        TokenIdentity(
            subject: String(repeating: "s", count: subjectBytes) + "\(index)", domain: "retail", scopes: ["documents.read"],
            scopeHeader: "documents.read", client: "app", expiresAt: 4_000_000_000, notBefore: nil, issuedAt: nil
        )
    }

    func fill(_ cache: TokenCache, count: Int, subjectBytes: Int) {
        for index in 0..<count {
            let digest = TokenDigest("token-\(index)-\(subjectBytes)")
            _ = cache.entry(for: digest, now: 0) { TokenCacheEntry(identity: nil, oidm: .valid, expiresAt: 1_000) }
            cache.setIdentity(Self.identity(subjectBytes: subjectBytes, index: index), for: digest)
        }
    }

    @Test func hugeIdentitiesStayWithinTheByteBound() {
        let bound = 8 << 20
        let cache = TokenCache(capacity: 100_000, maxBytes: bound)
        fill(cache, count: 3_000, subjectBytes: 10_000)
        #expect(cache.bytes <= bound)
        // Each entry holds the subject twice (the identity and its prebuilt 200 answer).
        #expect(cache.count < 3_000 && cache.count > bound / 30_000, "\(cache.count) entries, \(cache.bytes) bytes")
        // The most recent is kept, the oldest went.
        #expect(cache.entry(for: TokenDigest("token-2999-10000"), now: 0) { nil }.entry?.identity != nil)
        #expect(cache.entry(for: TokenDigest("token-0-10000"), now: 0) { nil }.entry == nil)
    }

    @Test func theCostFollowsTheIdentitysText() {
        let small = TokenCache.cost(of: Self.identity(subjectBytes: 10, index: 0))
        let large = TokenCache.cost(of: Self.identity(subjectBytes: 10_010, index: 0))
        #expect(large - small >= 20_000, "the subject counts in the identity and in its answer")
        #expect(TokenCache.cost(of: nil) > 0)
    }

    @Test func ordinaryTokensAreBoundByEntries() {
        let cache = TokenCache(capacity: 100, maxBytes: 64 << 20)
        fill(cache, count: 500, subjectBytes: 20)
        #expect(cache.count == 100)
        #expect(cache.bytes < 100 * 1_000)
    }
}
