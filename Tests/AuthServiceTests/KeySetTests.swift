import Curl
import Foundation
import JOSE
import TestSupport
import Testing
@testable import AuthService

/// Where the keys come from and when they are reloaded.
@Suite(.serialized) struct KeySetTests {
    func jwksLoads(_ stack: AuthStack) async throws -> String {
        let metrics = String(decoding: try await stack.get(stack.authPort, "/metrics").body, as: UTF8.self)
        return metrics.split(separator: "\n").first { $0.hasPrefix("oms_auth_jwks_loads_total{result=\"ok\"}") }.map(String.init) ?? ""
    }

    @Test func aRotatedKeyIsPickedUpOnItsFirstToken() async throws {
        let stack = try await AuthStack.start { $0.jwks.minRefreshIntervalSeconds = 0 }
        let next = try stack.issuer.rotate()
        #expect(try await stack.auth(try stack.issuer.token(signer: next)).status == 200)
        #expect(try await jwksLoads(stack) == "oms_auth_jwks_loads_total{result=\"ok\"} 2")
        await stack.stop()
    }

    @Test func unknownKidsCannotForceReloads() async throws {
        let stack = try await AuthStack.start { $0.jwks.minRefreshIntervalSeconds = 3600 }
        let next = try stack.issuer.rotate()
        for _ in 0..<20 {
            #expect(try await stack.auth(try stack.issuer.token(signer: next)).status == 401)
        }
        #expect(try await jwksLoads(stack) == "oms_auth_jwks_loads_total{result=\"ok\"} 1")
        await stack.stop()
    }

    @Test func keysFromAURL() async throws {
        let stack = try await AuthStack.start(jwksFromEmulator: true)
        #expect(try await stack.auth(try stack.issuer.token()).status == 200)
        #expect(try await stack.get(stack.authPort, "/readyz").status == 200)
        await stack.stop()
    }

    @Test func aJWKSURLThatIsDownMeansNotReadyAnd401() async throws {
        let stack = try await AuthStack.start { $0.jwks.source = .url("http://127.0.0.1:\(Loopback.freePort())/jwks") }
        let ready = try await stack.get(stack.authPort, "/readyz")
        #expect(ready.status == 503)
        #expect(String(decoding: ready.body, as: UTF8.self).contains("\"jwks\":\"not loaded\""))
        #expect(try await stack.auth(try stack.issuer.token()).status == 401)
        await stack.stop()
    }

    @Test func anUnusableJWKSFileStopsStartUp() async throws {
        let issuer = try TestIssuer()
        try Data("{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"AAAA\", \"y\": \"AAAA\"}]}".utf8).write(to: URL(fileURLWithPath: issuer.jwksFile))
        let role = AuthRole(
            configuration: AuthConfiguration(
                server: .init(port: 0), jwks: JWKSSettings(source: .file(issuer.jwksFile)),
                token: TokenPolicy(issuers: ["i"], audiences: ["a"], allowedDomains: ["d"])
            ),
            logger: AuthStack.quiet
        )
        await #expect(throws: AuthRole.StartError.self) { try await role.start() }
        await role.stop()
    }
}
