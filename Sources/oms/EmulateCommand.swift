import ArgumentParser
import EdgeRuntime
import Emulators
import Hummingbird

struct EmulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Run an emulator of a system OMS talks to (for development, tests and demos).",
        subcommands: [OIDMCommand.self, ThunderheadCommand.self]
    )
}

struct OIDMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidm",
        abstract: "Emulate the OIDM (Oracle Access Manager) token-validation endpoint.",
        discussion: """
            GET <path>?access_token=… or POST <path> with the form field token=… answers 200 with \
            the token's claims when it verifies against the JWKS, has not expired and was not \
            revoked, else 400 {errorCode, errorDesc}. Admin: POST /admin/revoke {"token":…}, \
            POST /admin/delay {"ms":N}, POST /admin/outage {"status":503|null}, GET /admin/stats.
            Keys: server.host, server.port (9001), jwks.file, path, identity_domain, delay_ms. \
            Client credentials (RFC 6749 §4.4) on the same path, POST grant_type=client_credentials \
            with HTTP Basic or client_id/client_secret: clients[] (id, secret(_file), scopes), \
            signing.key_file, signing.alg (ES256), signing.kid, signing.issuer, signing.domain, signing.audience (oms), \
            signing.ttl_s (300). Browser sign-in: GET/POST authorize_path (/oauth2/rest/authorize) \
            shows a login form for users[] (username, password(_file), scopes) and sends the \
            browser back to a client's redirect_uris with a code (PKCE S256 required), which \
            POST path with grant_type=authorization_code exchanges for an access and an ID token.
            """
    )

    @OptionGroup var options: RoleOptions
    @Option(name: .long, help: "Port to listen on (overrides server.port).")
    var port: Int?
    @Option(name: .long, help: "JWKS file of the keys whose tokens are valid (overrides jwks.file).")
    var jwks: String?
    @Option(name: .customLong("delay-ms"), help: "Artificial delay before each answer (overrides delay_ms).")
    var delayMs: Int?

    func run() async throws {
        try await options.run("oms.emulate.oidm") { (reader) throws(ConfigError) in
            var configuration = try OIDMEmulatorConfiguration(reader: reader)
            if let port { configuration.server.port = port }
            if let jwks { configuration.jwksFile = jwks }
            if let delayMs { configuration.delayMs = delayMs }
            try configuration.validate()
            return configuration
        } start: { configuration, logger in
            try OIDMEmulator(configuration: configuration, logger: logger)
        }
    }
}
