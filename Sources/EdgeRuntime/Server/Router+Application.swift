import Hummingbird
import Logging

extension Router where Context.Source == ApplicationRequestContextSource {
    /// The role's Hummingbird application on `server`, reporting its port once listening (the
    /// real one when `server.port` is 0).
    public func application(server: ServerSettings, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        Application(
            router: self,
            configuration: .init(address: .hostname(server.host, port: server.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
