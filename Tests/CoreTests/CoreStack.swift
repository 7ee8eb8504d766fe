import Access
import Core
import Curl
import Database
import EdgeRuntime
import Foundation
import JSON
import Logging
import TestSupport
import Synchronization
import Testing

extension TestDatabase: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}

/// The core over real HTTP on a fresh database of either backend.
final class CoreStack: Sendable {
    let role: CoreRole
    let port: Int
    let http = CurlClient()
    private let task: Task<Void, any Error>

    static let quiet = ProcessInfo.processInfo.environment["OMS_TEST_LOG"] != nil ? Logger(label: "test") : Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private init(role: CoreRole, port: Int, task: Task<Void, any Error>) {
        self.role = role
        self.port = port
        self.task = task
    }

    /// `database`: share another stack's database (a second worker); `jobs`: the jobs'
    /// settings, when the test runs them (`runJobs()`); `outbox`: where the relay publishes
    /// (`runRelay()`).
    static func start(
        _ backend: TestDatabase = .sqlite, database: DatabaseURL? = nil, jobs: JobSettings = JobSettings(), outbox: OutboxSettings = OutboxSettings(), logger: Logger = quiet,
        access: AccessConfiguration = .unchecked(CoreConfiguration.accessEndpoints)
    ) async throws -> CoreStack {
        var url = database
        if url == nil { url = try DatabaseURL(parsing: try await backend.freshURL()) }
        var configuration = CoreConfiguration(server: ServerSettings(host: "127.0.0.1", port: 0), database: url!, access: access)
        configuration.jobs = jobs
        configuration.outbox = outbox
        let role = try await CoreRole.start(configuration: configuration, logger: logger)
        let (port, task) = await Loopback.serve(service: { listening in
            role.application(logger: logger) { listening($0) }
        })
        return CoreStack(role: role, port: port, task: task)
    }

    private let services = Mutex<[Task<Void, Never>]>([])

    /// Starts the scheduled jobs (stopped by `stop()`).
    func runJobs() {
        let jobs = role.jobs
        services.withLock { $0.append(Task { try? await jobs.run() }) }
    }

    /// Starts the outbox relay (stopped by `stop()`); the stack must have been given brokers.
    func runRelay() {
        guard let relay = role.relay else { preconditionFailure("runRelay() on a stack without kafka brokers") }
        services.withLock { $0.append(Task { try? await relay.run() }) }
    }

    var database: DatabaseURL { role.configuration.database }

    /// `/readyz`'s check `name`, polled until it contains `text` (or `timeout` passes).
    func readinessCheck(_ name: String, until text: String, timeout: Duration = .seconds(10)) async throws -> String {
        var check = ""
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            check = try await call("GET", "/readyz").body?["checks"]?[name]?.stringValue ?? ""
            if check.contains(text) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return check
    }

    /// Polls until the request has a final status (or `timeout` passes); the last answer.
    func waitForFinal(_ id: String, timeout: Duration = .seconds(15)) async throws -> Answer {
        let deadline = ContinuousClock.now + timeout
        var answer = try await call("GET", "/v1/requests/\(id)")
        while ContinuousClock.now < deadline {
            if let status = answer.body?["status"]?.stringValue, ["COMPLETED", "REJECTED", "FAILED"].contains(status) { return answer }
            try await Task.sleep(for: .milliseconds(50))
            answer = try await call("GET", "/v1/requests/\(id)")
        }
        return answer
    }

    func stop() async {
        for service in services.withLock({ $0 }) {
            service.cancel()
            await service.value
        }
        task.cancel()
        await role.shutdown()
        await http.shutdown()
    }

    typealias Answer = JSONAnswer

    func call(_ method: String, _ path: String, json: String? = nil, headers: [(name: String, value: String)] = []) async throws -> Answer {
        try await http.call(port: port, method, path, json: json, headers: headers)
    }

    /// One sample of `/metrics` (0 when absent).
    func metric(_ sample: String) async throws -> Double {
        PrometheusText.value(sample, in: try await call("GET", "/metrics").text)
    }

    func submit(_ json: String, key: String) async throws -> Answer {
        try await call("POST", "/v1/requests", json: json, headers: [("Idempotency-Key", key)])
    }
}
