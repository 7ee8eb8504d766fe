import ArgumentParser
import EdgeRuntime
import Hummingbird
import SOAPBridge

struct SOAPBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soap-bridge",
        abstract: "Serve SOAP services (Thunderhead's JobAPI) as REST/JSON, from the policies in sidecars/.",
        discussion: """
            Each <policies>/<service>/policy.yaml declares REST routes, the SOAP operation and \
            SOAPAction of each, and how JSON maps to the operation's XML and back (the Oracle \
            API Gateway convention where a route gives no explicit mapping). Upstream XML is \
            parsed hardened: no DTD, no entities, no network, bounded size and depth.
            Keys: server.host, server.port (8082), server.max_body_bytes, policies (sidecars), \
            services.<name>.url, .auth (username_token|basic|none), .username, .password (or \
            .password_file, read at start-up), .timeout_ms, .soap_version ("1.1"|"1.2"), \
            .tls.ca_file, .tls.cert_file, .tls.key_file, .tls.server_name (verification always on; \
            .tls.insecure_skip_verify for local tests only), xml.max_depth (64), \
            xml.max_bytes (10 MiB), log.level.
            Every caller needs a bearer token (access.*, required): access.jwks.file|url and \
            access.token.issuers|audiences|allowed_domains as oms auth's; each route needs the \
            scopes its policy states (scopes:), access.scopes.<route name> overrides them; \
            access.mode: none answers anyone (local tests only). /healthz, /readyz and /metrics stay open.
            """
    )

    @OptionGroup var options: RoleOptions

    func run() async throws {
        try await options.run("oms.soap-bridge", configure: BridgeConfiguration.init(reader:)) { configuration, logger in
            try await SOAPBridgeRole.start(configuration: configuration, logger: logger)
        }
    }
}
