import Foundation
import TestSupport
import Testing
import TLS
@testable import AuthService

/// `oms auth` calling OIDM and the JWKS URL over HTTPS through nginx, which requires a client
/// certificate signed by a private CA the test makes.
@Suite(.serialized) struct OIDMOverTLSTests {
    @Test func decidesThroughHTTPSWithAClientCertificate() async throws {
        let pki = try TestPKI()
        let stack = try await AuthStack.start(jwksFromEmulator: true, oidmFront: pki)
        let response = try await stack.auth(try stack.issuer.token())
        #expect(response.status == 200)
        #expect(try await stack.oidmValidations() == 1)
        #expect(try await stack.counter("oms_auth_jwks_loads_total{result=\"ok\"}") >= 1)
        #expect(try await stack.get(stack.authPort, "/readyz").status == 200)
        await stack.stop()
    }

    @Test func withoutTheClientCertificateItFailsClosed() async throws {
        let pki = try TestPKI()
        let stack = try await AuthStack.start(oidmFront: pki) { configuration in
            configuration.oidm.tls.certFile = nil
            configuration.oidm.tls.keyFile = nil
        }
        let response = try await stack.auth(try stack.issuer.token())
        #expect(response.status == 401)
        #expect(try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"oidm_unavailable\"}") == 1)
        #expect(try await stack.oidmValidations() == 0)
        await stack.stop()
    }

    @Test func anUntrustedCertificateIsAnOIDMFaultThatOpensTheBreaker() async throws {
        let pki = try TestPKI()
        let stack = try await AuthStack.start(oidmFront: pki) { configuration in
            configuration.oidm.tls.caFile = pki.otherCAFile
            configuration.oidm.breakerFailures = 3
        }
        let token = try stack.issuer.token()
        for _ in 0..<5 {
            #expect(try await stack.auth(token).status == 401)
        }
        #expect(try await stack.counter("oms_auth_oidm_tls_failures_total") == 3)
        #expect(try await stack.counter("oms_auth_oidm_breaker_rejections_total") == 2)
        #expect(try await stack.oidmValidations() == 0)
        await stack.stop()
    }

    @Test func theServerNameIsWhatIsVerified() async throws {
        let pki = try TestPKI()
        // The certificate names localhost and 127.0.0.1; the URL's host is the address.
        let named = try await AuthStack.start(oidmFront: pki) { configuration in
            configuration.oidm.url = configuration.oidm.url.replacingOccurrences(of: "localhost", with: "127.0.0.1")
            configuration.oidm.tls.serverName = "localhost"
        }
        #expect(try await named.auth(try named.issuer.token()).status == 200)
        await named.stop()

        let misnamed = try await AuthStack.start(oidmFront: pki) { configuration in
            configuration.oidm.url = configuration.oidm.url.replacingOccurrences(of: "localhost", with: "127.0.0.1")
            configuration.oidm.tls.serverName = "oidm.elsewhere.test"
        }
        #expect(try await misnamed.auth(try misnamed.issuer.token()).status == 401)
        #expect(try await misnamed.counter("oms_auth_oidm_tls_failures_total") == 1)
        #expect(try await misnamed.oidmValidations() == 0)
        let ready = try await misnamed.get(misnamed.authPort, "/readyz")
        let oidm = String(decoding: ready.body, as: UTF8.self)
        #expect(ready.status == 200 && oidm.contains("\"oidm\":\"degraded: tls: "), "\(oidm)")
        await misnamed.stop()
    }
}
