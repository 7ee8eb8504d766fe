import Curl
import Foundation
import JSON
import TestSupport
import Testing

/// `oms dev`: every role in one process, behind the shipped nginx config, as a user gets it.
@Suite(.serialized) struct DevCommandTests {
    let folder: URL
    // All different: two roles given one port is a configuration error of its own.
    let ports: (auth: Int, bridge: Int, refdata: Int, core: Int, oidm: Int, thunderhead: Int, conformanceBridge: Int, echo: Int) = {
        let free = Loopback.freePorts(8)
        return (free[0], free[1], free[2], free[3], free[4], free[5], free[6], free[7])
    }()

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-dev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func config(gateway: String = "http://127.0.0.1:8080", extra: String = "") throws -> String {
        let path = folder.appendingPathComponent("dev-\(UUID().uuidString).yaml").path
        try Data("""
            dir: \(folder.appendingPathComponent("data").path)
            ports: {auth: \(ports.auth), soap_bridge: \(ports.bridge), refdata: \(ports.refdata), core: \(ports.core), oidm: \(ports.oidm), thunderhead: \(ports.thunderhead), conformance_bridge: \(ports.conformanceBridge), conformance_echo: \(ports.echo)}
            gateway_url: \(gateway)
            sidecars: \(CommandLineTests.root)/sidecars
            thunderhead: {complete_after_ms: 150}
            log: {level: warning}
            \(extra)
            """.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Starts `oms dev` and waits for what it prints once every role listens; returns the
    /// process and the token it printed.
    func start(_ config: String, log: String, environment: [String: String] = [:]) async throws -> (SpawnedProcess, String) {
        let logFile = folder.appendingPathComponent(log)
        let dev = try OMSCommand.start(["dev", "--config", config], log: logFile, environment: environment)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline && dev.isRunning {
            let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if text.contains("Ctrl-C stops everything."), let line = text.split(separator: "\n").first(where: { $0.contains("TOKEN=") }) {
                return (dev, String(line.split(separator: "=", maxSplits: 1)[1]))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        if dev.isRunning { kill(dev.processIdentifier, SIGKILL) }
        Issue.record("oms dev did not announce itself: \((try? String(contentsOf: logFile, encoding: .utf8)) ?? "")")
        throw CancellationError()
    }

    /// The shipped nginx in front of this test's ports, with an echo as the demo backend.
    func shippedGateway() async throws -> ShippedGateway {
        let backend = Loopback.freePort()
        return try await ShippedGateway(
            folder: folder.appendingPathComponent("nginx"),
            upstreams: .init(auth: ports.auth, backend: backend, soapBridge: ports.bridge, refdata: ports.refdata, core: ports.core),
            demoBackend: ShippedGateway.headerEcho(port: backend)
        )
    }

    /// What every Hummingbird role behind the gateway has: its request metrics and its access check's.
    static let everyRole = ["oms_http_requests_total", "oms_http_request_duration_seconds", "oms_access_decisions_total", "oms_access_jwks_loads_total"]

    /// The operator console in headless Chromium (Selenium), through the shipped nginx,
    /// `oms auth` as relying party and the OIDM emulator's form: sign in as alice, find a
    /// FAILED request, rerun it, sign out. Screenshots go to .build/test-artefacts/console.
    @Test func anOperatorSignsInToTheConsoleInARealBrowser() async throws {
        let gateway = try await shippedGateway()
        defer { gateway.stop() }
        let password = "pw-\(UUID().uuidString.prefix(8))"
        let (dev, token) = try await start(try config(gateway: gateway.url), log: "console.log", environment: ["OMS_DEV_PASSWORD": password])
        defer { if dev.isRunning { kill(dev.processIdentifier, SIGKILL) } }
        let log = try String(contentsOf: folder.appendingPathComponent("console.log"), encoding: .utf8)
        #expect(log.contains("The operator console in a browser: \(gateway.url)/ops"), "\(log.suffix(1500))")
        #expect(log.contains("as alice, password \(password)"))

        // A request that fails at Thunderhead (the emulator fails transaction data saying FAIL).
        let http = CurlClient()
        let bearer = [(name: "Authorization", value: "Bearer \(token)")]
        let accepted = try await http.call(port: gateway.port, "POST", "/v1/requests", json: #"{"source": "crm", "documentType": "invoice", "data": {"note": "FAIL"}}"#, headers: bearer + [(name: "Idempotency-Key", value: "console-1")])
        let id = try #require(accepted.body?["id"]?.stringValue, "\(accepted.text)")
        var status = ""
        for _ in 0..<100 where status != "FAILED" {
            try await Task.sleep(for: .milliseconds(100))
            status = try await http.call(port: gateway.port, "GET", "/v1/requests/\(id)", headers: bearer).body?["status"]?.stringValue ?? ""
        }
        #expect(status == "FAILED")

        let artefacts = "\(CommandLineTests.root)/.build/test-artefacts/console"
        let output = folder.appendingPathComponent("browser.log").path
        let script = "\(CommandLineTests.root)/Tests/CommandLineTests/console-browser.py"
        let exit = try await OffPool.run { try ChildProcess.run(["/usr/bin/python3", script, gateway.url, password, id, artefacts], output: output) }
        let steps = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(exit == 0, "the browser's steps (is chromium-driver and python3-selenium installed?):\n\(steps)")
        #expect(steps.contains("ALL STEPS PASSED"), "\(steps)")
        #expect(FileManager.default.fileExists(atPath: "\(artefacts)/overview-1280.png"))
        // The click reached the core: the request was sent back to work after it failed.
        let history = try await http.call(port: gateway.port, "GET", "/v1/requests/\(id)", headers: bearer).body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
        let failedAt = try #require(history.firstIndex(of: "FAILED"), "\(history)")
        #expect(history.count > failedAt + 1, "moved on after the rerun: \(history)")
        await http.shutdown()
        dev.terminate()
        dev.waitUntilExit()
    }

    @Test func everyRoleRunsBehindTheGatewayAndStopsOnSIGTERM() async throws {
        let gateway = try await shippedGateway()
        defer { gateway.stop() }
        let configFile = try config(gateway: gateway.url)
        let (dev, token) = try await start(configFile, log: "dev.log")
        defer { if dev.isRunning { kill(dev.processIdentifier, SIGKILL) } }
        let log = try String(contentsOf: folder.appendingPathComponent("dev.log"), encoding: .utf8)
        #expect(log.contains("A signing key was made"), "\(log.prefix(600))")
        #expect(log.contains("curl -i -H \"Authorization: Bearer $TOKEN\" \(gateway.url)/v1/documents/42"), "the printed lines go through the gateway")
        // The printed suite command names the catalog by its absolute path: it runs from any folder.
        #expect(log.contains("conformance --cases \(CommandLineTests.root)/conformance/cases --gateway"), "\(log.suffix(900))")
        #expect(log.contains("no Redis") && log.contains("no Kafka"))

        let http = CurlClient()
        let bearer = [(name: "Authorization", value: "Bearer \(token)")]
        // Before any traffic: every documented metric is there, each with its help text (what
        // promtool checks), so an alert on increase() sees even the first failure.
        let documented: [(Int, [String])] = [
            (ports.auth, ["oms_auth_decisions_total", "oms_auth_cache_total", "oms_auth_cache_entries", "oms_auth_cache_bytes",
                          "oms_auth_oidm_calls_total", "oms_auth_oidm_breaker_rejections_total", "oms_auth_oidm_tls_failures_total",
                          "oms_auth_oidm_latency_seconds", "oms_auth_jwks_loads_total", "oms_auth_connections_open", "oms_auth_connections_closed_total"]),
            (ports.refdata, ["oms_refdata_cache_reads_total", "oms_refdata_cache_fills_total", "oms_refdata_cache_invalidations_total",
                             "oms_refdata_redis_errors_total", "oms_refdata_database_reads_total", "oms_refdata_database_seconds", "oms_refdata_near_cache_live"] + Self.everyRole),
            (ports.core, ["oms_core_steps_total", "oms_core_events_published_total", "oms_core_events_unpublished_total",
                          "oms_core_outbox_unsent", "oms_core_kafka_producers_replaced_total"] + Self.everyRole),
            (ports.bridge, ["oms_soap_bridge_requests_total", "oms_soap_bridge_latency_seconds"] + Self.everyRole),
            (ports.oidm, ["oms_oidm_emulator_validations_total", "oms_http_requests_total", "oms_http_request_duration_seconds"]),
            (ports.thunderhead, ["oms_thunderhead_emulator_calls_total"]),
        ]
        for (port, names) in documented {
            let text = try await http.call(port: port, "GET", "/metrics").text
            #expect(PrometheusText.problems(text).isEmpty, "\(port): \(PrometheusText.problems(text).prefix(5))")
            #expect(Set(names).isSubset(of: PrometheusText.families(text)), "\(port) lacks \(Set(names).subtracting(PrometheusText.families(text)).sorted())")
        }
        // Through nginx: auth on every request, then each role.
        let document = try await http.call(port: gateway.port, "GET", "/v1/documents/42", headers: bearer)
        #expect(document.status == 200 && document.text.contains("subject=alice"), "\(document.status) \(document.text)")
        #expect(try await http.call(port: gateway.port, "GET", "/v1/documents/42").status == 401)
        let seeded = try await http.call(port: gateway.port, "GET", "/refdata/v1/sources/crm", headers: bearer)
        #expect(seeded.status == 200 && seeded.body?["value"]?["allowed"] == .bool(true), "\(seeded.text)")
        let batch = try await http.call(port: gateway.port, "POST", "/thunderhead/v1/batches", json: #"{"batchConfigResID": 7001, "batchName": "dev", "projectID": 12, "transactionData": {"customer": 42}}"#, headers: bearer)
        #expect(batch.status == 201, "\(batch.text)")
        let accepted = try await http.call(port: gateway.port, "POST", "/v1/requests", json: #"{"source": "crm", "documentType": "invoice", "data": {"customer": 42}}"#, headers: bearer + [(name: "Idempotency-Key", value: "dev-1")])
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = accepted.body?["id"]?.stringValue ?? ""
        var status = ""
        for _ in 0..<100 where status != "COMPLETED" {
            try await Task.sleep(for: .milliseconds(100))
            status = try await http.call(port: gateway.port, "GET", "/v1/requests/\(id)", headers: bearer).body?["status"]?.stringValue ?? ""
        }
        #expect(status == "COMPLETED", "the request went through refdata, the bridge and the Thunderhead emulator")
        // A rerun needs the operator (the `*` route), not only what intake needs.
        let writerClaims = #"{"iss":"https://idp.oms.local","aud":"oms","sub":"svc","domain":"retail","scope":"documents.read documents.write"}"#
        let writer = try await OMSCommand.run([
            "token", "mint", "--key", folder.appendingPathComponent("data/keys/private.pem").path, "--kid", "oms-dev-1", "--claims", writerClaims, "--ttl", "300",
        ]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let asWriter = [(name: "Authorization", value: "Bearer \(writer)")]
        let writerRerun = try await http.call(port: gateway.port, "POST", "/v1/requests/\(id)/rerun", headers: asWriter)
        #expect(writerRerun.status == 403, "\(writerRerun.status) \(writerRerun.text)")
        // Another client (this writer is "svc", the request alice's "demo") does not see it.
        #expect(try await http.call(port: gateway.port, "GET", "/v1/requests/\(id)", headers: asWriter).status == 404, "another client's request")
        let operatorRerun = try await http.call(port: gateway.port, "POST", "/v1/requests/\(id)/rerun", headers: bearer)
        #expect(operatorRerun.status == 409, "past the gateway, the core refuses to rerun a completed request: \(operatorRerun.status) \(operatorRerun.text)")
        // Past the gateway, straight at a role's port: nothing without a valid token.
        let direct = try await http.call(port: ports.refdata, "PUT", "/refdata/v1/sources/evil", json: #"{"allowed":true}"#)
        #expect(direct.status == 401, "\(direct.status) \(direct.text)")
        #expect(try await http.call(port: ports.core, "GET", "/v1/requests").status == 401)
        #expect(try await http.call(port: ports.bridge, "POST", "/thunderhead/v1/batches", json: "{}").status == 401)
        #expect(try await http.call(port: ports.refdata, "GET", "/refdata/v1/sources/crm", headers: bearer).status == 200)
        // Each role answers for itself on its own port.
        for port in [ports.auth, ports.bridge, ports.refdata, ports.core, ports.oidm, ports.thunderhead, ports.conformanceBridge] {
            #expect(try await http.call(port: port, "GET", "/healthz").status == 200, "\(port)")
            #expect(try await http.call(port: port, "GET", "/metrics").status == 200, "\(port)")
        }
        let metrics = try await http.call(port: ports.auth, "GET", "/metrics").text
        #expect(metrics.contains("oms_auth_decisions_total"), "auth's own metrics")
        // The second bridge's Thunderhead is the suite's echo, which is not running.
        #expect(try await http.call(port: ports.conformanceBridge, "GET", "/readyz").status == 503)

        // A second one cannot start while the first holds the ports: one line, exit 2.
        let second = try await OMSCommand.run(["dev", "--config", configFile])
        #expect(second.status == 2 && second.error.contains("ports.auth: 127.0.0.1:\(ports.auth) is taken"), "\(second.error)")

        #expect(try await OMSCommand.terminate(dev) && dev.terminationStatus == 0)
        for port in [ports.auth, ports.core, ports.oidm] { #expect(await !Loopback.waitUntilListening(port, timeout: .milliseconds(200)), "\(port) still listens") }

        // Restarted on the same folder: the same key, so the token minted before still passes.
        let (again, _) = try await start(configFile, log: "dev-again.log")
        defer { if again.isRunning { kill(again.processIdentifier, SIGKILL) } }
        #expect(try String(contentsOf: folder.appendingPathComponent("dev-again.log"), encoding: .utf8).contains("The signing key is in"))
        #expect(try await http.call(port: gateway.port, "GET", "/v1/documents/42", headers: bearer).status == 200)
        #expect(try await OMSCommand.terminate(again) && again.terminationStatus == 0)
        await http.shutdown()
    }

    @Test func badConfigurationIsOneClearLineAndExitTwo() async throws {
        let cases: [(extra: String, message: String)] = [
            ("colour: blue", "colour"),
            ("redis: {url: \"http://127.0.0.1:6379\"}", "redis.url: expected redis://"),
            ("kafka: {topic: \"a\\\"b\"}", "kafka.topic: must not contain '\"'"),
            ("host: \"127.0.0.1 x\"", "host: expected a host name"),
        ]
        for (extra, message) in cases {
            let result = try await OMSCommand.run(["dev", "--config", try config(extra: extra)])
            #expect(result.status == 2 && result.error.hasPrefix("oms: ") && result.error.contains(message), "\(extra): \(result.error)")
            #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
        }
        // Two roles on one port.
        let path = try config()
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "core: \(ports.core)", with: "core: \(ports.auth)")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let clash = try await OMSCommand.run(["dev", "--config", path])
        #expect(clash.status == 2 && clash.error.contains("ports.core: \(ports.auth) is also ports.auth"), "\(clash.error)")
        let help = try await OMSCommand.run(["dev", "--help"])
        for word in ["ports.auth", "redis.url", "kafka.brokers", "OMS_", "Ctrl-C"] { #expect(help.output.contains(word), "\(word)") }
    }
}
