import Curl
import Foundation
import JSON
import Kafka
import TestSupport
import Testing

/// One trace per document request: every role as its own `oms` process behind the shipped
/// nginx, exporting over OTLP/HTTP to a receiver of the test's own, which decodes what
/// arrives.
@Suite(.serialized) struct TracingTests {
    let files: TestFolder
    var folder: URL { files.url }

    init() throws {
        files = try TestFolder("oms-trace")
    }

    func write(_ name: String, _ text: String) throws -> String {
        try files.write(name, text)
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: folder.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
    }

    /// Batches leave every 100 ms rather than every 5 s.
    static let fastExport = ["OTEL_BSP_SCHEDULE_DELAY": "100"]

    @Test func aDocumentRequestIsOneTraceFromNginxToKafka() async throws {
        let receiver = try await OTLPReceiver()
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        let broker = try await KafkaBroker.start()
        try broker.createTopic("oms.document.status", partitions: 1)

        let keys = folder.appendingPathComponent("keys").path
        #expect(try await OMSCommand.run(["keys", "generate", "--kid", "k1", "--out", keys]).status == 0)
        func mint(_ scope: String) async throws -> String {
            let claims = #"{"iss":"https://idp.oms.local","aud":"oms","sub":"alice","domain":"retail","scope":"\#(scope)"}"#
            return try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k1", "--claims", claims]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let token = try await mint("documents.read documents.write")
        let admin = try await mint("refdata.admin")
        let secret = try write("core-client.secret", "client-\(UUID().uuidString.prefix(8))\n")

        let ports = Loopback.freePorts(6)
        let (oidmPort, thunderheadPort, authPort, bridgePort, refdataPort, corePort) = (ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])
        var processes: [(String, SpawnedProcess)] = []
        defer { for (_, process) in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Two roles take the endpoint from the standard variable, two from their YAML.
        func start(_ name: String, _ arguments: [String], endpointInEnvironment: Bool) throws {
            var environment = Self.fastExport
            if endpointInEnvironment { environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.endpoint }
            processes.append((name, try OMSCommand.start(arguments, log: folder.appendingPathComponent("\(name).log"), environment: environment)))
        }
        let otel = "otel: {endpoint: \"\(receiver.endpoint)\"}"
        let access = "access: {jwks: {file: \(keys)/jwks.json}, token: {issuers: [\"https://idp.oms.local\"], audiences: [oms], allowed_domains: [retail]}}"
        try start("oidm", ["emulate", "oidm", "--config", try write("oidm.yaml", """
            server: {host: 127.0.0.1, port: \(oidmPort)}
            jwks: {file: \(keys)/jwks.json}
            clients: [{id: oms-core, secret_file: \(secret), scopes: [refdata.read, documents.read, documents.write]}]
            signing: {key_file: \(keys)/private.pem, kid: k1, issuer: "https://idp.oms.local", domain: retail}
            """)], endpointInEnvironment: false)
        try start("thunderhead", ["emulate", "thunderhead", "--config", try write("thunderhead.yaml", """
            server: {host: 127.0.0.1, port: \(thunderheadPort)}
            complete_after_ms: 100
            \(otel)
            """)], endpointInEnvironment: false)
        try start("auth", ["auth", "--config", try write("auth.yaml", """
            server: {host: 127.0.0.1, port: \(authPort)}
            oidm: {url: "http://127.0.0.1:\(oidmPort)/oauth2/rest/rest/token"}
            jwks: {file: \(keys)/jwks.json}
            token: {algorithms: [ES256], issuers: ["https://idp.oms.local"], audiences: [oms], allowed_domains: [retail]}
            routes:
              - {prefix: /v1/requests, methods: [POST], scopes: [documents.write]}
              - {prefix: /v1/requests, methods: [GET], scopes: [documents.read]}
            log: {level: debug}
            """)], endpointInEnvironment: true)
        try start("soap-bridge", ["soap-bridge", "--config", try write("bridge.yaml", """
            server: {host: 127.0.0.1, port: \(bridgePort)}
            policies: \(CommandLineTests.root)/sidecars
            services:
              thunderhead: {url: "http://127.0.0.1:\(thunderheadPort)/thunderhead/services/JobAPIWebWrapped"}
            \(access)
            \(otel)
            """)], endpointInEnvironment: false)
        try start("refdata", ["refdata", "--config", try write("refdata.yaml", """
            server: {host: 127.0.0.1, port: \(refdataPort)}
            database: {url: "sqlite:\(folder.path)/refdata.db"}
            redis: {url: "redis://127.0.0.1:\(redis.port)"}
            \(access)
            \(otel)
            """)], endpointInEnvironment: false)
        let client = "client: {token_url: \"http://127.0.0.1:\(oidmPort)/oauth2/rest/rest/token\", client_id: oms-core, client_secret_file: \(secret)}"
        try start("core", ["core", "--config", try write("core.yaml", """
            server: {host: 127.0.0.1, port: \(corePort)}
            database: {url: "sqlite:\(folder.path)/core.db"}
            refdata: {url: "http://127.0.0.1:\(refdataPort)", \(client)}
            soap_bridge: {url: "http://127.0.0.1:\(bridgePort)", \(client)}
            jobs: {interval_ms: 50}
            kafka: {brokers: \(broker.brokers), interval_ms: 50}
            \(access)
            log: {level: debug}
            """)], endpointInEnvironment: true)
        for port in ports { #expect(await Loopback.waitUntilListening(port, timeout: .seconds(30)), "\(port)") }
        let gateway = try await ShippedGateway(
            folder: folder.appendingPathComponent("nginx"),
            upstreams: .init(auth: authPort, backend: Loopback.freePort(), soapBridge: bridgePort, refdata: refdataPort, core: corePort),
            // Every trace nginx starts sampled, instead of 1 % as shipped.
            overrides: ["oms-tracing.conf": try Self.everyTraceSampled()]
        )
        defer { gateway.stop() }

        let http = CurlClient()
        for (path, body) in [("/refdata/v1/sources/crm", #"{"allowed": true}"#), ("/refdata/v1/enrichment/invoice", #"{"batchConfigResID": 7001, "projectID": 12}"#)] {
            let put = try await http.call(port: refdataPort, "PUT", path, json: body, headers: [("Authorization", "Bearer \(admin)")])
            #expect(put.status == 201, "\(path): \(put.text)")
        }

        // The client's trace: every span of the request is in it.
        let traceID = Self.randomHex(16), clientSpan = Self.randomHex(8)
        let bearer = [(name: "Authorization", value: "Bearer \(token)")]
        let accepted = try await http.call(port: gateway.port, "POST", "/v1/requests", json: #"{"source": "crm", "documentType": "invoice", "data": {"n": 1}}"#,
                                           headers: bearer + [("Idempotency-Key", "trace-1"), ("traceparent", "00-\(traceID)-\(clientSpan)-01")])
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = try #require(accepted.body?["id"]?.stringValue)
        var detail = JSONAnswer(status: 0, headers: [], body: nil, text: "")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            detail = try await http.call(port: gateway.port, "GET", "/v1/requests/\(id)", headers: bearer)
            if detail.body?["status"]?.stringValue == "COMPLETED" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(detail.body?["status"]?.stringValue == "COMPLETED", "\(detail.text)")
        // The request's detail names its trace.
        #expect(detail.body?["traceId"]?.stringValue == traceID, "\(detail.text)")

        let spans = try await receiver.waitFor { spans in
            spans.contains { $0.service == "oms-core" && $0.name.hasPrefix("publish") } && spans.contains { $0.name == "poll" }
                && spans.contains { $0.service == "oms-soap-bridge" && $0.name == "thunderhead submitBatch" }
        }.filter { $0.traceID == traceID }
        let summary = spans.map(\.description).joined(separator: "\n")
        func one(_ service: String, _ match: (OTLPReceiver.Span) -> Bool) -> OTLPReceiver.Span? {
            spans.first { $0.service == service && match($0) }
        }
        // nginx forwarded the client's context to auth and to the core: both are its children.
        let auth = try #require(one("oms-auth") { $0.name == "GET /auth" && $0.kind == 2 }, "\(summary)")
        #expect(auth.parentSpanID == clientSpan)
        #expect(auth.attributes["oms.auth.outcome"] == "allow" && auth.attributes["oms.auth.route"] == "/v1/requests", "\(auth)")
        #expect(["hit", "miss"].contains(auth.attributes["oms.auth.cache"] ?? ""), "\(auth)")
        let oidm = try #require(one("oms-auth") { $0.kind == 3 && $0.parentSpanID == auth.spanID }, "the OIDM call is a child of the decision: \(summary)")
        #expect(oidm.attributes["url.full"]?.hasSuffix("/oauth2/rest/rest/token") == true, "\(oidm)")
        let intake = try #require(one("oms-core") { $0.kind == 2 && $0.name == "POST /v1/requests" }, "\(summary)")
        #expect(intake.parentSpanID == clientSpan)
        // Each job step is a child of the intake, and calls refdata or the bridge from inside.
        let steps = spans.filter { $0.service == "oms-core" && ["validate", "enrich", "submit", "poll"].contains($0.name) }
        #expect(Set(steps.map(\.name)) == ["validate", "enrich", "submit", "poll"], "\(summary)")
        #expect(steps.allSatisfy { $0.parentSpanID == intake.spanID && $0.attributes["oms.step.attempt"] == "1" }, "\(summary)")
        let validate = try #require(steps.first { $0.name == "validate" })
        // (The step's first call may be for the core's own token, at the identity provider.)
        let refdataCall = try #require(one("oms-core") { $0.kind == 3 && $0.parentSpanID == validate.spanID && $0.attributes["url.full"]?.contains("/refdata/") == true }, "\(summary)")
        let refdataServer = try #require(one("oms-refdata") { $0.kind == 2 && $0.parentSpanID == refdataCall.spanID }, "\(summary)")
        #expect(one("oms-refdata") { $0.name == "redis lookup" && $0.parentSpanID == refdataServer.spanID } != nil, "\(summary)")
        #expect(one("oms-refdata") { $0.name == "database query" } != nil, "\(summary)")
        let submit = try #require(steps.first { $0.name == "submit" })
        let bridgeCall = try #require(one("oms-core") { $0.kind == 3 && $0.parentSpanID == submit.spanID && $0.attributes["url.full"]?.hasSuffix("/thunderhead/v1/batches") == true }, "\(summary)")
        let bridgeServer = try #require(one("oms-soap-bridge") { $0.kind == 2 && $0.parentSpanID == bridgeCall.spanID }, "\(summary)")
        #expect(one("oms-soap-bridge") { $0.name == "soap.translate" && $0.parentSpanID == bridgeServer.spanID } != nil, "\(summary)")
        let soap = try #require(one("oms-soap-bridge") { $0.name == "thunderhead submitBatch" && $0.parentSpanID == bridgeServer.spanID }, "\(summary)")
        #expect(soap.kind == 3 && soap.attributes["rpc.method"] == "submitBatch")
        // The SOAP call's HTTP exchange, and Thunderhead's own server span under it.
        let post = try #require(one("oms-soap-bridge") { $0.parentSpanID == soap.spanID && $0.name == "POST" }, "\(summary)")
        #expect(one("oms-emulate-thunderhead") { $0.kind == 2 && $0.parentSpanID == post.spanID } != nil, "\(summary)")
        let publish = try #require(one("oms-core") { $0.name == "publish oms.document.status" }, "\(summary)")
        #expect(publish.kind == 4 && publish.parentSpanID == intake.spanID && publish.attributes["oms.request_id"] == id)

        // Kafka: the CloudEvent's distributed-tracing extension and the record's header.
        let records = try await broker.read(topic: "oms.document.status")
        let record = try #require(records.first { $0.key == Array(id.utf8) })
        let event = try StrictJSON.parse(record.value)
        let traceparent = try #require(event["traceparent"]?.stringValue)
        #expect(traceparent == "00-\(traceID)-\(intake.spanID)-01", "\(traceparent)")
        #expect(record.header("traceparent") == traceparent)

        // Logs: nginx's access line, auth's decision and the core's lines of the request.
        #expect(gateway.log.contains("\"trace_id\":\"\(traceID)\""), "\(gateway.log.suffix(800))")
        let authLines = log("auth").split(separator: "\n").filter { $0.contains("\"allowed\"") && $0.contains("\"trace_id\":\"\(traceID)\"") }
        #expect(authLines.contains { $0.contains("\"span_id\":\"\(auth.spanID)\"") }, "\(log("auth").suffix(1500))")
        let coreLines = log("core").split(separator: "\n").filter { $0.contains("\"trace_id\":\"\(traceID)\"") }
        #expect(coreLines.contains { $0.contains("\"answered\"") && $0.contains("\"span_id\":\"\(intake.spanID)\"") }, "\(log("core").suffix(1500))")
        #expect(coreLines.filter { $0.contains("\"step recorded\"") }.count >= 4, "\(log("core").suffix(1500))")

        // No traceparent from the client: the trace starts at nginx, with its request id.
        let plain = try await http.call(port: gateway.port, "POST", "/v1/requests", json: #"{"source": "crm", "documentType": "invoice", "data": {"n": 2}}"#,
                                        headers: bearer + [("Idempotency-Key", "trace-2")])
        #expect(plain.status == 202)
        let nginxTrace = try #require(plain.header("X-Request-Id"))
        let started = try await receiver.waitFor { spans in
            spans.contains { $0.traceID == nginxTrace && $0.service == "oms-auth" } && spans.contains { $0.traceID == nginxTrace && $0.service == "oms-core" && $0.kind == 2 }
        }.filter { $0.traceID == nginxTrace }
        let nginxSpan = String(nginxTrace.prefix(16))
        #expect(started.contains { $0.service == "oms-auth" && $0.parentSpanID == nginxSpan }, "\(started)")
        #expect(started.contains { $0.service == "oms-core" && $0.kind == 2 && $0.parentSpanID == nginxSpan }, "\(started)")
        #expect(gateway.log.contains("\"request_id\":\"\(nginxTrace)\",\"trace_id\":\"\(nginxTrace)\""), "\(gateway.log.suffix(600))")

        // A context that is not W3C's is not continued: nginx starts its own, and a role
        // called directly starts a new trace rather than keep an invalid id.
        let forged = try await http.call(port: gateway.port, "POST", "/v1/requests", json: #"{"source": "crm", "documentType": "invoice", "data": {"n": 3}}"#,
                                         headers: bearer + [("Idempotency-Key", "trace-3"), ("traceparent", "00-\(String(repeating: "0", count: 32))-\(clientSpan)-01")])
        #expect(forged.status == 202)
        let forgedID = try #require(forged.body?["id"]?.stringValue)
        let forgedTrace = try await http.call(port: gateway.port, "GET", "/v1/requests/\(forgedID)", headers: bearer).body?["traceId"]?.stringValue
        #expect(forgedTrace == forged.header("X-Request-Id"), "\(String(describing: forgedTrace))")
        for hostile in ["00-\(traceID.uppercased())-\(clientSpan)-01", "00-\(traceID)-\(clientSpan)", String(repeating: "a", count: 4096)] {
            let direct = try await http.call(port: corePort, "POST", "/v1/requests", json: #"{"source": "crm", "documentType": "invoice", "data": {"n": 4}}"#,
                                             headers: bearer + [("Idempotency-Key", "trace-\(hostile.prefix(8))-\(hostile.count)"), ("traceparent", hostile)])
            #expect(direct.status == 202, "\(hostile.prefix(40)): \(direct.text)")
            let stored = try await http.call(port: corePort, "GET", "/v1/requests/\(direct.body?["id"]?.stringValue ?? "")", headers: bearer).body?["traceId"]?.stringValue
            #expect(stored != nil && stored != traceID, "\(hostile.prefix(40)): \(String(describing: stored))")
        }

        // No span holds a token (an OIDM GET carries one in its query, which spans leave out).
        let everything = try await receiver.waitFor(timeout: .seconds(2)) { _ in false }
        #expect(!everything.contains { span in span.attributes.values.contains { $0.contains(token) || $0.contains(admin) } })

        for (_, process) in processes { _ = try await OMSCommand.terminate(process) }
        await http.shutdown()
        await receiver.stop()
    }

    /// `oms auth` and the OIDM emulator, tracing as `environment` says; the auth port and a
    /// token to decide on.
    /// `yaml`: more of auth's configuration.
    func authWithOIDM(_ environment: [String: String], name: String, yaml: String = "") async throws -> (port: Int, token: String, processes: [SpawnedProcess]) {
        let keys = folder.appendingPathComponent("keys-\(name)").path
        #expect(try await OMSCommand.run(["keys", "generate", "--kid", "k1", "--out", keys]).status == 0)
        let claims = #"{"iss":"https://idp.oms.local","aud":"oms","sub":"alice","domain":"retail","scope":"documents.read"}"#
        let token = try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k1", "--claims", claims]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let ports = Loopback.freePorts(2)
        let oidm = try OMSCommand.start(["emulate", "oidm", "--config", try write("oidm-\(name).yaml", """
            server: {host: 127.0.0.1, port: \(ports[0])}
            jwks: {file: \(keys)/jwks.json}
            """)], log: folder.appendingPathComponent("oidm-\(name).log"))
        let auth = try OMSCommand.start(["auth", "--config", try write("auth-\(name).yaml", """
            server: {host: 127.0.0.1, port: \(ports[1])}
            oidm: {url: "http://127.0.0.1:\(ports[0])/oauth2/rest/rest/token"}
            jwks: {file: \(keys)/jwks.json}
            token: {issuers: ["https://idp.oms.local"], audiences: [oms], allowed_domains: [retail]}
            \(yaml)
            """)], log: folder.appendingPathComponent("auth-\(name).log"), environment: Self.fastExport.merging(environment) { $1 })
        for port in ports { #expect(await Loopback.waitUntilListening(port, timeout: .seconds(30))) }
        return (ports[1], token, [oidm, auth])
    }

    /// Ten decisions, each with a sampled parent; their statuses.
    func decide(_ port: Int, token: String, _ http: CurlClient) async throws -> [Int] {
        var statuses: [Int] = []
        for _ in 0..<10 {
            let parent = "00-\(Self.randomHex(16))-\(Self.randomHex(8))-01"
            statuses.append(try await http.call(port: port, "GET", "/auth", headers: [("Authorization", "Bearer \(token)"), ("traceparent", parent)]).status)
        }
        statuses.append(try await http.call(port: port, "GET", "/auth", headers: [("Authorization", "Bearer x.y.z")]).status)
        return statuses
    }

    @Test func aRatioOfZeroExportsNothingAndChangesNoAnswer() async throws {
        let receiver = try await OTLPReceiver()
        let http = CurlClient()
        let expected = Array(repeating: 200, count: 10) + [401]
        // The same decisions, sampled at a ratio of 1 and of 0 (not parent-based: the client's
        // sampled flag does not count); the sampler from the YAML, the endpoint from the variable.
        for (name, ratio) in [("one", "1"), ("zero", "0")] {
            let before = receiver.spans.count
            let (port, token, processes) = try await authWithOIDM(
                ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint], name: name, yaml: "otel: {sampler: traceidratio, sampler_arg: \(ratio)}"
            )
            #expect(try await decide(port, token: token, http) == expected)
            if ratio == "1" {
                let spans = try await receiver.waitFor { $0.filter { $0.name == "GET /auth" }.count >= 11 }
                #expect(spans.filter { $0.service == "oms-auth" && $0.name == "GET /auth" }.count == 11)
            } else {
                // Flushed at shutdown, had there been anything.
                for process in processes { #expect(try await OMSCommand.terminate(process)) }
                #expect(receiver.spans.count == before, "\(receiver.spans.suffix(3))")
            }
            for process in processes where process.isRunning { _ = try await OMSCommand.terminate(process) }
        }
        await http.shutdown()
        await receiver.stop()
    }

    @Test func aReceiverThatIsDownCostsSpansNotRequests() async throws {
        let http = CurlClient()
        let (port, token, processes) = try await authWithOIDM([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(Loopback.freePort())", "OTEL_EXPORTER_OTLP_TIMEOUT": "500", "OTEL_BSP_EXPORT_TIMEOUT": "1000",
        ], name: "down")
        let started = ContinuousClock.now
        #expect(try await decide(port, token: token, http) == Array(repeating: 200, count: 10) + [401])
        #expect(ContinuousClock.now - started < .seconds(5))
        // The lost batch is counted, once its export has given up.
        var dropped = 0.0
        let deadline = ContinuousClock.now + .seconds(20)
        while dropped < 11, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            let metrics = try await http.call(port: port, "GET", "/metrics").text
            let line = metrics.split(separator: "\n").first { $0.hasPrefix(#"oms_otel_spans_dropped_total{reason="export_failed"} "#) }
            dropped = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        #expect(dropped >= 11)
        // Still answering, and not retrying forever: the process stops at once.
        #expect(try await http.call(port: port, "GET", "/auth", headers: [("Authorization", "Bearer \(token)")]).status == 200)
        for process in processes { #expect(try await OMSCommand.terminate(process)) }
        #expect(log("auth-down").contains("Failed to export batch"), "\(log("auth-down").suffix(800))")
        await http.shutdown()
    }

    @Test func badTracingSettingsStopStartWithTheirName() async throws {
        let config = try write("auth-check.yaml", """
            oidm: {url: "http://127.0.0.1:1/token"}
            jwks: {file: /dev/null}
            token: {issuers: [x], audiences: [oms], allowed_domains: [retail]}
            """)
        for (environment, expected) in [
            (["OTEL_TRACES_SAMPLER": "sometimes"], "OTEL_TRACES_SAMPLER: must be one of"),
            (["OTEL_TRACES_SAMPLER_ARG": "2"], "OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1"),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"], "OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:// or https:// URL"),
            (["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], "OTEL_EXPORTER_OTLP_PROTOCOL: OTLP/gRPC is not built into oms"),
            (["OMS_OTEL_SAMPLER_ARG": "-1"], "otel.sampler_arg: expected a ratio between 0 and 1"),
        ] {
            let result = try await OMSCommand.run(["auth", "--config", config, "--check"], environment: environment)
            #expect(result.status == 2 && result.error.contains(expected), "\(environment): \(result.error)")
        }
        let misspelt = try write("auth-typo.yaml", (try String(contentsOfFile: config, encoding: .utf8)) + "\notel: {endpoints: \"http://127.0.0.1:4318\"}\n")
        let typo = try await OMSCommand.run(["auth", "--config", misspelt, "--check"])
        #expect(typo.status == 2 && typo.error.contains("otel.endpoints: unknown key"), "\(typo.error)")
        let valid = try await OMSCommand.run(["auth", "--config", config, "--check"], environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"])
        #expect(valid.status == 0, "\(valid.error)")
    }

    /// The shipped oms-tracing.conf with its sampling at 100 %.
    static func everyTraceSampled() throws -> String {
        let shipped = try ShippedGateway.shipped("oms-tracing.conf")
        let sampling = #"""
                1% "01";
                * "00";
            """#
        guard shipped.contains(sampling) else {
            Issue.record("oms-tracing.conf no longer holds the shipped sampling")
            throw CancellationError()
        }
        return shipped.replacingOccurrences(of: sampling, with: #"    100% "01";"#)
    }

    static func randomHex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 1...255)) }.joined()
    }
}
