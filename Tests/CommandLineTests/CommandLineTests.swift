import Curl
import Foundation
import JOSE
import TestSupport
import Testing

@Suite(.serialized) struct CommandLineTests {
    let files: TestFolder
    var folder: URL { files.url }

    init() throws {
        files = try TestFolder("oms-cli")
    }

    func file(_ name: String, _ text: String) throws -> String {
        try files.write(name, text)
    }

    @Test func helpExplainsItself() async throws {
        let top = try await OMSCommand.run(["--help"])
        #expect(top.status == 0)
        for word in ["auth", "soap-bridge", "refdata", "core", "emulate", "keys", "token", "OMS_"] { #expect(top.output.contains(word), "\(word)") }
        let auth = try await OMSCommand.run(["auth", "--help"])
        for key in ["oidm.url", "token.issuers", "routes", "--config"] { #expect(auth.output.contains(key), "\(key)") }
    }

    @Test func badConfigurationIsOneClearLineAndExitTwo() async throws {
        let missing = try await OMSCommand.run(["auth", "--config", try file("a.yaml", "jwks: {file: /x}\ntoken: {issuers: [i], audiences: [a]}\n")])
        #expect(missing.status == 2)
        #expect(missing.error == "oms: configuration error: token.allowed_domains: must list at least one value\n")
        let typo = try await OMSCommand.run(["auth", "--config", try file("b.yaml", "jwks: {file: /x}\ntoken: {issuers: [i], audiences: [a], allowed_domains: [d]}\noidm: {timout_ms: 5}\n")])
        #expect(typo.status == 2)
        #expect(typo.error.contains("oidm.timout_ms: unknown key"))
        let environment = try await OMSCommand.run(["auth", "--config", try file("c.yaml", "jwks: {file: /x}\ntoken: {issuers: [i], audiences: [a], allowed_domains: [d]}\n")], environment: ["OMS_SERVER_PORT": "http"])
        #expect(environment.status == 2)
        #expect(environment.error.contains("server.port: expected a whole number"))
        let unreadableKeys = try await OMSCommand.run(["auth", "--config", try file("d.yaml", "server: {port: 0}\njwks: {file: /nonexistent/jwks.json}\ntoken: {issuers: [i], audiences: [a], allowed_domains: [d]}\n")])
        #expect(unreadableKeys.status == 2)
        #expect(unreadableKeys.error.contains("jwks.file /nonexistent/jwks.json"))
        #expect(unreadableKeys.error.split(separator: "\n").count == 1)
    }

    @Test func theSOAPBridgeRefusesBadPoliciesAndServesHealth() async throws {
        let noURL = try await OMSCommand.run(["soap-bridge", "--config", try file("bridge-a.yaml", "policies: \(Self.root)/sidecars\n")])
        #expect(noURL.status == 2)
        #expect(noURL.error == "oms: configuration error: services.thunderhead.url: the SOAP endpoint of service 'thunderhead' is required (a policy for it exists)\n")
        let noFolder = try await OMSCommand.run(["soap-bridge", "--config", try file("bridge-b.yaml", "policies: /nonexistent\n")])
        #expect(noFolder.status == 2)
        #expect(noFolder.error.contains("policies: cannot read the policy folder /nonexistent"))

        let port = Loopback.freePort()
        let config = try file("bridge-c.yaml", "server: {port: \(port)}\npolicies: \(Self.root)/sidecars\nservices: {thunderhead: {url: \"http://127.0.0.1:\(Loopback.freePort())/soap\"}}\naccess: {mode: none}\n")
        let bridge = try OMSCommand.start(["soap-bridge", "--config", config], log: folder.appendingPathComponent("bridge.log"))
        defer { if bridge.isRunning { bridge.terminate() } }
        #expect(await Loopback.waitUntilListening(port))
        let http = CurlClient()
        #expect(try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/healthz")).status == 200)
        let missing = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/nothing"))
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/json")
        // access.mode: none answers anyone, and says so at every start.
        #expect(try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/thunderhead/v1/batches/1")).status != 401)
        let log = (try? String(contentsOf: folder.appendingPathComponent("bridge.log"), encoding: .utf8)) ?? ""
        let warned = log.split(separator: "\n").first { $0.contains("access.mode: none") }
        #expect(warned?.contains(#""level":"warning""#) == true, "\(log.prefix(600))")
        await http.shutdown()
        #expect(try await OMSCommand.terminate(bridge) && bridge.terminationStatus == 0)
    }

    @Test func refdataRefusesBadConfigurationAndServesOnSQLite() async throws {
        let cases: [(String, String)] = [
            ("database: {url: \"mysql://x@y/z\"}\n", "oms: configuration error: database.url: must start with sqlite: or postgres://\n"),
            ("redis: {url: \"redis://oms:pw@cache:6380\"}\n", "redis.url: invalid Redis URL: credentials do not go in the URL"),
            ("redis: {url: \"redis://cache\", tls: {ca_file: /nonexistent.pem}}\n", "redis.tls: tls: cannot read ca_file /nonexistent.pem"),
            ("cache: {jitter: 0.9}\n", "cache.jitter:"),
            ("cache: {near: {enabled: true}}\n", "cache.near.enabled: the near cache needs redis.url"),
            ("cache: {tll_s: 5}\n", "cache.tll_s: unknown key"),
        ]
        for (index, (yaml, expected)) in cases.enumerated() {
            let run = try await OMSCommand.run(["refdata", "--config", try file("refdata-\(index).yaml", "access: {mode: none}\n" + yaml)])
            #expect(run.status == 2, "\(yaml)")
            #expect(run.error.hasPrefix("oms: ") && run.error.contains(expected) && run.error.split(separator: "\n").count == 1, "\(run.error)")
        }
        // No access block: refused, saying what to set.
        let open = try await OMSCommand.run(["refdata", "--config", try file("refdata-open.yaml", "database: {url: \"sqlite:/tmp/x.db\"}\n")])
        #expect(open.status == 2 && open.error.contains("access: this role checks every caller's bearer token") && open.error.contains("access.mode: none"), "\(open.error)")
        let unreachable = try await OMSCommand.run(["refdata", "--config", try file("refdata-pg.yaml", "database: {url: \"postgres://oms@127.0.0.1:\(Loopback.freePort())/oms\", timeout_ms: 1000}\naccess: {mode: none}\n")])
        #expect(unreachable.status == 2)
        #expect(unreachable.error.contains("migration"), "\(unreachable.error)")

        let help = try await OMSCommand.run(["refdata", "--help"])
        for key in ["database.url", "redis.url", "cache.ttl_s", "If-Match", "--config"] { #expect(help.output.contains(key), "\(key)") }

        let port = Loopback.freePort()
        let database = folder.appendingPathComponent("refdata.db").path
        // The issuer oms auth trusts, and another one that no role trusts.
        let keys = folder.appendingPathComponent("keys").path
        let other = folder.appendingPathComponent("other-keys").path
        #expect(try await OMSCommand.run(["keys", "generate", "--alg", "ES256", "--kid", "k1", "--out", keys]).status == 0)
        #expect(try await OMSCommand.run(["keys", "generate", "--alg", "ES256", "--kid", "k1", "--out", other]).status == 0)
        func token(_ scope: String, key: String, expired: Bool = false, issuer: String = "https://idp.test") async throws -> String {
            let now = Int(Date().timeIntervalSince1970)
            let times = expired ? #","iat":\#(now - 600),"exp":\#(now - 120)"# : ""
            let claims = #"{"iss":"\#(issuer)","aud":"oms","sub":"svc","domain":"retail","scope":"\#(scope)"\#(times)}"#
            return try await OMSCommand.run(["token", "mint", "--key", "\(key)/private.pem", "--kid", "k1", "--claims", claims, "--ttl", "300"])
                .output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let config = try file("refdata-ok.yaml", """
            server: {port: \(port)}
            database: {url: "sqlite:\(database)"}
            access:
              jwks: {file: \(keys)/jwks.json}
              token: {issuers: ["https://idp.test"], audiences: [oms], allowed_domains: [retail]}

            """)
        let refdata = try OMSCommand.start(["refdata", "--config", config], log: folder.appendingPathComponent("refdata.log"))
        defer { if refdata.isRunning { refdata.terminate() } }
        #expect(await Loopback.waitUntilListening(port))
        let http = CurlClient()
        func put(_ bearer: String?) async throws -> CurlResponse {
            try await http.execute(CurlRequest(
                url: "http://127.0.0.1:\(port)/refdata/v1/sources/crm", method: "PUT",
                headers: [("Content-Type", "application/json")] + (bearer.map { [("Authorization", "Bearer \($0)")] } ?? []),
                body: Array(#"{"allowed":true}"#.utf8)
            ))
        }
        // Straight at the role's port, past the gateway: nobody unverified gets in.
        let anonymous = try await put(nil)
        #expect(anonymous.status == 401 && anonymous.header("WWW-Authenticate") == #"Bearer realm="oms""#, "\(anonymous.status)")
        let admin = try await token("refdata.read refdata.admin", key: keys)
        let refusals = [
            ("forged", try await token("refdata.admin", key: other)),
            ("expired", try await token("refdata.admin", key: keys, expired: true)),
            ("foreign issuer", try await token("refdata.admin", key: keys, issuer: "https://elsewhere.test")),
            ("tampered", String(admin.dropLast(2)) + (admin.hasSuffix("AA") ? "BB" : "AA")),
        ]
        for (name, bearer) in refusals {
            let refused = try await put(bearer)
            #expect(refused.status == 401 && refused.header("WWW-Authenticate") == #"Bearer realm="oms", error="invalid_token""#, "\(name): \(refused.status)")
        }
        let reader = try await put(try await token("refdata.read", key: keys))
        #expect(reader.status == 403, "a reader cannot write: \(reader.status)")
        #expect(reader.header("WWW-Authenticate") == #"Bearer realm="oms", error="insufficient_scope", scope="refdata.admin""#)
        let put = try await put(admin)
        #expect(put.status == 201, "\(put.status)")
        let read = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/refdata/v1/sources/crm", headers: [("Authorization", "Bearer \(try await token("refdata.read", key: keys))")]))
        #expect(read.status == 200, "\(read.status)")
        #expect(try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/readyz")).status == 200)
        await http.shutdown()
        #expect(try await OMSCommand.terminate(refdata) && refdata.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: database))
    }

    @Test func coreRefusesWhatItCannotDo() async throws {
        let kafka = try await OMSCommand.run(["core", "--config", try file("core-a.yaml", "kafka: {brokers: \"127.0.0.1:9092,localhost\"}\n")])
        #expect(kafka.status == 2)
        #expect(kafka.error.contains("kafka.brokers: expected host:port for each broker, got 'localhost'"), "\(kafka.error)")
        let topic = try await OMSCommand.run(["core", "--config", try file("core-t.yaml", "kafka: {brokers: [\"127.0.0.1:9092\"], topic: \"a/b\"}\n")])
        #expect(topic.status == 2)
        #expect(topic.error.contains("kafka.topic"), "\(topic.error)")
        let url = try await OMSCommand.run(["core", "--config", try file("core-b.yaml", "refdata: {url: \"ftp://x\"}\n")])
        #expect(url.status == 2)
        #expect(url.error.contains("refdata.url"), "\(url.error)")
        let help = try await OMSCommand.run(["core", "--help"])
        for key in ["Idempotency-Key", "database.url", "jobs.max_attempts", "soap_bridge.url", "kafka.brokers", "kafka.topic"] { #expect(help.output.contains(key), "\(key)") }
    }

    /// The core takes a request, its jobs keep failing against absent upstreams, and SIGTERM
    /// still stops it cleanly (the jobs finish their round).
    @Test func coreServesAndStopsOnSIGTERM() async throws {
        let port = Loopback.freePort()
        let nowhere = "http://127.0.0.1:\(Loopback.freePort())"
        let config = try file("core-ok.yaml", """
            server: {port: \(port)}
            database: {url: "sqlite:\(folder.path)/core.db"}
            refdata: {url: "\(nowhere)"}
            soap_bridge: {url: "\(nowhere)"}
            jobs: {interval_ms: 20, backoff_base_ms: 20}
            access: {mode: none}

            """)
        let core = try OMSCommand.start(["core", "--config", config], log: folder.appendingPathComponent("core.log"))
        defer { if core.isRunning { core.terminate() } }
        #expect(await Loopback.waitUntilListening(port))
        let http = CurlClient()
        let accepted = try await http.execute(CurlRequest(
            url: "http://127.0.0.1:\(port)/v1/requests", method: "POST",
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", "cli-1")],
            body: Array(#"{"source":"crm","documentType":"invoice","data":{}}"#.utf8)
        ))
        #expect(accepted.status == 202)
        try await Task.sleep(for: .milliseconds(300))
        await http.shutdown()
        #expect(try await OMSCommand.terminate(core) && core.terminationStatus == 0)
        let log = (try? String(contentsOf: folder.appendingPathComponent("core.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("\"msg\":\"step failed\""), "\(log.prefix(500))")
    }

    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The attack suite finds its catalog from any folder (next to the binary), as the command
    /// `oms dev` prints must run wherever it is pasted.
    @Test func theSuiteFindsItsCatalogFromAnyFolder() async throws {
        let keys = folder.appendingPathComponent("suite-keys").path
        #expect(try await OMSCommand.run(["keys", "generate", "--kid", "k1", "--out", keys]).status == 0)
        let token = try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k1", "--claims", #"{"iss":"x","aud":"oms","sub":"a"}"#])
        // An id no case has: the run stops right after the catalog loaded, naming the id.
        let run = try await OMSCommand.run(
            ["conformance", "--gateway", "http://127.0.0.1:1", "--valid-token", token.output.trimmingCharacters(in: .whitespacesAndNewlines), "--only", "NOPE-99"],
            directory: folder.path
        )
        #expect(run.status == 2 && run.error.contains("--only: no case NOPE-99"), "\(run.error)")
        #expect(!run.error.contains("cannot list the folder"))
    }

    @Test func keysAndTokensRoundTrip() async throws {
        let keys = folder.appendingPathComponent("keys").path
        for alg in ["ES256", "RS256", "PS256", "EdDSA"] {
            let generated = try await OMSCommand.run(["keys", "generate", "--alg", alg, "--kid", "k-\(alg)", "--out", keys, "--append"])
            #expect(generated.status == 0, "\(generated.error)")
            let minted = try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k-\(alg)", "--alg", alg, "--claims", "{\"sub\":\"alice\"}", "--ttl", "60"])
            #expect(minted.status == 0, "\(minted.error)")
            let jwks = try JWKS(json: Array(try Data(contentsOf: URL(fileURLWithPath: "\(keys)/jwks.json"))))
            let verified = try JWSVerifier(keys: jwks, algorithms: Set(JWSAlgorithm.allCases)).verify(minted.output.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(verified.claims["sub"] == "alice")
            #expect(verified.keyID == "k-\(alg)")
            #expect((verified.claims["exp"]?.numberValue ?? 0) - (verified.claims["iat"]?.numberValue ?? 0) == 60)
        }
        // --append kept every key.
        let jwks = try JWKS(json: Array(try Data(contentsOf: URL(fileURLWithPath: "\(keys)/jwks.json"))))
        #expect(jwks.keys.count == 4)
        let attrs = try FileManager.default.attributesOfItem(atPath: "\(keys)/private.pem")
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        let many = try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k-EdDSA", "--alg", "EdDSA", "--count", "5"])
        #expect(Set(many.output.split(separator: "\n")).count == 5)
        #expect(try await OMSCommand.run(["keys", "generate", "--alg", "none", "--kid", "x", "--out", keys]).status != 0)
        #expect(try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "x", "--claims", "[1]"]).status != 0)
    }

    @Test func rolesLogJSONAndStopGracefullyOnSIGTERM() async throws {
        let keys = folder.appendingPathComponent("keys").path
        #expect(try await OMSCommand.run(["keys", "generate", "--alg", "ES256", "--kid", "k1", "--out", keys]).status == 0)
        let oidmPort = Loopback.freePort(), authPort = Loopback.freePort()
        let oidm = try OMSCommand.start(["emulate", "oidm", "--port", "\(oidmPort)", "--jwks", "\(keys)/jwks.json"], log: folder.appendingPathComponent("oidm.log"))
        let config = try file("auth.yaml", """
            server: {port: \(authPort)}
            oidm: {url: "http://127.0.0.1:\(oidmPort)/oauth2/rest/rest/token"}
            jwks: {file: \(keys)/jwks.json}
            token: {algorithms: [ES256], issuers: [https://idp], audiences: [oms], allowed_domains: [retail]}
            """)
        let authLog = folder.appendingPathComponent("auth.log")
        let auth = try OMSCommand.start(["auth", "--config", config], log: authLog)
        defer { oidm.terminate(); if auth.isRunning { auth.terminate() } }

        let http = CurlClient()
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await http.execute(CurlRequest(url: "http://127.0.0.1:\(authPort)/readyz", timeout: .seconds(1))))?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "oms auth did not become ready: \((try? String(contentsOf: authLog, encoding: .utf8)) ?? "")")
        let token = try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k1", "--claims", "{\"iss\":\"https://idp\",\"aud\":\"oms\",\"domain\":\"retail\",\"sub\":\"bob\"}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(authPort)/auth", headers: [("Authorization", "Bearer \(token)")]))
        #expect(allowed.status == 200)
        #expect(allowed.header("X-Auth-Subject") == "bob")
        _ = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(authPort)/auth", headers: [("X-Request-Id", "cli-test-1")]))
        let metrics = String(decoding: try await http.execute(CurlRequest(url: "http://127.0.0.1:\(authPort)/metrics")).body, as: UTF8.self)
        #expect(metrics.contains("oms_auth_jwks_loads_total{result=\"ok\"} 1\n"), "the key set was loaded more than once at start-up")
        await http.shutdown()

        #expect(try await OMSCommand.terminate(auth), "oms auth ignored SIGTERM")
        #expect(auth.terminationStatus == 0)

        let lines = try String(contentsOf: authLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["msg"] != nil && object?["ts"] != nil && object?["level"] != nil, "not a JSON log line: \(line)")
        }
        #expect(lines.contains { $0.contains("\"reason\":\"missing_token\"") && $0.contains("\"request_id\":\"cli-test-1\"") })
    }
}
