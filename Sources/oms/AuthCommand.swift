import ArgumentParser
import AuthService
import EdgeRuntime

struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Run the auth_request decision service (GET /auth → 200, 401 or 403).",
        discussion: """
            nginx calls GET /auth on every request with the client's Authorization header, \
            X-Original-URI (or X-Original-URL, as ingress-nginx sends it: server.path_header \
            names the one read) and X-Original-Method. The token must pass both the OIDM token \
            endpoint and the local checks (signature against the JWKS, alg allowlist, exp/nbf/iat, \
            iss, aud, domain, scopes for the route). Also serves /healthz, /readyz and /metrics.
            Browser sign-in (with oidc.*): /oauth2/start, /oauth2/callback and /oauth2/sign_out make             oms auth the browser's OpenID Connect relying party (code flow, PKCE S256); the sealed             session cookie stands in for a bearer token on routes marked browser: true.
            Keys: server.host, server.port (8081), server.threads, server.idle_timeout_s, \
            server.header_timeout_ms, server.max_connections, server.path_header, oidm.url, oidm.method (get|post), \
            oidm.identity_domain, oidm.timeout_ms, oidm.cache_ttl_s, oidm.negative_cache_ttl_s, \
            oidm.breaker.failures, oidm.breaker.open_s, jwks.file | jwks.url, \
            jwks.min_refresh_interval_s, token.algorithms, token.issuers, token.audiences, \
            token.leeway_s, token.domain_claim, token.allowed_domains, token.scope_claim, \
            token.required_scopes, token.max_bytes, routes[{prefix, methods, scopes, browser}], \
            cache.max_entries, cache.max_bytes, oidc.authorize_url, oidc.token_url, oidc.client_id, \
            oidc.client_secret(_file), oidc.redirect_url, oidc.scopes, oidc.issuer, oidc.home, \
            oidc.timeout_ms, oidc.tls.*, session.key_file, session.ttl_s (28800), log.level.
            TLS: oidm.tls.* and jwks.tls.* (ca_file, cert_file, key_file, server_name; \
            verification always on, TLS 1.2 at least; insecure_skip_verify for local tests only, \
            warned about at every start). A TLS failure toward OIDM fails closed like any OIDM fault.
            """
    )

    @OptionGroup var options: RoleOptions

    func run() async throws {
        try await options.run("oms.auth", configure: AuthConfiguration.init(reader:)) { configuration, logger in
            let role = AuthRole(configuration: configuration, logger: logger)
            // Started before the service group runs, so that a failure is one line and exit 2.
            do {
                try await role.start()
            } catch {
                RoleStartup.fail("cannot start: \(error)")
            }
            return role
        }
    }
}
