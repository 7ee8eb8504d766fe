import CoreMetrics
import Curl
import EdgeRuntime
import Foundation
import JOSE
import Logging

/// The local half of `oms auth`'s decision, for a role that checks its callers itself: the
/// issuer's keys (a file, or a URL refreshed when a token names an unknown `kid`), the same
/// signature and claim rules, and the same verified-token cache, keyed by the token's digest,
/// so that a token seen before costs a hash and a lookup. No OIDM call: that is the gateway's.
package final class LocalVerifier: Sendable {
    private let keys: KeySetProvider
    private let check: LocalTokenCheck
    private let cache: TokenCache
    private let clock: @Sendable () -> Double

    package init(
        jwks: JWKSSettings, policy: TokenPolicy, cacheEntries: Int, http: CurlClient,
        counters: (loaded: Counter, errors: Counter), logger: Logger,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.keys = KeySetProvider(settings: jwks, policy: policy, http: http, counters: counters, logger: logger)
        self.check = LocalTokenCheck(policy: policy)
        self.cache = TokenCache(capacity: cacheEntries, maxBytes: cacheEntries * 4096)
        self.clock = clock
    }

    /// Loads the key set; a JWKS URL that is down is retried when a token arrives.
    package func load() async throws(KeySetProvider.LoadError) {
        try await keys.load()
    }

    /// Why the keys cannot be used, or nil when they can (for `/readyz`). A JWKS URL that was
    /// down is tried again here too (as often as an unknown kid may): a pod that is not ready
    /// gets no requests, so it cannot wait for a token to ask.
    package func problem() async -> String? {
        if keys.verifier == nil { _ = await keys.refreshForUnknownKey() }
        return keys.verifier == nil ? "no usable key set yet" : nil
    }

    /// The caller's identity from its `Authorization` fields, or why it has none.
    package func verify(authorization fields: [String]) async -> Result<TokenIdentity, DenyReason> {
        let slice: Substring
        switch BearerToken.jws(from: fields, maxBytes: check.policy.policy.maxBytes) {
        case .failure(let reason): return .failure(reason)
        case .success(let value): slice = value
        }
        let now = clock()
        let digest = TokenDigest(slice.utf8)
        if let identity = cache.live(digest, now: now)?.identity {
            return checked(identity, now: now)
        }
        let token = String(slice)
        var result = check.identity(of: token, keys: keys)
        if case .failure(.unknownKey) = result { result = await check.identityAfterRefresh(of: token, keys: keys) }
        guard case .success(let identity) = result else { return result }
        // Kept until the token expires (plus leeway): the time is checked on every use.
        let entry = TokenCacheEntry(identity: identity, oidm: .valid, expiresAt: identity.expiresAt + check.policy.policy.leewaySeconds)
        _ = cache.entry(for: digest, now: now) { entry }
        return checked(identity, now: now)
    }

    private func checked(_ identity: TokenIdentity, now: Double) -> Result<TokenIdentity, DenyReason> {
        if let reason = check.policy.checkTime(identity, now: now) { return .failure(reason) }
        return .success(identity)
    }
}
