import Curl
import EdgeRuntime
import Emulators
import Foundation
import Hummingbird
import JOSE
import JSON
import Logging
import TestSupport
import Testing
import TLS
@testable import AuthService

/// A real stack on loopback for integration tests: the OIDM emulator and `oms auth` in this
/// process on ephemeral ports, and optionally a real nginx with the shipped gateway config.
final class AuthStack: @unchecked Sendable {
    // @unchecked: the mutable parts are set during `start` and read-only afterwards.
    let issuer: TestIssuer
    let http = CurlClient()
    private(set) var oidmPort = 0
    private(set) var authPort = 0
    private(set) var gatewayPort = 0
    private(set) var role: AuthRole!
    private var emulatorTask: Task<Void, any Error>?
    private var nginx: ShippedGateway?
    /// HTTPS in front of the emulator, requiring a client certificate (`oidmFront:`).
    private(set) var oidmFront: TLSFront?

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Browser sign-in (`browser: true`): the emulator's operator and the gateway's client.
    static let operatorName = "alice"
    static let operatorPassword = "wonderland"
    static let consoleClient = "oms-console"
    static let consoleSecret = "console-secret"
    /// The key sealing the session cookies (`session.key_file`).
    private(set) var sessionKey: AESGCMKey?

    /// The document routes as `oms dev` and the Helm chart ship them, PATCH named.
    static let shippedDocumentRoutes = [
        RouteRule(prefix: "/v1/documents", scopes: ["documents.read"]),
        RouteRule(prefix: "/v1/documents", methods: ["POST", "PUT", "PATCH", "DELETE"], scopes: ["documents.write"]),
    ]

    private init(issuer: TestIssuer) {
        self.issuer = issuer
    }

