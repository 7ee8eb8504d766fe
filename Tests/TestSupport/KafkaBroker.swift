import Foundation
import Kafka
import Logging

/// A throwaway Kafka-compatible broker (tansu, in-memory storage) on a free loopback port. A
/// restart comes back on the same port with nothing in it, like a cluster rebuilt from scratch;
/// create the topics again after it. Stopped (and reaped) by `stop()` or when released.
public final class KafkaBroker: @unchecked Sendable {
    // @unchecked: the mutable state is only touched by the test that owns this object.
    public let port: Int
    private let executable: String
    private let folder: URL
    private var process: SpawnedProcess?

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The port clients are told to come back to: a TLS front's, when one relays to this broker.
    public let advertisedPort: Int
    public var brokers: [String] { ["127.0.0.1:\(advertisedPort)"] }
    private var url: String { "tcp://127.0.0.1:\(port)" }

    /// Starts tansu and waits until it accepts connections. Fails with a clear message when the
    /// broker is not installed or the loaded librdkafka is too old to talk to it.
    /// `advertisedPort`: where clients reach the broker (a TLS front); its own port by default.
    /// `authentication`: the broker asks every client for SCRAM (tansu 0.6 stores no SCRAM
    /// credentials, so every login fails: for tests of a refused login).
    public static func start(advertisedPort: Int? = nil, authentication: Bool = false) async throws -> KafkaBroker {
        guard let executable = locate() else {
            throw Failure(description: "tansu not found: run scripts/install-deps.sh (or set OMS_TANSU)")
        }
        let (major, minor) = KafkaLibrary.majorMinor
        guard major > 2 || (major == 2 && minor >= 1) else {
            throw Failure(description: "librdkafka \(KafkaLibrary.version) is loaded, which cannot talk to tansu: run the tests through scripts/test.sh, or with LD_LIBRARY_PATH=.tools/kafka/lib")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kafka-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let port = Loopback.freePort()
        let broker = KafkaBroker(executable: executable, folder: folder, port: port, advertisedPort: advertisedPort ?? port, authentication: authentication)
        try await broker.launch()
        return broker
    }

    private let authentication: Bool

    private init(executable: String, folder: URL, port: Int, advertisedPort: Int, authentication: Bool) {
        self.authentication = authentication
        self.executable = executable
        self.folder = folder
        self.port = port
        self.advertisedPort = advertisedPort
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    private static func locate() -> String? {
        if let configured = ProcessInfo.processInfo.environment["OMS_TANSU"] {
            return FileManager.default.isExecutableFile(atPath: configured) ? configured : nil
        }
        let candidate = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.tools/kafka/tansu").standardized.path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    private var logFile: URL { folder.appendingPathComponent("tansu.log") }

    private func launch() async throws {
        let process = try SpawnedProcess([
            executable, "broker", "--listener-url", url, "--advertised-listener-url", "tcp://127.0.0.1:\(advertisedPort)",
            "--storage-engine", "memory://tansu/",
        ] + (authentication ? ["--authentication"] : []), output: logFile.path, append: true)
        self.process = process
        // Listening alone could be another process that took the port while the broker was
        // down: the broker must also still be running a moment later.
        let listening = await Loopback.waitUntilListening(port)
        try await Task.sleep(for: .milliseconds(200))
        guard listening, process.isRunning else {
            stop()
            throw Failure(description: "tansu did not start on port \(port): \(log.suffix(2000))")
        }
    }

    /// Creates `name` with `partitions` partitions (producing to an unknown topic would create
    /// one with tansu's default of 4).
    /// Creates `name`; with `orFind`, a topic that already exists is fine too (a client that
    /// asked the broker for its metadata may have had it created first).
    public func createTopic(_ name: String, partitions: Int = 1, orFind: Bool = false) throws {
        let output = folder.appendingPathComponent("topic-\(name).log").path
        let status = try ChildProcess.run([executable, "topic", "create", name, "--broker", url, "--partitions", String(partitions)], output: output)
        if status != 0, orFind, ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("already exists") { return }
        guard status == 0 else {
            throw Failure(description: "creating topic \(name) failed (\(status)): \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        }
    }

    /// A reader of every partition of `topic` from its beginning.
    public func reader(topic: String, partitions: Int32 = 1, extra: KafkaProperties = KafkaProperties()) throws -> KafkaConsumer {
        try KafkaConsumer(brokers: brokers, topic: topic, partitions: partitions, extra: extra, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Every record of `topic` that arrives until none has come for `quiet` (or `limit`
    /// passes), read on a thread of its own: the reader blocks while it polls.
    public func read(topic: String, partitions: Int32 = 1, extra: KafkaProperties = KafkaProperties(), quiet: Duration = .seconds(2), limit: Duration = .seconds(30)) async throws -> [KafkaRecord] {
        let reader = try reader(topic: topic, partitions: partitions, extra: extra)
        return try await OffPool.run { reader.drain(quiet: quiet, limit: limit) }
    }

    /// SIGKILL and wait, like a crash (SIGTERM may be blocked in a child of a Swift concurrency thread).
    public func stop() {
        guard let process else { return }
        self.process = nil
        if process.isRunning {
            kill(process.processIdentifier, SIGCONT)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// SIGSTOP: the kernel still accepts connections and buffers requests, but nothing
    /// answers, like a hung broker or a partition.
    public func pause() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGSTOP)
    }

    /// SIGCONT: the broker answers again, with everything it had.
    public func resume() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGCONT)
    }

    /// Starts again on the same port, empty.
    public func restart() async throws {
        stop()
        try await launch()
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
}
