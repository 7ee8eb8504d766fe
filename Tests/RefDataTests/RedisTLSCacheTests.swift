import Foundation
import JSON
import Redis
import TestSupport
import Testing
import TLS

/// `oms refdata` on a Redis with a TLS port only and an ACL user (Azure Cache for Redis).
@Suite(.serialized) struct RedisTLSCacheTests {
    static let password = "refdata-\(UUID().uuidString.prefix(8))"

    @Test func readsWritesAndTheNearCacheWorkOverTLS() async throws {
        let pki = try TestPKI()
        let first = try await RefDataStack.start(near: true, redisTLS: pki, redisPassword: Self.password)
        let second = try await RefDataStack.start(near: true, sharing: first)
        #expect(try await first.call("PUT", "/refdata/v1/sources/k", json: #"{"n":1}"#).status == 201)
        for _ in 0..<3 {
            #expect(try await first.call("GET", "/refdata/v1/sources/k").body?["value"]?["n"] == 1)
        }
        #expect(try await first.metric(#"oms_refdata_cache_reads_total{result="hit"}"#) + first.metric(#"oms_refdata_cache_reads_total{result="near_hit"}"#) >= 2)
        #expect(try await first.metric("oms_refdata_redis_errors_total") == 0)
        #expect(try await first.metric("oms_refdata_near_cache_live") == 1)

        // Another instance's write reaches this one's near cache through the TLS subscriber.
        #expect(try await second.call("PUT", "/refdata/v1/sources/k", json: #"{"n":2}"#).status == 200)
        #expect(try await first.eventuallyReads("/refdata/v1/sources/k", n: 2, timeout: .seconds(3)) == 2)

        // A restart is survived: TLS and AUTH again on the new connections.
        let redis = try #require(first.redis)
        try await redis.restart()
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await first.call("PUT", "/refdata/v1/sources/k", json: #"{"n":3}"#).status == 200)
        // The subscriber is back (TLS and AUTH on its new connection), and reads use the caches.
        let reconnected = ContinuousClock.now + .seconds(5)
        while try await first.metric("oms_refdata_near_cache_live") != 1, ContinuousClock.now < reconnected {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await first.metric("oms_refdata_near_cache_live") == 1)
        let cached = { () async throws -> Double in
            try await first.metric(#"oms_refdata_cache_reads_total{result="hit"}"#) + first.metric(#"oms_refdata_cache_reads_total{result="near_hit"}"#)
        }
        let before = try await cached()
        for _ in 0..<3 {
            #expect(try await first.call("GET", "/refdata/v1/sources/k").body?["value"]?["n"] == 3)
        }
        #expect(try await cached() >= before + 2)
        #expect(try await first.call("GET", "/readyz").body?["checks"]?["redis"]?.stringValue == "ok")
        #expect(!redis.log.contains("wrong version number"), "plain text reached the TLS port")
        await second.stop()
        await first.stop()
    }

    @Test func aWrongCAOrPasswordServesFromTheDatabaseAndReadyzSaysWhy() async throws {
        let pki = try TestPKI()
        let cases: [(String, (inout RedisEndpoint) -> Void, String)] = [
            ("wrong CA", { $0.tls = TLSSettings(caFile: pki.otherCAFile) }, "certificate verify failed"),
            ("wrong password", { $0.credentials = RedisCredentials(username: "oms", password: "not-\(Self.password)") }, "WRONGPASS"),
        ]
        for (name, adjust, reason) in cases {
            let stack = try await RefDataStack.start(redisTLS: pki, redisPassword: Self.password, endpoint: adjust)
            #expect(try await stack.call("PUT", "/refdata/v1/sources/k", json: #"{"n":1}"#).status == 201, "\(name)")
            for _ in 0..<3 {
                #expect(try await stack.call("GET", "/refdata/v1/sources/k").body?["value"]?["n"] == 1, "\(name)")
            }
            let ready = try await stack.call("GET", "/readyz")
            #expect(ready.status == 200, "\(name): \(ready.text)")
            let redisCheck = ready.body?["checks"]?["redis"]?.stringValue ?? ""
            #expect(redisCheck.hasPrefix("bypassed") && redisCheck.contains(reason), "\(name): \(ready.text)")
            #expect(!ready.text.contains(Self.password), "\(name): the password in /readyz")
            #expect(!(try await stack.call("GET", "/metrics").text.contains(Self.password)))
            #expect(try await stack.metric("oms_refdata_redis_errors_total") >= 1, "\(name)")
            await stack.stop()
        }
    }
}
