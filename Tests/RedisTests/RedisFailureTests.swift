import Redis
import Testing
import TestSupport

@Suite(.serialized)
struct RedisFailureTests {
    typealias Fixture = RedisFixture

    @Test func aHungServerTimesOutAndTheClientRecovers() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server), timeout: .milliseconds(50), connections: 2) { client throws in
                #expect(try await client.command("SET", "k", "v") == .status("OK"))
                server.pause()
                // On the warm connection: the request is buffered, no reply comes.
                let (warm, warmElapsed) = await Fixture.failure { () async throws(RedisError) in try await client.command("GET", "k") }
                // On a fresh connection: the kernel still completes the handshake, the reply never comes.
                let (fresh, freshElapsed) = await Fixture.failure { () async throws(RedisError) in try await client.command("GET", "k") }
                server.resume()
                #expect(warm?.code == .timeout, "\(String(describing: warm))")
                #expect(fresh?.code == .timeout, "\(String(describing: fresh))")
                // Bounded, not prompt: on a loaded 2-core machine a 50 ms timeout can take far longer
                // to be noticed; without one the call would hang for as long as the server does.
                #expect(warmElapsed < .seconds(2))
                #expect(freshElapsed < .seconds(2))
                #expect(warmElapsed >= .milliseconds(40))
                #expect(try await client.command("GET", "k").text == "v")
            }
        }
    }

    @Test func aHungServerTimesOutAPipeline() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server), timeout: .milliseconds(50), connections: 1) { client throws in
                _ = try await client.command("PING")
                server.pause()
                let (error, elapsed) = await Fixture.failure { () async throws(RedisError) in
                    try await client.pipeline([[Fixture.bytes("PING")], [Fixture.bytes("PING")]])
                }
                server.resume()
                #expect(error?.code == .timeout)
                #expect(elapsed < .seconds(2))
                #expect(try await client.pipeline([[Fixture.bytes("PING")]]) == [.status("PONG")])
            }
        }
    }

    @Test func aKilledServerIsAConnectionErrorUntilItIsBack() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server, database: 2), timeout: .seconds(1), connections: 4) { client throws in
                // Warm several pooled connections so more than one goes stale.
                _ = try await withThrowingTaskGroup(of: RedisReply.self) { group in
                    for _ in 0..<8 { group.addTask { try await client.command("SET", "k", "before") } }
                    return try await group.reduce(into: [RedisReply]()) { $0.append($1) }
                }
                server.stop()
                let (down, elapsed) = await Fixture.failure { () async throws(RedisError) in try await client.command("GET", "k") }
                #expect(down?.code == .connection, "\(String(describing: down))")
                #expect(elapsed < .seconds(2))
                let (stillDown, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("GET", "k") }
                #expect(stillDown?.code == .connection)

                try await server.restart()
                // The other pooled connections from before are stale; none of them may fail a
                // command. Concurrent calls make every connection take part.
                let replies = try await withThrowingTaskGroup(of: RedisReply.self) { group in
                    for _ in 0..<16 { group.addTask { try await client.command("GET", "k") } }
                    return try await group.reduce(into: [RedisReply]()) { $0.append($1) }
                }
                #expect(replies == Array(repeating: .null, count: 16), "nothing is saved across restarts")
                #expect(try await client.command("SET", "k", "after") == .status("OK"))
                #expect(try await client.command("GET", "k").text == "after")
            }
        }
    }

    @Test func nothingListeningIsAConnectionErrorQuickly() async throws {
        let endpoint = RedisEndpoint(host: "127.0.0.1", port: Loopback.freePort())
        try await Fixture.withClient(endpoint, timeout: .seconds(2)) { client throws in
            let (error, elapsed) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
            #expect(error?.code == .connection)
            #expect(error?.message.contains("Connection refused") == true, "\(String(describing: error))")
            #expect(elapsed < .milliseconds(1_500))
        }
    }

    @Test func anUnknownHostIsAConnectionError() async throws {
        try await Fixture.withClient(RedisEndpoint(host: "no-such-host.invalid"), timeout: .seconds(2)) { client throws in
            let (error, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
            #expect(error?.code == .connection)
        }
    }
}
