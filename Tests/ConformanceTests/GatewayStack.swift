import Foundation
import Hummingbird
import JOSE
import TestSupport
import Testing

/// The gateway as shipped, from the built binaries: the OIDM emulator, `oms auth`, `oms
/// soap-bridge`, and nginx with `nginx-conf/` in front of an upstream of the test's choosing (the
/// suite's echo). The bridge's Thunderhead is the echo too, so that the suite can play it.
final class GatewayStack: @unchecked Sendable {
    let folder: URL
    let upstreamPort = Loopback.freePort()
    let oidmPort = Loopback.freePort()
    let bridgePort = Loopback.freePort()
    private var processes: [SpawnedProcess] = []
    private var nginx: ShippedGateway?
    private var weakBridge: TestProcess?

    static let issuer = "https://idp.conformance.test"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private var weakTask: Task<Void, any Error>?
    private var weak: WeakAuth?

    /// - Parameter leeway: the auth service's clock leeway (`token.leeway_s`).
    /// - Parameter weakness: a deliberately weak check in front of `oms auth`.
    /// - Parameter ingressLike: nginx built like ingress-nginx's `auth-url` (X-Original-URL from
    ///   the client's Host, the client's headers passed on), `oms auth` reading that header.
    init(leeway: Int = 30, weakness: WeakAuth.Weakness? = nil, ingressLike: Bool = false) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (alg, kid) in [("ES256", "ec-1"), ("RS256", "rsa-1")] {
            let keys = folder.appendingPathComponent(kid).path
            let made = try await OMSCommand.run(["keys", "generate", "--alg", alg, "--kid", kid, "--out", keys])
            try #require(made.status == 0, "\(made.error)")
        }
        // One JWKS with both keys.
        let ec = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("ec-1/jwks.json"))) as! [String: Any]
        let rsa = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("rsa-1/jwks.json"))) as! [String: Any]
        let keys = (ec["keys"] as! [Any]) + (rsa["keys"] as! [Any])
        try JSONSerialization.data(withJSONObject: ["keys": keys]).write(to: jwks)

        let authPort = Loopback.freePort()
        // Behind a weak check, that check chooses the path and passes it as X-Original-URI.
        let pathHeader = ingressLike && weakness == nil ? "X-Original-URL" : "X-Original-URI"
        try write("oidm.yaml", "server: {host: 127.0.0.1, port: \(oidmPort)}\njwks: {file: \(jwks.path)}\nlog: {level: error}\n")
        try write("auth.yaml", """
            server: {host: 127.0.0.1, port: \(authPort), path_header: \(pathHeader)}
            oidm: {url: "http://127.0.0.1:\(oidmPort)/oauth2/rest/rest/token", timeout_ms: 3000}
            jwks: {file: \(jwks.path)}
            token:
              algorithms: [ES256, RS256]
              issuers: [\(Self.issuer)]
              audiences: [oms]
              allowed_domains: [retail]
              leeway_s: \(leeway)
            routes:
              - {prefix: /v1/documents, scopes: [documents.read]}
              - {prefix: /v1/documents, methods: [POST, PUT, PATCH, DELETE], scopes: [documents.write]}
            log: {level: error}
            """)
        try write("soap-bridge.yaml", """
            server: {host: 127.0.0.1, port: \(bridgePort)}
            policies: \(Self.root.appendingPathComponent("sidecars").path)
            services:
              thunderhead: {url: "\(thunderhead)", timeout_ms: 5000}
            access:
              jwks: {file: \(jwks.path)}
              token: {algorithms: [ES256, RS256], issuers: [\(Self.issuer)], audiences: [oms], allowed_domains: [retail]}
            log: {level: error}
            """)
        try await start(["emulate", "oidm", "--config", path("oidm.yaml")], port: oidmPort, name: "oidm")
        try await start(["auth", "--config", path("auth.yaml")], port: authPort, name: "auth")
        try await start(["soap-bridge", "--config", path("soap-bridge.yaml")], port: bridgePort, name: "soap-bridge")
        var gatePort = authPort
        if let weakness {
            let keys = try JWKS(json: Array(try Data(contentsOf: jwks)))
            let weak = WeakAuth(weakness: weakness, authPort: authPort, oidmPort: oidmPort, jwks: keys, issuer: Self.issuer)
            (gatePort, weakTask) = await weak.start()
            self.weak = weak
        }

        nginx = try await ShippedGateway(
            folder: folder.appendingPathComponent("nginx"),
            upstreams: .init(auth: gatePort, backend: upstreamPort, soapBridge: bridgePort, refdata: upstreamPort, core: upstreamPort),
            overrides: ingressLike ? try ShippedGateway.ingressLike() : [:]
        )
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    var jwks: URL { folder.appendingPathComponent("jwks.json") }
    var gateway: String { nginx?.url ?? "" }
    /// Thunderhead's JobAPI as the bridges here see it: the suite's echo upstream.
    var thunderhead: String { "http://127.0.0.1:\(upstreamPort)/thunderhead/services/JobAPIWebWrapped" }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    private func start(_ arguments: [String], port: Int, name: String) async throws {
        let process = try OMSCommand.start(arguments, log: folder.appendingPathComponent("\(name).log"))
        processes.append(process)
        if await Loopback.waitUntilListening(port) { return }
        throw Failure("\(name) did not start: \((try? String(contentsOf: folder.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? "")")
    }

    /// A token for the stack's issuer, signed with the key of `kid` (`ec-1` or `rsa-1`).
    func token(kid: String = "ec-1", scope: String = "documents.read documents.write") async throws -> String {
        let alg = kid == "ec-1" ? "ES256" : "RS256"
        let claims = #"{"iss":"\#(Self.issuer)","aud":"oms","sub":"alice","domain":"retail","scope":"\#(scope)","client_id":"conformance"}"#
        let minted = try await OMSCommand.run(["token", "mint", "--key", path("\(kid)/private.pem"), "--kid", kid, "--alg", alg, "--claims", claims])
        guard minted.status == 0 else { throw Failure("token mint: \(minted.error)") }
        return minted.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `oms conformance` against this stack with the issuer key of `kid` and the echo upstream;
    /// the SOAP bridge's cases go to `soapBridge` when given.
    func conformance(
        kid: String = "ec-1", token: String? = nil, gateway: String? = nil, soapBridge: String? = nil,
        route: String = "POST:/v1/documents/conformance:documents.write", extra: [String] = []
    ) async throws -> (result: OMSCommand.Result, report: [String: Any]?) {
        let alg = kid == "ec-1" ? "ES256" : "RS256"
        let out = folder.appendingPathComponent("report-\(UUID().uuidString)").path
        let valid: String
        if let token { valid = token } else { valid = try await self.token(kid: kid) }
        let result = try await OMSCommand.run([
            "conformance", "--gateway", gateway ?? self.gateway, "--valid-token", valid, "--jwks", jwks.path,
            "--signing-key", path("\(kid)/private.pem"), "--kid", kid, "--alg", alg,
            "--echo-listen", "127.0.0.1:\(upstreamPort)", "--oidm-admin", "http://127.0.0.1:\(oidmPort)",
            "--route", route, "--cases", Self.root.appendingPathComponent("conformance/cases").path, "--out", out,
        ] + (soapBridge.map { ["--soap-bridge", $0] } ?? []) + extra)
        let data = FileManager.default.contents(atPath: "\(out)/results.json")
        return (result, data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
    }

    /// The gateway's upstream as an application that answers 200 "ok", not the suite's echo:
    /// what a security team's first run meets. Cancel the task to stop it.
    func startApplicationBackend() async -> Task<Void, any Error> {
        let port = upstreamPort
        return await Loopback.serve { listening in
            let router = Router()
            router.get("/**") { _, _ in "ok" }
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), onServerRunning: { listening($0.localAddress?.port ?? 0) }).runService()
        }.task
    }

    /// The weak bridge (`weak-bridge.py`) on a port of its own, its Thunderhead the echo.
    func startWeakBridge() async throws -> String {
        let port = Loopback.freePort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("weak-bridge.py").path
        weakBridge = try TestProcess(executable: "/usr/bin/env", arguments: ["python3", script, "\(port)", thunderhead], logFile: folder.appendingPathComponent("weak-bridge.log"))
        guard await Loopback.waitUntilListening(port) else { throw Failure("the weak bridge did not start: \(weakBridge?.log ?? "")") }
        return "http://127.0.0.1:\(port)"
    }

    func stop() {
        weakBridge?.stop()
        weakTask?.cancel()
        if let http = weak?.http { Task { await http.shutdown() } }
        weak = nil
        nginx?.stop()
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        processes = []
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
