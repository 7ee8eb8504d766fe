import Curl
import Foundation
import JSON
import Kafka
import TestSupport
import Testing

/// Every role as its own `oms` process and every connection out of them over verified TLS
/// with credentials read from files, as on Azure: PostgreSQL taking TLS only with a password,
/// Redis with a TLS port only and an ACL user, Kafka behind TLS, and OIDM, Thunderhead,
/// refdata and the bridge behind HTTPS that requires a client certificate. A document
/// request crosses all of it, and no log, `/readyz` or `/metrics` holds a secret.
@Suite(.serialized) struct ProductionConnectivityTests {
    let files: TestFolder
    var folder: URL { files.url }
    let pki: TestPKI
    let secrets: (redis: String, thunderhead: String, client: String)

    init() throws {
        files = try TestFolder("oms-prod")
        pki = try TestPKI()
        secrets = ("redis-\(UUID().uuidString.prefix(12))", "thunderhead-\(UUID().uuidString.prefix(12))", "client-\(UUID().uuidString.prefix(12))")
    }

    func write(_ name: String, _ text: String) throws -> String {
        try files.write(name, text)
    }

    /// The client side of mutual TLS, as every HTTPS upstream of the test is configured.
    var clientTLS: String { "{ca_file: \(pki.caFile), cert_file: \(pki.clientCert), key_file: \(pki.clientKey)}" }

