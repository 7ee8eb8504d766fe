import Access
import AuthService
import EdgeRuntime
import Emulators
import Logging
import RefData
import TestSupport
import Testing

/// A role whose issuer publishes its keys at a URL that is down when the role starts: it
/// starts, says it is not ready, and becomes ready once the keys can be fetched, with no
/// request needed to ask (a pod that is not ready gets none).
@Suite struct AccessKeysTests {
    @Test func keysAtADownURLAreFetchedOnceItAnswers() async throws {
        let issuer = try TestIssuer()
        let keysPort = Loopback.freePort()
        let access = AccessConfiguration(
            mode: .verify(
                jwks: JWKSSettings(source: .url("http://127.0.0.1:\(keysPort)/jwks"), minRefreshIntervalSeconds: 0),
                token: TokenPolicy(issuers: [TestIssuer.issuer], audiences: [TestIssuer.audience], allowedDomains: [TestIssuer.domain]),
                cacheEntries: 100
            ),
            scopes: RefDataConfiguration.accessEndpoints
        )
        let stack = try await RefDataStack.start(redis: false, access: access)
        let bearer = [(name: "Authorization", value: "Bearer \(try issuer.token(["scope": "refdata.read"]))")]
        let notReady = try await stack.call("GET", "/readyz")
        #expect(notReady.status == 503 && notReady.body?["checks"]?["access"] == .string("no usable key set yet"), "\(notReady.text)")
        #expect(try await stack.call("GET", "/refdata/v1/sources/crm", headers: bearer).status == 401, "no keys: nobody is let in")

        // The issuer comes up (the OIDM emulator serves the JWKS at /jwks).
        let emulator = try OIDMEmulator(configuration: OIDMEmulatorConfiguration(server: ServerSettings(host: "127.0.0.1", port: keysPort), jwksFile: issuer.jwksFile))
        let (_, task) = await Loopback.serve(service: { listening in emulator.application(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) { listening($0) } })
        defer { task.cancel() }
        var ready = 0
        for _ in 0..<50 where ready != 200 {
            ready = try await stack.call("GET", "/readyz").status
            if ready != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready == 200, "ready once the keys answer, with no token having asked")
        #expect(try await stack.call("GET", "/refdata/v1/sources/crm", headers: bearer).status == 404, "past the check: no such item")
        await stack.stop()
    }
}