    static func start(
        nginx withNginx: Bool = false,
        nginxOverrides: [String: String] = [:],
        emulatorDelayMs: Int = 0,
        identityDomain: String? = nil,
        jwksFromEmulator: Bool = false,
        oidmFront pki: TestPKI? = nil,
        browser: Bool = false,
        configure: (inout AuthConfiguration) -> Void = { _ in }
    ) async throws -> AuthStack {
        let stack = AuthStack(issuer: try TestIssuer())
        // The gateway's port is part of the callback URL, registered before anything starts.
        if browser { stack.gatewayPort = Loopback.freePort() }
        try await stack.startEmulator(delayMs: emulatorDelayMs, identityDomain: identityDomain, browser: browser)
        if let pki {
            stack.oidmFront = try await TLSFront(.https(upstream: stack.oidmPort, clientCertificate: true), pki: pki)
        }
        var token = TokenPolicy(issuers: [TestIssuer.issuer], audiences: [TestIssuer.audience], allowedDomains: [TestIssuer.domain])
        token.algorithms = [.es256, .rs256]
        var configuration = AuthConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0),
            threads: 2,
            jwks: JWKSSettings(source: .file(stack.issuer.jwksFile)),
            token: token,
            routes: [
                RouteRule(prefix: "/v1/documents", scopes: ["documents.read"]),
                RouteRule(prefix: "/v1/documents", methods: ["POST", "PUT", "DELETE"], scopes: ["documents.write"]),
                RouteRule(prefix: "/v1/admin", scopes: ["admin"]),
            ]
        )
        configuration.oidm.url = "http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/rest/token"
        if jwksFromEmulator { configuration.jwks.source = .url("http://127.0.0.1:\(stack.oidmPort)/jwks") }
        if let pki, let front = stack.oidmFront {
            // The emulator only through HTTPS with the test CA's client certificate.
            let tls = TLSSettings(caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey)
            configuration.oidm.url = "https://localhost:\(front.port)/oauth2/rest/rest/token"
            configuration.oidm.tls = tls
            if jwksFromEmulator { configuration.jwks = JWKSSettings(source: .url("https://localhost:\(front.port)/jwks"), tls: tls) }
        }
        configuration.oidm.timeoutMs = 5000
        if browser {
            let keyFile = stack.issuer.folder.appendingPathComponent("session.key").path
            try Data(Data(RandomBytes.make(32)).base64EncodedString().utf8).write(to: URL(fileURLWithPath: keyFile))
            let key = try BrowserSettings.loadKey(keyFile)
            stack.sessionKey = key
            configuration.browser = BrowserSettings(
                authorizeURL: "http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/authorize",
                tokenURL: "http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/rest/token",
                clientID: consoleClient, clientSecret: Secret(consoleSecret),
                redirectURL: stack.callbackURL, key: key, scopes: ["openid", "operator", "documents.read"]
            )
            configuration.routes.append(RouteRule(prefix: "/ops", scopes: ["operator"], browser: true))
        }
        configure(&configuration)
        stack.role = AuthRole(configuration: configuration, logger: quiet)
        stack.authPort = try await stack.role.start()
        if withNginx { try await stack.startNginx(overrides: nginxOverrides) }
        return stack
    }

    /// A stack with nginx in front, for `body`; stopped afterwards, with nginx's log recorded
    /// when `body` throws.
    static func withGateway(
        nginxOverrides: [String: String] = [:],
        emulatorDelayMs: Int = 0,
        browser: Bool = false,
        configure: (inout AuthConfiguration) -> Void = { _ in },
        _ body: (AuthStack) async throws -> Void
    ) async throws {
        let stack = try await start(nginx: true, nginxOverrides: nginxOverrides, emulatorDelayMs: emulatorDelayMs, browser: browser, configure: configure)
        do {
            try await body(stack)
        } catch {
            Issue.record("nginx log:\n\(stack.nginxLog.suffix(2000))")
            await stack.stop()
            throw error
        }
        await stack.stop()
    }

    var gatewayURL: String { "http://127.0.0.1:\(gatewayPort)" }
    var callbackURL: String { "http://127.0.0.1:\(gatewayPort)/oauth2/callback" }

    private func startEmulator(delayMs: Int, identityDomain: String?, browser: Bool) async throws {
        var settings = OIDMEmulatorConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0), jwksFile: issuer.jwksFile,
            identityDomain: identityDomain, delayMs: delayMs
        )
        if browser {
            settings.clients = [EmulatedClient(id: Self.consoleClient, secret: Secret(Self.consoleSecret), scopes: [], redirectURIs: [callbackURL])]
            settings.users = [EmulatedUser(username: Self.operatorName, password: Secret(Self.operatorPassword), scopes: ["operator", "documents.read"])]
            settings.signing = EmulatedIssuer(keyFile: issuer.privateKeyFile, keyID: "ec-1", issuer: TestIssuer.issuer, audience: TestIssuer.audience, domain: TestIssuer.domain)
        }
        let emulator = try OIDMEmulator(configuration: settings)
        (oidmPort, emulatorTask) = await Loopback.serve(service: { listening in
            emulator.application(logger: Self.quiet) { listening($0) }
        })
    }

    /// The shipped nginx config in front of this role, with a backend that echoes what crossed it.
    private func startNginx(overrides: [String: String]) async throws {
        let backendPort = Loopback.freePort()
        let gateway = try await ShippedGateway(
            folder: issuer.folder.appendingPathComponent("nginx"), upstreams: .init(auth: authPort, others: backendPort),
            demoBackend: ShippedGateway.headerEcho(port: backendPort), overrides: overrides,
            port: gatewayPort == 0 ? Loopback.freePort() : gatewayPort
        )
        nginx = gateway
        gatewayPort = gateway.port
    }

    func stop() async {
        nginx?.stop()
        oidmFront?.stop()
        await role?.stop()
        emulatorTask?.cancel()
        _ = try? await emulatorTask?.value
        await http.shutdown()
        try? FileManager.default.removeItem(at: issuer.folder)
    }

    var nginxLog: String { nginx?.log ?? "" }

    // MARK: - Requests

    /// `GET /auth` straight to the auth service, as nginx would send it.
    func auth(_ token: String?, uri: String = "/v1/documents", method: String = "GET", headers: [(name: String, value: String)] = []) async throws -> CurlResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        all.append(("X-Original-URI", uri))
        all.append(("X-Original-Method", method))
        return try await http.execute(CurlRequest(url: "http://127.0.0.1:\(authPort)/auth", headers: all, timeout: .seconds(10)))
    }

    /// A request through nginx.
    func gateway(_ path: String, token: String?, method: String = "GET", headers: [(name: String, value: String)] = []) async throws -> CurlResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        return try await http.execute(CurlRequest(url: "http://127.0.0.1:\(gatewayPort)\(path)", method: method, headers: all, timeout: .seconds(10)))
    }

    func get(_ port: Int, _ path: String) async throws -> CurlResponse {
        try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)\(path)", timeout: .seconds(10)))
    }

    /// POST a JSON body to the emulator's admin API.
    func oidmAdmin(_ path: String, _ body: JSONValue) async throws {
        let response = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(oidmPort)\(path)", method: "POST",
            headers: [("Content-Type", "application/json")], body: Array(body.serialized().utf8), timeout: .seconds(5)
        ))
        #expect(response.status == 200, "emulator admin \(path) answered \(response.status)")
    }

    /// How many validation calls the emulator has answered.
    func oidmValidations() async throws -> Int {
        let response = try await get(oidmPort, "/admin/stats")
        let stats = try StrictJSON.parse(response.body)
        return Int(stats["validations"]?.numberValue ?? -1)
    }

    /// The value of one metric series of `oms auth` (0 when absent).
    func counter(_ series: String) async throws -> Int {
        let metrics = String(decoding: try await get(authPort, "/metrics").body, as: UTF8.self)
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "").map { Int($0) } } ?? 0
    }

    func stopEmulator() async {
        emulatorTask?.cancel()
        _ = try? await emulatorTask?.value
    }
}
