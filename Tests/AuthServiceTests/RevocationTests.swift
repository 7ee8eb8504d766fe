import Curl
import EdgeRuntime
import Foundation
import JSON
import Redis
import TestSupport
import Testing
@testable import AuthService

/// Revocation across `oms auth` replicas through a real Redis: one replica hears OIDM say no,
/// and another that had the token cached denies it within a second. Without Redis, each
/// replica keeps its own answer, as before.
@Suite(.serialized) struct RevocationTests {
    /// Replica A (the stack's) asks OIDM on every request (`cache_ttl_s` 0), so it is the one
    /// that hears "no"; replica B keeps positive answers for five minutes.
    func withReplicas(redis: RedisServer?, _ body: (AuthStack, AuthRole, Int) async throws -> Void) async throws {
        let stack = try await AuthStack.start { configuration in
            configuration.redis = redis?.endpoint
            configuration.oidm.cacheTTLSeconds = 0
        }
        var second = stack.role.configuration
        second.oidm.cacheTTLSeconds = 300
        let replica = AuthRole(configuration: second, logger: AuthStack.quiet)
        let port = try await replica.start()
        do {
            try await body(stack, replica, port)
        } catch {
            await replica.stop()
            await stack.stop()
            throw error
        }
        await replica.stop()
        await stack.stop()
    }

    func decide(_ stack: AuthStack, port: Int, _ token: String) async throws -> Int {
        try await stack.http.execute(CurlRequest(
            url: "http://127.0.0.1:\(port)/auth",
            headers: [("Authorization", "Bearer \(token)"), ("X-Original-URI", "/v1/documents"), ("X-Original-Method", "GET")], timeout: .seconds(10)
        )).status
    }

    /// Both replicas' subscriptions are in place.
    func subscribers(_ redis: RedisServer) async throws -> Int {
        let client = RedisClient(endpoint: redis.endpoint, timeout: .seconds(2))
        defer { Task { await client.shutdown() } }
        let reply = try await client.command("PUBSUB", "NUMSUB", RevocationChannel.channel)
        return Int(reply.array?.last?.integer ?? 0)
    }

    @Test func aRevocationHeardByOneReplicaReachesTheOtherWithinASecond() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        try await withReplicas(redis: redis) { stack, replica, port in
            let deadline = ContinuousClock.now + .seconds(10)
            while try await subscribers(redis) < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try await subscribers(redis) == 2)
            let token = try stack.issuer.token()
            #expect(try await stack.auth(token).status == 200)
            #expect(try await decide(stack, port: port, token) == 200)
            let asked = try await stack.oidmValidations()
            #expect(try await decide(stack, port: port, token) == 200)
            #expect(try await stack.oidmValidations() == asked, "replica B answers from its cache")

            try await stack.oidmAdmin("/admin/revoke", ["token": .string(token)])
            #expect(try await decide(stack, port: port, token) == 200, "B has not heard yet: its cached answer stands")
            #expect(try await stack.auth(token).status == 401, "A asks OIDM, which says no")
            let heard = ContinuousClock.now
            var status = 200
            while status == 200, ContinuousClock.now - heard < .seconds(10) {
                status = try await decide(stack, port: port, token)
                if status == 200 { try await Task.sleep(for: .milliseconds(20)) }
            }
            let took = ContinuousClock.now - heard
            #expect(status == 401, "B still allowed it \(took) after A heard OIDM")
            // From A's publish to B's drop, timed inside the two replicas (this process holds
            // both): what Redis and the subscriber take, without the HTTP round trips that a
            // loaded machine stretches.
            let publishedAt = try #require(stack.role.revocationChannel?.timing.published.withLock { $0 })
            let droppedAt = try #require(replica.revocationChannel?.timing.dropped.withLock { $0 })
            #expect(droppedAt - publishedAt < .seconds(1), "B dropped its answer \(droppedAt - publishedAt) after A published")
            #expect(try await stack.counter(#"oms_auth_revocations_total{direction="published"}"#) == 1)
            // A forgery OIDM also refuses is not worth a message: no replica can have it cached.
            #expect(try await stack.auth(try stack.issuer.token(signer: stack.issuer.stranger)).status == 401)
            #expect(try await stack.counter(#"oms_auth_revocations_total{direction="published"}"#) == 1)
            let metrics = try await stack.http.call(port: port, "GET", "/metrics").text
            #expect(metrics.contains(#"oms_auth_revocations_total{direction="dropped"} 1"#), "\(metrics)")
            // Garbage on the channel is ignored (a message can only ever cost an OIDM call).
            let client = RedisClient(endpoint: redis.endpoint, timeout: .seconds(2))
            _ = try await client.command("PUBLISH", RevocationChannel.channel, "not a digest")
            await client.shutdown()
            let fresh = try stack.issuer.token(["jti": "other"])
            #expect(try await decide(stack, port: port, fresh) == 200)
        }
    }

    /// The control: without Redis, B keeps its cached answer after A heard "no".
    @Test func withoutRedisEachReplicaKeepsItsOwnAnswer() async throws {
        try await withReplicas(redis: nil) { stack, _, port in
            let token = try stack.issuer.token()
            #expect(try await decide(stack, port: port, token) == 200)
            try await stack.oidmAdmin("/admin/revoke", ["token": .string(token)])
            #expect(try await stack.auth(token).status == 401)
            try await Task.sleep(for: .seconds(1))
            #expect(try await decide(stack, port: port, token) == 200, "until its oidm.cache_ttl_s")
        }
    }
}
