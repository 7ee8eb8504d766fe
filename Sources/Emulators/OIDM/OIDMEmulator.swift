import EdgeRuntime
import Foundation
import Hummingbird
import JOSE
import Logging

/// Answers the OIDM token-validation call the way Oracle Access Manager does: 200 with the
/// token's claims for a token that verifies against the JWKS, has not expired and was not
/// revoked; 400 with `{errorCode, errorDesc}` otherwise.
public struct OIDMEmulator: HTTPRole {
    public let configuration: OIDMEmulatorConfiguration
    public let logger: Logger
    private let keys: EmulatorKeys
    private let state: OIDMEmulatorState
    /// The client-credentials grant, when `clients` are configured.
    private let grant: ClientCredentialsGrant?
    /// The authorization-code grant and its login form, when `users` are configured.
    private let codeGrant: AuthorizationCodeGrant?
    private let metrics: MetricsRegistry

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(configuration: OIDMEmulatorConfiguration, metrics: MetricsRegistry = MetricsRegistry(), logger: Logger = Logger(label: "oms.emulate.oidm")) throws(LoadError) {
        self.logger = logger
        self.configuration = configuration
        self.keys = try EmulatorKeys(file: configuration.jwksFile)
        self.state = OIDMEmulatorState(delayMs: configuration.delayMs)
        self.grant = try configuration.signing.map { (signing) throws(LoadError) in try ClientCredentialsGrant(clients: configuration.clients, issuer: signing) }
        self.codeGrant = configuration.users.isEmpty ? nil : grant.map { AuthorizationCodeGrant(tokens: $0, users: configuration.users, authorizePath: configuration.authorizePath) }
        self.metrics = metrics
    }

    /// The Hummingbird application; `onListening` receives the bound port.
    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router.edge(metrics: metrics) { Readiness(ready: true, checks: ["jwks": "ok"]) }
        metrics.describe("oms_oidm_emulator_validations_total", "Token validations the OIDM emulator answered.")
        let validations = metrics.counter("oms_oidm_emulator_validations_total")
        let handler = ValidationHandler(keys: keys, state: state, identityDomain: configuration.identityDomain, validations: validations)
        router.get(RouterPath(configuration.path)) { request, _ in
            await handler.answer(token: request.uri.queryParameters["access_token"].map(String.init), request: request)
        }
        router.post(RouterPath(configuration.path)) { request, context in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let form = FormFields.parse(String(buffer: body))
            // A grant request asks for a token; anything else asks whether one is valid.
            if form["grant_type"] == "authorization_code" {
                guard let codeGrant else { return ClientCredentialsGrant.error(.badRequest, "unsupported_grant_type", "no users are configured") }
                return codeGrant.exchange(form: form, request: request)
            }
            if form["grant_type"] != nil {
                guard let grant else { return ClientCredentialsGrant.error(.badRequest, "unsupported_grant_type", "no clients are configured") }
                return grant.answer(form: form, request: request)
            }
            return await handler.answer(token: form["token"] ?? form["access_token"], request: request)
        }
        if let codeGrant {
            router.get(RouterPath(configuration.authorizePath)) { request, _ in
                codeGrant.showForm(FormFields.parse(request.uri.query ?? ""))
            }
            router.post(RouterPath(configuration.authorizePath)) { request, _ in
                let body = try await request.body.collect(upTo: 64 * 1024)
                return codeGrant.signIn(FormFields.parse(String(buffer: body)))
            }
        }
        AdminRoutes(state: state).add(to: router)
        // The public keys, read from the file on every call, so a test or a demo can rotate
        // keys by rewriting the file (OAM publishes its JWKS in the same way).
        let jwksFile = configuration.jwksFile
        router.get("/jwks") { _, _ in
            guard let data = FileManager.default.contents(atPath: jwksFile) else {
                return ValidationHandler.json(.internalServerError, ["error": "JWKS file unreadable"])
            }
            return Response.json(.ok, bytes: Array(data))
        }
        return router.application(server: configuration.server, logger: logger, onListening: onListening)
    }
}
