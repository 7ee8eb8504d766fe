import Redis
import Testing
import TestSupport

@Suite(.serialized)
struct RedisSubscriberTests {
    typealias Fixture = RedisFixture

    private func subscriber(_ server: RedisServer, _ recorder: SubscriberRecorder, channels: [String] = ["alpha", "beta"]) -> RedisSubscriber {
        RedisSubscriber(
            endpoint: Fixture.endpoint(server), channels: channels, timeout: .seconds(1),
            onConnect: { recorder.record(.connected) },
            onMessage: { recorder.record(.message($0, $1)) },
            onDisconnect: { recorder.record(.disconnected) }
        )
    }

    @Test func deliversPublishedMessages() async throws {
        try await Fixture.withServer { server in
            let recorder = SubscriberRecorder()
            let subscriber = self.subscriber(server, recorder)
            defer { subscriber.stop() }
            subscriber.start()
            subscriber.start()
            #expect(await Fixture.eventually { recorder.connects == 1 })
            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                // Subscribed before onConnect, so every publish reaches exactly one subscriber.
                #expect(try await client.command("PUBLISH", "alpha", "hello") == .integer(1))
                #expect(try await client.command([Fixture.bytes("PUBLISH"), Fixture.bytes("beta"), [0x00, 0x0D, 0x0A, 0xFF]]) == .integer(1))
                #expect(try await client.command("PUBLISH", "gamma", "not subscribed") == .integer(0))
                let burst = try await client.pipeline((0..<100).map { [Fixture.bytes("PUBLISH"), Fixture.bytes("alpha"), Fixture.bytes("m\($0)")] })
                #expect(burst.allSatisfy { $0 == .integer(1) })
            }
            #expect(await Fixture.eventually { recorder.messages.count == 102 })
            let messages = recorder.messages
            #expect(messages.first?.channel == "alpha")
            #expect(messages.first?.payload == Fixture.bytes("hello"))
            #expect(messages.dropFirst().first?.channel == "beta")
            #expect(messages.dropFirst().first?.payload == [0x00, 0x0D, 0x0A, 0xFF])
            #expect(messages.dropFirst(2).map(\.payload) == (0..<100).map { Fixture.bytes("m\($0)") })
            #expect(recorder.disconnects == 0)
        }
    }

    @Test func reportsLossAndResubscribesAfterARestart() async throws {
        try await Fixture.withServer { server in
            let recorder = SubscriberRecorder()
            let subscriber = self.subscriber(server, recorder)
            defer { subscriber.stop() }
            subscriber.start()
            #expect(await Fixture.eventually { recorder.connects == 1 })

            server.stop()
            #expect(await Fixture.eventually { recorder.disconnects == 1 })
            try await server.restart()
            #expect(await Fixture.eventually { recorder.connects == 2 })
            #expect(recorder.all == [.connected, .disconnected, .connected])

            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                #expect(try await client.command("PUBLISH", "beta", "again") == .integer(1))
            }
            #expect(await Fixture.eventually { recorder.messages.count == 1 })
            #expect(recorder.messages.first?.payload == Fixture.bytes("again"))
        }
    }

    @Test func connectsOnceTheServerAppears() async throws {
        try await Fixture.withServer { server in
            server.stop()
            let recorder = SubscriberRecorder()
            let subscriber = self.subscriber(server, recorder)
            defer { subscriber.stop() }
            subscriber.start()
            try await Task.sleep(for: .milliseconds(300))
            #expect(recorder.all.isEmpty, "no onDisconnect without an established subscription")
            try await server.restart()
            #expect(await Fixture.eventually { recorder.connects == 1 })
        }
    }

    @Test func stopIsPromptAndFinal() async throws {
        try await Fixture.withServer { server in
            let recorder = SubscriberRecorder()
            let subscriber = self.subscriber(server, recorder)
            subscriber.start()
            #expect(await Fixture.eventually { recorder.connects == 1 })

            let start = ContinuousClock.now
            subscriber.stop()
            #expect(ContinuousClock.now - start < .milliseconds(1_500))
            subscriber.stop()
            subscriber.start()

            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                // The subscription is gone on the server side too.
                var receivers: RedisReply = .null
                for _ in 0..<100 {
                    receivers = try await client.command("PUBLISH", "alpha", "late")
                    if receivers == .integer(0) { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(receivers == .integer(0))
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(recorder.all == [.connected], "no callbacks after stop, and stopping is not a disconnect")
        }
    }

    @Test func stopIsPromptWhileReconnecting() async throws {
        try await Fixture.withServer { server in
            let recorder = SubscriberRecorder()
            let subscriber = self.subscriber(server, recorder)
            subscriber.start()
            #expect(await Fixture.eventually { recorder.connects == 1 })
            server.stop()
            #expect(await Fixture.eventually { recorder.disconnects == 1 })
            // Let the backoff grow past the poll interval.
            try await Task.sleep(for: .milliseconds(800))
            let start = ContinuousClock.now
            subscriber.stop()
            #expect(ContinuousClock.now - start < .milliseconds(1_500))
        }
    }

    @Test func stopWithoutStartReturns() {
        let recorder = SubscriberRecorder()
        let subscriber = RedisSubscriber(
            endpoint: RedisEndpoint(host: "127.0.0.1", port: Loopback.freePort()), channels: ["x"], timeout: .seconds(1),
            onConnect: { recorder.record(.connected) }, onMessage: { _, _ in }, onDisconnect: {}
        )
        subscriber.stop()
        subscriber.start()
        #expect(recorder.all.isEmpty)
    }
}
