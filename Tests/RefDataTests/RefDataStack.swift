import Access
import Curl
import Database
import EdgeRuntime
import Foundation
import Hummingbird
import JSON
import Logging
import RefData
import Redis
import TestSupport

/// `oms refdata` over real HTTP, on a fresh database of either backend, with (or without) a
/// real redis-server of its own.
final class RefDataStack: Sendable {
    let role: RefDataRole
    let redis: RedisServer?
    let database: DatabaseURL
    let port: Int
    let http = CurlClient()
    private let task: Task<Void, any Error>
    private let ownsRedis: Bool

    private init(role: RefDataRole, redis: RedisServer?, ownsRedis: Bool, database: DatabaseURL, port: Int, task: Task<Void, any Error>) {
        self.role = role
        self.redis = redis
        self.ownsRedis = ownsRedis
        self.database = database
        self.port = port
        self.task = task
    }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// `sharing`: a second instance on the same database and Redis.
    static func start(
        _ backend: StoreBackend = .sqlite, redis: Bool = true, persistentRedis: Bool = false, near: Bool = false, sharing other: RefDataStack? = nil,
        redisTLS pki: TestPKI? = nil, redisPassword: String? = nil,
        configure: (inout CacheSettings) -> Void = { _ in },
        endpoint adjust: (inout RedisEndpoint) -> Void = { _ in },
        access: AccessConfiguration = .unchecked(RefDataConfiguration.accessEndpoints)
    ) async throws -> RefDataStack {
        var server = other?.redis
        if other == nil, redis { server = try await RedisServer.start(persistent: persistentRedis, tls: pki, password: redisPassword) }
        var cache = CacheSettings()
        cache.near = near
        // Generous for a loaded test machine; the failure tests set their own.
        cache.redisTimeout = .milliseconds(500)
        cache.breakerOpenFor = .milliseconds(200)
        configure(&cache)
        var database: DatabaseURL
        if let other { database = other.database } else { database = try await backend.makeDatabaseURL() }
        let configuration = RefDataConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0), database: database,
            redis: server.map { server in
                var endpoint = server.endpoint
                adjust(&endpoint)
                return endpoint
            }, cache: cache, access: access
        )
        let role = try await RefDataRole.start(configuration: configuration, logger: quiet)
        let (port, task) = await Loopback.serve(service: { listening in
            role.application(logger: quiet) { listening($0) }
        })
        return RefDataStack(role: role, redis: server, ownsRedis: other == nil, database: database, port: port, task: task)
    }

    func stop() async {
        task.cancel()
        await role.shutdown()
        await http.shutdown()
        if ownsRedis { redis?.stop() }
    }

    typealias Answer = JSONAnswer

    func call(_ method: String, _ path: String, json: String? = nil, headers: [(name: String, value: String)] = []) async throws -> Answer {
        try await http.call(port: port, method, path, json: json, headers: headers)
    }

    /// The `n` member of an item's value, read until it is `expected` (or `timeout` passes):
    /// for a write another instance made, which reaches this one's near cache a moment later.
    func eventuallyReads(_ path: String, n expected: JSONValue, timeout: Duration = .seconds(2)) async throws -> JSONValue? {
        let deadline = ContinuousClock.now + timeout
        var seen: JSONValue?
        while ContinuousClock.now < deadline {
            seen = try await call("GET", path).body?["value"]?["n"]
            if seen == expected { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return seen
    }

    /// One counter from `/metrics` (0 when absent).
    func metric(_ line: String) async throws -> Double {
        PrometheusText.value(line, in: try await call("GET", "/metrics").text)
    }
}

extension JSONAnswer {
    /// The item's `version`, for refdata answers.
    var version: Int64? { body?["version"]?.numberValue.map { Int64($0) } }
}

