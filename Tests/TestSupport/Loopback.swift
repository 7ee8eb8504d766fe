import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Plain sockets on 127.0.0.1 for tests: free ports, waiting for a listener, raw exchanges.
public enum Loopback {
    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A connected TCP socket, or nil when nothing listens.
    static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return fd }
        close(fd)
        return nil
    }

    /// A port that was free a moment ago, never handed out before in this process.
    public static func freePort() -> Int {
        freePorts(1)[0]
    }

    /// `count` ports that were free a moment ago, all different, and never handed out before
    /// in this process. They come from below the kernel's ephemeral range (32768 and up on
    /// Linux), which is where a port number that is held without a socket gets taken from
    /// under a test: by another test's server bound to port 0, or by an outgoing connection's
    /// local port. The tests share one process, so a set of the ports handed out keeps two
    /// tests from being given the same one.
    public static func freePorts(_ count: Int) -> [Int] {
        var ports: [Int] = []
        while ports.count < count {
            let candidate = Int.random(in: portRange)
            guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
            if isBindable(candidate) { ports.append(candidate) }
        }
        return ports
    }

    static let portRange = 20_000...32_000
    private static let handedOut = Mutex<Set<Int>>([])

    private static func isBindable(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = address(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port held by a socket that is bound but not listening: connections to it are
    /// refused (a server that is down), and nothing else can take it until `release()`. A
    /// port number alone, free a moment ago, may meanwhile be taken by another test's server,
    /// which then answers in the down one's place.
    public final class ReservedPort: @unchecked Sendable {
        // @unchecked: the descriptor is closed once, by the test that owns the reservation.
        public let port: Int
        private var descriptor: Int32

        public init() {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Loopback.address(port: 0)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            descriptor = fd
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        /// Frees the port for the server that is to come up on it.
        public func release() {
            if descriptor >= 0 {
                close(descriptor)
                descriptor = -1
            }
        }

        deinit { release() }
    }

    /// Waits until something accepts connections on `port`.
    public static func waitUntilListening(_ port: Int, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let fd = connect(port: port) {
                close(fd)
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

extension Loopback {
    /// Runs a server in a task and returns the port it reports once listening (0 when it
    /// stopped before that). `run` gets the callback to report the port with.
    public static func serve(
        _ run: @escaping @Sendable (_ listening: @escaping @Sendable (Int) -> Void) async throws -> Void
    ) async -> (port: Int, task: Task<Void, any Error>) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { continuation.finish() }
            try await run { continuation.yield($0) }
        }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        return (port, task)
    }
}

extension Loopback {
    /// Runs a server (a Hummingbird application, any `Service`) and returns the port it reports
    /// once listening, and the task running it. Cancelling that task shuts the server down
    /// *gracefully*: cancelling a NIO server outright can drop a connection it has just
    /// accepted without closing it, which traps ("Deinited NIOAsyncWriter without calling
    /// finish()", apple/swift-nio#2637).
    public static func serve(
        service make: @escaping @Sendable (_ listening: @escaping @Sendable (Int) -> Void) -> any Service
    ) async -> (port: Int, task: Task<Void, any Error>) {
        await serve { listening in
            var configuration = ServiceGroupConfiguration(services: [make(listening)], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            // Long enough to serve what was accepted; then idle keep-alive connections (which a
            // graceful shutdown would wait for) are cut.
            configuration.maximumGracefulShutdownDuration = .milliseconds(300)
            let group = ServiceGroup(configuration: configuration)
            // Not a child task: the outer task's cancellation must not cancel the group.
            let running = Task { try await group.run() }
            try await withTaskCancellationHandler {
                try await running.value
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
        }
    }
}

