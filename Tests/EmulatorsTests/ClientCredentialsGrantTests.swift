import Curl
import EdgeRuntime
import Emulators
import Foundation
import JSON
import Logging
import TestSupport
import Testing

/// The OIDM emulator's client-credentials grant (RFC 6749 §4.4) over HTTP, as the core uses it.
@Suite struct ClientCredentialsGrantTests {
    @Test func configuredClientsGetSignedTokensAndNobodyElseDoes() async throws {
        let issuer = try TestIssuer()
        var configuration = OIDMEmulatorConfiguration(server: ServerSettings(host: "127.0.0.1", port: 0), jwksFile: issuer.jwksFile)
        configuration.clients = [EmulatedClient(id: "oms-core", secret: Secret("s3cret:&="), scopes: ["refdata.read", "documents.write"])]
        configuration.signing = EmulatedIssuer(keyFile: issuer.privateKeyFile, keyID: "ec-1", issuer: TestIssuer.issuer, domain: TestIssuer.domain, ttlSeconds: 120)
        let emulator = try OIDMEmulator(configuration: configuration)
        let (port, task) = await Loopback.serve(service: { listening in
            emulator.application(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) { listening($0) }
        })
        defer { task.cancel() }
        let http = CurlClient()
        func grant(_ form: String, basic: (String, String)? = nil) async throws -> JSONAnswer {
            var headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded")]
            if let (id, secret) = basic {
                let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
                headers.append(("Authorization", "Basic " + Data("\(encode(id)):\(encode(secret))".utf8).base64EncodedString()))
            }
            let response = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/oauth2/rest/rest/token", method: "POST", headers: headers, body: Array(form.utf8)))
            return JSONAnswer(response)
        }

        // HTTP Basic, with a secret that needs form-encoding; all the client's scopes.
        let granted = try await grant("grant_type=client_credentials", basic: ("oms-core", "s3cret:&="))
        #expect(granted.status == 200, "\(granted.text)")
        #expect(granted.body?["token_type"] == .string("Bearer") && granted.body?["expires_in"] == .number(120))
        #expect(granted.header("Cache-Control") == "no-store")
        let token = try #require(granted.body?["access_token"]?.stringValue)
        // The token is the issuer's: the emulator's own validation takes it, with its claims.
        let validated = try await http.call(port: port, "GET", "/oauth2/rest/rest/token?access_token=\(token)")
        #expect(validated.status == 200, "\(validated.text)")
        #expect(validated.text.contains("oms-core") && validated.text.contains("refdata.read documents.write"), "\(validated.text)")

        // The form's fields, and a subset of the scopes.
        let narrow = try await grant("grant_type=client_credentials&client_id=oms-core&client_secret=s3cret%3A%26%3D&scope=refdata.read")
        #expect(narrow.status == 200 && narrow.body?["scope"] == .string("refdata.read"), "\(narrow.text)")

        let wrongSecret = try await grant("grant_type=client_credentials", basic: ("oms-core", "guess"))
        #expect(wrongSecret.status == 401 && wrongSecret.body?["error"] == .string("invalid_client") && wrongSecret.header("WWW-Authenticate") == #"Basic realm="oidm""#)
        #expect(try await grant("grant_type=client_credentials", basic: ("stranger", "s3cret:&=")).status == 401)
        #expect(try await grant("grant_type=client_credentials").status == 401)
        let scope = try await grant("grant_type=client_credentials&scope=operator", basic: ("oms-core", "s3cret:&="))
        #expect(scope.status == 400 && scope.body?["error"] == .string("invalid_scope"))
        let password = try await grant("grant_type=password&username=a&password=b", basic: ("oms-core", "s3cret:&="))
        #expect(password.status == 400 && password.body?["error"] == .string("unsupported_grant_type"))
        await http.shutdown()
    }
}
