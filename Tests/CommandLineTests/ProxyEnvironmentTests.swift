import Curl
import Foundation
import JSON
import TestSupport
import Testing

/// libcurl reads `http_proxy`, `HTTPS_PROXY`, `ALL_PROXY` from the environment unless told not
/// to; a gateway component must call only what its configuration names. Checked in a child
/// process started with those variables, so this process's environment is never changed
/// (changing it while other tests start processes corrupts what they copy).
@Suite struct ProxyEnvironmentTests {
    @Test func proxyEnvironmentVariablesAreIgnored() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Something with a /healthz for the core's readiness probes to reach.
        let upstreamPort = Loopback.freePort()
        let upstream = try OMSCommand.start(
            ["emulate", "thunderhead", "--port", String(upstreamPort), "--wsdl", Self.root.appendingPathComponent("sidecars/thunderhead/JobAPIWebWrapped.wsdl").path],
            log: folder.appendingPathComponent("upstream.log")
        )
        defer { if upstream.isRunning { kill(upstream.processIdentifier, SIGKILL) } }
        // 30 s: a debug build starting while the whole suite runs can take more than 10.
        #expect(
            await Loopback.waitUntilListening(upstreamPort, timeout: .seconds(30)),
            "\((try? String(contentsOf: folder.appendingPathComponent("upstream.log"), encoding: .utf8)) ?? "")"
        )
        let port = Loopback.freePort()
        let config = folder.appendingPathComponent("core.yaml")
        try """
            server: {host: 127.0.0.1, port: \(port)}
            database: {url: "sqlite:\(folder.path)/oms.db"}
            refdata: {url: "http://127.0.0.1:\(upstreamPort)"}
            soap_bridge: {url: "http://127.0.0.1:\(upstreamPort)"}
            access: {mode: none}
            log: {level: warning}
            """.write(to: config, atomically: true, encoding: .utf8)
        // If libcurl honoured these, every probe would go to a port nobody listens on.
        let bogus = "http://127.0.0.1:\(Loopback.freePort())"
        let core = try OMSCommand.start(
            ["core", "--config", config.path], log: folder.appendingPathComponent("core.log"),
            environment: ["http_proxy": bogus, "HTTP_PROXY": bogus, "https_proxy": bogus, "HTTPS_PROXY": bogus, "ALL_PROXY": bogus, "all_proxy": bogus]
        )
        defer { if core.isRunning { kill(core.processIdentifier, SIGKILL) } }
        #expect(await Loopback.waitUntilListening(port))
        let http = CurlClient()
        let answer = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/readyz"))
        let checks = try StrictJSON.parse(answer.body)["checks"]
        #expect(checks?["refdata"] == "ok", "\(String(decoding: answer.body, as: UTF8.self))")
        #expect(checks?["soap_bridge"] == "ok", "\(String(decoding: answer.body, as: UTF8.self))")
        await http.shutdown()
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
