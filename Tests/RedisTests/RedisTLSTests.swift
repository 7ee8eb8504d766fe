import Foundation
import Redis
import Testing
import TestSupport
import TLS

/// The client and the subscriber against a redis-server that has only a TLS port and an ACL
/// user, as Azure Cache for Redis has: verification, `AUTH` on every (re)connect, and no
/// plain text, ever.
@Suite(.serialized)
struct RedisTLSTests {
    typealias Fixture = RedisFixture

    static let password = "tls-test-\(UUID().uuidString.prefix(8))"

    @Test func commandsRoundTripOverTLSWithAUTH() async throws {
        let pki = try TestPKI()
        let server = try await RedisServer.start(tls: pki, password: Self.password)
        defer { server.stop() }
        try await Fixture.withClient(server.endpoint, connections: 2) { client throws in
            let big = [UInt8](repeating: 0x5A, count: 300_000)
            #expect(try await client.command([Fixture.bytes("SET"), Fixture.bytes("k"), big]) == .status("OK"))
            #expect(try await client.command("GET", "k").bytes == big)
            let replies = try await client.pipeline((0..<50).map { _ in [Fixture.bytes("INCR"), Fixture.bytes("n")] })
            #expect(replies.last == .integer(50))
            #expect(try await client.command("ACL", "WHOAMI").text == "oms")
            // Survives a restart: the next call reconnects with TLS and AUTH again.
            try await server.restart()
            _ = try? await client.command("PING")
            #expect(try await client.command("PING") == .status("PONG"))
            #expect(try await client.command("ACL", "WHOAMI").text == "oms")
        }
        // The server saw TLS only: a plain-text client at the TLS port is logged as a handshake error.
        #expect(!server.log.contains("wrong version number"), "\(server.log.suffix(800))")
    }

    @Test func aTLSEndpointNeverFallsBackToPlainText() async throws {
        let pki = try TestPKI()
        let server = try await RedisServer.start(tls: pki, password: Self.password)
        defer { server.stop() }
        var untrusted = server.endpoint
        untrusted.tls = TLSSettings(caFile: pki.otherCAFile)
        try await Fixture.withClient(untrusted, timeout: .seconds(1)) { client in
            let (error, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
            #expect(error?.code == .tls, "\(String(describing: error))")
            #expect(error?.message.contains("certificate verify failed") == true, "\(String(describing: error))")
        }
        var misnamed = server.endpoint
        misnamed.tls = TLSSettings(caFile: pki.caFile, serverName: "cache.elsewhere.test")
        try await Fixture.withClient(misnamed, timeout: .seconds(1)) { client in
            let (error, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
            #expect(error?.code == .tls, "\(String(describing: error))")
        }
        // The server name is what is verified: the address with the certificate's name passes.
        var named = server.endpoint
        named.tls = TLSSettings(caFile: pki.caFile, serverName: "localhost")
        try await Fixture.withClient(named, timeout: .seconds(1)) { client throws in
            #expect(try await client.command("PING") == .status("PONG"))
        }
        // A plain client at the TLS port gets nowhere, and the refusals above sent no plain text.
        var plain = server.endpoint
        plain.tls = nil
        let logBefore = server.log.components(separatedBy: "wrong version number").count
        #expect(logBefore == 1, "plain text reached the server before the plain client: \(server.log.suffix(600))")
        try await Fixture.withClient(plain, timeout: .milliseconds(500)) { client in
            let (error, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
            #expect(error != nil)
        }
        // …and the server does notice plain text, so the check above can see it.
        #expect(await Fixture.eventually { server.log.contains("wrong version number") }, "\(server.log.suffix(600))")
    }

    @Test func aWrongPasswordIsAnAuthenticationErrorThatNeverShowsThePassword() async throws {
        let pki = try TestPKI()
        let server = try await RedisServer.start(tls: pki, password: Self.password)
        defer { server.stop() }
        var wrong = server.endpoint
        wrong.credentials = RedisCredentials(username: "oms", password: "not-\(Self.password)")
        try await Fixture.withClient(wrong) { client in
            let (error, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
            #expect(error?.code == .authentication, "\(String(describing: error))")
            #expect(error?.message.contains("WRONGPASS") == true, "\(String(describing: error))")
            #expect(error.map { !"\($0)".contains(Self.password) } == true)
        }
        var anonymous = server.endpoint
        anonymous.credentials = nil
        try await Fixture.withClient(anonymous) { client throws in
            // The default user is off: the server answers NOAUTH to every command.
            let reply = try await client.command("GET", "k")
            guard case .error(let message) = reply else {
                Issue.record("answered \(reply) without AUTH")
                return
            }
            #expect(message.hasPrefix("NOAUTH"), "\(message)")
        }
    }

    @Test func aServerThatAsksForAClientCertificateGetsOne() async throws {
        let pki = try TestPKI()
        let server = try await RedisServer.start(tls: pki, password: Self.password, clientCertificates: true)
        defer { server.stop() }
        var mutual = server.endpoint
        mutual.tls?.certFile = pki.clientCert
        mutual.tls?.keyFile = pki.clientKey
        try await Fixture.withClient(mutual) { client throws in
            #expect(try await client.command("PING") == .status("PONG"))
        }
        // Without one, or with one the server's CA did not sign, nothing gets through.
        var stranger = server.endpoint
        stranger.tls?.certFile = pki.strangerCert
        stranger.tls?.keyFile = pki.strangerKey
        for endpoint in [server.endpoint, stranger] {
            try await Fixture.withClient(endpoint, timeout: .seconds(1)) { client in
                let (error, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
                #expect(error != nil && error?.message.hasPrefix("tls: ") == true, "\(String(describing: error))")
            }
        }
    }

    @Test func theSubscriberListensOverTLS() async throws {
        let pki = try TestPKI()
        let server = try await RedisServer.start(tls: pki, password: Self.password)
        defer { server.stop() }
        let recorder = SubscriberRecorder()
        let subscriber = RedisSubscriber(
            endpoint: server.endpoint, channels: ["news"], timeout: .seconds(1),
            onConnect: { recorder.record(.connected) }, onMessage: { channel, payload in recorder.record(.message(channel, payload)) },
            onDisconnect: { recorder.record(.disconnected) }
        )
        subscriber.start()
        defer { subscriber.stop() }
        #expect(await Fixture.eventually { recorder.connects >= 1 })
        try await Fixture.withClient(server.endpoint) { client throws in
            _ = try await client.command("PUBLISH", "news", "hello")
        }
        #expect(await Fixture.eventually { recorder.messages.contains { $0.channel == "news" && $0.payload == Array("hello".utf8) } })
    }
}
