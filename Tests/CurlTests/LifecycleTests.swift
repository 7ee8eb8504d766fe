import Curl
import Testing

extension CurlTests {
    @Suite struct Lifecycle {
        @Test func cancellingTheTaskCancelsTheRequest() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let task = Task { try await client.execute(CurlRequest(url: server.url("/delay/5000"))) }
                    try await Task.sleep(for: .milliseconds(300))
                    let clock = ContinuousClock()
                    let start = clock.now
                    task.cancel()
                    let result = await task.result
                    // Well before the 5 s the server takes, even on a loaded machine.
                    #expect(clock.now - start < .milliseconds(3000))
                    #expect(throws: CurlError.self) { try result.get() }
                    #expect((result.failureValue as? CurlError)?.code == .cancelled)

                    // The client is still usable afterwards.
                    let response = try await client.execute(CurlRequest(url: server.url("/hello")))
                    #expect(response.status == 200)
                }
            }
        }

        @Test func alreadyCancelledTaskFailsImmediately() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let task = Task {
                        withUnsafeCurrentTask { $0?.cancel() }
                        return try await client.execute(CurlRequest(url: server.url("/delay/5000")))
                    }
                    let result = await task.result
                    #expect((result.failureValue as? CurlError)?.code == .cancelled)
                }
            }
        }

        @Test func shutdownFailsInFlightAndLaterRequests() async throws {
            try await withTestServer { server in
                let client = CurlClient()
                let inFlight = Task { try await client.execute(CurlRequest(url: server.url("/delay/5000"))) }
                try await Task.sleep(for: .milliseconds(300))

                let clock = ContinuousClock()
                let start = clock.now
                await client.shutdown()
                let result = await inFlight.result
                #expect(clock.now - start < .milliseconds(1000))
                #expect((result.failureValue as? CurlError)?.code == .shutdown)

                let later = await curlError(client, CurlRequest(url: server.url("/hello")))
                #expect(later?.code == .shutdown)

                // Idempotent, also when called concurrently.
                async let first: Void = client.shutdown()
                async let second: Void = client.shutdown()
                _ = await (first, second)
            }
        }

        @Test func clientDroppedWithoutShutdownStopsItsThread() async throws {
            try await withTestServer { server in
                var client: CurlClient? = CurlClient()
                let response = try await client?.execute(CurlRequest(url: server.url("/hello")))
                #expect(response?.status == 200)
                client = nil
                // Nothing to await: this must simply not crash or hang the process.
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
