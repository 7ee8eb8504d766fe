import EdgeRuntime
import Glibc
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The lean SwiftNIO HTTP/1.1 server behind `/auth`: keep-alive, no router, responses from
/// prebuilt bytes. On shutdown it stops accepting and lets every connection finish the
/// request it is answering.
final class AuthHTTPServer: Sendable {
    private let settings: ServerSettings
    private let idleTimeout: TimeAmount
    private let requestTimeout: TimeAmount
    private let maxConnections: Int
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let endpoints: AuthEndpoints
    private let logger: Logger
    /// The last handler of every connection's pipeline: `AuthHTTPHandler`, or for the
    /// benchmark's ceiling one that answers 200 to everything.
    private let answering: @Sendable (AuthEndpoints, ConnectionTimersHandler) -> any ChannelHandler
    private let state = Mutex<(channel: (any Channel)?, children: [ObjectIdentifier: any Channel])>((nil, [:]))

    init(
        configuration: AuthConfiguration, endpoints: AuthEndpoints, logger: Logger,
        answering: @escaping @Sendable (AuthEndpoints, ConnectionTimersHandler) -> any ChannelHandler = { AuthHTTPHandler(endpoints: $0, timers: $1) }
    ) {
        self.answering = answering
        self.settings = configuration.server
        self.idleTimeout = .seconds(Int64(configuration.idleTimeoutSeconds))
        self.requestTimeout = .milliseconds(Int64(configuration.headerTimeoutMs))
        self.maxConnections = configuration.maxConnections
        let threads = configuration.threads
        if threads > 0 {
            self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
            self.ownsGroup = true
        } else {
            self.group = MultiThreadedEventLoopGroup.singleton
            self.ownsGroup = false
        }
        self.endpoints = endpoints
        self.logger = logger
    }

    /// Binds and returns the port (useful with port 0).
    @discardableResult
    func start() async throws -> Int {
        if let channel = state.withLock({ $0.channel }) { return channel.localAddress?.port ?? settings.port }
        let (endpoints, answering) = (self.endpoints, self.answering)
        let (idleTimeout, requestTimeout) = (self.idleTimeout, self.requestTimeout)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // What one connection can make the server hold before backpressure applies: one
            // read cycle, two reads of at most 8 KiB. Every request in them is decoded at
            // once: at most about a thousand of the smallest, a few hundred KiB. nginx sends
            // one request at a time (auth requests are well under 1 KiB), so this costs it
            // nothing.
            .childChannelOption(.maxMessagesPerRead, value: 2)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 8192))
            .childChannelInitializer { [weak self] channel in
                guard let self, self.admit(channel) else {
                    // Over server.max_connections: accepted only to be closed at once.
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    let timers = ConnectionTimersHandler(idle: idleTimeout, request: requestTimeout) {
                        endpoints.connections.requestTimedOut.increment()
                    }
                    try channel.pipeline.syncOperations.addHandler(timers)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try channel.pipeline.syncOperations.addHandler(answering(endpoints, timers))
                }
            }
            .bind(host: settings.host, port: settings.port)
            .get()
        state.withLock { $0.channel = channel }
        let port = channel.localAddress?.port ?? settings.port
        logger.info("listening", metadata: ["host": .string(settings.host), "port": .stringConvertible(port)])
        if let files = Self.openFileLimit(), files < maxConnections + 64 {
            // accept() fails with EMFILE before the cap is reached, and the cap does not help.
            logger.warning("server.max_connections is above what the open-file limit allows: raise the limit (ulimit -n) or lower server.max_connections", metadata: [
                "max_connections": .stringConvertible(maxConnections), "open_file_limit": .stringConvertible(files),
            ])
        }
        return port
    }

    /// The process's soft limit of open descriptors; nil when unlimited (RLIM_INFINITY) or unknown.
    private static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Tracks a new connection, or refuses it (counted) when `server.max_connections` are open.
    private func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let open = state.withLock { state -> Int? in
            guard state.children.count < maxConnections else { return nil }
            state.children[id] = channel
            return state.children.count
        }
        guard let open else {
            endpoints.connections.refused.increment()
            return false
        }
        endpoints.connections.open.record(open)
        channel.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            let open = self.state.withLock { state in
                state.children.removeValue(forKey: id)
                return state.children.count
            }
            self.endpoints.connections.open.record(open)
        }
        return true
    }

    /// Stops accepting, asks open connections to finish the request in hand, and waits (at
    /// most 10 s) for them to close. The event loops keep running until
    /// `shutdownEventLoops()`, so that answers still in flight can be delivered.
    func close() async {
        let (channel, children) = state.withLock { ($0.channel, Array($0.children.values)) }
        guard let channel else { return }
        try? await channel.close()
        for child in children {
            child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !state.withLock({ $0.children.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for child in state.withLock({ Array($0.children.values) }) { try? await child.close() }
        state.withLock { $0.channel = nil }
        logger.info("stopped accepting")
    }

    func shutdownEventLoops() async {
        if ownsGroup { try? await group.shutdownGracefully() }
    }
}
