import Core
import EdgeRuntime
import Emulators
import Foundation
import JSON
import TestSupport
import Testing

/// The core calls refdata and the bridge, which check every caller's token, with a token of
/// its own from the client-credentials grant at the OIDM emulator.
@Suite struct ServiceIdentityTests {
    static func identityProvider(_ issuer: TestIssuer) async throws -> (port: Int, task: Task<Void, any Error>) {
        var configuration = OIDMEmulatorConfiguration(server: ServerSettings(host: "127.0.0.1", port: 0), jwksFile: issuer.jwksFile)
        configuration.clients = [EmulatedClient(id: "oms-core", secret: Secret("core-secret"), scopes: ["refdata.read", "documents.read", "documents.write"])]
        configuration.signing = EmulatedIssuer(keyFile: issuer.privateKeyFile, keyID: "ec-1", issuer: TestIssuer.issuer, domain: TestIssuer.domain, ttlSeconds: 60)
        let emulator = try OIDMEmulator(configuration: configuration)
        return await Loopback.serve(service: { listening in emulator.application(logger: CoreStack.quiet) { listening($0) } })
    }

    static func settings(_ upstreams: Upstreams, tokenPort: Int, secret: String) -> JobSettings {
        var settings = upstreams.jobSettings
        let client = ClientCredentials(tokenURL: "http://127.0.0.1:\(tokenPort)/oauth2/rest/rest/token", clientID: "oms-core", clientSecret: Secret(secret))
        settings.refdataClient = client
        settings.bridgeClient = client
        return settings
    }

    @Test func aRequestCompletesWithTheCoresOwnToken() async throws {
        let issuer = try TestIssuer()
        let upstreams = try await Upstreams.start(completeAfterMs: 50, verifying: issuer)
        try await upstreams.put("sources/crm", "{}")
        let (tokenPort, provider) = try await Self.identityProvider(issuer)
        defer { provider.cancel() }
        let core = try await CoreStack.start(jobs: Self.settings(upstreams, tokenPort: tokenPort, secret: "core-secret"))
        core.runJobs()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "identity-1").body?["id"]?.stringValue)
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == .string("COMPLETED"), "\(final.text)")
        #expect(try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"] == .array([]))
        await core.stop()
        await upstreams.stop()
    }

    @Test func aRefusedClientIsAnOutageTheJobRetriesAndRecords() async throws {
        let issuer = try TestIssuer()
        let upstreams = try await Upstreams.start(completeAfterMs: 50, verifying: issuer)
        try await upstreams.put("sources/crm", "{}")
        let (tokenPort, provider) = try await Self.identityProvider(issuer)
        defer { provider.cancel() }
        var settings = Self.settings(upstreams, tokenPort: tokenPort, secret: "wrong-secret")
        settings.maxAttempts = 2
        let core = try await CoreStack.start(jobs: settings)
        core.runJobs()
        let id = try #require(try await core.submit(PipelineTests.body(), key: "identity-2").body?["id"]?.stringValue)
        let final = try await core.waitForFinal(id)
        #expect(final.body?["status"] == .string("FAILED"), "\(final.text)")
        let errors = try await core.call("GET", "/v1/requests/\(id)/errors").body?["errors"]?.arrayValue ?? []
        // Each attempt is on record, with the provider's reason and never the secret.
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.allSatisfy { $0["code"] == .string("refdata_token_failed") && ($0["message"]?.stringValue ?? "").contains("HTTP 401 invalid_client") }, "\(errors)")
        #expect(!errors.description.contains("wrong-secret"))
        await core.stop()
        await upstreams.stop()
    }
}
