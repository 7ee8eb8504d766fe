import Curl
import Testing

@Suite(.serialized) struct ReachabilityProbeTests {
    @Test func anyHTTPAnswerCountsAndAnswersAreReusedWithinTheInterval() async throws {
        try await withClient { client in
            let server = try await TestHTTPServer.start()
            let url = "http://127.0.0.1:\(server.port)/status/404"
            let cached = ReachabilityProbe(url: url, timeout: .seconds(2), interval: .seconds(60), http: client)
            let fresh = ReachabilityProbe(url: url, timeout: .seconds(2), interval: .zero, http: client)
            #expect(await cached.isReachable())  // a 404 is still an answer
            #expect(await fresh.isReachable())
            try await server.stop()
            #expect(await cached.isReachable())  // within its interval: not asked again
            #expect(await !fresh.isReachable())
        }
    }

    @Test func nothingListeningIsUnreachable() async throws {
        let port = try await TestHTTPServer.unusedPort()
        try await withClient { client in
            let probe = ReachabilityProbe(url: "http://127.0.0.1:\(port)/", timeout: .seconds(2), http: client)
            #expect(await !probe.isReachable())
        }
    }
}
