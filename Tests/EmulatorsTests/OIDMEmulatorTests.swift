import Curl
import EdgeRuntime
import Emulators
import Foundation
import JOSE
import JSON
import Logging
import TestSupport
import Testing

/// The OIDM emulator over HTTP, as `oms auth` (or any client) uses it.
@Suite(.serialized) struct OIDMEmulatorTests {
    struct Running {
        let port: Int
        let task: Task<Void, any Error>
        let signer: JWSSigner
        let folder: URL
    }

    func start(identityDomain: String? = nil) async throws -> Running {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-oidm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pair = try SigningKeyPair.generate(algorithm: .es256)
        let jwks = folder.appendingPathComponent("jwks.json")
        try Data(JSONValue.object(["keys": .array([pair.publicJWK(keyID: "k1")])]).serialized().utf8).write(to: jwks)
        let emulator = try OIDMEmulator(configuration: OIDMEmulatorConfiguration(
            server: ServerSettings(host: "127.0.0.1", port: 0), jwksFile: jwks.path, identityDomain: identityDomain
        ))
        let (port, task) = await Loopback.serve(service: { listening in
            emulator.application(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) { listening($0) }
        })
        return Running(port: port, task: task, signer: try JWSSigner(privateKeyPEM: pair.privateKeyPEM, algorithm: .es256, keyID: "k1"), folder: folder)
    }

    func token(_ signer: JWSSigner, exp: Double = Date().timeIntervalSince1970 + 300) throws -> String {
        try signer.sign(claims: ["sub": "alice", "exp": .number(exp.rounded(.down))])
    }

    @Test func validatesLikeOAM() async throws {
        let running = try await start()
        let http = CurlClient()
        let base = "http://127.0.0.1:\(running.port)/oauth2/rest/rest/token"
        let good = try token(running.signer)

        let ok = try await http.execute(CurlRequest(url: "\(base)?access_token=\(good)"))
        #expect(ok.status == 200)
        let claims = try StrictJSON.parse(ok.body)
        #expect(claims["sub"] == "alice")
        #expect(claims["active"] == true)

        let form = try await http.execute(CurlRequest(url: base, method: "POST", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("token=\(good)".utf8)))
        #expect(form.status == 200)

        let expired = try await http.execute(CurlRequest(url: "\(base)?access_token=\(try token(running.signer, exp: 1000))"))
        #expect(expired.status == 400)
        #expect(try StrictJSON.parse(expired.body)["errorCode"] == "OAUTH-10131")

        let missing = try await http.execute(CurlRequest(url: base))
        #expect(missing.status == 400)
        #expect(try StrictJSON.parse(missing.body)["errorDesc"] != nil)

        let garbage = try await http.execute(CurlRequest(url: "\(base)?access_token=a.b.c"))
        #expect(garbage.status == 400)

        let revoke = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(running.port)/admin/revoke", method: "POST", body: Array("{\"token\":\"\(good)\"}".utf8)))
        #expect(revoke.status == 200)
        let revoked = try await http.execute(CurlRequest(url: "\(base)?access_token=\(good)"))
        #expect(revoked.status == 400)
        #expect(try StrictJSON.parse(revoked.body)["errorCode"] == "OAUTH-10132")

        let badAdmin = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(running.port)/admin/delay", method: "POST", body: Array("{\"ms\":\"soon\"}".utf8)))
        #expect(badAdmin.status == 400)

        let stats = try StrictJSON.parse(try await http.execute(CurlRequest(url: "http://127.0.0.1:\(running.port)/admin/stats")).body)
        #expect(stats["validations"] == 6)
        running.task.cancel()
        await http.shutdown()
    }

    @Test func identityDomainIsRequiredWhenConfigured() async throws {
        let running = try await start(identityDomain: "OMS")
        let http = CurlClient()
        let url = "http://127.0.0.1:\(running.port)/oauth2/rest/rest/token?access_token=\(try token(running.signer))"
        #expect(try await http.execute(CurlRequest(url: url)).status == 400)
        #expect(try await http.execute(CurlRequest(url: url, headers: [("X-OAUTH-IDENTITY-DOMAIN-NAME", "Other")])).status == 400)
        #expect(try await http.execute(CurlRequest(url: url, headers: [("X-OAUTH-IDENTITY-DOMAIN-NAME", "OMS")])).status == 200)
        running.task.cancel()
        await http.shutdown()
    }

    @Test func refusesAMissingJWKS() {
        #expect(throws: OIDMEmulator.LoadError.self) {
            try OIDMEmulator(configuration: OIDMEmulatorConfiguration(jwksFile: "/nonexistent/jwks.json"))
        }
    }
}
