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
        configure: (inout CacheSettings) -> Void = { _ in }
    ) async throws -> RefDataStack {
        var server = other?.redis
        if other == nil, redis { server = try await RedisServer.start(persistent: persistentRedis) }
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
            redis: server.map { RedisEndpoint(host: "127.0.0.1", port: $0.port) }, cache: cache
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

    struct Answer {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: JSONValue?
        let text: String

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        var version: Int64? { body?["version"]?.numberValue.map { Int64($0) } }
    }

    func call(_ method: String, _ path: String, json: String? = nil, headers: [(name: String, value: String)] = []) async throws -> Answer {
        let response = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(port)\(path)", method: method,
            headers: (json == nil ? [] : [("Content-Type", "application/json")]) + headers,
            body: json.map { Array($0.utf8) }, timeout: .seconds(15)
        ))
        return Answer(status: response.status, headers: response.headers, body: try? StrictJSON.parse(response.body), text: String(decoding: response.body, as: UTF8.self))
    }

    /// One counter from `/metrics` (0 when absent).
    func metric(_ line: String) async throws -> Double {
        let text = try await call("GET", "/metrics").text
        for row in text.split(separator: "\n") where row.hasPrefix(line + " ") {
            return Double(row.dropFirst(line.count + 1)) ?? 0
        }
        return 0
    }
}
