import Core
import EdgeRuntime
import Foundation
import Kafka
import TestSupport
import Testing
import TLS

/// The outbox relay through a TLS front (nginx `stream`, asking for a client certificate) to
/// the broker, configured the way an operator does (`kafka.security_protocol`, `kafka.tls.*`):
/// a wrong CA keeps the events in the outbox, says why in `/readyz`, and the right one sends
/// them all.
@Suite(.serialized) struct KafkaTLSTests {
    static let topic = "oms.document.status"

    /// The front asks for a client certificate: the relay presents the test CA's.
    static func outbox(port: Int, ca: String, pki: TestPKI) throws -> OutboxSettings {
        let reader = try ConfigReader(yaml: """
            kafka:
              brokers: [127.0.0.1:\(port)]
              security_protocol: ssl
              tls:
                ca_file: \(ca)
                cert_file: \(pki.clientCert)
                key_file: \(pki.clientKey)
              interval_ms: 50
              message_timeout_ms: 2000
            """ + "\n" + AccessYAML.verifying)
        let outbox = try CoreConfiguration(reader: reader).outbox
        try reader.checkNoUnknownKeys()
        return outbox
    }

    @Test func eventsWaitWhileTheCAIsWrongAndGoOutWithTheRightOne() async throws {
        let pki = try TestPKI()
        let frontPort = Loopback.freePort()
        let broker = try await KafkaBroker.start(advertisedPort: frontPort)
        let front = try await TLSFront(.stream(upstream: broker.port, clientCertificate: true), pki: pki, port: frontPort)
        defer { front.stop() }
        try broker.createTopic(Self.topic, partitions: 4)
        let upstreams = try await Upstreams.start(completeAfterMs: 50)
        try await upstreams.put("sources/crm", "{}")

        let wrong = try await CoreStack.start(jobs: upstreams.jobSettings, outbox: try Self.outbox(port: frontPort, ca: pki.otherCAFile, pki: pki))
        wrong.runJobs()
        wrong.runRelay()
        var ids: [String] = []
        for index in 0..<3 {
            ids.append(try #require(try await wrong.submit(PipelineTests.body(), key: "tls-\(index)").body?["id"]?.stringValue))
        }
        for id in ids { #expect(try await wrong.waitForFinal(id).body?["status"] == "COMPLETED") }
        let check = try await wrong.readinessCheck("kafka", until: "certificate verify failed")
        #expect(check.hasPrefix("failing (events wait in the outbox)") && check.contains("certificate verify failed"), "\(check)")
        #expect(try await wrong.call("GET", "/readyz").status == 200, "Kafka down is not \"not ready\"")
        #expect(try await wrong.role.store.unsentEvents(limit: 10).count == 3)
        await wrong.stop()

        let right = try await CoreStack.start(database: wrong.database, outbox: try Self.outbox(port: frontPort, ca: pki.caFile, pki: pki))
        right.runRelay()
        #expect(await OutboxTests.outboxDrains(right, within: .seconds(30)), "front: \(front.log.suffix(1000))")
        #expect(try await right.call("GET", "/readyz").body?["checks"]?["kafka"]?.stringValue == "ok")
        let tls = KafkaProperties([
            "security.protocol": "ssl", "ssl.ca.location": pki.caFile,
            "ssl.certificate.location": pki.clientCert, "ssl.key.location": pki.clientKey,
        ])
        let records = try await broker.read(topic: Self.topic, partitions: 4, extra: tls)
        #expect(Set(records.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == Set(ids))
        await right.stop()
        await upstreams.stop()
    }

    /// SASL over TLS to a broker that refuses the login (tansu 0.6 asks for SCRAM but stores
    /// no credentials, so every login fails): the refusal is in the log and in `/readyz`
    /// within seconds, once per cause rather than once per retry, the events wait in the
    /// outbox, and the password appears nowhere.
    @Test func aRefusedLoginKeepsEventsAndSaysWhyWithoutThePassword() async throws {
        let pki = try TestPKI()
        let frontPort = Loopback.freePort()
        let broker = try await KafkaBroker.start(advertisedPort: frontPort, authentication: true)
        let front = try await TLSFront(.stream(upstream: broker.port), pki: pki, port: frontPort)
        defer { front.stop() }
        let password = "scram-\(UUID().uuidString.prefix(12))"
        let passwordFile = pki.folder.appendingPathComponent("kafka-password")
        try Data((password + "\n").utf8).write(to: passwordFile)
        let reader = try ConfigReader(yaml: """
            kafka:
              brokers: [127.0.0.1:\(frontPort)]
              security_protocol: sasl_ssl
              sasl_mechanism: SCRAM-SHA-256
              sasl_username: oms
              sasl_password_file: \(passwordFile.path)
              tls:
                ca_file: \(pki.caFile)
              interval_ms: 50
              message_timeout_ms: 2000
            """ + "\n" + AccessYAML.verifying)
        let outbox = try CoreConfiguration(reader: reader).outbox
        let upstreams = try await Upstreams.start(completeAfterMs: 50)
        try await upstreams.put("sources/crm", "{}")
        let log = CapturedLog()
        let core = try await CoreStack.start(jobs: upstreams.jobSettings, outbox: outbox, logger: log.logger)
        core.runJobs()
        core.runRelay()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "sasl").body?["id"]?.stringValue)
        #expect(try await core.waitForFinal(id).body?["status"] == "COMPLETED")
        let check = try await core.readinessCheck("kafka", until: "SASL authentication error")
        #expect(check.contains("_AUTHENTICATION") && check.contains("SASL authentication error"), "\(check)")
        // A few seconds of retries: the cause is logged as a warning once, not per retry.
        try await Task.sleep(for: .seconds(3))
        #expect(try await core.role.store.unsentEvents(limit: 10).map(\.requestID) == [id])
        let warnings = log.text.split(separator: "\n").filter { $0.hasPrefix("warning") && $0.contains("SASL authentication error") }
        #expect(warnings.count >= 1 && warnings.count <= 3, "\(warnings.count) warnings: \(warnings.prefix(5))")
        let everything = [log.text, try await core.call("GET", "/readyz").text, try await core.call("GET", "/metrics").text, front.log, broker.log]
        for text in everything {
            #expect(!text.contains(password), "the Kafka password appeared: \(text.prefix(300))")
        }
        await core.stop()
        await upstreams.stop()
    }

