import Redis
import TLS
import Foundation

/// A throwaway redis-server on a free loopback port for tests: nothing is saved, so a
/// restart comes back empty, unless it is `persistent` (an append-only file written on every
/// command), when a restart comes back with the data it had. Stopped (and reaped) by `stop()`
/// or when released.
///
/// Manages its own `Process` rather than a `TestProcess`: `pause()`/`resume()` need the
/// process itself, which `TestProcess` keeps private.
public final class RedisServer: @unchecked Sendable {
    // @unchecked: the mutable state is only touched by the test that owns this object.
    public let port: Int
    private let executable: String
    private let folder: URL
    private var process: SpawnedProcess?
    private var paused = false
    private let persistent: Bool
    /// TLS only (no plain port) with the test CA's server certificate.
    public let pki: TestPKI?
    /// The password of the ACL user `oms`; the default user is off.
    public let password: String?
    private var clientCertificates = false

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts redis-server and waits until it accepts connections.
    /// `tls`: a TLS port only, as Azure Cache for Redis serves by default. `password`: the
    /// ACL user `oms` with it, and no default user.
    /// `clientCertificates`: with `tls`, every client must present a certificate of the test CA.
    public static func start(persistent: Bool = false, tls pki: TestPKI? = nil, password: String? = nil, clientCertificates: Bool = false) async throws -> RedisServer {
        guard let executable = locate() else {
            throw Failure(description: "redis-server not found: run scripts/install-deps.sh (or set OMS_REDIS_SERVER)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = RedisServer(executable: executable, folder: folder, port: Loopback.freePort(), persistent: persistent, pki: pki, password: password)
        server.clientCertificates = clientCertificates
        try await server.launch()
        return server
    }

    private init(executable: String, folder: URL, port: Int, persistent: Bool, pki: TestPKI?, password: String?) {
        self.executable = executable
        self.folder = folder
        self.port = port
        self.persistent = persistent
        self.pki = pki
        self.password = password
    }

    /// How a client reaches this server: `rediss://` with the test CA when it has TLS, and
    /// the user `oms` when it has a password.
    public var endpoint: RedisEndpoint {
        RedisEndpoint(
            host: "127.0.0.1", port: port,
            tls: pki.map { TLSSettings(caFile: $0.caFile) },
            credentials: password.map { RedisCredentials(username: "oms", password: $0) }
        )
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(at: self.folder)
    }

    private static func locate() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["OMS_REDIS_SERVER"] {
            return FileManager.default.isExecutableFile(atPath: configured) ? configured : nil
        }
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/usr/sbin"]
        return folders.map { "\($0)/redis-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private var logFile: URL { self.folder.appendingPathComponent("redis.log") }

    private func launch() async throws {
        var listen = ["--port", String(self.port)]
        if let pki = self.pki {
            listen = [
                "--port", "0", "--tls-port", String(self.port), "--tls-cert-file", pki.serverCert, "--tls-key-file", pki.serverKey,
                "--tls-ca-cert-file", pki.caFile, "--tls-auth-clients", self.clientCertificates ? "yes" : "no",
            ]
        }
        if let password = self.password {
            listen += ["--user", "default", "off", "--user", "oms", "on", ">\(password)", "~*", "&*", "+@all"]
        }
        let arguments = listen + [
            "--bind", "127.0.0.1", "--save", "", "--dir", self.folder.path, "--daemonize", "no", "--loglevel", "verbose",
        ] + (self.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"])
        self.process = try SpawnedProcess([self.executable] + arguments, output: self.logFile.path, append: true)
        self.paused = false
        guard await Loopback.waitUntilListening(self.port) else {
            self.stop()
            throw Failure(description: "redis-server did not start on port \(self.port): \(self.log)")
        }
    }

    /// SIGKILL and wait, like a crash. Not SIGTERM: a child spawned from a Swift concurrency
    /// thread inherits that thread's signal mask, where SIGTERM is blocked, so redis-server
    /// would never see it. SIGKILL cannot be blocked and works on a paused server too.
    public func stop() {
        guard let process = self.process else { return }
        self.process = nil
        self.paused = false
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stops and starts again on the same port: empty, or with its data when persistent.
    public func restart() async throws {
        self.stop()
        try await self.launch()
    }

    /// SIGSTOP: the kernel still accepts connections and buffers requests, but nothing
    /// answers, like a hung server.
    public func pause() {
        guard let process = self.process, !self.paused else { return }
        kill(process.processIdentifier, SIGSTOP)
        self.paused = true
    }

    /// SIGCONT.
    public func resume() {
        guard let process = self.process, self.paused else { return }
        kill(process.processIdentifier, SIGCONT)
        self.paused = false
    }

    public var isRunning: Bool { self.process?.isRunning ?? false }

    public var log: String { (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? "" }
}
