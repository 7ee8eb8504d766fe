import Hummingbird
import Logging
import ServiceLifecycle

/// What every Hummingbird role is when it runs: one service that serves the role's
/// application, runs the services that work beside it (the core's jobs and outbox relay), and
/// closes what the role owns (database pools, Redis, curl) once they have all ended, however
/// they ended. `oms <role>` runs it until SIGTERM or SIGINT; tests serve `application` alone.
public protocol HTTPRole: Service, CustomStringConvertible {
    associatedtype App: ApplicationProtocol
    /// The role's logger: the server's and its companions'.
    var logger: Logger { get }
    /// The application on the role's pipeline (`Router.edge`); `onListening` receives the port.
    func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void) -> App
    /// Services run beside the server, shut down with it.
    var companions: [any Service] { get }
    /// Closes what the role owns; called once, after the server and its companions ended.
    func shutdown() async
}

extension HTTPRole {
    public var companions: [any Service] { [] }

    /// The role's type name: service groups log their services' descriptions, and the
    /// default one would print the configuration, secrets included.
    public var description: String { String(describing: Self.self) }

    public func shutdown() async {}

    public func run() async throws {
        try await serve(onListening: { _ in })
    }

    /// `run()`, telling `onListening` the port once the server listens.
    public func serve(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let services: [any Service] = [application(logger: logger, onListening: onListening)] + companions
        do {
            // A group of its own: a graceful shutdown of the group this role runs in reaches it.
            let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
            try await group.run()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// This role as a service that tells `onListening` its port (`oms dev` waits for them all).
    public func service(onListening: @escaping @Sendable (Int) async -> Void) -> some Service {
        ListeningRole(role: self, onListening: onListening)
    }
}

private struct ListeningRole<Role: HTTPRole>: Service, CustomStringConvertible {
    let role: Role
    var description: String { role.description }
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        try await role.serve(onListening: onListening)
    }
}
