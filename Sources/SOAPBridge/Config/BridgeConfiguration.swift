import Access
import EdgeRuntime
import Foundation
import XML

/// Everything `oms soap-bridge` is configured with, validated once at start-up.
public struct BridgeConfiguration: Sendable {
    public var server: ServerSettings
    /// Largest JSON body a caller may send.
    public var maxBodyBytes: Int = 1 << 20
    /// The folder holding one `<service>/policy.yaml` per upstream service.
    public var policiesFolder: String = "sidecars"
    public var services: [String: UpstreamSettings]
    /// Limits for the upstream's XML.
    public var xmlLimits: XMLLimits
    /// Who may call each route (`access.*`; the routes' scopes come from their policies).
    public var access: AccessConfiguration

    public init(server: ServerSettings = .init(port: 8082), policiesFolder: String = "sidecars", services: [String: UpstreamSettings], xmlLimits: XMLLimits = .init(), access: AccessConfiguration) {
        self.server = server
        self.policiesFolder = policiesFolder
        self.services = services
        self.xmlLimits = xmlLimits
        self.access = access
    }

    /// The endpoints the access check knows: every policy route by name, with the scopes its
    /// policy states. Route names are unique across services, as `access.scopes.<route>` names them.
    public static func accessEndpoints(policiesFolder: String, services: [String]) throws(ConfigError) -> [String: [String]] {
        var endpoints: [String: [String]] = [:]
        for service in services.sorted() {
            for route in try PolicyLoader.load(service: service, folder: policiesFolder).routes {
                guard endpoints[route.name] == nil else {
                    throw ConfigError(key: "\(policiesFolder)/\(service)/\(PolicyLoader.fileName): routes.name", "\(route.name) names a route of another policy too")
                }
                endpoints[route.name] = route.scopes
            }
        }
        return endpoints
    }

    /// The services are those with a policy folder; each needs `services.<name>.url`.
    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 8082)
        maxBodyBytes = try reader.int("server.max_body_bytes", default: maxBodyBytes, in: 1024...(64 << 20))
        policiesFolder = try reader.nonEmptyString("policies") ?? policiesFolder
        var services: [String: UpstreamSettings] = [:]
        for name in try PolicyLoader.serviceNames(in: policiesFolder) {
            services[name] = try UpstreamSettings(reader: reader, service: name)
        }
        self.services = services
        xmlLimits = XMLLimits(
            maxDepth: try reader.int("xml.max_depth", default: 64, in: 4...256),
            maxBytes: try reader.int("xml.max_bytes", default: 10 << 20, in: 1024...(100 << 20))
        )
        access = try AccessConfiguration(reader: reader, endpoints: try Self.accessEndpoints(policiesFolder: policiesFolder, services: Array(services.keys)))
    }
}