    /// The jobs' HTTPS calls: `/readyz` reports refdata and the bridge as the jobs reach them,
    /// so a CA the jobs do not trust shows there with its reason (reported, not required).
    @Test func readinessReportsTheJobsUpstreamsWithTheirTLS() async throws {
        let pki = try TestPKI()
        let upstreams = try await Upstreams.start()
        let refdata = try await TLSFront(.https(upstream: upstreams.refdataPort, clientCertificate: true), pki: pki)
        let bridge = try await TLSFront(.https(upstream: upstreams.bridgePort, clientCertificate: true), pki: pki)
        defer { refdata.stop(); bridge.stop() }
        var jobs = upstreams.jobSettings
        jobs.refdataURL = "https://localhost:\(refdata.port)"
        jobs.bridgeURL = "https://localhost:\(bridge.port)"
        jobs.refdataTLS = TLSSettings(caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey)
        jobs.bridgeTLS = TLSSettings(caFile: pki.otherCAFile, certFile: pki.clientCert, keyFile: pki.clientKey)
        let core = try await CoreStack.start(jobs: jobs)
        let ready = try await core.call("GET", "/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        #expect(ready.body?["checks"]?["refdata"] == "ok", "\(ready.text)")
        #expect(ready.body?["checks"]?["soap_bridge"]?.stringValue?.hasPrefix("tls: ") == true, "\(ready.text)")
        await core.stop()
        await upstreams.stop()
    }

    @Test func theSettingsMapToLibrdkafkaAndOwnedNamesAreRefused() throws {
        let pki = try TestPKI()
        let password = pki.folder.appendingPathComponent("eventhubs")
        try Data("Endpoint=sb://oms.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc=\n".utf8).write(to: password)
        let reader = try ConfigReader(yaml: """
            kafka:
              brokers: [oms.servicebus.windows.net:9093]
              security_protocol: sasl_ssl
              sasl_mechanism: PLAIN
              sasl_username: $ConnectionString
              sasl_password_file: \(password.path)
              properties:
                socket.keepalive.enable: "true"
                metadata.max.age.ms: "180000"
                request.timeout.ms: "60000"
            """ + "\n" + AccessYAML.verifying)
        let outbox = try CoreConfiguration(reader: reader).outbox
        try reader.checkNoUnknownKeys()
        #expect(reader.warnings.isEmpty)
        let connection = outbox.connection
        #expect(connection["security.protocol"] == "sasl_ssl")
        #expect(connection["sasl.mechanisms"] == "PLAIN")
        #expect(connection["sasl.username"] == "$ConnectionString")
        #expect(connection["sasl.password"] == "Endpoint=sb://oms.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc=")
        #expect(connection["ssl.endpoint.identification.algorithm"] == "https")
        #expect(connection["metadata.max.age.ms"] == "180000")
        #expect(!"\(connection)".contains("SharedAccessKey=abc"), "\(connection)")

        let refusals: [(String, String)] = [
            ("properties: {acks: \"1\"}", "kafka.properties.acks"),
            ("properties: {enable.idempotence: \"false\"}", "kafka.properties.enable.idempotence"),
            ("properties: {sasl.password: x}", "kafka.properties.sasl.password"),
            ("properties: {no.such.property: \"1\"}", "kafka.properties.no.such.property"),
            ("properties: {linger.ms: lots}", "kafka.properties.linger.ms"),
            ("security_protocol: sasl_ssl", "kafka.sasl_username"),
            ("security_protocol: ssl\n  sasl_username: u", "kafka.security_protocol"),
            ("security_protocol: sasl_ssl\n  sasl_mechanism: GSSAPI\n  sasl_username: u\n  sasl_password: p", "kafka.sasl_mechanism"),
            ("tls:\n    ca_file: \(pki.caFile)", "kafka.tls"),
            ("security_protocol: ssl\n  tls:\n    server_name: kafka.internal", "kafka.tls.server_name"),
            ("security_protocol: tls", "kafka.security_protocol"),
        ]
        for (block, key) in refusals {
            do {
                _ = try CoreConfiguration(reader: try ConfigReader(yaml: "kafka:\n  brokers: [127.0.0.1:9092]\n  \(block)\n"))
                Issue.record("accepted: \(block)")
            } catch {
                #expect(error.key == key, "\(block): \(error)")
            }
        }
    }
}