    @Test func aRequestCrossesEveryTLSConnectionAndNoSecretLeaks() async throws {
        let postgres = try await TLSPostgresServer(pki: pki)
        let redis = try await RedisServer.start(tls: pki, password: secrets.redis)
        defer { redis.stop() }
        let kafkaPort = Loopback.freePort()
        let broker = try await KafkaBroker.start(advertisedPort: kafkaPort)
        let kafka = try await TLSFront(.stream(upstream: broker.port), pki: pki, port: kafkaPort)
        defer { kafka.stop() }
        try broker.createTopic("oms.document.status", partitions: 1)

        let secretFiles = (
            postgres: try write("postgres.password", postgres.password + "\n"),
            redis: try write("redis.password", secrets.redis + "\n"),
            thunderhead: try write("thunderhead.password", secrets.thunderhead + "\n"),
            client: try write("core-client.secret", secrets.client + "\n")
        )
        let ports = Loopback.freePorts(6)
        let (oidmPort, thunderheadPort, authPort, bridgePort, refdataPort, corePort) = (ports[0], ports[1], ports[2], ports[3], ports[4], ports[5])

        // Signing keys and a token, as an operator makes them.
        let keys = folder.appendingPathComponent("keys").path
        #expect(try await OMSCommand.run(["keys", "generate", "--kid", "k1", "--out", keys]).status == 0)
        let claims = #"{"iss":"https://idp.oms.local","aud":"oms","sub":"alice","domain":"retail","scope":"documents.read documents.write"}"#
        let minted = try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k1", "--claims", claims])
        let token = minted.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(minted.status == 0 && token.split(separator: ".").count == 3, "\(minted.error)")
        /// A refdata administrator's token, for seeding.
        func admin() async throws -> [(name: String, value: String)] {
            let claims = #"{"iss":"https://idp.oms.local","aud":"oms","sub":"seeder","domain":"retail","scope":"refdata.admin"}"#
            let minted = try await OMSCommand.run(["token", "mint", "--key", "\(keys)/private.pem", "--kid", "k1", "--claims", claims])
            return [(name: "Authorization", value: "Bearer \(minted.output.trimmingCharacters(in: .whitespacesAndNewlines))")]
        }

        // The emulators on loopback, each reachable only through HTTPS with a client certificate.
        var processes: [(String, SpawnedProcess)] = []
        defer { for (_, process) in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func start(_ name: String, _ arguments: [String]) throws {
            processes.append((name, try OMSCommand.start(arguments, log: folder.appendingPathComponent("\(name).log"))))
        }
        // The identity provider also grants the core its own token (client credentials).
        let oidmConfig = try write("oidm.yaml", """
            server: {host: 127.0.0.1, port: \(oidmPort)}
            jwks: {file: \(keys)/jwks.json}
            clients: [{id: oms-core, secret_file: \(secretFiles.client), scopes: [refdata.read, documents.read, documents.write]}]
            signing: {key_file: \(keys)/private.pem, kid: k1, issuer: "https://idp.oms.local", domain: retail}
            log: {level: debug}
            """)
        try start("oidm", ["emulate", "oidm", "--config", oidmConfig])
        let thunderheadConfig = try write("thunderhead.yaml", """
            server: {host: 127.0.0.1, port: \(thunderheadPort)}
            username: oms
            password_file: \(secretFiles.thunderhead)
            complete_after_ms: 100
            log: {level: debug}
            """)
        try start("thunderhead", ["emulate", "thunderhead", "--config", thunderheadConfig])
        for port in [oidmPort, thunderheadPort] { #expect(await Loopback.waitUntilListening(port, timeout: .seconds(30)), "\(port)") }
        let oidmFront = try await TLSFront(.https(upstream: oidmPort, clientCertificate: true), pki: pki)
        let thunderheadFront = try await TLSFront(.https(upstream: thunderheadPort, clientCertificate: true), pki: pki)
        let database = "database: {url: '\(postgres.url(sslMode: "verify-full", extra: "&sslrootcert=\(pki.caFile)"))', password_file: \(secretFiles.postgres)}"

        let configs = [
            "auth": try write("auth.yaml", """
                server: {host: 127.0.0.1, port: \(authPort)}
                oidm: {url: "https://localhost:\(oidmFront.port)/oauth2/rest/rest/token", tls: \(clientTLS)}
                jwks: {file: \(keys)/jwks.json}
                token: {algorithms: [ES256], issuers: ["https://idp.oms.local"], audiences: [oms], allowed_domains: [retail]}
                routes:
                  - {prefix: /v1/documents, scopes: [documents.read]}
                log: {level: debug}
                """),
            "soap-bridge": try write("bridge.yaml", """
                server: {host: 127.0.0.1, port: \(bridgePort)}
                policies: \(CommandLineTests.root)/sidecars
                services:
                  thunderhead:
                    url: https://localhost:\(thunderheadFront.port)/thunderhead/services/JobAPIWebWrapped
                    username: oms
                    password_file: \(secretFiles.thunderhead)
                    tls: \(clientTLS)
                access: {jwks: {file: \(keys)/jwks.json}, token: {issuers: ["https://idp.oms.local"], audiences: [oms], allowed_domains: [retail]}}
                log: {level: debug}
                """),
            "refdata": try write("refdata.yaml", """
                server: {host: 127.0.0.1, port: \(refdataPort)}
                \(database)
                redis: {url: "rediss://127.0.0.1:\(redis.port)", username: oms, password_file: \(secretFiles.redis), tls: {ca_file: \(pki.caFile)}}
                cache: {near: {enabled: true}}
                access: {jwks: {file: \(keys)/jwks.json}, token: {issuers: ["https://idp.oms.local"], audiences: [oms], allowed_domains: [retail]}}
                log: {level: debug}
                """),
        ]
        for (role, config) in configs {
            let check = try await OMSCommand.run([role, "--config", config, "--check"])
            #expect(check.status == 0 && check.output.contains("configuration is valid"), "\(role): \(check.error)")
            try start(role, [role, "--config", config])
        }
        for port in [authPort, bridgePort, refdataPort] { #expect(await Loopback.waitUntilListening(port, timeout: .seconds(30)), "\(port)") }
        let refdataFront = try await TLSFront(.https(upstream: refdataPort, clientCertificate: true), pki: pki)
        let bridgeFront = try await TLSFront(.https(upstream: bridgePort, clientCertificate: true), pki: pki)
        let coreConfig = try write("core.yaml", """
            server: {host: 127.0.0.1, port: \(corePort)}
            \(database)
            refdata:
              url: "https://localhost:\(refdataFront.port)"
              tls: \(clientTLS)
              client: {token_url: "https://localhost:\(oidmFront.port)/oauth2/rest/rest/token", client_id: oms-core, client_secret_file: \(secretFiles.client), tls: \(clientTLS)}
            soap_bridge:
              url: "https://localhost:\(bridgeFront.port)"
              tls: \(clientTLS)
              client: {token_url: "https://localhost:\(oidmFront.port)/oauth2/rest/rest/token", client_id: oms-core, client_secret_file: \(secretFiles.client), tls: \(clientTLS)}
            jobs: {interval_ms: 50}
            kafka: {brokers: ["127.0.0.1:\(kafkaPort)"], security_protocol: ssl, tls: {ca_file: \(pki.caFile)}, interval_ms: 50}
            access: {jwks: {file: \(keys)/jwks.json}, token: {issuers: ["https://idp.oms.local"], audiences: [oms], allowed_domains: [retail]}}
            log: {level: debug}
            """)
        let coreCheck = try await OMSCommand.run(["core", "--config", coreConfig, "--check"])
        #expect(coreCheck.status == 0, "\(coreCheck.error)")
        try start("core", ["core", "--config", coreConfig])
        #expect(await Loopback.waitUntilListening(corePort, timeout: .seconds(30)))

        let http = CurlClient()
        // oms auth decides with OIDM through mutual TLS.
        let bearer = [(name: "Authorization", value: "Bearer \(token)")]
        let decision = try await http.call(port: authPort, "GET", "/auth", headers: bearer + [("X-Original-URI", "/v1/documents/7"), ("X-Original-Method", "GET")])
        #expect(decision.status == 200, "\(decision.text)")
        #expect(try await http.call(port: authPort, "GET", "/auth", headers: [("X-Original-URI", "/v1/documents/7"), ("X-Original-Method", "GET")]).status == 401)

        // Reference data in PostgreSQL (TLS) through the Redis cache (TLS, AUTH).
        for (path, body) in [("/refdata/v1/sources/crm", #"{"allowed": true}"#), ("/refdata/v1/enrichment/invoice", #"{"batchConfigResID": 7001, "projectID": 12}"#)] {
            let put = try await http.call(port: refdataPort, "PUT", path, json: body, headers: try await admin())
            #expect(put.status == 201 || put.status == 200, "\(path): \(put.text)")
        }
        // The core calls refdata and the bridge over mutual TLS; the bridge calls Thunderhead
        // the same way with its password; the final status goes to Kafka over TLS.
        // Every role checks the caller: nothing without a token, even on its own port.
        #expect(try await http.call(port: corePort, "POST", "/v1/requests", json: "{}", headers: [("Idempotency-Key", "prod-0")]).status == 401)
        #expect(try await http.call(port: refdataPort, "GET", "/refdata/v1/sources/crm").status == 401)
        let accepted = try await http.call(port: corePort, "POST", "/v1/requests", json: #"{"source": "crm", "documentType": "invoice", "data": {"customer": 42}}"#, headers: bearer + [("Idempotency-Key", "prod-1")])
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = accepted.body?["id"]?.stringValue ?? ""
        var status = ""
        let deadline = ContinuousClock.now + .seconds(30)
        while status != "COMPLETED", status != "FAILED", status != "REJECTED", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await http.call(port: corePort, "GET", "/v1/requests/\(id)", headers: bearer).body?["status"]?.stringValue ?? ""
        }
        let final = try await http.call(port: corePort, "GET", "/v1/requests/\(id)", headers: bearer).text
        #expect(status == "COMPLETED", "\(final)")
        let records = try await broker.read(topic: "oms.document.status", extra: KafkaProperties(["security.protocol": "ssl", "ssl.ca.location": pki.caFile]))
        #expect(records.contains { $0.key == Array(id.utf8) }, "\(records.count) records")

        // Every role is ready and says so per dependency.
        var answers: [String] = []
        for (role, port) in [("auth", authPort), ("soap-bridge", bridgePort), ("refdata", refdataPort), ("core", corePort)] {
            let ready = try await http.call(port: port, "GET", "/readyz")
            #expect(ready.status == 200, "\(role): \(ready.text)")
            answers.append(ready.text)
            answers.append(try await http.call(port: port, "GET", "/metrics").text)
        }
        #expect(answers[0].contains("\"oidm\":\"ok\""))
        #expect(answers[4].contains("\"redis\":\"ok\"") && answers[4].contains("\"database\":\"ok\""), "\(answers[4])")
        #expect(answers[6].contains("\"kafka\":\"ok\"") && answers[6].contains("\"refdata\":\"ok\"") && answers[6].contains("\"soap_bridge\":\"ok\""), "\(answers[6])")

        for (_, process) in processes { _ = try await OMSCommand.terminate(process) }
        await http.shutdown()
        // No secret in any log of any role (all at debug), nor in what they answered.
        let logs = try processes.map { name, _ in (name, try String(contentsOf: folder.appendingPathComponent("\(name).log"), encoding: .utf8)) }
        #expect(logs.allSatisfy { !$0.1.isEmpty })
        for (name, text) in logs + answers.map({ ("answer", $0) }) + [("postgres", postgres.log), ("redis", redis.log), ("nginx", oidmFront.log + thunderheadFront.log + refdataFront.log + bridgeFront.log)] {
            for secret in [secrets.redis, secrets.thunderhead, secrets.client, postgres.password] {
                #expect(!text.contains(secret), "\(name) holds a secret")
            }
        }
    }

    @Test func skippingVerificationIsWarnedAboutAtEveryStartAndByCheck() async throws {
        let keys = folder.appendingPathComponent("keys").path
        #expect(try await OMSCommand.run(["keys", "generate", "--kid", "k1", "--out", keys]).status == 0)
        let config = try write("auth-insecure.yaml", """
            server: {host: 127.0.0.1, port: \(Loopback.freePort())}
            oidm: {url: "https://localhost:1/token", tls: {insecure_skip_verify: true}}
            jwks: {file: \(keys)/jwks.json}
            token: {issuers: [x], audiences: [oms], allowed_domains: [retail]}
            """)
        let check = try await OMSCommand.run(["auth", "--config", config, "--check"])
        #expect(check.status == 0)
        #expect(check.error.contains("oms: warning: oidm.tls.insecure_skip_verify") && check.error.contains("NOT verified"), "\(check.error)")
        // And in the JSON log of every start.
        let logFile = folder.appendingPathComponent("auth-insecure.log")
        let auth = try OMSCommand.start(["auth", "--config", config], log: logFile)
        var logged = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, !logged.contains("\"listening\"") {
            try await Task.sleep(for: .milliseconds(100))
            logged = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        }
        #expect(try await OMSCommand.terminate(auth))
        let warning = logged.split(separator: "\n").first { $0.contains("insecure_skip_verify") }
        #expect(warning?.contains("\"level\":\"warning\"") == true, "\(logged.prefix(600))")
        // A client certificate whose key is another one's: refused offline, by --check.
        let mismatched = try write("bridge-bad.yaml", """
            policies: \(CommandLineTests.root)/sidecars
            services:
              thunderhead: {url: "https://th.example/x", tls: {cert_file: \(pki.clientCert), key_file: \(pki.serverKey)}}
            """)
        let refused = try await OMSCommand.run(["soap-bridge", "--config", mismatched, "--check"])
        #expect(refused.status == 2 && refused.error.contains("services.thunderhead.tls") && refused.error.contains("does not match"), "\(refused.error)")
    }
}
