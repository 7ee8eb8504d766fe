import Redis
import TestSupport

/// A fresh redis-server per test, and clients that are always shut down.
enum RedisFixture {
    static func endpoint(_ server: RedisServer, database: Int = 0) -> RedisEndpoint {
        RedisEndpoint(host: "127.0.0.1", port: server.port, database: database)
    }

    static func withServer(_ body: (RedisServer) async throws -> Void) async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        try await body(server)
    }

    static func withClient(
        _ endpoint: RedisEndpoint,
        timeout: Duration = .seconds(2),
        connections: Int = 4,
        _ body: (RedisClient) async throws -> Void
    ) async throws {
        let client = RedisClient(endpoint: endpoint, timeout: timeout, connections: connections)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// Polls `condition` until it holds or `timeout` passes; true when it held.
    static func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Runs `body` and returns what it threw (nil when it did not throw) and how long it took.
    static func failure(
        _ body: () async throws(RedisError) -> some Any
    ) async -> (error: RedisError?, elapsed: Duration) {
        let start = ContinuousClock.now
        do throws(RedisError) {
            _ = try await body()
            return (nil, ContinuousClock.now - start)
        } catch {
            return (error, ContinuousClock.now - start)
        }
    }
}
